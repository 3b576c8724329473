"""Topic names, in one place so producers and consumers cannot drift apart."""

from __future__ import annotations

import re

PARTICIPANTS = "kette.participants.v1"
CHAIN = "kette.chain.v1"
MATCHING = "kette.matching.v1"
PROVIDER_STATUS = "kette.provider-status.v1"
ACCESS = "kette.access.v1"
DEADLETTER = "kette.deadletter.v1"

PROVIDER_REFERRALS_CHANNEL = "provider.{provider_id}.referrals.v1"
PROVIDER_REPORTS_CHANNEL = "provider.{provider_id}.reports.v1"

PROVIDER_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
_PROVIDER_ID = re.compile(PROVIDER_ID_PATTERN)


def provider_referrals_topic(provider_id: str) -> str:
    """The topic only this provider may read (Kafka ACL by prefix)."""
    return PROVIDER_REFERRALS_CHANNEL.format(provider_id=_checked(provider_id))


def provider_reports_topic(provider_id: str) -> str:
    """The topic only this provider may write."""
    return PROVIDER_REPORTS_CHANNEL.format(provider_id=_checked(provider_id))


def _checked(provider_id: str) -> str:
    """A provider id becomes part of a topic name and an ACL, so it must be a plain slug."""
    if not _PROVIDER_ID.fullmatch(provider_id):
        raise ValueError(
            f"provider_id {provider_id!r} is not a lowercase slug matching {PROVIDER_ID_PATTERN}"
        )
    return provider_id
