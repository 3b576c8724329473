"""`python -m kette_provider_gateway provider …`: admin commands on the gateway's database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

from kette_core.db import create_engine, session_factory
from kette_provider_gateway.app import migrate
from kette_provider_gateway.problems import Refused
from kette_provider_gateway.providers import service
from kette_provider_gateway.providers.credentials import credentials_for
from kette_provider_gateway.providers.provisioning import ProvisioningFailed, provisioner_for
from kette_provider_gateway.settings import GatewaySettings

T = TypeVar("T")
out = Console(highlight=False)
provider_cli = typer.Typer(
    help="Register providers, rotate and revoke their API keys and Kafka logins."
)


def _run(work: Callable[[GatewaySettings, service.Sessions], Awaitable[T]]) -> T:
    """Migrate, run one unit of work on the database, turn refusals into exit code 1."""

    async def main() -> T:
        settings = GatewaySettings()
        await migrate(settings.resolved_database_url())
        engine = create_engine(settings.resolved_database_url())
        try:
            return await work(settings, session_factory(engine))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except Refused as refused:
        out.print(f"[red]refused:[/] {refused.problem.field}: {refused.problem.message}")
    except ProvisioningFailed as failed:
        out.print(f"[red]topics not ready:[/] {failed}")
    raise typer.Exit(1)


@provider_cli.command("add")
def add(provider_id: str, name: str = typer.Option(..., help="Organisation's name.")) -> None:
    """Create topics (and principal, ACLs), register the provider, print its first API key."""

    async def work(settings: GatewaySettings, sessions: service.Sessions) -> service.Onboarded:
        provisioner = provisioner_for(settings, settings.provision_command)
        with out.status(f"provisioning {provider_id}"):
            return await service.onboard(
                sessions, provisioner, provider_id, name, settings.event_source
            )

    done = _run(work)
    out.print(f"[green]✓[/] provider {done.provider_id} registered")
    out.print(f"  API key (shown once): {done.api_key}", soft_wrap=True)
    out.print(f"  held referrals handed out: {done.referrals_issued}")
    out.print("  a running gateway reads its reports topic within seconds")


@provider_cli.command("rotate-key")
def rotate_key(provider_id: str) -> None:
    """Issue a new API key; the provider's older keys stop working at once."""

    async def work(_: GatewaySettings, sessions: service.Sessions) -> str:
        async with sessions() as session, session.begin():
            return (await service.rotate_key(session, provider_id)).api_key

    out.print(f"[green]✓[/] new API key (shown once): {_run(work)}", soft_wrap=True)


@provider_cli.command("rotate-kafka")
def rotate_kafka(provider_id: str) -> None:
    """New SCRAM password for the provider's Kafka principal (via the credentials command)."""

    async def work(settings: GatewaySettings, sessions: service.Sessions) -> str:
        credentials = credentials_for(settings.credentials_command)
        with out.status(f"rotating {provider_id}'s Kafka password"):
            return await service.rotate_principal(sessions, credentials, provider_id)

    principal = _run(work)
    out.print(f"[green]✓[/] {principal}: new password set; the old one is refused")
    out.print("  the credentials tooling hands the new password over (locally: kette-stack)")


@provider_cli.command("revoke")
def revoke(provider_id: str) -> None:
    """Revoke the provider, all its keys and its Kafka principal."""

    async def work(settings: GatewaySettings, sessions: service.Sessions) -> None:
        credentials = credentials_for(settings.credentials_command)
        with out.status(f"revoking {provider_id}"):
            await service.revoke_everywhere(sessions, credentials, provider_id)

    _run(work)
    out.print(f"[green]✓[/] provider {provider_id} revoked (keys and Kafka principal)")


@provider_cli.command("list")
def listing() -> None:
    """Every provider, with when it was registered or revoked."""

    async def work(_: GatewaySettings, sessions: service.Sessions) -> Table:
        table = Table("provider", "name", "registered", "revoked")
        async with sessions() as session:
            for row in await service.listing(session):
                revoked = row.revoked_at.isoformat() if row.revoked_at else "-"
                table.add_row(row.provider_id, row.name, row.created_at.isoformat(), revoked)
        return table

    out.print(_run(work))
