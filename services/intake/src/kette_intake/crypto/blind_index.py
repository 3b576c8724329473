"""A keyed blind index: finds the same name and birth date without storing either in clear."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import date


def normalise_name(name: str) -> str:
    """Case, accents, hyphens and spacing vary between forms; the person does not."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = "".join(char if char.isalnum() else " " for char in letters).split()
    return " ".join(words)


class BlindIndex:
    """HMAC-SHA256 under a key from settings: without the key the index is not guessable."""

    def __init__(self, key: bytes, ki_id: str) -> None:
        self._key = key
        self._ki_id = ki_id

    def of(self, given_name: str, family_name: str, birth_date: date) -> str:
        """Same person (as far as a form can tell) in this KI, same index."""
        parts = (self._ki_id, normalise_name(given_name), normalise_name(family_name))
        message = "\x1f".join((*parts, birth_date.isoformat())).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
