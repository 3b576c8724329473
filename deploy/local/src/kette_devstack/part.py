"""Lifecycle shared by Kafka, Temporal and PostgreSQL: idempotent start, pid-file stop, health."""

import signal
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from kette_devstack.errors import StackError
from kette_devstack.health import Health, StartOutcome
from kette_devstack.locking import Leases, file_lock
from kette_devstack.process import PidFile, PidRecord, pid_alive, stop_pid

Progress = Callable[[str], None]
CLI_OWNER = "cli"
TESTS_OWNER = "tests"


def no_progress(_: str) -> None:
    return None


class Part(ABC):
    """A locally managed server process whose state lives under one state dir."""

    name: str
    stop_signal: signal.Signals = signal.SIGTERM

    def __init__(self, state_dir: Path, start_timeout: float = 120.0) -> None:
        self.state_dir = state_dir
        self.start_timeout = start_timeout
        self.pid_file = PidFile(state_dir / "run" / f"{self.name}.json")
        self.leases = Leases(state_dir / "run" / "leases" / self.name)
        self._lock_path = state_dir / "run" / f"{self.name}.lock"

    @property
    def log_file(self) -> Path:
        """The file the part's own output goes to."""
        return self.state_dir / "logs" / f"{self.name}.log"

    @property
    def log_files(self) -> list[Path]:
        """Every log worth showing for `kette-stack logs`."""
        return [self.log_file]

    @property
    def mode(self) -> str:
        """Configuration that must match a running instance for it to be reused."""
        return ""

    def acquire(self, progress: Progress = no_progress) -> StartOutcome:
        """Start or reuse the part for a test session; pair with `release`."""
        self.leases.take()
        try:
            return self.start(owner=TESTS_OWNER, progress=progress)
        except BaseException:
            self.leases.give_back()
            raise

    def start(self, owner: str = CLI_OWNER, progress: Progress = no_progress) -> StartOutcome:
        """Start the part unless it already runs; converge its setup either way."""
        with file_lock(self._lock_path):
            record = self.pid_file.live_record()
            if record is not None:
                self._ensure_same_mode(record)
                if owner == CLI_OWNER and record.owner != CLI_OWNER:
                    adopted = PidRecord(record.pid, record.marker, CLI_OWNER, record.mode)
                    self.pid_file.write(adopted)
                outcome = StartOutcome.ALREADY_RUNNING
            else:
                self.pid_file.remove()
                self._preflight(progress)
                progress(f"starting {self.name}")
                pid, marker = self._spawn()
                self.pid_file.write(PidRecord(pid, marker, owner, self.mode))
                try:
                    self._wait_ready(pid, progress)
                except BaseException:
                    stop_pid(pid, sig=signal.SIGKILL, timeout=10)
                    self.pid_file.remove()
                    raise
                outcome = StartOutcome.STARTED
            self._converge(progress)
            return outcome

    def stop(self) -> bool:
        """Stop the process from our pid file; True if something was stopped."""
        with file_lock(self._lock_path):
            return self._stop_locked()

    def release(self) -> bool:
        """Give back this process's lease; stop the part if tests started it and no one
        else holds a lease (the last test session out turns the light off)."""
        self.leases.give_back()
        with file_lock(self._lock_path):
            record = self.pid_file.live_record()
            if record is None or record.owner != TESTS_OWNER or self.leases.holders():
                return False
            return self._stop_locked()

    def _stop_locked(self) -> bool:
        record = self.pid_file.live_record()
        self.pid_file.remove()
        if record is None:
            return False
        stop_pid(record.pid, sig=self.stop_signal, timeout=60)
        return True

    def is_running(self) -> bool:
        """True if the pid file names a live process of ours."""
        return self.pid_file.live_record() is not None

    def health(self) -> Health:
        """Process check first, then the part's own protocol-level check."""
        record = self.pid_file.read()
        if record is None:
            return Health(self.name, False, "not running (no pid file)")
        if not pid_alive(record.pid):
            return Health(
                self.name,
                False,
                f"pid {record.pid} from the pid file is not alive (crashed or killed? "
                f"see {self.log_file})",
                record.pid,
            )
        if self.pid_file.live_record() is None:
            return Health(
                self.name, False, f"pid {record.pid} now belongs to another program", record.pid
            )
        healthy, reason = self._probe()
        return Health(self.name, healthy, reason, record.pid)

    def _ensure_same_mode(self, record: PidRecord) -> None:
        if record.mode != self.mode:
            raise StackError(
                f"{self.name} is already running in {record.mode or 'default'} mode, "
                f"but {self.mode or 'default'} mode was asked for",
                f"ask for the running mode, or `kette-stack down {self.name}` and start again",
            )

    def _wait_until(self, pid: int, check: Callable[[], bool], what: str) -> None:
        """Poll check until it passes; fail early with the log's cause if the process died."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if not pid_alive(pid):
                raise StackError(
                    f"{self.name} exited during start: {last_error_line(self.log_file)}",
                    f"read {self.log_file} for details, fix the cause and run `make up` again",
                )
            if check():
                return
            time.sleep(0.25)
        raise StackError(
            f"{self.name} did not become ready ({what}) within {self.start_timeout:.0f}s",
            f"read {self.log_file}; raise KETTE_START_TIMEOUT_SECONDS on a slow machine",
        )

    @abstractmethod
    def _preflight(self, progress: Progress) -> None:
        """Check tools and ports (and prepare files) before spawning anything."""

    @abstractmethod
    def _converge(self, progress: Progress) -> None:
        """Idempotent setup after start (topics, users); runs on every start."""

    @abstractmethod
    def _spawn(self) -> tuple[int, str]:
        """Launch the server; return its pid and a command-line marker identifying it."""

    @abstractmethod
    def _wait_ready(self, pid: int, progress: Progress) -> None:
        """Block until the freshly spawned server answers."""

    @abstractmethod
    def _probe(self) -> tuple[bool, str]:
        """Protocol-level health check of a running server, with its reason."""


def last_error_line(log_file: Path, max_bytes: int = 64_000) -> str:
    """The most telling line of a log tail, for one-line failure messages."""
    try:
        with log_file.open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - max_bytes))
            lines = handle.read().decode(errors="replace").splitlines()
    except OSError:
        return "no log written"
    keywords = ("ERROR", "FATAL", "Exception", "error", "panic")
    for line in reversed(lines):
        if any(word in line for word in keywords):
            return line.strip()[:300]
    for line in reversed(lines):
        if line.strip():
            return line.strip()[:300]
    return "no output"
