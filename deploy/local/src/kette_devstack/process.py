"""Detached processes tracked by pid records, so `down` stops only what the stack started."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from kette_devstack.settings import StackSettings

_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class PidRecord:
    """What we started: the pid plus a marker from its command line to survive pid reuse."""

    pid: int
    marker: str
    owner: str
    mode: str = ""


class PidFile:
    """A JSON pid record under the state dir's run/ directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> PidRecord | None:
        try:
            return PidRecord(**json.loads(self.path.read_text()))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    def write(self, record: PidRecord) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(record)))
        tmp.replace(self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

    def live_record(self) -> PidRecord | None:
        """The record if its process still runs our command, else None."""
        record = self.read()
        if record is not None and is_our_process(record.pid, record.marker):
            return record
        return None


def pid_alive(pid: int) -> bool:
    """True for a running (not zombie) process."""
    _reap(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def is_our_process(pid: int, marker: str) -> bool:
    """True if pid is alive and its command line contains marker (guards against pid reuse)."""
    if not pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return marker in cmdline


def spawn(
    argv: Sequence[str],
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
) -> int:
    """Start argv in its own session, its output piped into log_path by a log pump that
    rotates by size; returns the pid of argv."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    settings = StackSettings()
    rotation = [str(log_path), str(settings.log_max_bytes), str(settings.log_backups)]
    pump = subprocess.Popen(
        [sys.executable, "-m", "kette_devstack.log_pump", *rotation],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert pump.stdin is not None  # stdin=PIPE
    try:
        child = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=pump.stdin,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
            user=user,
            group=user,
            extra_groups=[] if user else None,
        )
    finally:
        pump.stdin.close()  # the child holds the only writer: its exit ends the pump
    _children[pump.pid] = pump
    _children[child.pid] = child
    return child.pid


def stop_pid(pid: int, *, sig: signal.Signals = signal.SIGTERM, timeout: float = 30.0) -> None:
    """Ask a process to stop, escalate to SIGKILL after timeout, and wait until it is gone."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        _reap(pid)
        return
    if _wait_gone(pid, timeout):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_gone(pid, 10.0)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    return not pid_alive(pid)


def _reap(pid: int) -> None:
    """Collect our own exited children (and log pumps) so they do not linger as zombies."""
    for known in [pid, *_children]:
        child = _children.get(known)
        if child is not None and child.poll() is not None:
            del _children[known]
