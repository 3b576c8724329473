"""A synthetic cohort's event history, for reporting's tests and benchmarks (no personal data).

`cohort_events(n, seed)` tells each of n participants' stories as the services would: the
approach, the registration, the chain's stages with referrals, provider reports, gaps,
a job and its follow-up, the chain's end; plus people approached who never enrolled and
reads of personal data. `as_records` puts them on topics and partitions the way Kafka
would (by key), with offsets, so a projection can consume them without a broker.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kette_core.contracts import access, chain, matching, participants, referrals
from kette_core.contracts.base import EventPayload
from kette_core.contracts.vocabulary import (
    Activity,
    Actor,
    ActorRole,
    AgeBand,
    Constraints,
    Gender,
    Goal,
    LanguageLevel,
    Module,
    ResidenceStatus,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)
from kette_core.envelope import OutgoingEvent, encode, new_event
from kette_core.ids import stable_event_id

KOMMUNEN = ("Rheine", "Ibbenbüren", "Greven", "Emsdetten", "Steinfurt", "Ochtrup", "Lengerich")
PROVIDERS = ("vhs-rheine", "bildungswerk-greven", "kolping-steinfurt", "ihk-nord-westfalen")
CASEWORKER = Actor(role=ActorRole.CASEWORKER, actor_id="cw-bench01")
PARTITIONS = 3


@dataclass
class FakeRecord:
    """A consumer record as aiokafka hands it over (`kette_core.consuming.RawRecord`)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


class _Story:
    """One participant's events, each at its own instant."""

    def __init__(self, participant_id: str, out: list[OutgoingEvent[EventPayload]]) -> None:
        self.participant_id = participant_id
        self._out = out
        self._n = 0

    def emit(self, payload: EventPayload, day: date, source: str = "/kette/workflows") -> None:
        self._n += 1
        at = datetime.combine(day, time(9, 0), tzinfo=UTC) + timedelta(minutes=self._n)
        event_id = stable_event_id(payload.event_type, self.participant_id, str(self._n))
        self._out.append(new_event(payload, source=source, event_id=event_id, time=at))


def cohort_events(
    participants_count: int, seed: int = 7, start: date = date(2025, 1, 1)
) -> list[OutgoingEvent[EventPayload]]:
    """Every event of the cohort, in time order of each participant (stories interleave)."""
    rng = random.Random(seed)
    out: list[OutgoingEvent[EventPayload]] = []
    for index in range(participants_count):
        _participant(rng, index, start, out)
        if rng.random() < 0.3:
            _approached_only(rng, index, start, out)
    out.sort(key=lambda event: (event.time, event.id))
    return out


def _pid(prefix: str, index: int) -> str:
    return f"p-{prefix}{index:08d}-0000-4000-8000-000000000000"


def _approached_only(
    rng: random.Random, index: int, start: date, out: list[OutgoingEvent[EventPayload]]
) -> None:
    story = _Story(_pid("a", index), out)
    story.emit(
        participants.ParticipantApproached(
            participant_id=story.participant_id,
            ki_id="ki-kreis-steinfurt",
            kommune=rng.choice(KOMMUNEN),
            approached_on=start + timedelta(days=rng.randrange(330)),
            channel=rng.choice(list(participants.ApproachChannel)),
            gender=rng.choice(list(Gender)),
            outcome=rng.choice(
                [
                    o
                    for o in participants.ApproachOutcome
                    if o is not participants.ApproachOutcome.PENDING
                ]
            ),
            approached_by=CASEWORKER,
        ),
        start,
        source="/kette/intake",
    )


def _participant(
    rng: random.Random, index: int, start: date, out: list[OutgoingEvent[EventPayload]]
) -> None:
    pid = _pid("c", index)
    story = _Story(pid, out)
    day = start + timedelta(days=rng.randrange(300))
    kommune = rng.choice(KOMMUNEN)
    level = rng.choice([LanguageLevel.NONE, LanguageLevel.A1, LanguageLevel.A2, LanguageLevel.B1])
    activity = rng.choices(list(Activity), weights=(40, 10, 30, 5, 8, 7))[0]
    story.emit(
        participants.ParticipantApproached(
            participant_id=pid,
            ki_id="ki-kreis-steinfurt",
            kommune=kommune,
            approached_on=day - timedelta(days=rng.randrange(1, 20)),
            channel=rng.choice(list(participants.ApproachChannel)),
            outcome=participants.ApproachOutcome.PENDING,
            approached_by=CASEWORKER,
        ),
        day - timedelta(days=1),
        source="/kette/intake",
    )
    story.emit(
        participants.ParticipantRegistered(
            participant_id=pid,
            ki_id="ki-kreis-steinfurt",
            kommune=kommune,
            programme_id="durchstarten",
            registered_on=day,
            age_band=rng.choice(
                [AgeBand.AGE_18_20, AgeBand.AGE_21_23, AgeBand.AGE_24_27, AgeBand.AGE_24_27]
            ),
            eligibility_ends_on=day + timedelta(days=900),
            gender=rng.choices([Gender.FEMALE, Gender.MALE, Gender.DIVERSE], (40, 58, 2))[0],
            residence_status=rng.choice(list(ResidenceStatus)),
            language_level=level,
            school_certificate=rng.choice(list(SchoolCertificate)),
            vocational_qualification=VocationalQualification.NONE,
            current_activity=activity,
            goal=Goal(target_stage=Stage.APPRENTICESHIP),
            constraints=Constraints(childcare_needed=rng.random() < 0.2, employment_ban=False),
            consent_to_share=True,
            registered_by=CASEWORKER,
        ),
        day,
        source="/kette/intake",
    )
    plan = (
        chain.PlannedStage(
            stage=Stage.LANGUAGE,
            status=chain.PlannedStageStatus.PLANNED,
            reason=chain.PlanReason.NEEDED_FOR_GOAL,
            modules=(Module.F4,),
        ),
    )
    story.emit(
        chain.ChainStarted(
            participant_id=pid, programme_id="durchstarten", kommune=kommune, plan=plan
        ),
        day,
    )
    if rng.random() < 0.5:
        story.emit(_read(pid), day, source="/kette/intake")
    for stage, module in ((Stage.LANGUAGE, Module.F4), (Stage.APPRENTICESHIP, Module.F2)):
        day += timedelta(days=rng.randrange(3, 20))
        outcome = _stage(rng, story, stage, module, kommune, day)
        if outcome is None:
            return
        day = outcome
    if rng.random() < 0.4:
        day += timedelta(days=rng.randrange(10, 60))
        story.emit(
            chain.JobStarted(
                participant_id=pid, started_on=day, follow_up_due_on=day + timedelta(days=182)
            ),
            day,
        )
        day += timedelta(days=182)
        story.emit(
            chain.FollowUpRecorded(
                participant_id=pid, still_employed=rng.random() < 0.7, recorded_by=CASEWORKER
            ),
            day,
        )
        story.emit(
            chain.ChainClosed(
                participant_id=pid,
                reason=chain.ClosureReason.SUSTAINED_WORK,
                closed_on=day,
                activity_at_exit=Activity.WORK,
            ),
            day,
        )


def _stage(
    rng: random.Random, story: _Story, stage: Stage, module: Module, kommune: str, day: date
) -> date | None:
    """One stage: a request, a gap or a referral with the provider's reports; the end day."""
    pid = story.participant_id
    story.emit(chain.StageStarted(participant_id=pid, stage=stage, attempt=1), day)
    request_id = f"req-{pid[2:14]}-{stage.value}"
    constraints = Constraints(childcare_needed=False, employment_ban=False)
    story.emit(
        chain.ReferralRequested(
            participant_id=pid,
            request_id=request_id,
            stage=stage,
            module=module,
            current_language_level=LanguageLevel.A2,
            kommune=kommune,
            constraints=constraints,
        ),
        day,
    )
    if rng.random() < 0.15:
        story.emit(
            matching.NoOfferFound(
                participant_id=pid,
                request_id=request_id,
                stage=stage,
                module=module,
                kommune=kommune,
                gap_reasons=(rng.choice(list(matching.GapReason)),),
            ),
            day,
            source="/kette/matching",
        )
        if rng.random() < 0.5:
            story.emit(
                chain.ChainClosed(
                    participant_id=pid,
                    reason=chain.ClosureReason.WITHDREW,
                    closed_on=day + timedelta(days=30),
                    activity_at_exit=Activity.NONE,
                ),
                day + timedelta(days=30),
            )
        return None
    provider = PROVIDERS[zlib.crc32(f"{kommune}{module}".encode()) % len(PROVIDERS)]
    referral_id = f"ref-{pid[2:14]}-{stage.value}"
    story.emit(
        chain.ReferralConfirmed(
            participant_id=pid,
            referral_id=referral_id,
            request_id=request_id,
            offer_id=f"offer-{module.value.lower()}-{provider}",
            provider_id=provider,
            stage=stage,
            module=module,
            response_due=day + timedelta(days=14),
            confirmed_by=CASEWORKER,
        ),
        day,
    )
    ids = {"referral_id": referral_id, "participant_id": pid, "provider_id": provider}
    day += timedelta(days=rng.randrange(1, 15))
    if rng.random() < 0.1:
        story.emit(
            referrals.ReferralRejected(
                **ids, occurred_on=day, reason=referrals.RejectionReason.NO_PLACES
            ),
            day,
            "/kette/provider-gateway",
        )
        return None
    story.emit(referrals.ReferralAccepted(**ids, occurred_on=day), day, "/kette/provider-gateway")
    day += timedelta(days=rng.randrange(3, 20))
    story.emit(
        referrals.ParticipantEnrolled(**ids, occurred_on=day), day, "/kette/provider-gateway"
    )
    day += timedelta(days=rng.randrange(60, 200))
    if rng.random() < 0.2:
        reason = rng.choice(list(referrals.DropOutReason))
        story.emit(
            referrals.ParticipantDroppedOut(**ids, occurred_on=day, reason=reason),
            day,
            "/kette/provider-gateway",
        )
        story.emit(
            chain.ChainClosed(
                participant_id=pid,
                reason=chain.ClosureReason.WITHDREW,
                closed_on=day,
                last_stage=stage,
                activity_at_exit=Activity.NONE,
            ),
            day,
        )
        return None
    level = LanguageLevel.B1 if stage is Stage.LANGUAGE else None
    story.emit(
        referrals.ReferralCompleted(**ids, occurred_on=day, language_level_reached=level),
        day,
        "/kette/provider-gateway",
    )
    after = Activity.APPRENTICESHIP if stage is Stage.LANGUAGE else Activity.WORK
    story.emit(
        chain.StageCompleted(
            participant_id=pid, stage=stage, completed_on=day, activity_after=after
        ),
        day,
    )
    return day


def _read(pid: str) -> access.PiiRead:
    return access.PiiRead(
        participant_id=pid,
        actor=CASEWORKER,
        fields_read=(access.PiiField.NAME,),
        purpose=access.AccessPurpose.CASE_MANAGEMENT,
        via_service="intake",
    )


def as_records(
    events: Sequence[OutgoingEvent[EventPayload]],
    topic_of: dict[str, str] | None = None,
    partitions: int = PARTITIONS,
) -> list[FakeRecord]:
    """The events as Kafka would hold them: on their topic (renamed by `topic_of`), the
    partition chosen by key, offsets counting up per partition."""
    next_offset: dict[tuple[str, int], int] = {}
    records = []
    for event in events:
        encoded = encode(event)
        topic = (topic_of or {}).get(encoded.topic, encoded.topic)
        partition = zlib.crc32((encoded.key or "").encode()) % partitions
        offset = next_offset.get((topic, partition), 0)
        next_offset[topic, partition] = offset + 1
        headers = [(name, text.encode()) for name, text in encoded.headers.items()]
        key = encoded.key.encode() if encoded.key else None
        records.append(FakeRecord(topic, partition, offset, key, encoded.value, headers))
    return records
