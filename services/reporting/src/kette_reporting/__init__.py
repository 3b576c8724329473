"""Kette reporting service; its business logic arrives with its own issue."""
