"""Envelope encryption: erase one person by destroying one wrapped key (crypto-shredding)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
_DATA_CONTEXT = b"kette-intake/personal-data/v1:"
_KEY_CONTEXT = b"kette-intake/data-key/v1:"


@dataclass(frozen=True)
class SealedData:
    """What the database stores: ciphertext, the wrapped data key and which KEK wrapped it."""

    ciphertext: bytes
    wrapped_key: bytes
    kek_id: str


class PersonalDataSealer:
    """AES-GCM with the participant id as associated data, so rows cannot be swapped."""

    def __init__(self, key_encryption_key: bytes, kek_id: str) -> None:
        self._kek = AESGCM(key_encryption_key)
        self._kek_id = kek_id

    def seal(self, participant_id: str, plaintext: bytes) -> SealedData:
        """Encrypt under a fresh data key and wrap that key."""
        data_key = AESGCM.generate_key(bit_length=256)
        return SealedData(
            ciphertext=_encrypt(AESGCM(data_key), plaintext, _DATA_CONTEXT, participant_id),
            wrapped_key=_encrypt(self._kek, data_key, _KEY_CONTEXT, participant_id),
            kek_id=self._kek_id,
        )

    def open(self, participant_id: str, sealed: SealedData) -> bytes:
        """Unwrap the data key, then decrypt; raises InvalidTag on tampering or a wrong key."""
        if sealed.kek_id != self._kek_id:
            raise LookupError(f"data key was wrapped by {sealed.kek_id}, not {self._kek_id}")
        data_key = _decrypt(self._kek, sealed.wrapped_key, _KEY_CONTEXT, participant_id)
        return _decrypt(AESGCM(data_key), sealed.ciphertext, _DATA_CONTEXT, participant_id)


def _encrypt(cipher: AESGCM, plaintext: bytes, context: bytes, participant_id: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + cipher.encrypt(nonce, plaintext, context + participant_id.encode())


def _decrypt(cipher: AESGCM, sealed: bytes, context: bytes, participant_id: str) -> bytes:
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    return cipher.decrypt(nonce, body, context + participant_id.encode())
