"""A rejected decision names field and reason: English for logs, German for screens."""

from __future__ import annotations


class DecisionRejected(Exception):
    """Raised before anything changes; the caseworker's screen shows `message_de`."""

    def __init__(self, field: str, reason: str, message_de: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.message_de = message_de
