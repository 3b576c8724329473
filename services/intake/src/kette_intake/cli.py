"""`python -m kette_intake [serve]` runs the service; `account add` creates a login."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError

from kette_core.contracts.vocabulary import ActorRole
from kette_core.db import create_engine, session_factory
from kette_intake.app import migrate, serve
from kette_intake.auth.accounts import create_account
from kette_intake.settings import IntakeSettings, KiSettings

PASSWORD_VARIABLE = "KETTE_NEW_ACCOUNT_PASSWORD"
ROLES = [role.value for role in ActorRole if role not in (ActorRole.PROVIDER, ActorRole.SYSTEM)]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse and run one command; mistakes are one line on stderr and exit code 2."""
    args = _parser().parse_args(argv)
    if args.command == "account":
        return asyncio.run(_add_account(args))
    serve(IntakeSettings())
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kette_intake", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the API and the outbox relay (the default)")
    account = commands.add_parser("account", help="manage logins")
    actions = account.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help=f"create a login; password from {PASSWORD_VARIABLE}")
    add.add_argument("--username", required=True)
    add.add_argument("--role", choices=ROLES, default=ActorRole.CASEWORKER.value)
    add.add_argument("--kommune", action="append", default=[], help="repeat for several")
    return parser


async def _add_account(args: argparse.Namespace) -> int:
    settings = KiSettings()
    unknown = sorted(set(args.kommune) - set(settings.ki_kommunen))
    if unknown:
        print(f"--kommune: {', '.join(unknown)} not in {settings.ki_id}", file=sys.stderr)
        return 2
    password = os.environ.get(PASSWORD_VARIABLE) or getpass.getpass("password: ")
    url = settings.resolved_database_url()
    await migrate(url)
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            principal = await create_account(
                session, args.username, password, ActorRole(args.role), args.kommune
            )
    except (ValueError, IntegrityError) as error:
        reason = "username is taken" if isinstance(error, IntegrityError) else str(error)
        print(f"account not created: {reason}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(f"{args.username}: {principal.role.value} {principal.actor_id}, {principal.kommunen}")
    return 0
