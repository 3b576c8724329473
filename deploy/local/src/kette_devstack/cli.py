"""`kette-stack`: up, down, status, logs and provider add for the local stack."""

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kette_devstack.errors import StackError
from kette_devstack.health import StartOutcome
from kette_devstack.settings import StackSettings
from kette_devstack.stack import DEFAULT_UP, PART_NAMES, Stack

_PARTS_HELP = "any of: " + ", ".join(PART_NAMES)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; StackErrors become two lines (cause, fix) and a non-zero exit code."""
    args = _parser().parse_args(argv)
    try:
        secure = getattr(args, "secure", False)
        settings = StackSettings(kafka_security="scram") if secure else StackSettings()
        return int(args.run(Stack.from_settings(settings), args))
    except StackError as exc:
        err.print(f"[bold red]error:[/] {exc.cause}", soft_wrap=True)
        err.print(f"[bold]fix:[/]   {exc.fix}", soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except Exception as exc:
        if os.environ.get("KETTE_DEBUG"):
            raise
        err.print(f"[bold red]error:[/] unexpected {type(exc).__name__}: {exc}", soft_wrap=True)
        err.print("[bold]fix:[/]   run again with KETTE_DEBUG=1 to see the traceback")
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kette-stack", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="command")

    up = commands.add_parser("up", help="start the stack (idempotent)")
    up.add_argument("parts", nargs="*", type=_part_name, metavar="part", help=_PARTS_HELP)
    up.add_argument(
        "--secure",
        action="store_true",
        help="Kafka with SASL/SCRAM and ACLs (same as KETTE_KAFKA_SECURITY=scram)",
    )
    up.set_defaults(run=_up)

    down = commands.add_parser("down", help="stop what the stack started (by pid file)")
    down.add_argument("parts", nargs="*", type=_part_name, metavar="part", help=_PARTS_HELP)
    down.set_defaults(run=_down)

    status = commands.add_parser("status", help="health of each part, with the reason")
    status.add_argument("--check", action="store_true", help="exit 1 if a started part is sick")
    status.set_defaults(run=_status)

    logs = commands.add_parser("logs", help="show (or follow) the parts' logs")
    logs.add_argument("part", nargs="?", choices=PART_NAMES)
    logs.add_argument("-n", "--lines", type=int, default=40)
    logs.add_argument("-f", "--follow", action="store_true")
    logs.set_defaults(run=_logs)

    provider = commands.add_parser("provider", help="manage per-provider topics and principals")
    provider_commands = provider.add_subparsers(required=True, metavar="action")
    add = provider_commands.add_parser("add", help="create a provider's topics (and principal)")
    add.add_argument("provider_id")
    add.set_defaults(run=_provider_add)
    rotate = provider_commands.add_parser("rotate", help="new SCRAM password, old one refused")
    rotate.add_argument("provider_id")
    rotate.set_defaults(run=_provider_rotate)
    revoke = provider_commands.add_parser("revoke", help="delete a provider's principal and ACLs")
    revoke.add_argument("provider_id")
    revoke.set_defaults(run=_provider_revoke)
    listing = provider_commands.add_parser("list", help="list known providers")
    listing.set_defaults(run=_provider_list)
    return parser


def _part_name(value: str) -> str:
    if value not in PART_NAMES:
        raise argparse.ArgumentTypeError(f"unknown part {value!r}; {_PARTS_HELP}")
    return value


def _up(stack: Stack, args: argparse.Namespace) -> int:
    for part in stack.parts(tuple(args.parts) or DEFAULT_UP):
        with out.status(f"{part.name}: checking") as spinner:
            outcome = part.start(progress=spinner.update)
        if outcome is StartOutcome.ALREADY_RUNNING:
            out.print(f"[yellow]•[/] {part.name} already running")
        else:
            out.print(f"[green]✓[/] {part.name} started")
    _print_endpoints(stack)
    return 0


def _print_endpoints(stack: Stack) -> None:
    kafka, temporal = stack.kafka, stack.temporal
    if kafka.is_running():
        out.print(f"  Kafka bootstrap  {kafka.bootstrap} ({kafka.security})")
        if kafka.security == "scram":
            out.print(f"  Kafka users      {kafka.credentials.path}")
    if temporal.is_running():
        out.print(f"  Temporal         {temporal.address} (namespace default)")
        out.print(f"  Temporal Web UI  {temporal.config.ui_url}")
    if stack.postgres.is_running():
        out.print(f"  PostgreSQL       127.0.0.1:{stack.postgres.config.port}")
    if stack.intake.is_running():
        out.print(f"  Intake API       {stack.intake.url} (docs {stack.intake.url}/docs)")
    if stack.matching.is_running():
        out.print(f"  Matching API     {stack.matching.url} (docs {stack.matching.url}/docs)")
    if stack.gateway.is_running():
        out.print(f"  Provider API     {stack.gateway.url} (docs {stack.gateway.url}/docs)")
    if stack.reporting.is_running():
        url = stack.reporting.url
        out.print(f"  Dashboard        {url}/dashboard (docs {url}/docs)")


def _down(stack: Stack, args: argparse.Namespace) -> int:
    for part in reversed(stack.parts(tuple(args.parts) or PART_NAMES)):
        with out.status(f"stopping {part.name}"):
            stopped = part.stop()
        out.print(f"[green]✓[/] {part.name} stopped" if stopped else f"• {part.name} not running")
    return 0


def _status(stack: Stack, args: argparse.Namespace) -> int:
    table = Table(title=f"Kette local stack ({stack.kafka.state_dir})")
    for column in ("part", "state", "pid", "reason"):
        table.add_column(column)
    sick = False
    with out.status("checking"):
        verdicts = stack.status()
    for health in verdicts:
        state = "[green]healthy[/]" if health.healthy else "[red]unhealthy[/]"
        if not health.healthy and health.pid is None:
            state = "[yellow]stopped[/]"
        pid = str(health.pid) if health.pid else "-"
        table.add_row(health.part, state, pid, health.reason)
        sick = sick or (not health.healthy and health.pid is not None)
    out.print(table)
    if stack.kafka.is_running():
        sick = _print_consumer_groups(stack) or sick
    return 1 if args.check and sick else 0


def _print_consumer_groups(stack: Stack) -> bool:
    """The consumer groups' lag; True if one makes no progress while records wait."""
    try:
        with out.status("reading consumer groups (two readings a few seconds apart)"):
            groups = stack.kafka.consumer_groups()
    except Exception as exc:
        out.print(f"consumer groups: cannot read them: {type(exc).__name__}: {exc}")
        return True
    table = Table(title="Consumer groups")
    for column in ("group", "state", "lag", "reason"):
        table.add_column(column)
    for group in groups:
        state = "[red]stalled[/]" if group.stalled else "[green]ok[/]"
        table.add_row(group.group, state, str(group.lag), group.reason)
    out.print(table if groups else "consumer groups: none yet")
    return any(group.stalled for group in groups)


def _logs(stack: Stack, args: argparse.Namespace) -> int:
    names = (args.part,) if args.part else PART_NAMES
    files = [path for part in stack.parts(names) for path in part.log_files]
    for path in files:
        out.rule(str(path))
        out.print(_tail(path, args.lines), markup=False, end="")
    if args.follow:
        _follow(files)
    return 0


def _tail(path: Path, lines: int) -> str:
    if not path.is_file():
        return "(no log yet)\n"
    text = path.read_bytes()[-lines * 400 :].decode(errors="replace").splitlines()[-lines:]
    return "".join(line + "\n" for line in text)


def _follow(files: list[Path]) -> None:
    offsets = {path: path.stat().st_size if path.is_file() else 0 for path in files}
    while True:
        for path in files:
            if path.is_file() and path.stat().st_size < offsets[path]:
                offsets[path] = 0  # rotated: the log starts anew
            if path.is_file() and path.stat().st_size > offsets[path]:
                with path.open("rb") as handle:
                    handle.seek(offsets[path])
                    chunk = handle.read()
                offsets[path] += len(chunk)
                sys.stdout.write(chunk.decode(errors="replace"))
                sys.stdout.flush()
        time.sleep(0.5)


def _provider_add(stack: Stack, args: argparse.Namespace) -> int:
    with out.status(f"adding provider {args.provider_id}") as spinner:
        stack.kafka.add_provider(args.provider_id, progress=spinner.update)
    out.print(f"[green]✓[/] provider {args.provider_id}: topics ready")
    if stack.kafka.security == "scram":
        where = stack.kafka.credentials.path
        out.print(f"  principal provider.{args.provider_id}, password in {where}")
    return 0


def _provider_rotate(stack: Stack, args: argparse.Namespace) -> int:
    with out.status(f"rotating provider {args.provider_id}'s password") as spinner:
        stack.kafka.rotate_provider(args.provider_id, progress=spinner.update)
    where = stack.kafka.credentials.path
    out.print(f"[green]✓[/] principal provider.{args.provider_id}: new password in {where}")
    out.print("  the old password is refused at the next login")
    return 0


def _provider_revoke(stack: Stack, args: argparse.Namespace) -> int:
    with out.status(f"revoking provider {args.provider_id}") as spinner:
        stack.kafka.revoke_provider(args.provider_id, progress=spinner.update)
    if stack.kafka.security == "scram":
        out.print(f"[green]✓[/] principal provider.{args.provider_id} deleted with its ACLs")
    else:
        out.print(f"[green]✓[/] provider {args.provider_id} revoked (no SCRAM principal here)")
    out.print("  its topics stay; `kette-stack provider add` brings it back with a new password")
    return 0


def _provider_list(stack: Stack, args: argparse.Namespace) -> int:
    for provider_id in stack.kafka.providers():
        out.print(provider_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
