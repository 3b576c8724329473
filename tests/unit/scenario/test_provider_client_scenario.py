"""The demo without the stand-in: kette-provider's --auto answers every referral (its reports in
the wire format, decoded as the chain's bridge decodes them) and every cohort chain still ends;
the catalogue's providers are all registered, split between the two doors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scenario_simulation import MAX_STEPS, Simulation

from kette_core.envelope import decode
from kette_devstack.scenario.catalogue import CATALOGUE, PROVIDER_NAMES
from kette_devstack.scenario.cohort import build_cohort
from kette_devstack.scenario.providers import split_doors
from kette_devstack.scenario.script import PlayRules, Publish, follow_up_months, next_actions
from kette_provider.auto import AutoRules, plan
from kette_provider.events import Referral
from kette_provider.reports import kafka_record
from kette_workflows.temporal.bridge import report_from

pytestmark = pytest.mark.unit

START = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


class WithKetteProvider:
    """The scenario's matching and caseworkers; kette-provider's plan in place of the
    stand-in, as the gateway would hand it each referral (participant's level of the moment)."""

    def __init__(self, simulation: Simulation, rules: AutoRules) -> None:
        self.simulation = simulation
        self.rules = rules
        self.answered: set[str] = set()

    def run(self) -> Simulation:
        for _ in range(MAX_STEPS):
            if not self.simulation.step() and not self._answer_one():
                break
        return self.simulation

    def _answer_one(self) -> bool:
        run = self.simulation
        for referral in run.view.referrals.values():
            confirmed = referral.confirmed
            if confirmed.referral_id in self.answered or referral.withdrawn:
                continue
            self.answered.add(confirmed.referral_id)
            issued = Referral(
                referral_id=confirmed.referral_id,
                participant_id=confirmed.participant_id,
                provider_id=confirmed.provider_id,
                offer_id=confirmed.offer_id,
                module=confirmed.module.value,
                stage=confirmed.stage.value,
                language_level=run.chain.state.profile.language_level.value,
                childcare_needed=False,
                response_due=confirmed.response_due,
                contact_details_available=True,
            )
            for report in plan(issued, run.now.date(), self.rules):
                record = kafka_record(report, issued.provider_id, issued.participant_id)
                event = decode(record.headers, record.value)
                run.now += timedelta(hours=1)
                run.publish(
                    run.chain.provider_reported(report_from(event.id, event.payload), run.now)
                )  # type: ignore[arg-type]
                run.publish(run.chain.fire_due_timers(run.now))
            return True
        return False


@pytest.mark.parametrize("drop_out_rate", [0.0, 0.5])
def test_every_cohort_chain_ends_with_kette_provider_answering_the_referrals(
    drop_out_rate: float,
) -> None:
    cohort = build_cohort(30, seed=17, registered_on=START.date())
    rules = PlayRules(drop_out_rate=drop_out_rate, provider_reports=False)
    auto = AutoRules(drop_out_rate=drop_out_rate, job_started_months_ago=follow_up_months(None))
    for member in cohort.members:
        run = WithKetteProvider(Simulation(member.registration, START, rules), auto).run()
        assert run.rejected == [], member.persona.key
        assert run.view.closed is not None, member.persona.key
        assert not any(isinstance(a, Publish) and a.channel == "provider" for a in run.done)


def test_without_the_stand_in_the_script_publishes_no_provider_report() -> None:
    cohort = build_cohort(3, seed=5, registered_on=START.date())
    run = Simulation(cohort.members[0].registration, START, PlayRules()).run()
    assert any(isinstance(a, Publish) and a.channel == "provider" for a in run.done)
    quiet = PlayRules(provider_reports=False)
    assert not [
        a
        for a in next_actions(run.view, quiet)
        if isinstance(a, Publish) and a.channel == "provider"
    ]


def test_every_offers_provider_is_registered_and_each_at_exactly_one_door() -> None:
    assert {offer.provider_id for offer in CATALOGUE} == set(PROVIDER_NAMES)
    doors = split_doors(set(PROVIDER_NAMES))
    assert set(doors.kafka) | set(doors.webhooks) == set(PROVIDER_NAMES)
    assert not set(doors.kafka) & set(doors.webhooks)
    assert abs(len(doors.kafka) - len(doors.webhooks)) <= 1
