"""Claim check: the provider gateway fetches the contact of a consenting participant."""
