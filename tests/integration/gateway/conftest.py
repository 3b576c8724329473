"""Fixtures of the gateway's real-broker tests: a provider's topics and a running gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from gateway_stack_support import ProviderTopics, provider_topics, running_gateway

from kette_devstack.kafka import KafkaNode
from kette_provider_gateway.app import Gateway


@pytest.fixture
async def provider(kafka_node: KafkaNode) -> AsyncIterator[ProviderTopics]:
    """A provider id of this test's own, with both topics on the broker."""
    async for made in provider_topics(kafka_node):
        yield made


@pytest.fixture
async def gateway(
    kafka_bootstrap: str, new_topic: Callable[..., Awaitable[str]], database_url: str
) -> AsyncIterator[Gateway]:
    """The gateway started on the broker and the test's database (SQLite and PostgreSQL)."""
    async for made in running_gateway(kafka_bootstrap, new_topic, database_url):
        yield made
