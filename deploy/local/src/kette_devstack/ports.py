"""Loopback port checks, so a taken port is reported before a part fails obscurely."""

import errno
import shutil
import socket
import subprocess

from kette_devstack.errors import StackError
from kette_devstack.settings import LOOPBACK


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True if nothing listens on host:port (binding is the only race-free-enough probe)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def free_port(host: str = LOOPBACK) -> int:
    """A port the OS just considered free (tests use it for extra brokers and servers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_answers(port: int, host: str = LOOPBACK, timeout: float = 1.0) -> bool:
    """True if a TCP connection to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_holder(port: int) -> str | None:
    """Best-effort 'name (pid N)' of the listener on port, for a more useful error line."""
    ss = shutil.which("ss")
    if ss is None:
        return None
    try:
        out = subprocess.run(
            [ss, "-H", "-ltnp", f"sport = :{port}"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    if 'users:(("' not in out:
        return None
    name, _, rest = out.split('users:(("', 1)[1].partition('",pid=')
    pid = rest.split(",", 1)[0]
    return f"{name} (pid {pid})"


def require_free_ports(part: str, ports: dict[str, int], setting_hint: str) -> None:
    """Raise a one-line StackError naming the first taken port and how to move it."""
    for label, port in ports.items():
        if not port_is_free(port):
            holder = port_holder(port)
            by = f" by {holder}" if holder else " by another process"
            raise StackError(
                f"{part} cannot start: {label} port {LOOPBACK}:{port} is already in use{by}",
                f"stop that process, or pick another port with {setting_hint}",
            )
