"""`python -m kette_devstack.scenario --participants N`: register a cohort and play the chains."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import sys
from datetime import UTC, datetime

import structlog
from rich.console import Console
from rich.live import Live

from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_devstack.scenario.board import all_closed, render
from kette_devstack.scenario.cohort import build_cohort
from kette_devstack.scenario.player import ScenarioPlayer, ScenarioSettings, register_cohort
from kette_devstack.scenario.script import PlayRules
from kette_workflows.temporal.connect import connect_temporal

DEFAULT_UI_URL = "http://127.0.0.1:8233"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kette_devstack.scenario",
        description="Register a Kreis Unna cohort as events and play matching, providers and "
        "caseworkers until every chain is closed (or Ctrl-C).",
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
        "--no-register", action="store_true", help="only play (continue an earlier --seed)"
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


async def _main(args: argparse.Namespace, console: Console) -> int:
    settings = ScenarioSettings()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 10**6)
    cohort = build_cohort(args.participants, seed, datetime.now(UTC).date())
    ui_url = _ui_url()
    try:
        client = await connect_temporal(settings)
    except Exception as error:  # the server is down: say what to do
        console.print(f"[bold red]error:[/] Temporal at {settings.temporal_address}: {error}")
        console.print("[bold]fix:[/]   kette-stack up")
        return 1
    broker = build_broker(settings)
    await broker.start()
    try:
        publisher = EventPublisher(broker)
        if not args.no_register:
            await register_cohort(
                publisher,
                (member.registration for member in cohort.members),
                settings.participants_topic,
                "/kette/scenario/intake",
            )
        console.print(
            f"Kohorte: {len(cohort.members)} Teilnehmende, seed {seed} "
            f"(weiterspielen: --seed {seed} --no-register)"
        )
        service = _matching_service()
        console.print(
            f"Matching: Dienst unter {service}" if service else "Matching: Platzhalter im Szenario"
        )
        rules = PlayRules(
            drop_out_rate=args.drop_out_rate,
            backdate_job_start=not args.real_follow_up,
            answers_requests=service is None,
        )
        player = ScenarioPlayer(
            settings,
            client,
            publisher,
            rules,
            pace_seconds=args.pace,
            only=set(cohort.participant_ids()),
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
                    if all_closed(player.book, cohort) and not args.keep_running:
                        break
                    await asyncio.sleep(0.25)
        finally:
            playing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await playing
        console.print()
        console.print("Alle Ketten der Kohorte sind abgeschlossen.")
        return 0
    finally:
        await broker.stop()


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
