"""Demo logins in intake: a caseworker per Kommune, a coordinator, an auditor and an admin.

Created once in intake's database; a second `make demo` finds them and creates nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import select

from kette_core.contracts.vocabulary import ActorRole
from kette_core.db import create_engine, session_factory
from kette_devstack.scenario.cohort import caseworker_for
from kette_intake.app import migrate
from kette_intake.auth.accounts import create_account
from kette_intake.auth.models import AccountRow

DEMO_PASSWORD = "kette-demo-passwort"
"""One password for every demo login: a local demo, never a deployment."""


@dataclass(frozen=True)
class DemoAccount:
    """One login and what it is for."""

    username: str
    role: ActorRole
    kommunen: tuple[str, ...]
    purpose_de: str


def demo_accounts(kommunen: Sequence[str]) -> list[DemoAccount]:
    """Caseworkers first (the scenario registers and decides as them), then the other roles."""
    caseworkers = [
        DemoAccount(caseworker_for(k), ActorRole.CASEWORKER, (k,), f"Teilhabemanagerin {k}")
        for k in kommunen
    ]
    return [
        *caseworkers,
        DemoAccount("koordination", ActorRole.COORDINATOR, (), "Koordination, ganzer Kreis"),
        DemoAccount("pruefung", ActorRole.AUDITOR, (), "Prüfung, nur pseudonym"),
        DemoAccount("admin", ActorRole.ADMIN, (), "Verwaltung der Zugänge"),
    ]


async def ensure_demo_accounts(database_url: str, accounts: Sequence[DemoAccount]) -> list[str]:
    """Create the accounts not there yet; returns the usernames created."""
    await migrate(database_url)
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            existing = set((await session.exec(select(AccountRow.username))).all())
            created = []
            for account in accounts:
                if account.username in existing:
                    continue
                await create_account(
                    session, account.username, DEMO_PASSWORD, account.role, list(account.kommunen)
                )
                created.append(account.username)
    finally:
        await engine.dispose()
    return created
