"""sitegen: validate council-NHS care finance data packages and publish them as a static site."""

__version__ = "0.1.0"
