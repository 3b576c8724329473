"""Cross-process locks and leases, because engineers share one checkout and its stack."""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kette_devstack.process import pid_alive


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on path so two starts of one part never race."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Leases:
    """One file per process using a part, so the last test session out may stop it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def take(self, pid: int | None = None) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / str(pid or os.getpid())).touch()

    def give_back(self, pid: int | None = None) -> None:
        (self.directory / str(pid or os.getpid())).unlink(missing_ok=True)

    def holders(self) -> list[int]:
        """Pids of live holders; leases of dead processes are cleaned up on the way."""
        if not self.directory.is_dir():
            return []
        alive: list[int] = []
        for entry in self.directory.iterdir():
            if entry.name.isdigit() and pid_alive(int(entry.name)):
                alive.append(int(entry.name))
            else:
                entry.unlink(missing_ok=True)
        return alive
