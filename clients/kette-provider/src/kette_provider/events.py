"""What a provider receives: referral events as CloudEvents, read without Kette's code.

The same event arrives in Kafka binary mode (ce_* headers, JSON value) or as a webhook in
structured mode (one JSON document with `data`); both become one `Delivery`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ISSUED = "kette.referral.issued.v1"
WITHDRAWN = "kette.referral.withdrawn.v1"
REFUSED = "kette.referral.report_refused.v1"


class UnreadableEvent(Exception):
    """Not a referral event this client understands; the message names what is wrong."""


class Referral(BaseModel):
    """kette.referral.issued.v1: a person is referred to one of your offers (no name, no address:
    contact details are fetched from the gateway when consent allows)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    referral_id: str
    participant_id: str
    provider_id: str
    offer_id: str
    module: str
    stage: str
    language_level: str
    childcare_needed: bool
    response_due: date
    contact_details_available: bool


class Withdrawal(BaseModel):
    """kette.referral.withdrawn.v1: stop working on the referral."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    referral_id: str
    participant_id: str
    provider_id: str
    reason: str


class ReportRefusal(BaseModel):
    """kette.referral.report_refused.v1: a report you wrote to your reports topic was refused
    and changed nothing (over REST the refusal is the HTTP answer instead)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    provider_id: str
    report_id: str
    report_type: str | None = None
    referral_id: str | None = None
    reason: str
    field: str
    message: str = ""


Event = Referral | Withdrawal | ReportRefusal


class Delivery(BaseModel):
    """One event with the envelope attributes a receiver needs."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    time: datetime
    subject: str | None = None
    data: Event = Field(union_mode="left_to_right")


_MODELS: dict[str, type[Event]] = {ISSUED: Referral, WITHDRAWN: Withdrawal, REFUSED: ReportRefusal}


def from_kafka(headers: Iterable[tuple[str, bytes]], value: bytes | None) -> Delivery:
    """A record of your referrals topic (binary mode)."""
    found = {name.lower(): raw.decode("utf-8", "replace") for name, raw in headers}
    attributes = {key[3:]: text for key, text in found.items() if key.startswith("ce_")}
    try:
        data = json.loads(value or b"")
    except ValueError as error:
        raise UnreadableEvent(f"value: not JSON ({error})") from None
    return _delivery(attributes, data)


def from_webhook(body: bytes) -> Delivery:
    """A webhook body (structured mode), after its signature was verified."""
    try:
        document = json.loads(body)
    except ValueError as error:
        raise UnreadableEvent(f"body: not JSON ({error})") from None
    if not isinstance(document, dict):
        raise UnreadableEvent("body: not a JSON object")
    return _delivery(document, document.get("data"))


def _delivery(attributes: dict[str, Any], data: Any) -> Delivery:
    """Pick the model by `type`; an unknown type is named, not guessed."""
    event_type = attributes.get("type")
    model = _MODELS.get(str(event_type))
    if model is None:
        raise UnreadableEvent(f"type: {event_type!r} is not a referral event this client knows")
    try:
        return Delivery(
            id=attributes.get("id"),
            type=event_type,
            time=attributes.get("time"),
            subject=attributes.get("subject"),
            data=model.model_validate(data),
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "event"
        raise UnreadableEvent(f"{where}: {first['msg']}") from None
