"""API keys: a public key id to find the row, a random secret of which only a hash is kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX = "kette_"
"""Makes a leaked key recognisable to secret scanners and people."""


@dataclass(frozen=True)
class NewKey:
    """A key as shown once to the provider, and what is stored of it."""

    key_id: str
    secret_hash: str
    api_key: str


def new_key() -> NewKey:
    """256 random bits; a fast hash suffices for secrets that cannot be guessed."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return NewKey(key_id, hash_secret(secret), f"{PREFIX}{key_id}.{secret}")


def hash_secret(secret: str) -> str:
    """SHA-256 of the secret part, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(api_key: str) -> tuple[str, str] | None:
    """(key_id, secret) of a well-formed key, else None."""
    if not api_key.startswith(PREFIX) or "." not in api_key:
        return None
    key_id, secret = api_key[len(PREFIX) :].split(".", 1)
    if len(key_id) != 16 or not secret:
        return None
    return key_id, secret


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant-time comparison, so timing tells nothing about the stored hash."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)
