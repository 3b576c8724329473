"""What every stack-run service shares: the environment it starts with (the stack's Kafka and
Temporal), how its /readyz is read, the fingerprint that restarts it when its code changed, and
the part they are all run as (`HttpServicePart`)."""

import contextlib
import hashlib
import importlib.util
import json
import os
import secrets
import urllib.error
import urllib.request
from pathlib import Path

from kette_devstack.health import StartOutcome
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin_tool import write_private
from kette_devstack.part import CLI_OWNER, Part, Progress, no_progress
from kette_devstack.ports import require_free_ports
from kette_devstack.settings import LOOPBACK

PROBE_SECONDS = 5.0
"""How long a /readyz may take before the service counts as not answering."""


def service_env(
    kafka: KafkaNode, principal: str, temporal_address: str | None = None
) -> dict[str, str]:
    """KETTE_* variables on top of ours; SCRAM credentials of `principal` in secure mode."""
    env = dict(os.environ)
    connection = kafka.connection(principal)
    env.update(KETTE_KAFKA_BOOTSTRAP=connection.bootstrap, KETTE_LOG_FORMAT="json")
    if temporal_address is not None:
        env.update(KETTE_TEMPORAL_ADDRESS=temporal_address)
    if connection.username is not None and connection.password is not None:
        env.update(
            KETTE_KAFKA_SASL_MECHANISM="SCRAM-SHA-512",
            KETTE_KAFKA_SASL_USERNAME=connection.username,
            KETTE_KAFKA_SASL_PASSWORD=connection.password,
        )
    env.update(_intake_link(kafka.config.state_dir, principal))
    return env


def intake_token_secret(state_dir: Path) -> str | None:
    """Intake's token secret (.kette/secrets/intake.json), so the tokens intake issues are
    verified by matching and reporting too; None before intake made its secrets."""
    secrets_file = state_dir / "secrets" / "intake.json"
    if not secrets_file.is_file():
        return None
    secret = json.loads(secrets_file.read_text()).get("token_secret")
    return secret if isinstance(secret, str) else None


def _intake_link(state_dir: Path, principal: str) -> dict[str, str]:
    """The claim check: intake knows the gateway by one service token, made once per state dir;
    the gateway gets it with intake's URL. No other service sees it."""
    if principal not in ("intake", "provider-gateway"):
        return {}
    token_file = state_dir / "secrets" / "gateway-intake.token"
    if not token_file.exists():  # written aside, then linked: a reader never sees it half
        draft = token_file.with_name(f"{token_file.name}.{os.getpid()}")
        write_private(draft, secrets.token_urlsafe(32))
        with contextlib.suppress(FileExistsError):
            os.link(draft, token_file)
        draft.unlink()
    token = token_file.read_text().strip()
    if principal == "intake":
        return {"KETTE_GATEWAY_TOKEN": token}
    from kette_devstack.intake_service import IntakePartSettings  # it imports this module

    url = f"http://{LOOPBACK}:{IntakePartSettings().intake_port}"
    return {"KETTE_INTAKE_TOKEN": token, "KETTE_INTAKE_URL": url}


def readiness_failures(url: str) -> str | None:
    """What a service's /readyz names as failing (`{checks: {name: {ok, detail}}}`), or None."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_SECONDS) as answer:
            body = json.load(answer)
    except urllib.error.HTTPError as error:
        body = json.load(error)
    except (OSError, ValueError) as error:
        return f"{url} does not answer: {error}"
    failing = [
        f"{name}: {check['detail']}" for name, check in body["checks"].items() if not check["ok"]
    ]
    return "; ".join(failing) or None


def source_fingerprint(*packages: str) -> str:
    """A short hash of the packages' .py and .json files, found without importing them."""
    digest = hashlib.sha256()
    for package in packages:
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            root = Path(location)
            for path in sorted(root.rglob("*")):
                if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
                    digest.update(f"{package}/{path.relative_to(root).as_posix()}".encode())
                    digest.update(path.read_bytes())
    return f"code-{digest.hexdigest()[:12]}"


class HttpServicePart(Part):
    """A Kette service run by the stack: restarted when its code changed, ready when its
    /readyz says so. Subclasses name `packages` and say how to `_spawn` it."""

    packages: tuple[str, ...] = ()
    """Packages whose code the fingerprint covers; `kette_core` is always added."""
    port_variable = "KETTE_PORT"
    """The variable that moves its port, named when the port is taken."""

    def __init__(self, state_dir: Path, kafka: KafkaNode, start_timeout: float, port: int) -> None:
        super().__init__(state_dir, start_timeout)
        self.kafka = kafka
        self.port = port

    @property
    def mode(self) -> str:
        """The code it runs: a service started before the code changed is replaced on `up`."""
        return source_fingerprint(*self.packages, "kette_core")

    def start(self, owner: str = CLI_OWNER, progress: Progress = no_progress) -> StartOutcome:
        """Like every part, but a service running older code is restarted, not reused."""
        record = self.pid_file.live_record()
        if record is not None and record.mode != self.mode:
            progress(f"{self.name}'s code changed since it started: restarting it")
            self.stop()
        return super().start(owner, progress)

    @property
    def url(self) -> str:
        """Base URL of its API; /docs shows the OpenAPI document."""
        return f"http://{LOOPBACK}:{self.port}"

    def _preflight(self, progress: Progress) -> None:
        require_free_ports(self.name, {"HTTP": self.port}, self.port_variable)

    def _converge(self, progress: Progress) -> None:
        """Nothing: the service migrates itself at start."""

    def _wait_ready(self, pid: int, progress: Progress) -> None:
        progress(f"waiting for {self.name} to answer {self.url}/readyz")
        self._wait_until(pid, lambda: self._probe()[0], "answering /readyz")

    def _probe(self) -> tuple[bool, str]:
        failing = readiness_failures(f"{self.url}/readyz")
        if failing:
            return False, f"{self.url} not ready: {failing}"
        return True, f"API on {self.url} (docs {self.url}/docs); database and Kafka ready"
