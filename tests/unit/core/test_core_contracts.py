"""The payload models: closed, described, correctly named, without personal data."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, Field, ValidationError

from kette_core.contracts import EVENT_TYPES, PAYLOAD_MODELS
from kette_core.contracts.base import (
    EXAMPLE_PARTICIPANT,
    EventPayload,
    example_config,
    example_for,
)
from kette_core.contracts.participants import ParticipantRegistered, ProfileUpdated
from kette_core.contracts.referrals import AttendanceReported
from kette_core.contracts.topics import provider_referrals_topic, provider_reports_topic
from kette_core.contracts.vocabulary import Actor, ActorRole

pytestmark = pytest.mark.unit

TYPE_NAME = re.compile(r"^kette\.[a-z_-]+\.[a-z_]+\.v[1-9][0-9]*$")
PERSONAL_FIELD_NAMES = {
    "name",
    "first_name",
    "last_name",
    "birth_date",
    "date_of_birth",
    "address",
    "street",
    "phone",
    "email",
    "nationality",
}


def nested_models(
    model: type[BaseModel], seen: set[type[BaseModel]] | None = None
) -> set[type[BaseModel]]:
    """The model and every model reachable through its fields."""
    seen = set() if seen is None else seen
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        for candidate in _types_in(field.annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                nested_models(candidate, seen)
    return seen


def _types_in(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", ())
    return [annotation, *[t for arg in args for t in _types_in(arg)]]


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda model: model.event_type)
def test_every_field_of_every_event_is_described(model: type[EventPayload]) -> None:
    undescribed = [
        f"{nested.__name__}.{name}"
        for nested in nested_models(model)
        for name, field in nested.model_fields.items()
        if not field.description
    ]

    assert undescribed == []


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda model: model.event_type)
def test_events_are_closed_and_immutable(model: type[EventPayload]) -> None:
    for nested in nested_models(model):
        assert nested.model_config.get("extra") == "forbid", nested.__name__
        assert nested.model_config.get("frozen") is True, nested.__name__


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda model: model.event_type)
def test_no_event_has_a_field_for_personal_data(model: type[EventPayload]) -> None:
    names = {name for nested in nested_models(model) for name in nested.model_fields}

    assert names & PERSONAL_FIELD_NAMES == set()


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda model: model.event_type)
def test_type_names_follow_the_convention_and_have_a_channel(model: type[EventPayload]) -> None:
    assert TYPE_NAME.match(model.event_type)
    assert model.channels


def test_the_registry_knows_every_model_once() -> None:
    assert set(EVENT_TYPES.values()) == set(PAYLOAD_MODELS)
    assert len(EVENT_TYPES) == len(PAYLOAD_MODELS)


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda model: model.event_type)
def test_every_event_type_declares_an_example_of_its_own_that_validates(
    model: type[EventPayload],
) -> None:
    declared = model.model_json_schema()["examples"]

    assert len(declared) == 1
    assert type(example_for(model)) is model


def test_an_event_type_without_an_example_is_caught() -> None:
    class Undocumented(EventPayload):
        event_type: ClassVar[str] = "kette.test.undocumented.v1"

        note: str = Field(description="Anything.")

    with pytest.raises(LookupError, match="declares no example"):
        example_for(Undocumented)


def test_an_example_that_does_not_fit_its_model_is_caught() -> None:
    class Misdocumented(EventPayload):
        event_type: ClassVar[str] = "kette.test.misdocumented.v1"
        model_config = example_config(attempt=0)

        attempt: int = Field(ge=1, description="At least one.")

    with pytest.raises(ValidationError, match="attempt"):
        example_for(Misdocumented)


def test_participant_events_are_keyed_by_the_participant() -> None:
    assert example_for(ParticipantRegistered).partition_key() == EXAMPLE_PARTICIPANT


def test_a_personal_field_sent_along_is_refused() -> None:
    data = example_for(ParticipantRegistered).model_dump(mode="json") | {"birth_date": "2001-05-17"}

    with pytest.raises(ValidationError, match="birth_date"):
        ParticipantRegistered.model_validate(data)


def test_a_participant_id_must_be_pseudonymous_looking() -> None:
    data = example_for(ParticipantRegistered).model_dump(mode="json") | {
        "participant_id": "Amina Yusuf"
    }

    with pytest.raises(ValidationError, match="participant_id"):
        ParticipantRegistered.model_validate(data)


def test_an_actor_id_cannot_be_an_email_address() -> None:
    with pytest.raises(ValidationError, match="actor_id"):
        Actor(role=ActorRole.CASEWORKER, actor_id="amina@example.org")


def test_a_profile_update_must_change_something() -> None:
    with pytest.raises(ValidationError, match="at least one profile field"):
        ProfileUpdated(
            participant_id=EXAMPLE_PARTICIPANT,
            updated_on=date(2024, 1, 1),
            updated_by=Actor(role=ActorRole.CASEWORKER, actor_id="cw-1234"),
        )


def test_an_attendance_period_cannot_end_before_it_starts() -> None:
    data = example_for(AttendanceReported).model_dump() | {
        "period_start": date(2024, 5, 1),
        "period_end": date(2024, 4, 1),
    }

    with pytest.raises(ValidationError, match="period_end"):
        AttendanceReported.model_validate(data)


def test_payloads_cannot_be_changed_after_creation() -> None:
    payload = example_for(AttendanceReported)

    with pytest.raises(ValidationError):
        payload.attended_hours = 1.0  # type: ignore[misc]


def test_provider_topics_are_built_from_the_provider_slug() -> None:
    assert provider_referrals_topic("vhs-unna") == "provider.vhs-unna.referrals.v1"
    assert provider_reports_topic("vhs-unna") == "provider.vhs-unna.reports.v1"


@pytest.mark.parametrize("provider_id", ["VHS Unna", "vhs.unna", "x", "*"])
def test_a_provider_id_that_could_widen_an_acl_is_refused(provider_id: str) -> None:
    with pytest.raises(ValueError, match="lowercase slug"):
        provider_referrals_topic(provider_id)
