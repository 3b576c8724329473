"""`kette audit as-of` in two processes unlike as two machines (time zone, locale): same bytes."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.audit_cli import produce
from tests.support.audit_records import START, registered, stage_started

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]
KETTE = Path(sys.executable).with_name("kette")
MACHINES = (
    {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C"},
    {"TZ": "America/New_York", "LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"},
)


async def as_of_on(machine: dict[str, str], bootstrap: str, args: list[str]) -> None:
    env = {**os.environ, **machine, "KETTE_KAFKA_BOOTSTRAP": bootstrap, "COLUMNS": "200"}
    process = await asyncio.create_subprocess_exec(
        str(KETTE), "audit", "as-of", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, output.decode()


async def test_audit_as_of_gives_the_same_pdf_in_another_time_zone_and_locale(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    participants, chain = await new_topic("asof-people"), await new_topic("asof-chain")
    registrations = [registered(START + timedelta(hours=number)) for number in range(7)]
    people = [str(record.key) for record in registrations]
    await produce(kafka_bootstrap, participants, registrations)
    started = [stage_started(who, START + timedelta(days=1)) for who in people]
    await produce(kafka_bootstrap, chain, started)
    topics = ["--topic", participants, "--topic", chain]

    made = []
    for number, machine in enumerate(MACHINES):
        out = tmp_path / f"machine-{number}.pdf"
        args = ["2026-01-03", "--period", "2026-Q1", "--format", "pdf", "--out", str(out)]
        await as_of_on(machine, kafka_bootstrap, [*args, *topics])
        made.append(out.read_bytes())

    assert made[0].startswith(b"%PDF")
    assert made[0] == made[1]
