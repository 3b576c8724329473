"""The committed JSON Schemas and AsyncAPI document match the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kette_core.contracts import PAYLOAD_MODELS
from kette_core.contracts.docs import (
    REGENERATE_COMMAND,
    render_documents,
    unresolved_references,
    write_documents,
)

pytestmark = pytest.mark.unit

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_committed_docs_match_the_models() -> None:
    expected = render_documents()
    committed_schemas = {f"events/{path.name}" for path in (DOCS / "events").glob("*.json")}

    differing = sorted(
        relative
        for relative, text in expected.items()
        if not (DOCS / relative).is_file() or (DOCS / relative).read_text("utf-8") != text
    )
    stale = sorted(committed_schemas - expected.keys())

    assert not differing and not stale, (
        f"docs/ drifted from the event models (differing: {differing}, stale: {stale}); "
        f"run `{REGENERATE_COMMAND}` and commit the result"
    )


def test_generation_is_deterministic() -> None:
    assert render_documents() == render_documents()


def test_there_is_one_schema_per_event_type_with_its_example() -> None:
    documents = render_documents()

    for model in PAYLOAD_MODELS:
        schema = json.loads(documents[f"events/{model.event_type}.json"])
        assert schema["x-cloudevents-type"] == model.event_type
        assert schema["additionalProperties"] is False
        assert model.model_validate(schema["examples"][0])


def test_the_asyncapi_document_lists_topics_as_channels_and_types_as_messages() -> None:
    document = yaml.safe_load(render_documents()["asyncapi.yaml"])

    assert document["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert "kette.participants.v1" in addresses
    assert "provider.{provider_id}.reports.v1" in addresses
    messages = document["components"]["messages"]
    assert set(messages) == {model.event_type for model in PAYLOAD_MODELS}
    registered = messages["kette.participant.registered.v1"]
    assert registered["headers"]["properties"]["ce_type"]["const"] == (
        "kette.participant.registered.v1"
    )
    assert "ce_subject" in registered["headers"]["required"]
    assert registered["payload"] == {"$ref": "#/components/schemas/ParticipantRegistered"}


def test_every_reference_in_the_asyncapi_document_resolves() -> None:
    document = yaml.safe_load(render_documents()["asyncapi.yaml"])

    assert '"$ref"' in json.dumps(document)
    assert unresolved_references(document) == []


def test_a_reference_to_nothing_is_found() -> None:
    document = {"a": {"$ref": "#/components/schemas/Gone"}, "components": {"schemas": {}}}

    assert unresolved_references(document) == ["#/components/schemas/Gone"]


def test_writing_removes_schemas_of_types_that_no_longer_exist(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "kette.chain.retired.v1.json").write_text("{}")

    write_documents(tmp_path)

    assert not (tmp_path / "events" / "kette.chain.retired.v1.json").exists()
    assert (tmp_path / "asyncapi.yaml").is_file()
