"""Event ids that stay the same when a step is retried, so consumers can de-duplicate."""

from __future__ import annotations

import uuid

KETTE_NAMESPACE = uuid.UUID("6b1f3c52-8f0e-5b6a-9d3e-2c4a7e9f1d08")
"""Fixed namespace of all Kette name-based ids; changing it would change every stable id."""


def stable_event_id(event_type: str, *natural_key: str) -> str:
    """Same type and key, same id: an activity that publishes twice publishes one event."""
    if not natural_key or any(not part for part in natural_key):
        raise ValueError("stable_event_id needs a non-empty natural key")
    name = "\x1f".join((event_type, *natural_key))
    return str(uuid.uuid5(KETTE_NAMESPACE, name))


def random_event_id() -> str:
    """For facts without a natural key; store it with the fact before any retry can happen."""
    return str(uuid.uuid4())


def new_participant_id() -> str:
    """A pseudonymous participant id that carries nothing about the person."""
    return f"p-{uuid.uuid4()}"
