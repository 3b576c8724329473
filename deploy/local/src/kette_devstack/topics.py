"""Topic names from DESIGN.md, in one place so the stack, ACLs and tests agree."""

import re

from kette_devstack.errors import StackError

PARTICIPANTS = "kette.participants.v1"
CHAIN = "kette.chain.v1"
MATCHING = "kette.matching.v1"
PROVIDER_STATUS = "kette.provider-status.v1"
ACCESS = "kette.access.v1"
DEADLETTER = "kette.deadletter.v1"

DOMAIN_TOPICS = (PARTICIPANTS, CHAIN, MATCHING, PROVIDER_STATUS, ACCESS, DEADLETTER)
DOMAIN_PARTITIONS = 3
UNLIMITED_RETENTION = {"retention.ms": "-1", "retention.bytes": "-1"}

_PROVIDER_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


def validate_provider_id(provider_id: str) -> str:
    """Provider ids become topic and principal names, so keep them to a safe alphabet."""
    if not _PROVIDER_ID.fullmatch(provider_id):
        raise StackError(
            f"provider id {provider_id!r} is invalid: use 1-40 lowercase letters, digits, '-'",
            "choose an id like `vhs-unna`",
        )
    return provider_id


def referrals_topic(provider_id: str) -> str:
    """Where the provider gateway hands one provider its referrals."""
    return f"provider.{validate_provider_id(provider_id)}.referrals.v1"


def reports_topic(provider_id: str) -> str:
    """Where one provider reports back on its referrals."""
    return f"provider.{validate_provider_id(provider_id)}.reports.v1"


def provider_topics(provider_id: str) -> tuple[str, str]:
    """Both per-provider topics, referrals first."""
    return referrals_topic(provider_id), reports_topic(provider_id)
