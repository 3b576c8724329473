"""Finding Debian's chromium for the browser tests, or saying how to install it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kette_devstack.chromium import ensure_chromium
from kette_devstack.errors import StackError

pytestmark = pytest.mark.unit


def test_an_installed_chromium_is_used_as_it_is(tmp_path: Path) -> None:
    binary = tmp_path / "chromium"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)

    assert ensure_chromium(tmp_path, binary=binary) == binary


def test_a_missing_chromium_that_may_not_be_installed_names_the_apt_get_fix(
    tmp_path: Path,
) -> None:
    with pytest.raises(StackError) as raised:
        ensure_chromium(tmp_path, binary=tmp_path / "absent", auto_install=False)

    assert "not installed" in raised.value.cause
    assert "apt-get install -y chromium" in raised.value.fix


def test_a_file_that_cannot_run_does_not_count_as_installed(tmp_path: Path) -> None:
    binary = tmp_path / "chromium"
    binary.write_text("half-installed")
    binary.chmod(0o644)

    with pytest.raises(StackError):
        ensure_chromium(tmp_path, binary=binary, auto_install=False)
