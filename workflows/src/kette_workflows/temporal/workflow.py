"""The Integrationskette workflow: a thin, deterministic shell around the pure `Chain`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from kette_workflows.domain import DECISION_TYPES, Chain, Decision, DecisionRejected
    from kette_workflows.domain.events import ChainEvent
    from kette_workflows.domain.state import Behaviour
    from kette_workflows.domain.tasks import Task
    from kette_workflows.temporal import search_attributes as sa
    from kette_workflows.temporal.io import (
        WORKFLOW_NAME,
        CarriedChain,
        ChainInput,
        ConsentSignal,
        DecisionResult,
        MatchSignal,
        PublishChainEvents,
        ReportSignal,
        ResidenceSignal,
    )
    from kette_workflows.temporal.views import ChainStateView, PlanQueryView

PUBLISH_TIMEOUT = timedelta(seconds=10)
"""A batch publishes in milliseconds; a worker killed mid-publish stalls the chain this long."""
PUBLISH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
)
LINGER_AFTER_CLOSE = "linger-after-close"
UPSERT_ONLY_CHANGES = "upsert-search-attributes-only-on-change"
PAUSE_HOLDS_TIMERS = "pause-holds-provider-and-review-timers"
REPORTS_FOLLOW_THE_REFERRAL = "reports-follow-the-referral"
"""Patch ids: histories recorded before these changes replay along the old path."""
SEEN_INPUTS_KEPT = 1_000
"""Redeliveries come within minutes; remembering the last thousand signal ids is plenty."""


@workflow.defn(name=WORKFLOW_NAME)
class IntegrationsketteWorkflow:
    """One participant's chain; every change is published on kette.chain.v1 by an activity."""

    @workflow.init
    def __init__(self, start: ChainInput) -> None:
        """Build the chain before any signal or update can reach it."""
        self._unpublished: list[ChainEvent] = []
        self._search_values: tuple[str, str, str, bool] | None = None
        behaviour = Behaviour(
            pause_holds_timers=workflow.patched(PAUSE_HOLDS_TIMERS),
            reports_follow_the_referral=workflow.patched(REPORTS_FOLLOW_THE_REFERRAL),
        )
        if start.carried is not None:
            self._chain = Chain(start.carried.state.model_copy(deep=True))
            self._chain.state.behaviour = behaviour
            self._seen_inputs = list(start.carried.seen_input_ids)
            self._published_up_to = self._chain.state.last_sequence
        else:
            assert start.profile is not None and start.programme is not None  # ChainInput checks
            self._chain, self._unpublished = Chain.start(
                start.profile, start.programme, workflow.now(), behaviour
            )
            self._seen_inputs = []
            self._published_up_to = 0

    @workflow.run
    async def run(self, start: ChainInput) -> str:
        """Publish, sleep until the next deadline or input, repeat; continue as new when long."""
        chain = self._chain
        while True:
            await self._publish_pending()
            self._upsert_search_attributes(chain)
            if chain.state.is_closed and not self._unpublished:
                await self._drain()
                if workflow.patched(LINGER_AFTER_CLOSE):
                    await self._linger(start)
                return chain.status.value
            if self._history_is_long(start):
                await self._drain()
                workflow.continue_as_new(self._carry_over(start, chain))
            await self._sleep_until_input_or_deadline(chain)

    async def _drain(self) -> None:
        """Publish until no handler runs and nothing waits; an update awaiting its events
        is served here, so waiting for handlers can never wait on ourselves."""
        while True:
            await self._publish_pending()
            await workflow.wait_condition(
                lambda: bool(self._unpublished) or workflow.all_handlers_finished()
            )
            if not self._unpublished and workflow.all_handlers_finished():
                return

    async def _linger(self, start: ChainInput) -> None:
        """Stay reachable a while after closing: a late decision gets the clear rejection
        ("already closed") instead of 'workflow not found', a late report is recorded."""
        until = workflow.now() + timedelta(days=start.linger_after_close_days)
        while (remaining := until - workflow.now()) > timedelta(0):
            try:
                await workflow.wait_condition(lambda: bool(self._unpublished), timeout=remaining)
            except TimeoutError:
                break
            await self._drain()

    async def _sleep_until_input_or_deadline(self, chain: Chain) -> None:
        """Wake for new events (from signals or updates) or fire the earliest deadline."""
        timer = chain.next_timer()
        timeout = None
        if timer is not None:
            timeout = max(timer.due_at - workflow.now(), timedelta(seconds=0))
        try:
            await workflow.wait_condition(lambda: bool(self._unpublished), timeout=timeout)
        except TimeoutError:
            self._record(chain.fire_due_timers(workflow.now()))

    async def _publish_pending(self) -> None:
        """Hand new timeline entries to the publishing activity, in order, until none are left."""
        while self._unpublished:
            batch, self._unpublished = self._unpublished, []
            await workflow.execute_activity(
                "publish_chain_events",
                PublishChainEvents(workflow_id=workflow.info().workflow_id, events=batch),
                start_to_close_timeout=PUBLISH_TIMEOUT,
                retry_policy=PUBLISH_RETRY,
            )
            self._published_up_to = batch[-1].sequence

    def _history_is_long(self, start: ChainInput) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= start.history_events_before_continue
        )

    def _carry_over(self, start: ChainInput, chain: Chain) -> ChainInput:
        """The chain's bounded state and the recent signal ids survive continue-as-new."""
        carried = CarriedChain(state=chain.state, seen_input_ids=self._seen_inputs)
        return ChainInput(
            carried=carried,
            history_events_before_continue=start.history_events_before_continue,
            linger_after_close_days=start.linger_after_close_days,
        )

    def _upsert_search_attributes(self, chain: Chain) -> None:
        """Caseloads are listed by these; an unchanged value is not written again."""
        stages = chain.current_stages()
        values = (
            stages[0].value if stages and not chain.state.is_closed else sa.NO_STAGE,
            chain.state.profile.kommune,
            chain.status.value,
            bool(chain.open_tasks()),
        )
        if values == self._search_values and workflow.patched(UPSERT_ONLY_CHANGES):
            return
        self._search_values = values
        stage, kommune, status, open_task = values
        workflow.upsert_search_attributes(
            [
                sa.STAGE.value_set(stage),
                sa.KOMMUNE.value_set(kommune),
                sa.STATUS.value_set(status),
                sa.OPEN_TASK.value_set(open_task),
            ]
        )

    def _record(self, events: list[ChainEvent]) -> None:
        self._unpublished.extend(events)

    def _first_time(self, input_id: str) -> bool:
        """Kafka delivers at least once; a signal id seen before is dropped."""
        if input_id in self._seen_inputs:
            workflow.logger.info("chain.duplicate_input_dropped", extra={"input_id": input_id})
            return False
        self._seen_inputs.append(input_id)
        del self._seen_inputs[:-SEEN_INPUTS_KEPT]
        return True

    # -- signals from the bridge -------------------------------------------------------------

    @workflow.signal
    def offers_proposed(self, signal: MatchSignal) -> None:
        """Matching answered a referral request."""
        if self._first_time(signal.input_id):
            self._record(self._chain.offers_proposed(signal.result, workflow.now()))

    @workflow.signal
    def provider_reported(self, signal: ReportSignal) -> None:
        """A provider reported on a referral."""
        if self._first_time(signal.input_id):
            self._record(self._chain.provider_reported(signal.report, workflow.now()))

    @workflow.signal
    def residence_status_changed(self, signal: ResidenceSignal) -> None:
        """Intake recorded a new residence status."""
        if self._first_time(signal.input_id):
            self._record(self._chain.residence_status_changed(signal.change, workflow.now()))

    @workflow.signal
    def consent_changed(self, signal: ConsentSignal) -> None:
        """Consent to share with providers was given or withdrawn."""
        if not self._first_time(signal.input_id):
            return
        now = workflow.now()
        if signal.consent_to_share:
            self._record(self._chain.consent_given(now))
        else:
            self._record(self._chain.consent_withdrawn(now))

    # -- caseworker decisions: one Update per decision name, checked by its validator ---------

    @workflow.update(dynamic=True)
    async def decide(self, name: str, args: Sequence[RawValue]) -> DecisionResult:
        """Apply, then return once the resulting events are on Kafka. A decision the validator
        passed can still lose a race with another update: it then fails, the workflow does not."""
        decision = _decision(name, args)
        try:
            events = self._chain.decide(decision, workflow.now())
        except DecisionRejected as rejected:
            raise _rejection(rejected) from None
        self._record(events)
        if events:
            last = events[-1].sequence
            await workflow.wait_condition(lambda: self._published_up_to >= last)
        return DecisionResult(events=[e.kind for e in events], status=self._chain.status.value)

    @decide.validator
    def _check(self, name: str, args: Sequence[RawValue]) -> None:
        """Reject before anything changes; the caller gets field, reason and German text."""
        try:
            self._chain.check(_decision(name, args), workflow.now())
        except DecisionRejected as rejected:
            raise _rejection(rejected) from None

    # -- queries -----------------------------------------------------------------------------

    @workflow.query
    def state(self) -> ChainStateView:
        """Status, current stages, published position."""
        return ChainStateView.of(self._chain, published_up_to=self._published_up_to)

    @workflow.query
    def plan(self) -> PlanQueryView:
        """The plan with its German reasons."""
        return PlanQueryView(plan=self._chain.plan())

    @workflow.query
    def tasks(self) -> list[Task]:
        """Open tasks for the caseworker."""
        return self._chain.open_tasks()

    @workflow.query
    def timeline(self) -> list[ChainEvent]:
        """The recent events, in order; the whole history is on kette.chain.v1."""
        return self._chain.timeline()


def _decision(name: str, args: Sequence[RawValue]) -> Decision:
    """The decision an Update carries, by its name; an unknown name or input is rejected."""
    kind = DECISION_TYPES.get(name)
    if kind is None or len(args) != 1:
        raise ApplicationError(
            f"unknown decision {name!r}", type="UnknownDecision", non_retryable=True
        )
    decision = workflow.payload_converter().from_payload(args[0].payload, kind)
    assert isinstance(decision, Decision)
    return decision


def _rejection(rejected: DecisionRejected) -> ApplicationError:
    """A rejected decision as the caller sees it: field, reason and the German message."""
    return ApplicationError(
        str(rejected),
        {"field": rejected.field, "reason": rejected.reason, "message_de": rejected.message_de},
        type="DecisionRejected",
        non_retryable=True,
    )
