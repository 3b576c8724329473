"""An idle relay backs off instead of querying the outbox several times a second."""

from __future__ import annotations

import asyncio

import pytest
from core_component_support import RecordingSender, eventually
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import new_event
from kette_core.ids import new_participant_id
from kette_core.outbox import OutboxRelay, add_to_outbox

pytestmark = pytest.mark.component


class CountingRelay(OutboxRelay):
    """Counts each look and pause; pauses shorter than the idle interval pass at once."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.looks = 0
        self.sending_looks: list[int] = []
        self.pauses: list[float] = []

    async def relay_once(self) -> int:
        self.looks += 1
        sent = await super().relay_once()
        if sent:
            self.sending_looks.append(self.looks)
        return sent

    async def _pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        if seconds >= self._idle_interval:
            await super()._pause(seconds)
        else:
            await asyncio.sleep(0)


async def stage_one(sessions: async_sessionmaker[AsyncSession]) -> None:
    payload = StageStarted(participant_id=new_participant_id(), stage=Stage.LANGUAGE, attempt=1)
    async with sessions() as session, session.begin():
        await add_to_outbox(session, new_event(payload, source="/kette/test"))


def test_empty_looks_double_the_pause_up_to_the_idle_interval_and_a_batch_resets_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    relay = OutboxRelay(sessions, RecordingSender(), poll_interval=0.2, idle_interval=5.0)

    idle = [relay.pause_after(0) for _ in range(8)]
    after_a_batch = [relay.pause_after(3), relay.pause_after(0)]

    assert idle == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0]
    assert after_a_batch == [0.2, 0.4]


async def test_an_idle_relay_looks_at_most_once_per_idle_interval_and_a_woken_one_sends_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    sender = RecordingSender()
    relay = CountingRelay(sessions, sender, poll_interval=0.2, idle_interval=60.0)
    relay.start()
    await eventually(lambda: relay.pauses and relay.pauses[-1] == 60.0, "the idle pause")
    looks_when_idle = relay.looks

    await stage_one(sessions)
    relay.wake()
    await eventually(lambda: sender.sent, "the woken relay to send")
    await relay.stop()

    # 0.2 s doubled reaches 60 s after 10 empty looks; then one look per 60 s
    assert looks_when_idle == 10
    # the wake alone brought the row out: the very next look found it
    assert len(sender.sent) == 1
    assert relay.sending_looks == [looks_when_idle + 1]
