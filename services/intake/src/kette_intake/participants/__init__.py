"""Registering participants and reading their personal data."""
