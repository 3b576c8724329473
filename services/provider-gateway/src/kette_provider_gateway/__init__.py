"""Kette provider gateway service; its business logic arrives with its own issue."""
