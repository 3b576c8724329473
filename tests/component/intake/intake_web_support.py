"""The intake app with its screens, driven like a browser: cookies kept, CSRF tokens read from
the page, chains played by the pure domain (no Temporal) so decisions really check and apply."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import text

from kette_core.contracts.vocabulary import (
    Activity,
    ActorRole,
    Constraints,
    Goal,
    LanguageLevel,
    ResidenceStatus,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)
from kette_core.envelope import KafkaRecord
from kette_intake.app import Ports, create_app
from kette_intake.auth.accounts import create_account
from kette_intake.cases.chains import ChainSource
from kette_intake.cases.explanations import Explanations, no_explanations
from kette_intake.cases.problems import chain_unavailable
from kette_intake.wiring import Intake
from kette_workflows.api import (
    CaseloadEntry,
    ChainClient,
    ChainEvent,
    ChainNotFound,
    Decision,
    DecisionResult,
    ParticipantProfile,
    PlanView,
    Task,
)
from kette_workflows.domain import Chain
from kette_workflows.programmes import load_programme
from kette_workflows.temporal.views import ChainStateView
from tests.integration.intake.intake_support import (
    PASSWORD,
    RecordingSender,
    always_ready,
    intake_settings,
)

TODAY = date(2026, 3, 4)
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
RELAY_SECONDS = 10.0
"""How long the relay may take to hand over what was committed, on a busy two-core runner."""
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class DomainChains:
    """Stands in for ChainClient: the workflow's pure domain, one Chain per participant."""

    def __init__(self) -> None:
        self.chains: dict[str, Chain] = {}
        self.decided: list[tuple[str, Decision]] = []

    def start(self, participant_id: str, kommune: str) -> Chain:
        """A running chain as the bridge would start it after registration."""
        profile = ParticipantProfile(
            participant_id=participant_id,
            kommune=kommune,
            programme_id="durchstarten",
            eligibility_ends_on=date(2031, 7, 31),
            residence_status=ResidenceStatus.DULDUNG,
            language_level=LanguageLevel.A2,
            school_certificate=SchoolCertificate.NONE,
            vocational_qualification=VocationalQualification.NONE,
            current_activity=Activity.NONE,
            goal=Goal(target_stage=Stage.APPRENTICESHIP),
            constraints=Constraints(childcare_needed=False, employment_ban=False),
            consent_to_share=True,
        )
        chain, _ = Chain.start(profile, load_programme("durchstarten"), NOW)
        self.chains[participant_id] = chain
        return chain

    def _chain(self, participant_id: str) -> Chain:
        if participant_id not in self.chains:
            raise ChainNotFound(participant_id)
        return self.chains[participant_id]

    async def decide(
        self, participant_id: str, decision: Decision, *, update_id: str | None = None
    ) -> DecisionResult:
        chain = self._chain(participant_id)
        chain.check(decision, NOW)
        events = chain.decide(decision, NOW)
        self.decided.append((participant_id, decision))
        return DecisionResult(events=[e.kind for e in events], status=chain.status.value)

    async def state(self, participant_id: str) -> ChainStateView:
        return ChainStateView.of(self._chain(participant_id), 0)

    async def plan(self, participant_id: str) -> PlanView:
        return self._chain(participant_id).plan()

    async def tasks(self, participant_id: str) -> list[Task]:
        return self._chain(participant_id).open_tasks()

    async def timeline(self, participant_id: str) -> list[ChainEvent]:
        return self._chain(participant_id).timeline()

    async def caseload(
        self,
        kommune: str | None = None,
        stage: Stage | None = None,
        status: str | None = None,
        open_task: bool | None = None,
    ) -> list[CaseloadEntry]:
        entries = []
        for pid, chain in self.chains.items():
            current = chain.current_stages()
            entry = CaseloadEntry(
                participant_id=pid,
                kommune=chain.state.profile.kommune,
                stage=current[0] if current else None,
                status=chain.status.value,
                open_task=bool(chain.open_tasks()),
            )
            if kommune is not None and entry.kommune != kommune:
                continue
            if stage is not None and entry.stage != stage:
                continue
            entries.append(entry)
        return entries

    def source(self) -> ChainSource:
        async def chains() -> ChainClient:
            return self  # type: ignore[return-value]

        return chains


class KafkaDown:
    """A sender whose broker cannot be reached: the relay keeps the events and retries."""

    async def send_records(self, records: object) -> None:
        raise ConnectionError("kafka is not reachable")


def temporal_down() -> ChainSource:
    """A chain source whose Temporal cannot be reached."""

    async def chains() -> ChainClient:
        raise chain_unavailable()

    return chains


@dataclass
class FakeClock:
    """Seconds since the epoch that move only when told."""

    now: float

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@dataclass
class Browser:
    """Cookies kept between requests; forms posted with the CSRF token of the last page."""

    http: httpx.AsyncClient
    last_page: str = ""

    async def get(self, url: str, **params: str) -> httpx.Response:
        answer = await self.http.get(url, params=params or None)
        self.last_page = answer.text
        return answer

    def csrf(self) -> str:
        match = _CSRF.search(self.last_page)
        assert match is not None, "the page carries no CSRF token"
        return match.group(1)

    async def post(self, url: str, data: dict[str, Any], csrf: bool = True) -> httpx.Response:
        body = {"csrf_token": self.csrf(), **data} if csrf else data
        answer = await self.http.post(url, data=body)
        self.last_page = answer.text
        return answer

    async def log_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        await self.get("/anmelden")
        return await self.post("/anmelden", {"username": username, "password": password})


@dataclass
class WebUnderTest:
    """The app's parts, a browser on it, its chains and what its relay sent."""

    parts: Intake
    app: Any
    transport: httpx.ASGITransport
    chains: DomainChains
    sent: RecordingSender
    browsers: list[httpx.AsyncClient] = field(default_factory=list)

    async def account(self, role: ActorRole, kommunen: list[str]) -> str:
        username = f"{role.value}-{uuid.uuid4().hex[:8]}"
        async with self.parts.sessions() as session, session.begin():
            await create_account(session, username, PASSWORD, role, kommunen)
        return username

    def clock(self) -> FakeClock:
        """Let the sessions' time pass at will."""
        clock = FakeClock(self.app.state.web_sessions.clock())
        self.app.state.web_sessions.clock = clock
        return clock

    async def sent_of(self, ce_type: str, count: int = 1) -> list[KafkaRecord]:
        """What the relay handed to 'Kafka' of that type, once `count` are there (or a while)."""
        deadline = asyncio.get_running_loop().time() + RELAY_SECONDS
        while len(records := self.sent.of_type(ce_type)) < count:
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.05)
        return records

    async def relayed(self) -> list[KafkaRecord]:
        """Everything sent, once every event committed so far has been (no outbox row unsent):
        the barrier before counting what a step added or asserting that it sent nothing."""
        deadline = asyncio.get_running_loop().time() + RELAY_SECONDS
        while await self._unsent():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the relay left {await self._unsent()} event(s) unsent")
            await asyncio.sleep(0.05)
        return list(self.sent.sent)

    async def _unsent(self) -> int:
        async with self.parts.sessions() as session:
            connection = await session.connection()
            result = await connection.execute(
                text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
            )
            return int(result.scalar_one())

    async def rows_count(self, table: str) -> int:
        async with self.parts.sessions() as session:
            connection = await session.connection()
            result = await connection.execute(text(f"SELECT count(*) FROM {table}"))
            return int(result.scalar_one())

    def browser(self) -> Browser:
        client = httpx.AsyncClient(transport=self.transport, base_url="http://intake")
        self.browsers.append(client)
        return Browser(client)

    async def signed_in(self, role: ActorRole, kommunen: list[str]) -> Browser:
        browser = self.browser()
        answer = await browser.log_in(await self.account(role, kommunen))
        assert answer.status_code == 303, answer.text
        return browser


@asynccontextmanager
async def running_web(
    database_url: str,
    chains: ChainSource | None = None,
    sender: Any = None,
    explanations: Explanations | None = None,
) -> AsyncIterator[WebUnderTest]:
    """Intake through its lifespan with recorded Kafka, the domain as Temporal, a fixed day."""
    domain = DomainChains()
    recorder = RecordingSender()
    ports = Ports(
        sender=sender or recorder,
        checks={"temporal": always_ready},
        today=lambda: TODAY,
        chains=chains or domain.source(),
        explanations=explanations or no_explanations,
    )
    app = create_app(intake_settings(database_url), ports)
    async with app.router.lifespan_context(app):
        web = WebUnderTest(app.state.intake, app, httpx.ASGITransport(app=app), domain, recorder)
        try:
            yield web
        finally:
            for client in web.browsers:
                await client.aclose()


def registration_form(**changes: str) -> dict[str, str]:
    """A complete, eligible registration in Kamen as the form posts it."""
    form = {
        "aktion": "speichern",
        "idempotency_key": uuid.uuid4().hex,
        "intent": "enrol",
        "kommune": "Kamen",
        "personal.given_name": "Amina",
        "personal.family_name": "Haddad",
        "personal.birth_date": "19.07.2004",
        "personal.nationality": "syrisch",
        "personal.languages_spoken": "Arabisch, Kurdisch",
        "personal.phone": "+49 2307 555 0101",
        "personal.address.street": "Am Markt 3",
        "personal.address.postal_code": "59174",
        "personal.address.town": "Kamen",
        "profile.gender": "female",
        "profile.residence_status": "duldung",
        "profile.language_level": "A2",
        "profile.school_certificate": "none",
        "profile.vocational_qualification": "none",
        "profile.current_activity": "none",
        "profile.goal.target_stage": "apprenticeship",
        "profile.constraints.childcare_needed": "ja",
        "consent_to_share": "ja",
    }
    return {**form, **changes}


async def register_through_form(web: WebUnderTest, browser: Browser, **changes: str) -> str:
    """Register through the form, start the chain as the bridge would; the participant id."""
    await browser.get("/teilnehmende/neu")
    answer = await browser.post("/teilnehmende/neu", registration_form(**changes))
    assert answer.status_code == 303, answer.text
    participant_id = answer.headers["location"].split("/")[2]
    web.chains.start(participant_id, changes.get("kommune", "Kamen"))
    return participant_id


async def enrolled_case(web: WebUnderTest) -> tuple[str, Browser]:
    """A caseworker of Kamen on the case page of a person she just registered."""
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await register_through_form(web, browser)
    await browser.get(f"/faelle/{participant_id}")
    return participant_id, browser


def field_error(page: str, field_id: str) -> str | None:
    """The German error shown next to the input with this id, if any."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-fehler">'
        r'<span class="visually-hidden">Fehler: </span>(.*?)</p>',
        page,
        re.S,
    )
    return match.group(1).strip() if match else None


def heading(page: str) -> str:
    """The page's <h1>."""
    match = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert match is not None, "the page has no <h1>"
    return match.group(1).strip()
