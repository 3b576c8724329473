"""Caseworker accounts, bearer tokens and who may see which participant."""
