"""The event contract: topics, payload models and the type registry."""

from kette_core.contracts.base import EventPayload
from kette_core.contracts.registry import EVENT_TYPES, PAYLOAD_MODELS, payload_model

__all__ = ["EVENT_TYPES", "PAYLOAD_MODELS", "EventPayload", "payload_model"]
