"""German words that change with a number: '1 Fall', '2 Fälle', '0 Fälle'."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str) -> str:
    """The count with its noun; German uses the singular for exactly one only."""
    return f"{count} {singular if count == 1 else plural}"
