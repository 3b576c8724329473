"""Shared event contract and plumbing for every Kette service."""
