"""`kette-provider`: receive referrals (Kafka or webhooks), fetch contact details, report.

Run `kette-provider --help`; every secret may come from an environment variable instead of a
flag, so it does not end up in the shell's history.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import uuid
from collections.abc import Callable, Coroutine
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import httpx
import typer
from pydantic import SecretStr, ValidationError
from rich.console import Console
from rich.table import Table

from kette_provider.auto import Autopilot, AutoRules
from kette_provider.events import Delivery, Referral, ReportRefusal, Withdrawal
from kette_provider.gateway import Gateway, GatewayRefused, RestReports
from kette_provider.identities import Identity, IdentityError, load_identities
from kette_provider.kafka import KafkaReports, kafka_options, listen
from kette_provider.reports import Kind, Report
from kette_provider.webhooks import Answer, WebhookReceiver, serve

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Example provider client for Kette's provider gateway.",
)
out = Console(highlight=False, soft_wrap=True)

GatewayUrl = Annotated[
    str, typer.Option("--gateway", envvar="KETTE_GATEWAY_URL", help="The gateway's base URL.")
]
ProviderOpt = Annotated[
    str | None, typer.Option("--provider", envvar="KETTE_PROVIDER_ID", help="Your provider id.")
]
ApiKey = Annotated[
    str | None,
    typer.Option("--api-key", envvar="KETTE_PROVIDER_API_KEY", help="Your API key (REST)."),
]
IdentitiesFile = Annotated[
    Path | None,
    typer.Option(
        "--identities",
        envvar="KETTE_PROVIDER_IDENTITIES",
        help="JSON list of providers (provider_id, api_key, kafka_username, kafka_password, "
        "webhook_secret) to act for, instead of the single-provider flags.",
    ),
]
Auto = Annotated[
    bool, typer.Option("--auto", help="Answer each referral with a plausible run of reports.")
]
Pace = Annotated[float, typer.Option("--pace", min=0, help="Average seconds between reports.")]
DropOut = Annotated[
    float, typer.Option("--drop-out-rate", min=0, max=1, help="Share of runs that drop out.")
]
JobMonths = Annotated[
    int,
    typer.Option(
        "--job-started-months-ago", min=0, help="Backdate reported job starts (demo time-lapse)."
    ),
]
DEFAULT_GATEWAY = "http://127.0.0.1:8120"


class Via(StrEnum):
    """Where --auto sends its reports."""

    KAFKA = "kafka"
    REST = "rest"


def _identities(
    file: Path | None,
    provider: str | None,
    api_key: str | None,
    kafka_username: str | None = None,
    kafka_password: str | None = None,
    webhook_secret: str | None = None,
) -> list[Identity]:
    """From the file, or one from the flags; exits naming what is missing or invalid."""
    try:
        if file is not None:
            return load_identities(file)
        if provider is None:
            raise IdentityError("give --provider (or --identities FILE)")
        return [
            Identity(
                provider_id=provider,
                api_key=_secret(api_key),
                kafka_username=kafka_username,
                kafka_password=_secret(kafka_password),
                webhook_secret=_secret(webhook_secret),
            )
        ]
    except ValidationError as error:
        first = error.errors()[0]
        _fail(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    except IdentityError as error:
        _fail(str(error))


def _secret(value: str | None) -> SecretStr | None:
    return SecretStr(value) if value else None


def _fail(message: str) -> NoReturn:
    out.print(f"[red]error:[/] {message}")
    raise typer.Exit(2)


def show_referral(provider_id: str, delivery: Delivery) -> None:
    """One line per event, without anything personal (there is nothing personal in it)."""
    data = delivery.data
    if isinstance(data, Withdrawal):
        out.print(f"[magenta]withdrawn[/] {data.referral_id} ({provider_id}): {data.reason}")
        return
    if isinstance(data, ReportRefusal):
        out.print(
            f"[red]report refused[/] {data.report_id} ({data.report_type}) on "
            f"{data.referral_id} ({provider_id}): {data.field}: {data.reason} {data.message}"
        )
        return
    contact = "contact details available" if data.contact_details_available else "no consent"
    out.print(
        f"[cyan]referral[/] {data.referral_id} → {provider_id} offer {data.offer_id} "
        f"({data.module}, {data.stage}), German {data.language_level}, "
        f"childcare {'needed' if data.childcare_needed else 'not needed'}, "
        f"answer by {data.response_due}, {contact}"
    )


class Provider:
    """What the client does with one provider's events: print, and in --auto answer."""

    def __init__(
        self,
        identity: Identity,
        gateway_url: str,
        autopilot: Autopilot | None,
        sender: KafkaReports | RestReports | None,
    ) -> None:
        self.identity = identity
        self._autopilot = autopilot
        self._sender = sender
        key = identity.api_key.get_secret_value() if identity.api_key else None
        self._gateway = Gateway(gateway_url, key) if key else None
        self._fetching: set[asyncio.Task[None]] = set()

    async def handle(self, delivery: Delivery) -> None:
        show_referral(self.identity.provider_id, delivery)
        data = delivery.data
        if self._autopilot is None or self._sender is None:
            return
        if isinstance(data, Withdrawal):
            self._autopilot.withdrawn(data.referral_id)
            return
        if isinstance(data, ReportRefusal):
            return
        if data.contact_details_available:  # alongside: a slow answer holds up nothing
            fetching = asyncio.create_task(self._contact(data))
            self._fetching.add(fetching)
            fetching.add_done_callback(self._fetching.discard)
        self._autopilot.issued(data, delivery.time.date(), self._sender)

    async def _contact(self, referral: Referral) -> None:
        """A real provider would store them in its course software; here only that it worked."""
        if self._gateway is None:
            return
        try:
            details = await self._gateway.contact(referral.referral_id)
        except GatewayRefused as refused:
            out.print(f"[yellow]contact[/] {referral.referral_id}: {refused}")
            return
        except Exception as error:  # the gateway is away: the run goes on without
            out.print(f"[yellow]contact[/] {referral.referral_id}: {type(error).__name__}")
            return
        fields = sorted(name for name in details if name != "referral_id")
        out.print(f"[green]contact[/] fetched for {referral.referral_id}: {', '.join(fields)}")

    async def close(self) -> None:
        for fetching in list(self._fetching):
            fetching.cancel()
        await asyncio.gather(*self._fetching, return_exceptions=True)
        if self._gateway is not None:
            await self._gateway.close()


def _rules(drop_out_rate: float, job_months: int) -> AutoRules:
    return AutoRules(drop_out_rate=drop_out_rate, job_started_months_ago=job_months)


@app.command("listen")
def listen_command(
    bootstrap: Annotated[
        str, typer.Option("--kafka", envvar="KETTE_KAFKA_BOOTSTRAP", help="Kafka bootstrap.")
    ] = "127.0.0.1:9092",
    provider: ProviderOpt = None,
    api_key: ApiKey = None,
    kafka_username: Annotated[
        str | None,
        typer.Option(
            "--kafka-username", envvar="KETTE_PROVIDER_KAFKA_USERNAME", help="SCRAM user."
        ),
    ] = None,
    kafka_password: Annotated[
        str | None,
        typer.Option(
            "--kafka-password",
            envvar="KETTE_PROVIDER_KAFKA_PASSWORD",
            help="SCRAM password; without one the connection is plaintext (local stack).",
        ),
    ] = None,
    mechanism: Annotated[str, typer.Option("--sasl-mechanism")] = "SCRAM-SHA-512",
    tls: Annotated[bool, typer.Option("--tls", help="SASL_SSL instead of SASL_PLAINTEXT.")] = False,
    identities: IdentitiesFile = None,
    gateway: GatewayUrl = DEFAULT_GATEWAY,
    auto: Auto = False,
    via: Annotated[Via, typer.Option("--report-via", help="Where --auto reports.")] = Via.KAFKA,
    pace: Pace = 1.5,
    drop_out_rate: DropOut = 0.15,
    job_months: JobMonths = 0,
) -> None:
    """Read your referrals topic (provider.<id>.referrals.v1) and print each referral."""
    found = _identities(identities, provider, api_key, kafka_username, kafka_password)
    rules = _rules(drop_out_rate, job_months)
    _until_stopped(_listen(found, bootstrap, mechanism, tls, gateway, auto, via, pace, rules))


def _until_stopped(work: Coroutine[Any, Any, None]) -> None:
    """Run until Ctrl-C or SIGTERM; either way consumers leave their group and close cleanly."""

    async def main() -> None:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for stop in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(stop, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await work
        out.print("stopped")

    asyncio.run(main())


async def _listen(
    identities: list[Identity],
    bootstrap: str,
    mechanism: str,
    tls: bool,
    gateway_url: str,
    auto: bool,
    via: Via,
    pace: float,
    rules: AutoRules,
) -> None:
    autopilot = Autopilot(rules, pace, out.print) if auto else None
    providers: list[Provider] = []
    producers: list[KafkaReports] = []
    try:
        async with asyncio.TaskGroup() as group:
            for identity in identities:
                options = kafka_options(bootstrap, identity, mechanism, tls)
                sender = (
                    await _sender(identity, options, gateway_url, via, producers) if auto else None
                )
                provider = Provider(identity, gateway_url, autopilot, sender)
                providers.append(provider)
                out.print(f"listening on {identity.referrals_topic} as {identity.consumer_group}")
                group.create_task(listen(identity, options, provider.handle, _unreadable))
    finally:
        await _close(autopilot, providers, producers)


async def _sender(
    identity: Identity,
    options: dict[str, Any],
    gateway_url: str,
    via: Via,
    producers: list[KafkaReports],
) -> KafkaReports | RestReports:
    """Reports on your reports topic, or over REST with your API key."""
    if via is Via.REST:
        return RestReports(_gateway_for(identity, gateway_url), out.print)
    producer = KafkaReports(identity, options)
    await producer.start()
    producers.append(producer)
    return producer


def _gateway_for(identity: Identity, gateway_url: str) -> Gateway:
    if identity.api_key is None:
        _fail(f"{identity.provider_id}: an API key is needed to report over REST")
    return Gateway(gateway_url, identity.api_key.get_secret_value())


def _rest_client(api_key: str | None, gateway_url: str) -> Gateway:
    """The API key says which provider is calling."""
    if not api_key:
        _fail("give --api-key (or KETTE_PROVIDER_API_KEY)")
    return Gateway(gateway_url, api_key)


def _unreadable(problem: str) -> None:
    out.print(f"[red]unreadable[/] {problem}")


async def _close(
    autopilot: Autopilot | None, providers: list[Provider], producers: list[KafkaReports]
) -> None:
    if autopilot is not None:
        await autopilot.close()
    for provider in providers:
        await provider.close()
    for producer in producers:
        with contextlib.suppress(Exception):
            await producer.stop()


@app.command("serve-webhooks")
def serve_webhooks_command(
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8190,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    provider: ProviderOpt = None,
    api_key: ApiKey = None,
    webhook_secret: Annotated[
        str | None,
        typer.Option(
            "--webhook-secret", envvar="KETTE_PROVIDER_WEBHOOK_SECRET", help="whsec_… secret."
        ),
    ] = None,
    identities: IdentitiesFile = None,
    gateway: GatewayUrl = DEFAULT_GATEWAY,
    auto: Auto = False,
    pace: Pace = 1.5,
    drop_out_rate: DropOut = 0.15,
    job_months: JobMonths = 0,
) -> None:
    """Receive your referrals as signed webhooks on http://HOST:PORT/webhooks/<provider id>."""
    found = _identities(identities, provider, api_key, webhook_secret=webhook_secret)
    missing = [i.provider_id for i in found if i.webhook_secret is None]
    if missing:
        _fail(f"no webhook secret for {', '.join(missing)} (--webhook-secret)")
    rules = _rules(drop_out_rate, job_months)
    _until_stopped(_serve_webhooks(found, host, port, gateway, auto, pace, rules))


async def _serve_webhooks(
    identities: list[Identity],
    host: str,
    port: int,
    gateway_url: str,
    auto: bool,
    pace: float,
    rules: AutoRules,
) -> None:
    autopilot = Autopilot(rules, pace, out.print) if auto else None
    providers = {
        identity.provider_id: Provider(
            identity,
            gateway_url,
            autopilot,
            RestReports(_gateway_for(identity, gateway_url), out.print) if auto else None,
        )
        for identity in identities
    }

    async def handle(provider_id: str, delivery: Delivery) -> None:
        await providers[provider_id].handle(delivery)

    secrets = {
        i.provider_id: i.webhook_secret.get_secret_value()
        for i in identities
        if i.webhook_secret is not None
    }
    receiver = WebhookReceiver(secrets, handle)

    async def answer(method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        result = await receiver.receive(path, headers, body)
        if result.status >= 400:
            out.print(f"[red]{result.status}[/] {method} {path}: {result.text}")
        return result

    server = await serve(host, port, answer)
    for provider_id in providers:
        out.print(f"webhooks for {provider_id} on http://{host}:{port}/webhooks/{provider_id}")
    try:
        async with server:
            await server.serve_forever()
    finally:
        await _close(autopilot, list(providers.values()), [])


class ReportType(StrEnum):
    """The report types as the command line names them."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ENROLLED = "enrolled"
    ATTENDANCE = "attendance"
    EXAM = "exam"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped-out"
    PLACE_UNAVAILABLE = "place-unavailable"


_KINDS = {
    ReportType.ACCEPTED: Kind.ACCEPTED,
    ReportType.REJECTED: Kind.REJECTED,
    ReportType.ENROLLED: Kind.ENROLLED,
    ReportType.ATTENDANCE: Kind.ATTENDANCE,
    ReportType.EXAM: Kind.EXAM_RESULT,
    ReportType.COMPLETED: Kind.COMPLETED,
    ReportType.DROPPED_OUT: Kind.DROPPED_OUT,
    ReportType.PLACE_UNAVAILABLE: Kind.PLACE_UNAVAILABLE,
}
_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.ACCEPTED: ("starts_on",),
    Kind.REJECTED: ("reason",),
    Kind.ENROLLED: ("planned_end_on",),
    Kind.ATTENDANCE: ("period_start", "period_end", "attended_hours", "planned_hours"),
    Kind.EXAM_RESULT: ("exam", "passed", "language_level_reached", "certificate_obtained"),
    Kind.COMPLETED: ("language_level_reached",),
    Kind.DROPPED_OUT: ("reason",),
    Kind.PLACE_UNAVAILABLE: (),
}
"""Which options each type sends; the gateway names a missing or invalid one."""


def report_from_options(
    kind: Kind, referral_id: str, report_id: str | None, on: date, options: dict[str, Any]
) -> Report:
    """The options that belong to the type; an unset optional one is left out."""
    fields = {name: options.get(name) for name in _FIELDS[kind]}
    return Report(kind, report_id or f"cli-{uuid.uuid4().hex}", referral_id, on, fields)


@app.command("report")
def report_command(
    referral_id: Annotated[str, typer.Argument(help="The referral reported on.")],
    report_type: Annotated[ReportType, typer.Argument(metavar="TYPE", help="What happened.")],
    on: Annotated[str | None, typer.Option("--on", help="Day it happened (default today).")] = None,
    report_id: Annotated[
        str | None, typer.Option("--report-id", help="Your id; resending it is harmless.")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="rejected / dropped-out: reason code.")] = None,
    starts_on: Annotated[str | None, typer.Option(help="accepted: planned start.")] = None,
    planned_end_on: Annotated[str | None, typer.Option(help="enrolled: planned end.")] = None,
    period_start: Annotated[str | None, typer.Option(help="attendance: first day.")] = None,
    period_end: Annotated[str | None, typer.Option(help="attendance: last day.")] = None,
    attended_hours: Annotated[float | None, typer.Option(help="attendance.")] = None,
    planned_hours: Annotated[float | None, typer.Option(help="attendance.")] = None,
    exam: Annotated[str | None, typer.Option(help="exam: dtz, language_certificate, …")] = None,
    passed: Annotated[bool | None, typer.Option("--passed/--failed", help="exam.")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Level reached, e.g. B1.")] = None,
    certificate: Annotated[str | None, typer.Option(help="exam: school certificate.")] = None,
    api_key: ApiKey = None,
    gateway: GatewayUrl = DEFAULT_GATEWAY,
) -> None:
    """Report on one of your referrals over REST; prints the gateway's receipt."""
    client = _rest_client(api_key, gateway)
    kind = _KINDS[report_type]
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        _fail("--on: not a day (YYYY-MM-DD)")
    options = {
        "reason": reason,
        "starts_on": starts_on,
        "planned_end_on": planned_end_on,
        "period_start": period_start,
        "period_end": period_end,
        "attended_hours": attended_hours,
        "planned_hours": planned_hours,
        "exam": exam,
        "passed": passed,
        "language_level_reached": level,
        "certificate_obtained": certificate,
    }
    report = report_from_options(kind, referral_id, report_id, day, options)

    async def send() -> None:
        try:
            receipt = await client.report(report)
        finally:
            await client.close()
        again = " (sent before; nothing changed)" if receipt.duplicate else ""
        out.print(
            f"[green]✓[/] {kind.value} on {receipt.referral_id}: referral now "
            f"{receipt.referral_state}, event {receipt.event_id}{again}"
        )

    _refusals_exit(send)


@app.command("contact")
def contact_command(
    referral_id: Annotated[str, typer.Argument(help="Your active referral.")],
    api_key: ApiKey = None,
    gateway: GatewayUrl = DEFAULT_GATEWAY,
) -> None:
    """Fetch the participant's contact details (consent permitting; the read is recorded)."""
    client = _rest_client(api_key, gateway)

    async def fetch() -> None:
        try:
            details = await client.contact(referral_id)
        finally:
            await client.close()
        table = Table("field", "value", title=f"Contact for {referral_id}")
        for name, value in details.items():
            if name != "referral_id":
                table.add_row(name, "" if value is None else str(value))
        out.print(table)

    _refusals_exit(fetch)


def _refusals_exit(work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run; a refusal prints field and reason and exits 1, an unreachable gateway too."""
    try:
        asyncio.run(work())
    except GatewayRefused as refused:
        for problem in refused.problems:
            text = f" ({problem.message})" if problem.message else ""
            out.print(
                f"[red]refused (HTTP {refused.status}):[/] {problem.field}: {problem.reason}{text}"
            )
        raise typer.Exit(1) from None
    except httpx.TransportError as error:
        out.print(f"[red]gateway not reachable:[/] {error}")
        raise typer.Exit(1) from None


def main() -> None:
    """Console entry point."""
    app()
