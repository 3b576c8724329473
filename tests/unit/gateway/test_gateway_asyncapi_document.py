"""The providers' AsyncAPI document is generated from the contract and tells the truth."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest
import yaml

from kette_core.contracts import topics
from kette_core.contracts.docs import unresolved_references
from kette_core.contracts.referrals import ReferralIssued, ReferralWithdrawnForProvider
from kette_core.contracts.registry import payload_model, types_on
from kette_provider_gateway.asyncapi import (
    EXAMPLE_SECRET,
    REGENERATE_COMMAND,
    WEBHOOK_MODELS,
    render,
)

pytestmark = pytest.mark.unit

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "provider-gateway.asyncapi.yaml"


def test_the_committed_document_is_the_generated_one() -> None:
    assert DOCUMENT.read_text("utf-8") == render(), f"regenerate: {REGENERATE_COMMAND}"


def test_the_provider_topics_carry_exactly_the_contracts_types() -> None:
    document = yaml.safe_load(render())
    channels = document["channels"]

    for name, address in (
        ("referrals", topics.PROVIDER_REFERRALS_CHANNEL),
        ("reports", topics.PROVIDER_REPORTS_CHANNEL),
    ):
        assert channels[name]["address"] == address
        assert set(channels[name]["messages"]) == types_on(address)
    assert set(channels["webhook"]["messages"]) == {
        f"{model.event_type}.webhook" for model in WEBHOOK_MODELS
    }
    assert {model.event_type for model in WEBHOOK_MODELS} >= {
        ReferralIssued.event_type,
        ReferralWithdrawnForProvider.event_type,
    }
    assert {op["action"] for op in document["operations"].values()} == {"send", "receive"}


def test_every_reference_resolves() -> None:
    document = yaml.safe_load(render())

    assert '"$ref"' in json.dumps(document)
    assert unresolved_references(document) == []


@pytest.mark.parametrize("event_type", sorted(model.event_type for model in WEBHOOK_MODELS))
def test_the_webhook_example_is_signed_as_standard_webhooks_says(event_type: str) -> None:
    message = yaml.safe_load(render())["components"]["messages"][f"{event_type}.webhook"]
    example = message["examples"][0]
    headers, event = example["headers"], example["payload"]
    body = example["x-body"]
    key = base64.b64decode(EXAMPLE_SECRET.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()

    assert headers["webhook-signature"] == f"v1,{expected}"
    assert json.loads(body) == event
    assert headers["webhook-id"] == event["id"]
    assert event["type"] == event_type
    assert event["subject"] == event["data"]["participant_id"]
    model = payload_model(event_type)
    assert model is not None and model.model_validate(event["data"])
    assert set(event) == set(message["payload"]["required"])
