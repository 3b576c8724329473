"""The shared fixtures hand out real, isolated resources: Temporal, queues, databases."""

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client

pytestmark = pytest.mark.integration
_seen_task_queues: set[str] = set()


async def test_temporal_client_sees_the_kette_search_attributes(temporal_client: Client) -> None:
    response = await temporal_client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace="default")
    )
    attributes = {
        name: IndexedValueType.Name(kind) for name, kind in response.custom_attributes.items()
    }

    assert attributes["KetteStage"] == "INDEXED_VALUE_TYPE_KEYWORD"
    assert attributes["KetteKommune"] == "INDEXED_VALUE_TYPE_KEYWORD"
    assert attributes["KetteStatus"] == "INDEXED_VALUE_TYPE_KEYWORD"
    assert attributes["KetteOpenTask"] == "INDEXED_VALUE_TYPE_BOOL"


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_gets_its_own_task_queue(task_queue: str, attempt: int) -> None:
    assert task_queue not in _seen_task_queues
    _seen_task_queues.add(task_queue)


async def test_database_url_is_a_fresh_empty_database(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            before = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
            await conn.execute(sa.text("CREATE TABLE marker (id INTEGER PRIMARY KEY)"))
            await conn.execute(sa.text("INSERT INTO marker (id) VALUES (1)"))
        async with engine.connect() as conn:
            count = (await conn.execute(sa.text("SELECT count(*) FROM marker"))).scalar_one()
    finally:
        await engine.dispose()

    assert before == []
    assert count == 1


def test_postgres_admin_url_reaches_the_test_server(postgres_admin_url: str) -> None:
    engine = sa.create_engine(postgres_admin_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("SHOW server_version_num")).scalar_one()
    finally:
        engine.dispose()

    assert int(version) >= 130000  # DROP DATABASE ... WITH (FORCE) needs 13+
    assert "@127.0.0.1:" in postgres_admin_url
