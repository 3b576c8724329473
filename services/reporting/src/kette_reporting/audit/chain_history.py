"""The chain workflow's steps (`chain-<id>` in Temporal) as timeline entries, with who acted."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from kette_reporting.audit.timeline import Entry, actor_in

_STEPS = {
    "workflow_execution_started_event_attributes": "workflow started",
    "workflow_execution_signaled_event_attributes": "signal",
    "workflow_execution_update_accepted_event_attributes": "update",
    "activity_task_scheduled_event_attributes": "activity",
    "workflow_execution_completed_event_attributes": "workflow completed",
    "workflow_execution_failed_event_attributes": "workflow failed",
    "workflow_execution_continued_as_new_event_attributes": "continued as new",
    "workflow_execution_terminated_event_attributes": "workflow terminated",
    "timer_started_event_attributes": "timer",
}
"""History events that are steps of the chain; workflow-task bookkeeping is left out."""


def temporal_entries(events: Iterable[HistoryEvent], workflow_id: str) -> list[Entry]:
    """The chain's steps: signals, updates, activities, start and end, with who triggered them."""
    entries = []
    for event in events:
        kind = event.WhichOneof("attributes")
        if kind not in _STEPS:
            continue
        attributes = getattr(event, kind)
        name, inputs = _name_and_inputs(kind, attributes)
        who = actor_in(inputs)
        trigger = _input_id(inputs)
        detail = f"{workflow_id} #{event.event_id} {EventType.Name(event.event_type)}"
        if trigger:
            detail += f" — from event {trigger}"
        what = f"{_STEPS[kind]} {name}".strip()
        when = event.event_time.ToDatetime(tzinfo=UTC)
        entries.append(Entry(when, "temporal", what, who, detail, trigger=trigger))
    return entries


def _name_and_inputs(kind: str, attributes: Any) -> tuple[str, list[Any]]:
    if kind == "workflow_execution_signaled_event_attributes":
        return attributes.signal_name, _payloads(attributes.input.payloads)
    if kind == "workflow_execution_update_accepted_event_attributes":
        request = attributes.accepted_request.input
        return request.name, _payloads(request.args.payloads)
    if kind == "activity_task_scheduled_event_attributes":
        return attributes.activity_type.name, _payloads(attributes.input.payloads)
    if kind == "workflow_execution_started_event_attributes":
        return attributes.workflow_type.name, _payloads(attributes.input.payloads)
    return "", []


def _payloads(payloads: Iterable[Any]) -> list[Any]:
    """JSON payloads decoded; anything else (binary, encrypted) is skipped, not guessed at."""
    decoded = []
    for payload in payloads:
        try:
            decoded.append(json.loads(payload.data))
        except (UnicodeDecodeError, ValueError):
            continue
    return decoded


def _input_id(inputs: list[Any]) -> str:
    for value in inputs:
        if isinstance(value, dict) and isinstance(value.get("input_id"), str):
            return str(value["input_id"])
    return ""


async def workflow_history(client: Client, workflow_id: str) -> list[HistoryEvent] | None:
    """Every event of all the workflow's runs, first run first; None when it does not exist."""
    try:
        latest = await client.get_workflow_handle(workflow_id).fetch_history()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    started = latest.events[0].workflow_execution_started_event_attributes
    run_id: str | None = started.first_execution_run_id or None
    events: list[HistoryEvent] = []
    seen: set[str] = set()
    while run_id and run_id not in seen:  # follow continue-as-new from the first run
        seen.add(run_id)
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        events.extend(history.events)
        last = history.events[-1]
        after = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
        run_id = after or None
    return events or list(latest.events)
