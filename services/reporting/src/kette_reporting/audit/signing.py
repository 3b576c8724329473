"""Ed25519 keys for tree heads: PEM files, a short key id, signatures over canonical JSON."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyFileError(ValueError):
    """A key file that is missing or not an Ed25519 key of the kind asked for."""


def canonical_json(data: Any) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, ASCII only."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def generate(private_path: Path, public_path: Path) -> str:
    """Write a new key pair (the private file readable by its owner only); return its key id."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private_pem)
    public = key.public_key()
    public_format = serialization.PublicFormat.SubjectPublicKeyInfo
    public_path.write_bytes(public.public_bytes(serialization.Encoding.PEM, public_format))
    return key_id(public)


def load_private(path: Path) -> Ed25519PrivateKey:
    """The signing key of a `keygen` private file."""
    key = _load(path, "private", lambda data: serialization.load_pem_private_key(data, None))
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 private key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    """The verifying key of a `keygen` public file."""
    key = _load(path, "public", serialization.load_pem_public_key)
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: not an Ed25519 public key")
    return key


def _load(path: Path, kind: str, parse: Callable[[bytes], object]) -> object:
    try:
        return parse(path.read_bytes())
    except (OSError, ValueError, TypeError) as error:
        raise KeyFileError(f"{path}: not a readable {kind} key ({type(error).__name__})") from None


def key_id(public: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 over the raw public key, to tell keys apart."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, statement: Any) -> str:
    """Base64 Ed25519 signature over the statement's canonical JSON."""
    return base64.b64encode(key.sign(canonical_json(statement))).decode()


def is_signed_by(public: Ed25519PublicKey, statement: Any, signature: str) -> bool:
    """Whether `signature` is the key's signature over exactly this statement."""
    try:
        public.verify(base64.b64decode(signature, validate=True), canonical_json(statement))
    except (InvalidSignature, ValueError):
        return False
    return True
