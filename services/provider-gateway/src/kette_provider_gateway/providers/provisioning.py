"""Making a provider's topics ready: the admin tooling creates them (and principal, ACLs)."""

from __future__ import annotations

import asyncio
import shlex
from typing import Protocol

import structlog
from aiokafka.admin import AIOKafkaAdminClient

from kette_core.contracts import topics
from kette_core.kafka import kafka_security
from kette_core.settings import KetteSettings

log = structlog.get_logger(__name__)

COMMAND_SECONDS = 120.0


class Provisioner(Protocol):
    """Makes a provider's topics ready; safe to call again for a provider that has them."""

    async def provision(self, provider_id: str) -> None: ...


class ProvisioningFailed(Exception):
    """The topics could not be made ready; the provider is not registered."""


class ExistingTopics:
    """Services never create topics (kette_core.kafka): check that the operator did."""

    def __init__(self, settings: KetteSettings) -> None:
        self._settings = settings

    async def provision(self, provider_id: str) -> None:
        """Refuse a provider whose two topics are not there yet."""
        wanted = set(topics_of(provider_id))
        security = {} if kafka_security(self._settings) is None else _sasl(self._settings)
        admin = AIOKafkaAdminClient(bootstrap_servers=self._settings.kafka_bootstrap, **security)
        try:
            await admin.start()
            missing = wanted - set(await admin.list_topics())
        except Exception as error:
            raise ProvisioningFailed(f"listing topics: {type(error).__name__}") from error
        finally:
            await admin.close()
        if missing:
            raise ProvisioningFailed(
                f"topics {sorted(missing)} do not exist: create them first "
                "(`kette-stack provider add`, or the cluster's operator)"
            )


class AdminCommand:
    """Runs the operators' tooling, e.g. `kette-stack provider add {provider_id}`, which also
    creates the SCRAM principal and ACLs in secure mode."""

    def __init__(self, template: str) -> None:
        self._template = checked_template(template)

    async def provision(self, provider_id: str) -> None:
        """Run it; a non-zero exit names the command's last words."""
        await run_tooling(self._template, provider_id, "gateway.provisioned")


def checked_template(template: str) -> str:
    """A command template must say where the provider id goes."""
    if "{provider_id}" not in template:
        raise ValueError("the provisioning command must contain {provider_id}")
    return template


async def run_tooling(template: str, provider_id: str, done: str) -> None:
    """Run one command of the operators' tooling for a provider; log `done` when it succeeds."""
    argv = [part.format(provider_id=provider_id) for part in shlex.split(template)]
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), COMMAND_SECONDS)
    except TimeoutError:
        process.kill()
        raise ProvisioningFailed(f"{argv[0]} took longer than {COMMAND_SECONDS} s") from None
    if process.returncode != 0:
        tail = output.decode(errors="replace").strip()[-300:]
        raise ProvisioningFailed(f"{argv[0]} exited {process.returncode}: {tail}")
    log.info(done, provider_id=provider_id, command=argv[0])


def topics_of(provider_id: str) -> tuple[str, str]:
    """Referrals topic, then reports topic."""
    return topics.provider_referrals_topic(provider_id), topics.provider_reports_topic(provider_id)


def _sasl(settings: KetteSettings) -> dict[str, object]:
    """SASL keyword arguments for aiokafka's admin client, from the shared settings."""
    password = settings.kafka_sasl_password
    return {
        "security_protocol": "SASL_SSL" if settings.kafka_use_tls else "SASL_PLAINTEXT",
        "sasl_mechanism": settings.kafka_sasl_mechanism,
        "sasl_plain_username": settings.kafka_sasl_username,
        "sasl_plain_password": password.get_secret_value() if password else None,
    }


def provisioner_for(settings: KetteSettings, command: str | None) -> Provisioner:
    """The admin command where one is configured, else a check that the topics exist."""
    return AdminCommand(command) if command else ExistingTopics(settings)
