"""Debian's chromium for the browser tests, installed with apt-get when root and missing.

Playwright drives this binary (`executable_path`); it never downloads a browser of its own.
"""

import os
import shutil
import subprocess
from pathlib import Path

from kette_devstack.errors import StackError
from kette_devstack.locking import file_lock
from kette_devstack.part import Progress, no_progress

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Flags for a root CI machine without a display, and no calls home."""
_FIX = "apt-get update && apt-get install -y chromium"


def ensure_chromium(
    state_dir: Path,
    progress: Progress = no_progress,
    binary: Path = DEBIAN_CHROMIUM,
    auto_install: bool = True,
) -> Path:
    """The chromium binary; installs Debian's package first if root may and it is missing."""
    if _runs(binary):
        return binary
    apt = shutil.which("apt-get")
    if not (auto_install and os.geteuid() == 0 and apt is not None):
        raise StackError(f"Debian's chromium is not installed ({binary} missing)", _FIX)
    with file_lock(state_dir / "locks" / "chromium-install.lock"):  # two sessions, one apt
        if not _runs(binary):
            _apt_install(apt, progress)
    if not _runs(binary):
        raise StackError(f"apt-get did not install a working chromium at {binary}", _FIX)
    return binary


def _apt_install(apt: str, progress: Progress) -> None:
    progress("installing chromium from Debian's packages (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in ([apt, "update"], [apt, "install", "-y", "chromium"]):
        subprocess.run(argv, capture_output=True, env=env, check=False)


def _runs(binary: Path) -> bool:
    """Installed and executable; a half-installed package has no binary yet."""
    return binary.is_file() and os.access(binary, os.X_OK)
