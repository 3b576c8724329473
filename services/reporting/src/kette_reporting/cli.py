"""The `kette` command: `kette audit ...` for auditors; thin, the work is in `audit/`.

Commands that reach the stack import `audit.runs` (Kafka, Temporal and database clients)
when they run, so `verify`, which an auditor runs offline, starts in a fraction of the time.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from kette_core.contracts.topics import ACCESS
from kette_core.logging import configure_logging
from kette_reporting.audit import signing
from kette_reporting.audit.export import write_participant_export, write_period_export
from kette_reporting.audit.exportfile import Export, ExportFormatError, read_export
from kette_reporting.audit.render import (
    differences_table,
    entries_table,
    kept_table,
    notes_table,
    period_notes,
)
from kette_reporting.audit.timeline import access_entries, attributed, kafka_entries, merged
from kette_reporting.audit.verify import Verification, verify_export, verify_pair
from kette_reporting.settings import ReportingSettings

T = TypeVar("T")
app = typer.Typer(help="Kette's command line.", no_args_is_help=True)
audit = typer.Typer(help="Audit the event history: export, verify, timeline, access.")
app.add_typer(audit, name="audit", no_args_is_help=True)
console = Console()


def _stack_settings() -> ReportingSettings:
    """Settings for a command that reaches the stack, its logs on stderr in the house format
    (the terminal's stdout is for results). `verify` and `keygen` skip this: they run
    offline, and the logging set-up loads Temporal's runtime."""
    settings = ReportingSettings()
    configure_logging(settings)
    return settings


TopicsOption = Annotated[
    list[str] | None,
    typer.Option("--topic", help="Topic to read (repeatable); default: every domain topic."),
]


def _run(work: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(work)


def _topics(chosen: list[str] | None, settings: ReportingSettings) -> list[str]:
    return sorted(chosen or settings.topics)


@contextmanager
def _bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar; yields the callback that advances it."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(label, total=total)
        yield lambda count: progress.advance(task, count)


def _read_with_file_bar(path: Path) -> Export:
    """Read an export under a progress bar (a period's file can hold millions of records)."""
    size = path.stat().st_size if path.is_file() else 0
    with _bar(f"Reading {path.name}", size) as advance:
        return read_export(path, advance)


def _fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code)


@audit.command()
def keygen(
    private: Annotated[Path, typer.Option(help="Where to write the private key (PEM).")],
    public: Annotated[Path, typer.Option(help="Where to write the public key (PEM).")],
) -> None:
    """Make an Ed25519 key pair for signing exports; the private file is readable by you only."""
    try:
        identity = signing.generate(private, public)
    except FileExistsError:
        raise _fail(f"{private} exists already; a signing key is never overwritten") from None
    console.print(f"key {identity}: private {private}, public {public}")


@audit.command()
def export(
    period: Annotated[str, typer.Option(help="2026, 2026-H1, 2026-Q1, 2026-03 or A..B (days).")],
    key: Annotated[Path, typer.Option(help="Private key file from `kette audit keygen`.")],
    out: Annotated[Path, typer.Option(help="Export file to write (JSON lines).")],
    participant: Annotated[
        str | None, typer.Option(help="Only this participant's records, with inclusion proofs.")
    ] = None,
    consistent_with: Annotated[
        Path | None, typer.Option(help="An earlier export: embed a consistency proof from it.")
    ] = None,
    topic: TopicsOption = None,
) -> None:
    """Export a period's records with a signed Merkle tree head, read from Kafka."""
    settings = _stack_settings()
    if participant and consistent_with:
        raise _fail("--consistent-with applies to a whole period's export, not a participant's")
    from kette_reporting.audit import runs

    try:
        chosen = runs.audit_period(period)
        signer = signing.load_private(key)
        older = _read_with_file_bar(consistent_with) if consistent_with else None
    except (ValueError, signing.KeyFileError) as error:
        raise _fail(str(error)) from None
    topics = _topics(topic, settings)
    built = _run(runs.period_tree(runs.kafka_options(settings), topics, chosen, _bar))
    if participant:
        written = write_participant_export(out, built, topics, signer, participant)
    else:
        with _bar(f"Writing {out.name}", len(built.records)) as advance:
            written = write_period_export(out, built, topics, signer, older, advance)
    console.print(
        f"{out}: {written.records} records of {period}; tree of {written.tree_size} records, "
        f"root {written.root}"
    )
    if written.consistent_with_older is False:
        console.print("[red]the earlier export's tree is NOT a prefix of this history[/red]")
    notes = period_notes(built.records, built.first_position)
    if notes:
        console.print(notes_table(notes))


@audit.command()
def verify(
    file: Annotated[Path, typer.Argument(help="Export file to check.")],
    public_key: Annotated[Path, typer.Option(help="Public key of the exporter.")],
    against: Annotated[
        Path | None, typer.Option(help="An export of an overlapping period: check consistency.")
    ] = None,
) -> None:
    """Check an export offline: signature, root, and the first tampered record by name."""
    try:
        public = signing.load_public(public_key)
        checked = _read_with_file_bar(file)
        other: Export | None = _read_with_file_bar(against) if against else None
    except (ExportFormatError, signing.KeyFileError) as error:
        raise _fail(str(error)) from None
    result = verify_export(checked, public)
    console.print(f"{file}: {checked.scope} export, {result.records} records")
    if result.notes:
        console.print(notes_table(result.notes))
    failed = not result.ok
    if result.ok:
        console.print("[green]OK: signature valid, every record matches the signed root[/green]")
    else:
        _print_findings(result)
    if other is not None:
        pair = verify_pair(other, checked, public)
        if pair.ok:
            console.print(f"[green]OK: {against} and {file} are consistent[/green]")
        else:
            _print_findings(pair)
            failed = True
    if failed:
        raise typer.Exit(1)


def _print_findings(result: Verification) -> None:
    """One line per finding, first problem first, never wrapped (people grep these)."""
    for finding in result.findings:
        console.print(f"[red]FAILED {finding.problem}[/red]: {finding.message}", soft_wrap=True)


@audit.command()
def timeline(
    participant: Annotated[str, typer.Argument(help="Pseudonymous participant id (p-...).")],
    workflow: Annotated[
        bool, typer.Option(help="Merge the chain workflow's Temporal history.")
    ] = True,
    temporal_address: Annotated[str, typer.Option(help="Temporal frontend.")] = "127.0.0.1:7233",
    namespace: Annotated[str, typer.Option(help="Temporal namespace.")] = "default",
    topic: TopicsOption = None,
) -> None:
    """Every event about one participant across all topics, merged with their chain's steps."""
    from kette_reporting.audit import runs

    settings = _stack_settings()
    topics = _topics(topic, settings)
    found = _run(runs.participant_records(runs.kafka_options(settings), topics, participant, _bar))
    steps = []
    if workflow:
        workflow_id = f"chain-{participant}"
        history = _run(runs.workflow_steps(temporal_address, namespace, workflow_id))
        if history is None:
            console.print(f"no workflow {workflow_id} in Temporal")
        else:
            steps = history
    events = kafka_entries(found)
    entries = merged(events, attributed(steps, events))
    console.print(entries_table(f"Timeline of {participant}", entries, who="Triggered by"))


@audit.command()
def access(
    participant: Annotated[str, typer.Argument(help="Pseudonymous participant id (p-...).")],
    topic: Annotated[
        str | None, typer.Option(help="Access topic; default kette.access.v1.")
    ] = None,
) -> None:
    """Who read this participant's personal data, when and why."""
    from kette_reporting.audit import runs

    settings = _stack_settings()
    options = runs.kafka_options(settings)
    found = _run(runs.participant_records(options, [topic or ACCESS], participant, _bar))
    entries = access_entries(found)
    console.print(entries_table(f"Reads of {participant}'s data", entries, who="Read by"))
    if not entries:
        console.print("nobody read this participant's personal data")


@audit.command()
def replay(
    into: Annotated[
        str | None, typer.Option(help="Fresh database to rebuild into; default a new SQLite file.")
    ] = None,
    live: Annotated[
        str | None, typer.Option(help="The live projection; default the service's database.")
    ] = None,
    topic: TopicsOption = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes reading the partitions; default one per core."),
    ] = None,
) -> None:
    """Rebuild every projection from offset 0 into a fresh database; compare with the live one."""
    from kette_reporting.audit import runs
    from kette_reporting.audit.compare import COMPARED, compare
    from kette_reporting.audit.kept import kept_records

    settings = _stack_settings()
    topics = _topics(topic, settings)
    options = runs.kafka_options(settings)
    with tempfile.TemporaryDirectory(prefix="kette-replay-") as scratch:
        target = into or f"sqlite+aiosqlite:///{scratch}/rebuilt.db"
        live_url = live or settings.resolved_database_url()
        began = time.monotonic()
        try:
            tally = _run(runs.rebuild(options, topics, target, _bar, workers=workers))
        except ValueError as error:
            raise _fail(str(error)) from None
        seconds = time.monotonic() - began
        with _bar("Comparing tables", len(COMPARED)) as advance:
            result = _run(compare(live_url, target, advance))
        kept = _run(kept_records(target))
    console.print(
        f"rebuilt {tally.events} events ({tally.unreadable} unreadable records kept) in "
        f"{seconds:.1f} s, {tally.events / max(seconds, 1e-9):,.0f} events/s"
    )
    if kept.shown:
        console.print(kept_table(kept.shown, kept.total))
    for partition, count in sorted(result.live_ahead.items()):
        console.print(f"the live projection has read {count} more records of {partition}")
    if not result.differences:
        console.print("[green]OK: the rebuilt projection equals the live one[/green]")
        return
    console.print(differences_table(result.differences))
    raise typer.Exit(1)


@audit.command("as-of")
def as_of(
    period: Annotated[str, typer.Option(help="2026, 2026-H1 or 2026-Q1.")],
    out: Annotated[Path, typer.Option(help="File to write.")],
    day: Annotated[
        str | None,
        typer.Argument(
            help="The date the report stood at (YYYY-MM-DD): only the records each partition "
            "held before its first one stamped later are read."
        ),
    ] = None,
    offsets: Annotated[
        str | None,
        typer.Option(
            help="The report's Kafka-Stand (topic:partition=offset ...): rebuild only the "
            "records before these offsets, as the projection held them when it was made."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx, html or pdf.")] = "csv",
    kommune: Annotated[str | None, typer.Option(help="Only this Kommune.")] = None,
    into: Annotated[
        str | None, typer.Option(help="Database to rebuild into; default a new SQLite file.")
    ] = None,
    topic: TopicsOption = None,
) -> None:
    """The state report as it stood at DAY, or at the offsets printed with a report, rebuilt
    from the history alone: same bytes anywhere."""
    from kette_reporting.audit import runs
    from kette_reporting.report.position import parse_offsets

    settings = _stack_settings()
    if day is None and offsets is None:
        raise _fail("give DAY, --offsets or both")
    try:
        stood = date.fromisoformat(day) if day is not None else None
        chosen = runs.ReportPeriod.parse(period)
        chosen.grid()  # a report leaves the KI: only a year, half or quarter
        until = parse_offsets(offsets) if offsets is not None else None
    except ValueError as error:
        raise _fail(str(error)) from None
    if fmt not in runs.MEDIA_TYPES:
        raise _fail(f"format {fmt!r}: expected one of {', '.join(runs.MEDIA_TYPES)}")
    topics = _topics(topic, settings)
    options = runs.kafka_options(settings)
    if until is None and stood is not None:  # the records there were when the day ended
        until = _run(runs.stood_at(options, topics, stood, _bar))
    with tempfile.TemporaryDirectory(prefix="kette-as-of-") as scratch:
        target = into or f"sqlite+aiosqlite:///{scratch}/as-of.db"
        try:
            _run(runs.rebuild(options, topics, target, _bar, until))
        except ValueError as error:
            raise _fail(str(error)) from None
        threshold = settings.suppression_threshold
        data = _run(runs.report_as_of(target, chosen, fmt, stood, kommune, threshold))
    out.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    parts = (f"of {stood}" if stood else "", "at the given offsets" if offsets else "")
    where = " and ".join(text for text in parts if text)
    console.print(f"{out}: the {fmt} report of {chosen.code} as {where}, sha256 {digest}")


@app.command()
def report(
    period: Annotated[str, typer.Option(help="2026, 2026-H1 or 2026-Q1.")],
    out: Annotated[Path, typer.Option(help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx, html or pdf.")] = "csv",
    kommune: Annotated[str | None, typer.Option(help="Only this Kommune.")] = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for the projection to reach Kafka's end.")
    ] = 60.0,
    topic: TopicsOption = None,
) -> None:
    """The state report from the live projection, once it has read what Kafka holds now;
    it names the offsets it stands at (for `kette audit as-of --offsets`)."""
    from kette_reporting.audit import runs

    settings = _stack_settings()
    try:
        chosen = runs.ReportPeriod.parse(period)
        chosen.grid()  # a report leaves the KI: only a year, half or quarter
    except ValueError as error:
        raise _fail(str(error)) from None
    if fmt not in runs.MEDIA_TYPES:
        raise _fail(f"format {fmt!r}: expected one of {', '.join(runs.MEDIA_TYPES)}")
    topics = _topics(topic, settings)
    url = settings.resolved_database_url()
    behind = _run(runs.caught_up(runs.kafka_options(settings), topics, url, wait, _bar))
    if behind:
        console.print(f"[yellow]the projection is still {behind} records behind Kafka[/yellow]")
    threshold = settings.suppression_threshold
    data = _run(runs.report_as_of(url, chosen, fmt, None, kommune, threshold))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    console.print(f"{out}: the {fmt} report of {chosen.code}, sha256 {digest}")
