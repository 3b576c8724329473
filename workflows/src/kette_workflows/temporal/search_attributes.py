"""Search attributes that let a caseload be listed from Temporal (registered by kette-stack)."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey

STAGE = SearchAttributeKey.for_keyword("KetteStage")
KOMMUNE = SearchAttributeKey.for_keyword("KetteKommune")
STATUS = SearchAttributeKey.for_keyword("KetteStatus")
OPEN_TASK = SearchAttributeKey.for_bool("KetteOpenTask")

ALL = (STAGE, KOMMUNE, STATUS, OPEN_TASK)
NO_STAGE = "none"
"""KetteStage while no stage runs (closed, or between stages)."""


async def register(client: Client, namespace: str = "default") -> None:
    """For servers not started by kette-stack (the time-skipping test server, a fresh cluster)."""
    request = AddSearchAttributesRequest(
        namespace=namespace,
        search_attributes={
            key.name: IndexedValueType.ValueType(key.indexed_value_type) for key in ALL
        },
    )
    await client.operator_service.add_search_attributes(request)
