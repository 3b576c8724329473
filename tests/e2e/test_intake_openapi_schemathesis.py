"""Schemathesis against intake's OpenAPI document, in-process over ASGI, with a caseworker's
token, on the real Temporal (the caseload and decisions query it).

Every generated request, valid or not, must get an answer the document declares: no 5xx,
no undeclared status, body, header or content type, no endpoint open without a token, and
no schema-invalid request accepted (days are ISO dates only, so a JSON number is refused).
Left out on purpose: "positive data acceptance" (a schema-valid body may still break a
business rule: Kommune, age, duplicate).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from kette_core.contracts.vocabulary import ActorRole
from kette_core.db import create_engine, session_factory
from kette_intake.app import create_app, migrate
from kette_intake.auth.accounts import create_account
from kette_intake.auth.tokens import TokenSigner
from kette_intake.settings import decode_key
from tests.integration.intake.intake_support import (
    PASSWORD,
    intake_settings,
    recorded_ports,
    registration,
    running_intake,
)

pytestmark = pytest.mark.e2e

DECLARED_ANSWERS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.ignored_auth,
    checks.negative_data_rejection,
]


class DeferredApp:
    """An ASGI app the fixture fills in: the document is read at import, the stack is not."""

    app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert self.app is not None, "the intake_token fixture builds the app"
        await self.app(scope, receive, send)


_DEFERRED = DeferredApp()
_DOCUMENT = create_app(intake_settings("sqlite+aiosqlite://")).openapi()  # builds, connects nothing
schema = schemathesis.openapi.from_dict(_DOCUMENT)
schema.app = _DEFERRED  # requests go in-process, through the app's lifespan


@pytest.fixture(scope="module")
async def intake_token(
    temporal_address: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """Intake on its own SQLite file and the real Temporal; a Kamen caseworker's token."""
    folder = tmp_path_factory.mktemp("intake-fuzz")
    fuzzed = intake_settings(
        f"sqlite+aiosqlite:///{folder}/intake.db", temporal_address=temporal_address
    )
    url = fuzzed.resolved_database_url()
    await migrate(url)
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            principal = await create_account(
                session, "fuzz-caseworker", PASSWORD, ActorRole.CASEWORKER, ["Kamen"]
            )
    finally:
        await engine.dispose()
    _DEFERRED.app = create_app(fuzzed, recorded_ports())
    signer = TokenSigner(decode_key(fuzzed.token_secret), timedelta(minutes=30))
    yield signer.issue(principal)
    _DEFERRED.app = None


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_intake_answers_every_generated_request_as_its_openapi_document_declares(
    case: schemathesis.Case, intake_token: str
) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {intake_token}"}, checks=DECLARED_ANSWERS
    )


async def test_the_answers_to_a_retry_and_an_erasure_are_declared_in_the_document(
    tmp_path: Path,
) -> None:
    async with running_intake(intake_settings(f"sqlite+aiosqlite:///{tmp_path}/i.db")) as intake:
        caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        retried = {**caseworker, "Idempotency-Key": "retried-registration"}
        first = await intake.http.post("/api/participants", json=registration(), headers=retried)
        again = await intake.http.post("/api/participants", json=registration(), headers=retried)
        erasure = f"/api/participants/{first.json()['participant_id']}/erasure"
        retried = {**caseworker, "Idempotency-Key": "retried-erasure"}
        erased = await intake.http.post(erasure, json={}, headers=retried)
        erased_again = await intake.http.post(erasure, json={}, headers=retried)
    answers = [
        ("/api/participants", first),
        ("/api/participants", again),
        ("/api/participants/{participant_id}/erasure", erased),
        ("/api/participants/{participant_id}/erasure", erased_again),
    ]

    assert [answer.status_code for _, answer in answers] == [201, 200, 201, 200]
    for path, answer in answers:
        declared = _DOCUMENT["paths"][path]["post"]["responses"]
        assert str(answer.status_code) in declared, f"{path} answers {answer.status_code}"
        schema[path]["POST"].validate_response(answer)
