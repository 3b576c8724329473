"""Standard Webhooks signing of CloudEvents in structured mode."""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

from kette_core.contracts.base import EventPayload
from kette_core.envelope import OutgoingEvent

CONTENT_TYPE = "application/cloudevents+json"


def new_secret() -> str:
    """A `whsec_` secret of 256 random bits, as the Standard Webhooks libraries read it."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def structured(event: OutgoingEvent[EventPayload]) -> str:
    """The event as one JSON document (CloudEvents structured mode), as on Kafka."""
    document = {
        "specversion": "1.0",
        "id": event.id,
        "source": event.source,
        "type": event.type,
        "time": event.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "subject": event.subject,
        "datacontenttype": "application/json",
        "data": event.payload.model_dump(mode="json"),
    }
    return json.dumps(document, separators=(",", ":"))


def signed_headers(secret: str, message_id: str, body: str, now: datetime) -> dict[str, str]:
    """webhook-id (the event id, the same on every retry), timestamp and signature."""
    signature = Webhook(secret).sign(message_id, now, body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": CONTENT_TYPE,
    }
