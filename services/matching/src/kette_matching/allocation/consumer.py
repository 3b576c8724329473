"""The consumer that ends each batch with a round, so the batch's requests compete together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kette_core.consuming import EventConsumer, RawRecord
from kette_matching.allocation.rounds import Rounds


class RoundPerBatch(EventConsumer):
    """`EventConsumer`, then a round; offsets commit after it; if it fails, requests stay queued."""

    def __init__(self, *args: Any, rounds: Rounds, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rounds = rounds

    async def consume_batch(self, records: Sequence[RawRecord]) -> None:
        """Deal with every record as the base does, then allocate what the batch queued."""
        await super().consume_batch(records)
        await self._rounds.after_batch()
