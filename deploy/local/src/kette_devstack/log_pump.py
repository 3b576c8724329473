"""`python -m kette_devstack.log_pump <log> <max_bytes> <backups>`: copies a part's output into
its log and rotates by size, so a long outage cannot fill the disk."""

import sys
from pathlib import Path
from typing import BinaryIO

MAX_LINE = 65_536  # output without newlines is cut into pieces rather than held in memory


class RotatingLog:
    """Appends whole lines; past max_bytes the log becomes <log>.1 and older ones shift up."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups
        self._file = path.open("ab")
        self._size = self._file.tell()

    def write(self, line: bytes) -> None:
        if self._size and self._size + len(line) > self.max_bytes:
            self._rotate()
        self._file.write(line)
        self._file.flush()
        self._size += len(line)

    def close(self) -> None:
        self._file.close()

    def _rotate(self) -> None:
        self._file.close()
        for index in range(self.backups - 1, 0, -1):
            older = self.backup(index)
            if older.exists():
                older.replace(self.backup(index + 1))
        if self.backups > 0:
            self.path.replace(self.backup(1))
        else:
            self.path.unlink(missing_ok=True)
        self._file = self.path.open("ab")
        self._size = 0

    def backup(self, index: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{index}")


def pump(source: BinaryIO, log: RotatingLog) -> None:
    """Copy line by line until the part closes its output (it exited)."""
    try:
        for line in iter(lambda: source.readline(MAX_LINE), b""):
            log.write(line)
    finally:
        log.close()


def main() -> None:
    path, max_bytes, backups = sys.argv[1:4]
    pump(sys.stdin.buffer, RotatingLog(Path(path), int(max_bytes), int(backups)))


if __name__ == "__main__":
    main()
