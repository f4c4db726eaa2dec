"""`sitegen new`: a minimal project that validates and builds, on SYNTHETIC data, for a user to make their own."""
