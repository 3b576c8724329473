"""The CloudEvents SDK's rules for binary-mode Kafka records, applied without building its objects.

`envelope.decode` used to hand every record to `cloudevents` (`from_binary` and the v1
`CloudEvent`); these functions apply the same rules in the same order, with the same
messages, at a fraction of the cost. `tests/unit/core/test_core_envelope_conformance.py`
proves them identical to the SDK for every registered event type.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from dateutil.parser import isoparse  # type: ignore[import-untyped]  # the SDK's own parser

CE_PREFIX = "ce_"
CONTENT_TYPE_HEADER = "content-type"
_KNOWN_ATTRIBUTES = frozenset(
    ("id", "source", "type", "specversion", "datacontenttype", "dataschema", "subject", "time")
)
_SDK_JSON_CONTENT_TYPE = re.compile(r"^(application|text)/([a-zA-Z0-9\-\.]+\+)?json(;.*)?$")
_EXTENSION_NAME = re.compile(r"^[a-z0-9]+$")
_CANONICAL_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_CANONICAL_HEADERS = frozenset(
    ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type")
)


class RuleBroken(Exception):
    """The SDK would refuse this record: `attribute` as it names it, `problem` as its message."""

    def __init__(self, attribute: str, problem: str) -> None:
        super().__init__(f"{attribute}: {problem}")
        self.attribute = attribute
        self.problem = problem


def event_time(text: str, checked: datetime) -> datetime:
    """The SDK's `isoparse` of ce_time; `checked` is our `fromisoformat` of it, which agrees
    on the canonical RFC 3339 shape, so the slower parser runs only for anything else."""
    if is_canonical_time(text):
        return checked
    parsed: datetime = isoparse(text)  # ValueError like the SDK's
    return parsed


def is_canonical_time(text: str) -> bool:
    """`YYYY-MM-DDThh:mm:ss[.ffffff](Z|±hh:mm)`: where `fromisoformat` and `isoparse` agree."""
    return _CANONICAL_TIME.fullmatch(text) is not None


def data_content_type(ce_headers: dict[str, str]) -> str | None:
    """What the SDK takes as `datacontenttype`: the last of content-type and ce_datacontenttype."""
    if "ce_datacontenttype" not in ce_headers:
        return ce_headers.get(CONTENT_TYPE_HEADER)
    content_type: str | None = None
    for name, text in ce_headers.items():
        if name in (CONTENT_TYPE_HEADER, "ce_datacontenttype"):
            content_type = text
    return content_type


def check_attributes(ce_headers: dict[str, str]) -> None:
    """The v1 `CloudEvent`'s checks beyond those `decode` makes itself: the first one broken."""
    if _CANONICAL_HEADERS.issuperset(ce_headers) and ce_headers.get("ce_subject") != "":
        return  # the usual record: nothing below can complain
    attributes: dict[str, str] = {}
    for name, text in ce_headers.items():
        attribute = "datacontenttype" if name == CONTENT_TYPE_HEADER else name[len(CE_PREFIX) :]
        attributes[attribute] = text
    for attribute in ("subject", "datacontenttype", "dataschema"):
        if attributes.get(attribute) == "":
            raise RuleBroken(attribute, _empty_message(attribute))
    for attribute in attributes:
        if attribute not in _KNOWN_ATTRIBUTES:
            _check_extension_name(attribute)


def _empty_message(attribute: str) -> str:
    """The SDK's wording for an empty optional attribute."""
    return f"Attribute '{attribute}' must not be empty"


def _check_extension_name(name: str) -> None:
    """Extension attributes: lowercase letters and digits, and never `data`."""
    if name == "data":
        raise RuleBroken(name, "Extension attribute 'data' is reserved and must not be used")
    if not name:
        raise RuleBroken(
            name, f"Extension attribute name must be at least 1 character long but was '{name}'"
        )
    if not _EXTENSION_NAME.match(name):
        raise RuleBroken(
            name, f"Extension attribute '{name}' should only contain lowercase letters and numbers"
        )


def is_json(content_type: str | None) -> bool:
    """Whether the SDK parses the value as JSON for this content type."""
    content_type = content_type or "application/json"
    return content_type == "application/json" or bool(_SDK_JSON_CONTENT_TYPE.match(content_type))


def read_data(value: bytes, content_type: str | None) -> Any:
    """The SDK's `read_data`: a parsed JSON document, else the text, else the bytes."""
    if not value:
        return None
    if is_json(content_type):
        try:
            return json.loads(value.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            pass
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value
