"""Who may read and write which topic (DESIGN.md's table), as SCRAM principals and ACLs."""

import json
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kette_devstack import topics
from kette_devstack.locking import file_lock

ADMIN = "admin"
SERVICES = ("intake", "workflows", "matching", "provider-gateway", "reporting")

# topic -> (writers, readers), straight from DESIGN.md's event-contract table.
DOMAIN_ACCESS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    topics.PARTICIPANTS: (("intake",), ("workflows", "matching", "reporting")),
    topics.CHAIN: (("workflows",), ("matching", "provider-gateway", "intake", "reporting")),
    topics.MATCHING: (("matching",), ("workflows", "reporting")),
    topics.PROVIDER_STATUS: (("provider-gateway",), ("workflows", "matching", "reporting")),
    topics.ACCESS: (("intake", "provider-gateway"), ("reporting",)),
    topics.DEADLETTER: (SERVICES, ("reporting",)),
}


@dataclass(frozen=True, order=True)
class AclRule:
    """One ALLOW binding; the Java admin tool turns it into a Kafka AclBinding."""

    principal: str
    resource_type: str
    name: str
    pattern: str
    operation: str

    def plan_line(self) -> str:
        fields = ("acl", self.principal, self.resource_type, self.name, self.pattern)
        return "\t".join((*fields, self.operation))


def provider_principal(provider_id: str) -> str:
    """SCRAM user name of a provider's system."""
    return f"provider.{topics.validate_provider_id(provider_id)}"


def consumer_group_prefix(user: str) -> str:
    """Consumer groups (and transactional ids) a principal may use start with this; the
    provider prefix ends in a dot so provider `a` cannot join the groups of provider `a-2`."""
    return f"{user}." if user.startswith("provider.") else f"kette.{user}"


def acl_plan(provider_ids: Iterable[str], revoked: Iterable[str] = ()) -> list[AclRule]:
    """Every ACL the local stack needs, so reconciling it is one idempotent step; the gateway
    keeps its rights on a revoked provider's topics, which still hold that provider's data."""
    rules: set[AclRule] = set()

    def allow(
        user: str, resource: str, name: str, operation: str, pattern: str = "LITERAL"
    ) -> None:
        rules.add(AclRule(f"User:{user}", resource, name, pattern, operation))

    for topic, (writers, readers) in DOMAIN_ACCESS.items():
        for user in writers:
            allow(user, "TOPIC", topic, "WRITE")
        for user in readers:
            allow(user, "TOPIC", topic, "READ")
    for service in SERVICES:
        allow(service, "GROUP", consumer_group_prefix(service), "READ", "PREFIXED")
        for operation in ("WRITE", "DESCRIBE"):
            prefix = consumer_group_prefix(service)
            allow(service, "TRANSACTIONAL_ID", prefix, operation, "PREFIXED")
    provider_ids = list(provider_ids)
    for provider_id in provider_ids:
        referrals, reports = topics.provider_topics(provider_id)
        user = provider_principal(provider_id)
        allow(user, "TOPIC", referrals, "READ")
        allow(user, "TOPIC", reports, "WRITE")
        allow(user, "GROUP", consumer_group_prefix(user), "READ", "PREFIXED")
    for provider_id in (*provider_ids, *revoked):
        referrals, reports = topics.provider_topics(provider_id)
        allow("provider-gateway", "TOPIC", referrals, "WRITE")
        allow("provider-gateway", "TOPIC", reports, "READ")
    return sorted(rules)


def principals(provider_ids: Iterable[str]) -> list[str]:
    """Every SCRAM user of the local stack: admin, the services, each provider."""
    return [ADMIN, *SERVICES, *(provider_principal(p) for p in provider_ids)]


class CredentialStore:
    """Generated SCRAM passwords in a 0600 JSON file under the state dir (never committed)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def password(self, user: str) -> str:
        """The user's password, generated and stored on first use."""
        return self._set(user, lambda old: old or _new_password()) or ""

    def rotate(self, user: str) -> str:
        """A new password for the user; the old one is gone from the store."""
        return self._set(user, lambda _: _new_password()) or ""

    def forget(self, user: str) -> None:
        """Drop the user's password, e.g. when its principal is revoked."""
        self._set(user, lambda _: None)

    def _set(self, user: str, new: Callable[[str | None], str | None]) -> str | None:
        """Under the file lock: the user's new password (None drops it), written if changed."""
        with file_lock(self.path.with_suffix(".lock")):
            stored = self.all()
            value = new(stored.get(user))
            if value != stored.get(user):
                if value is None:
                    del stored[user]
                else:
                    stored[user] = value
                self._write(stored)
            return value

    def all(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return {str(user): str(password) for user, password in data.items()}

    def _write(self, stored: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(stored, handle, indent=2, sort_keys=True)
        tmp.replace(self.path)


def _new_password() -> str:
    """192 random bits, URL-safe, so it fits JAAS and client configs unquoted."""
    return secrets.token_urlsafe(24)


def security_plan(
    provider_ids: list[str], store: CredentialStore, revoked: Iterable[str] = ()
) -> str:
    """The admin tool's input: SCRAM upserts for every principal, deletions of revoked
    providers' principals (credentials and ACLs), then the ACLs."""
    revoked = sorted(set(revoked) - set(provider_ids))
    lines = [f"scram\t{user}\t{store.password(user)}" for user in principals(provider_ids)]
    lines += [f"revoke\t{provider_principal(provider_id)}" for provider_id in revoked]
    lines += [rule.plan_line() for rule in acl_plan(provider_ids, revoked)]
    return "\n".join(lines) + "\n"
