"""`python -m kette_devstack.scenario --participants N`: register a cohort and play the chains."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import sys
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import httpx
import structlog
from rich.console import Console
from rich.live import Live
from rich.table import Table

from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_devstack.reporting_service import ReportingPartSettings
from kette_devstack.scenario.accounts import (
    DEMO_PASSWORD,
    DemoAccount,
    demo_accounts,
    ensure_demo_accounts,
)
from kette_devstack.scenario.board import all_closed, render
from kette_devstack.scenario.catalogue import PROVIDER_NAMES
from kette_devstack.scenario.cohort import Cohort, build_cohort, caseworker_for
from kette_devstack.scenario.door import IntakeDoor, IntakeRefused
from kette_devstack.scenario.enrolment import intake_registration, open_cases
from kette_devstack.scenario.player import ScenarioPlayer, ScenarioSettings
from kette_devstack.scenario.providers import (
    AutoSettings,
    DemoProviders,
    GatewayRefused,
    start_demo_providers,
)
from kette_devstack.scenario.script import PlayRules, follow_up_months
from kette_intake.settings import KiSettings
from kette_reporting.auth.scope import READS_FIGURES

if TYPE_CHECKING:
    from kette_devstack.gateway_service import GatewayServer
    from kette_devstack.stack import Stack

DEFAULT_UI_URL = "http://127.0.0.1:8233"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kette_devstack.scenario",
        description="Create the demo logins, register a Kreis Unna cohort through intake and play "
        "matching, providers and caseworkers (their decisions through intake) until every chain "
        "is closed (or Ctrl-C).",
    )
    parser.add_argument("--participants", type=int, default=12, help="cohort size (default 12)")
    parser.add_argument("--seed", type=int, default=None, help="cohort seed (default: random)")
    parser.add_argument(
        "--pace", type=float, default=None, help="seconds per step (default KETTE_PACE_SECONDS)"
    )
    parser.add_argument(
        "--drop-out-rate", type=float, default=0.15, help="share of first attempts that fail"
    )
    parser.add_argument(
        "--real-follow-up",
        action="store_true",
        help="report job starts as today: chains then wait 6 months for their follow-up",
    )
    parser.add_argument(
        "--intake-url", default=None, help="intake's API (default: the stack's intake part)"
    )
    parser.add_argument(
        "--intake-database-url",
        default=None,
        help="intake's database, for the demo logins (default: the stack's intake part)",
    )
    parser.add_argument(
        "--keep-running", action="store_true", help="keep playing after every chain closed"
    )
    return parser


def _ui_url() -> str:
    with contextlib.suppress(Exception):
        from kette_devstack.stack import Stack

        return str(Stack.from_settings().temporal.config.ui_url)
    return DEFAULT_UI_URL


def _matching_service() -> str | None:
    """The URL of the stack's matching service if it runs healthy; then it answers requests."""
    with contextlib.suppress(Exception):
        from kette_devstack.stack import Stack

        matching = Stack.from_settings().matching
        if matching.health().healthy:
            return matching.url
    return None


def _running_gateway() -> tuple[Stack, GatewayServer] | None:
    """The stack and its gateway part if the gateway runs healthy."""
    with contextlib.suppress(Exception):
        from kette_devstack.stack import Stack

        stack = Stack.from_settings()
        if stack.gateway.health().healthy:
            return stack, stack.gateway
    return None


async def _demo_providers(
    args: argparse.Namespace, settings: ScenarioSettings, console: Console
) -> DemoProviders | None:
    """kette-provider processes for the catalogue's providers while the stack's gateway runs
    healthy; None (the scenario stands in for the providers) otherwise."""
    running = _running_gateway()
    if running is None:
        return None
    stack, gateway = running
    auto = AutoSettings(
        pace_seconds=settings.pace_seconds if args.pace is None else args.pace,
        drop_out_rate=args.drop_out_rate,
        job_started_months_ago=0 if args.real_follow_up else follow_up_months(None),
    )
    with console.status("Träger beim Gateway anmelden") as status:
        return await start_demo_providers(
            gateway.url,
            gateway.admin_token_file.read_text().strip(),
            stack.kafka,
            PROVIDER_NAMES,
            gateway.state_dir,
            auto,
            status.update,
        )


def _intake_urls(args: argparse.Namespace) -> tuple[str, str]:
    """Intake's API and database: as given, else the stack's intake part."""
    if args.intake_url and args.intake_database_url:
        return args.intake_url, args.intake_database_url
    from kette_devstack.stack import Stack

    intake = Stack.from_settings().intake
    return args.intake_url or intake.url, args.intake_database_url or intake.database_url


async def register_through_intake(door: IntakeDoor, cohort: Cohort, day: str) -> None:
    """Each member registered by their Kommune's caseworker; the key makes a re-run harmless."""
    for index, member in enumerate(cohort.members):
        username = caseworker_for(member.registration.kommune)
        key = f"scenario-{cohort.seed}-{day}-{index}"
        participant_id = await door.register(username, intake_registration(member), key)
        cohort.rebind(index, participant_id)


async def leave_open_cases(door: IntakeDoor, seed: int, today: date) -> list[str]:
    """Registered after the cohort and decided by nobody: a caseworker's work after the demo."""
    return [
        await door.register(caseworker_for(case.kommune), case.body, case.idempotency_key)
        for case in open_cases(seed, today)
    ]


def logins(url: str, accounts: list[DemoAccount]) -> Table:
    """How to log in after the demo, in intake and on reporting's dashboard."""
    dashboard = f"http://127.0.0.1:{ReportingPartSettings().reporting_port}/anmelden"
    table = Table(
        title=f"Anmelden: {url}/anmelden  (Passwort für alle: {DEMO_PASSWORD})",
        caption=f"Dashboard der Koordination: {dashboard}",
    )
    table.add_column("Benutzername")
    table.add_column("Rolle")
    table.add_column("Dashboard")
    for account in accounts:
        opens = "ja" if account.role in READS_FIGURES else "–"
        table.add_row(account.username, account.purpose_de, opens)
    return table


async def _main(args: argparse.Namespace, console: Console) -> int:
    settings = ScenarioSettings()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 10**6)
    today = datetime.now(UTC).date()
    cohort = build_cohort(args.participants, seed, today)
    ui_url = _ui_url()
    intake_url, database_url = _intake_urls(args)
    accounts = demo_accounts(KiSettings().ki_kommunen)
    door = IntakeDoor(intake_url, DEMO_PASSWORD)
    try:
        created = await ensure_demo_accounts(database_url, accounts)
        await register_through_intake(door, cohort, today.isoformat())
    except (IntakeRefused, httpx.HTTPError, OSError) as error:  # intake is down or said no
        await door.close()
        console.print(f"[bold red]error:[/] intake at {intake_url}: {error}")
        console.print("[bold]fix:[/]   kette-stack up intake (or a new --seed)")
        return 1
    broker = build_broker(settings)
    await broker.start()
    try:
        console.print(
            f"Kohorte: {len(cohort.members)} Teilnehmende über intake registriert, seed {seed} "
            f"(weiterspielen: --seed {seed}); Demo-Zugänge neu: {len(created)}"
        )
        service = _matching_service()
        console.print(
            f"Matching: Dienst unter {service}" if service else "Matching: Platzhalter im Szenario"
        )
        try:
            providers = await _demo_providers(args, settings, console)
        except (GatewayRefused, httpx.HTTPError, OSError) as error:
            console.print(f"[bold red]error:[/] provider gateway: {error}")
            return 1
        if providers is not None:
            doors = providers.doors
            console.print(
                f"Träger: kette-provider über das Gateway, {len(doors.kafka)} über Kafka, "
                f"{len(doors.webhooks)} über Webhooks (Protokolle: "
                f"{', '.join(str(log) for log in providers.logs)})"
            )
        else:
            console.print("Träger: Platzhalter im Szenario")
        rules = PlayRules(
            drop_out_rate=args.drop_out_rate,
            backdate_job_start=not args.real_follow_up,
            answers_requests=service is None,
            provider_reports=providers is None,
        )
        player = ScenarioPlayer(
            settings,
            None,
            EventPublisher(broker),
            rules,
            pace_seconds=args.pace,
            only=set(cohort.participant_ids()),
            decider=door,
        )
        playing = asyncio.create_task(player.run())
        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            with Live(
                render(player.book, cohort, ui_url), console=console, refresh_per_second=4
            ) as live:
                while not playing.done():
                    live.update(render(player.book, cohort, ui_url, loop.time() - began))
                    crashed = providers.crashed() if providers is not None else None
                    if crashed:
                        raise RuntimeError(crashed)
                    if all_closed(player.book, cohort) and not args.keep_running:
                        break
                    await asyncio.sleep(0.25)
        finally:
            playing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await playing
            if providers is not None:
                providers.stop()
        console.print()
        console.print("Alle Ketten der Kohorte sind abgeschlossen.")
        try:
            waiting = await leave_open_cases(door, seed, today)
        except (IntakeRefused, httpx.HTTPError) as error:
            console.print(f"[yellow]Offene Fälle nicht angelegt:[/] {error}")
        else:
            console.print("Offene Fälle für die Fallliste:")
            for participant_id in waiting:
                console.print(f"  {intake_url}/faelle/{participant_id}")
        console.print(logins(intake_url, accounts))
        return 0
    finally:
        await broker.stop()
        await door.close()


def main(argv: list[str] | None = None) -> int:
    """Entry point of `make demo`."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    console = Console(highlight=False)
    try:
        return asyncio.run(_main(args, console))
    except KeyboardInterrupt:
        console.print("Angehalten. Die Ketten laufen in Temporal weiter.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
