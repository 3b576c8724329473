"""Accounts: create with an argon2 hash, authenticate without telling which part was wrong."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.auth.models import AccountRow
from kette_intake.auth.principal import Principal

_HASHER = PasswordHasher()
_UNKNOWN_USER_HASH = _HASHER.hash("an unknown user still costs one verification")
ACTOR_PREFIX = {
    ActorRole.CASEWORKER: "cw",
    ActorRole.COORDINATOR: "co",
    ActorRole.AUDITOR: "au",
    ActorRole.ADMIN: "ad",
}
MIN_PASSWORD_LENGTH = 12


async def create_account(
    session: AsyncSession, username: str, password: str, role: ActorRole, kommunen: list[str]
) -> Principal:
    """Store a new account; the caller commits."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    actor_id = f"{ACTOR_PREFIX[role]}-{uuid.uuid4().hex[:12]}"
    session.add(
        AccountRow(
            id=actor_id,
            username=username,
            password_hash=_HASHER.hash(password),
            role=role.value,
            kommunen=kommunen,
            created_at=datetime.now(UTC),
        )
    )
    return Principal(actor_id=actor_id, role=role, kommunen=tuple(kommunen))


async def authenticate(session: AsyncSession, username: str, password: str) -> Principal | None:
    """The account's principal, or None; an unknown name takes as long as a wrong password."""
    account = (
        await session.exec(select(AccountRow).where(AccountRow.username == username))
    ).first()
    try:
        _HASHER.verify(account.password_hash if account else _UNKNOWN_USER_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None:
        return None
    return Principal(
        actor_id=account.id, role=ActorRole(account.role), kommunen=tuple(account.kommunen)
    )
