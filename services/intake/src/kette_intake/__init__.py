"""Kette intake: the caseworkers' door, and the only place personal data lives."""
