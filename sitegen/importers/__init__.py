"""Importers of official returns: one small adapter module per file layout, and a shared core."""
