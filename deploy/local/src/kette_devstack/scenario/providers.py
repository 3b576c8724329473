"""The demo's providers: every catalogue provider registered at the gateway through its admin
API and served by two `kette-provider` processes in --auto mode, one reading its referrals from
Kafka (reports on its reports topic), one receiving them as signed webhooks (reports over REST).

Reports then travel provider → gateway → kette.provider-status.v1 → chain, as in production.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import SecretStr

from kette_devstack.kafka import KafkaNode
from kette_devstack.ports import free_port
from kette_devstack.settings import LOOPBACK
from kette_provider.identities import Identity, write_identities

STOP_SECONDS = 10.0


class GatewayRefused(Exception):
    """The gateway's admin API said no; the message names provider, status and reason."""


@dataclass(frozen=True)
class DemoDoors:
    """Which catalogue providers read from Kafka and which receive webhooks."""

    kafka: tuple[str, ...]
    webhooks: tuple[str, ...]


def split_doors(provider_ids: set[str]) -> DemoDoors:
    """Alternately, in id order: both doors serve a share of every kind of offer."""
    ordered = sorted(provider_ids)
    return DemoDoors(kafka=tuple(ordered[0::2]), webhooks=tuple(ordered[1::2]))


@dataclass
class DemoProviders:
    """The two running processes; `stop` ends them (SIGTERM: they leave their groups)."""

    doors: DemoDoors
    logs: list[Path]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def crashed(self) -> str | None:
        """The log of a process that ended early, if one did."""
        for process, log in zip(self.processes, self.logs, strict=True):
            if process.poll() is not None:
                return f"kette-provider exited {process.returncode}, see {log}"
        return None


@dataclass(frozen=True)
class AutoSettings:
    """How the automatic providers play (the scenario's own knobs)."""

    pace_seconds: float
    drop_out_rate: float
    job_started_months_ago: int


async def start_demo_providers(
    gateway_url: str,
    admin_token: str,
    kafka: KafkaNode,
    names: dict[str, str],
    state_dir: Path,
    auto: AutoSettings,
    say: Callable[[str], None],
) -> DemoProviders:
    """Register (or re-key) every provider, point the webhook ones at a local port, start both."""
    doors = split_doors(set(names))
    port = free_port()
    headers = {"Authorization": f"Bearer {admin_token}"}
    kafka_ids: list[Identity] = []
    webhook_ids: list[Identity] = []
    async with httpx.AsyncClient(base_url=gateway_url, headers=headers, timeout=180) as api:
        for provider_id in sorted(names):
            say(f"Träger {provider_id} beim Gateway anmelden")
            key = SecretStr(await _api_key(api, provider_id, names[provider_id]))
            if provider_id in doors.kafka:
                connection = kafka.connection(f"provider.{provider_id}")
                password = SecretStr(connection.password) if connection.password else None
                kafka_ids.append(
                    Identity(
                        provider_id=provider_id,
                        api_key=key,
                        kafka_username=connection.username,
                        kafka_password=password,
                    )
                )
            else:
                url = f"http://{LOOPBACK}:{port}/webhooks/{provider_id}"
                secret = SecretStr(await _webhook_secret(api, provider_id, url))
                webhook_ids.append(
                    Identity(provider_id=provider_id, api_key=key, webhook_secret=secret)
                )
    registered = Registered(doors, port, kafka_ids, webhook_ids)
    return launch(gateway_url, kafka.bootstrap, registered, state_dir, auto)


@dataclass(frozen=True)
class Registered:
    """The providers as registered: their doors, credentials and the webhook port."""

    doors: DemoDoors
    port: int
    kafka: list[Identity]
    webhooks: list[Identity]


def launch(
    gateway_url: str, bootstrap: str, registered: Registered, state_dir: Path, auto: AutoSettings
) -> DemoProviders:
    """Both processes, their identities in private files, their output in the stack's logs."""
    folder = state_dir / "data" / "demo-providers"
    common = [
        "--gateway",
        gateway_url,
        "--auto",
        "--pace",
        str(auto.pace_seconds),
        "--drop-out-rate",
        str(auto.drop_out_rate),
        "--job-started-months-ago",
        str(auto.job_started_months_ago),
    ]
    commands = {
        "kafka": (registered.kafka, ["listen", "--kafka", bootstrap, *common]),
        "webhooks": (
            registered.webhooks,
            ["serve-webhooks", "--port", str(registered.port), *common],
        ),
    }
    running = DemoProviders(registered.doors, [])
    for door, (identities, arguments) in commands.items():
        file = folder / f"{door}.json"
        write_identities(file, identities)
        log = state_dir / "logs" / f"kette-provider-{door}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        running.logs.append(log)
        argv = [sys.executable, "-m", "kette_provider", *arguments, "--identities", str(file)]
        with log.open("ab") as output:
            running.processes.append(
                subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
            )
    return running


async def _api_key(api: httpx.AsyncClient, provider_id: str, name: str) -> str:
    """A new provider's first key, or a fresh key for one registered by an earlier run."""
    added = await api.post("/admin/providers", json={"provider_id": provider_id, "name": name})
    if added.status_code == 409:
        added = await api.post(f"/admin/providers/{provider_id}/keys")
    if added.status_code != 201:
        raise GatewayRefused(f"{provider_id}: {added.status_code} {added.text[:300]}")
    key: str = added.json()["api_key"]
    return key


async def _webhook_secret(api: httpx.AsyncClient, provider_id: str, url: str) -> str:
    """Point the provider's webhook at the local receiver; a new secret every run."""
    answer = await api.put(f"/admin/providers/{provider_id}/webhook", json={"url": url})
    if answer.status_code != 200:
        raise GatewayRefused(f"{provider_id} webhook: {answer.status_code} {answer.text[:300]}")
    secret: str = answer.json()["secret"]
    return secret
