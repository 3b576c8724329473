"""The player's script against the pure chain: no Kafka, no Temporal, time moves by the hour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kette_core.contracts.base import EventPayload
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.envelope import ReceivedEvent
from kette_core.ids import stable_event_id
from kette_devstack.scenario.chain_view import ChainView
from kette_devstack.scenario.script import Action, Decide, PlayRules, Publish, next_actions
from kette_workflows.domain import Chain, DecisionRejected
from kette_workflows.domain.events import ChainEvent
from kette_workflows.programmes import load_programme
from kette_workflows.publication import to_contract
from kette_workflows.temporal.bridge import match_result_from, profile_from, report_from

MAX_STEPS = 200


@dataclass
class Simulation:
    """One chain driven by the script, each step one hour after the last."""

    registration: ParticipantRegistered
    now: datetime
    rules: PlayRules = field(default_factory=PlayRules)
    view: ChainView = field(init=False)
    chain: Chain = field(init=False)
    done: list[Action] = field(default_factory=list)
    rejected: list[Decide] = field(default_factory=list)
    topic: list[ReceivedEvent[EventPayload]] = field(default_factory=list)
    """The chain topic as a reader would see it."""

    def __post_init__(self) -> None:
        self.view = ChainView(self.registration.participant_id)
        programme = load_programme(self.registration.programme_id)
        self.chain, events = Chain.start(profile_from(self.registration), programme, self.now)
        self.publish(events)

    def publish(self, events: list[ChainEvent]) -> None:
        """What the publishing activity would put on the chain topic, folded into the view."""
        for event in events:
            for index, payload in enumerate(to_contract(event)):
                event_id = stable_event_id(
                    payload.event_type, self.view.workflow_id, str(event.sequence), str(index)
                )
                received = ReceivedEvent(
                    id=event_id,
                    type=payload.event_type,
                    source="/kette/workflows",
                    time=event.occurred_at,
                    subject=self.view.participant_id,
                    payload=payload,
                )
                self.topic.append(received)
                self.view.apply(received)

    def step(self) -> bool:
        """Do the first due action; False when there is nothing to do."""
        actions = next_actions(self.view, self.rules)
        if not actions:
            return False
        action = actions[0]
        self.now += timedelta(hours=1)
        if isinstance(action, Publish) and action.channel == "matching":
            result = match_result_from(action.payload)  # type: ignore[arg-type]
            self.publish(self.chain.offers_proposed(result, self.now))
        elif isinstance(action, Publish):
            report = report_from(action.event_id, action.payload)  # type: ignore[arg-type]
            self.publish(self.chain.provider_reported(report, self.now))
        else:
            try:
                self.publish(self.chain.decide(action.decision, self.now))
            except DecisionRejected:
                self.rejected.append(action)
                return False
        self.publish(self.chain.fire_due_timers(self.now))
        self.done.append(action)
        return True

    def run(self) -> Simulation:
        for _ in range(MAX_STEPS):
            if not self.step():
                break
        return self
