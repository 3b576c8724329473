"""Event ids that survive retries."""

from __future__ import annotations

import uuid

import pytest

from kette_core.ids import new_participant_id, random_event_id, stable_event_id

pytestmark = pytest.mark.unit


def test_the_same_type_and_key_always_give_the_same_id() -> None:
    first = stable_event_id("kette.chain.stage_started.v1", "chain-p-1", "language", "1")
    retried = stable_event_id("kette.chain.stage_started.v1", "chain-p-1", "language", "1")

    assert first == retried
    assert uuid.UUID(first).version == 5


def test_the_id_is_pinned_to_a_fixed_namespace() -> None:
    assert stable_event_id("kette.chain.closed.v1", "chain-p-1") == str(
        uuid.uuid5(
            uuid.UUID("6b1f3c52-8f0e-5b6a-9d3e-2c4a7e9f1d08"), "kette.chain.closed.v1\x1fchain-p-1"
        )
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("kette.chain.paused.v1", "chain-p-1", "3"), ("kette.chain.resumed.v1", "chain-p-1", "3")),
        (("kette.chain.paused.v1", "chain-p-1", "3"), ("kette.chain.paused.v1", "chain-p-1", "4")),
        (("kette.chain.paused.v1", "ab", "c"), ("kette.chain.paused.v1", "a", "bc")),
    ],
)
def test_different_types_or_keys_give_different_ids(a: tuple[str, ...], b: tuple[str, ...]) -> None:
    assert stable_event_id(*a) != stable_event_id(*b)


@pytest.mark.parametrize("key", [(), ("",), ("chain-p-1", "")])
def test_a_stable_id_needs_a_non_empty_key(key: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="natural key"):
        stable_event_id("kette.chain.closed.v1", *key)


def test_random_ids_differ() -> None:
    assert random_event_id() != random_event_id()


def test_participant_ids_are_pseudonymous_and_fit_the_contract() -> None:
    participant_id = new_participant_id()

    assert participant_id.startswith("p-")
    assert uuid.UUID(participant_id[2:]).version == 4
