"""Re-record the chain histories that CI replays (see README.md: only with a patched change).

    .venv/bin/python tests/replay/record.py              # every scenario
    .venv/bin/python tests/replay/record.py timers ...   # only these

Each scenario drives one chain on Temporal's time-skipping test server, like the component
tests do, and writes its history to `histories/<name>.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HISTORIES = HERE / "histories"
sys.path.insert(0, str(HERE.parent / "component" / "workflows"))
sys.path.insert(0, str(HERE.parent.parent))  # tests.support, as under pytest

from chain_harness import (  # noqa: E402  (the harness lives beside the component tests)
    CASEWORKER,
    ChainDriver,
    now_of,
    running_chain,
)
from temporalio.client import WorkflowHistory  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from kette_core.contracts.chain import PauseReason  # noqa: E402
from kette_core.contracts.vocabulary import Stage  # noqa: E402
from kette_workflows.api import (  # noqa: E402
    CloseCase,
    CompleteTask,
    ConfirmOffer,
    DecisionRejected,
    PauseCase,
    ProviderReport,
    ResumeCase,
)
from kette_workflows.domain.vocabulary import (  # noqa: E402
    CloseReason,
    ReportKind,
    TaskKind,
)
from kette_workflows.temporal import search_attributes  # noqa: E402
from kette_workflows.temporal.io import ConsentSignal, ReportSignal  # noqa: E402
from kette_workflows.temporal.workflow import IntegrationsketteWorkflow  # noqa: E402
from tests.support.profiles import learner_profile  # noqa: E402

Histories = dict[str, WorkflowHistory]
Scenario = Callable[[WorkflowEnvironment], Awaitable[Histories]]


def _participant(name: str) -> str:
    return f"p-replay-{name.replace('_', '-')}"


async def _history(env: WorkflowEnvironment, driver: ChainDriver, run_id: str | None) -> Any:
    handle = env.client.get_workflow_handle(driver.handle.id, run_id=run_id)
    return await handle.fetch_history()


async def _confirm_language_offer(driver: ChainDriver) -> None:
    await driver.propose(Stage.LANGUAGE, "vhs-a2", "vhs-a2-b")
    await driver.decide(
        ConfirmOffer(stage=Stage.LANGUAGE, offer_id="vhs-a2", caseworker_id=CASEWORKER),
    )


async def happy_path(env: WorkflowEnvironment) -> Histories:
    """A language course from proposal to completion, provider reports, then the case closes."""
    today = (await now_of(env)).date()
    chain = learner_profile(today, participant_id=_participant("happy_path"))
    async with running_chain(env, chain) as driver:
        await _confirm_language_offer(driver)
        await driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED, on=today)
        await driver.report(Stage.LANGUAGE, ReportKind.ENROLLED, on=today)
        await driver.report(Stage.LANGUAGE, ReportKind.ATTENDANCE, on=today, attendance_percent=55)
        await driver.report(Stage.LANGUAGE, ReportKind.COMPLETED, on=today)
        await driver.settled()
        await driver.decide(CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER))
        await driver.handle.result()
        return {"happy_path": await _history(env, driver, None)}


async def timers(env: WorkflowEnvironment) -> Histories:
    """Provider reminder, Duldung warning, case review, then the chain closes at 27."""
    today = (await now_of(env)).date()
    chain = learner_profile(
        today,
        participant_id=_participant("timers"),
        eligibility_ends_on=today + timedelta(days=120),
        residence_status_expires_on=today + timedelta(days=90),
    )
    async with running_chain(env, chain) as driver:
        await _confirm_language_offer(driver)
        await env.sleep(timedelta(days=11))
        await env.sleep(timedelta(days=80))
        review = next(t for t in await driver.tasks() if t.kind == TaskKind.CASE_REVIEW)
        await driver.decide(CompleteTask(task_id=review.task_id, caseworker_id=CASEWORKER))
        await driver.handle.result()
        return {"timers": await _history(env, driver, None)}


async def pause_resume_close(env: WorkflowEnvironment) -> Histories:
    """Pause and resume, consent withdrawn and given again (one redelivered), then close."""
    today = (await now_of(env)).date()
    chain = learner_profile(today, participant_id=_participant("pause_resume_close"))
    async with running_chain(env, chain) as driver:
        await driver.decide(
            PauseCase(reason=PauseReason.PERSONAL_CIRCUMSTANCES, caseworker_id=CASEWORKER),
        )
        await driver.decide(ResumeCase(caseworker_id=CASEWORKER))
        withdrawn = ConsentSignal(input_id="consent-1", consent_to_share=False)
        await driver.handle.signal(IntegrationsketteWorkflow.consent_changed, withdrawn)
        await driver.handle.signal(IntegrationsketteWorkflow.consent_changed, withdrawn)
        given = ConsentSignal(input_id="consent-2", consent_to_share=True)
        await driver.handle.signal(IntegrationsketteWorkflow.consent_changed, given)
        await driver.settled()
        await driver.decide(CloseCase(reason=CloseReason.WITHDREW, caseworker_id=CASEWORKER))
        await driver.handle.result()
        return {"pause_resume_close": await _history(env, driver, None)}


async def continue_as_new(env: WorkflowEnvironment) -> Histories:
    """A chain that crosses the smallest history limit: the run before and the one after."""
    today = (await now_of(env)).date()
    chain = learner_profile(today, participant_id=_participant("continue_as_new"))
    async with running_chain(env, chain, history_events_before_continue=50) as driver:
        first_run = (await driver.handle.describe()).run_id
        await driver.propose(Stage.LANGUAGE, "vhs-a2", "vhs-a2-b")
        while (await driver.handle.describe()).run_id == first_run:
            await driver.decide(PauseCase(reason=PauseReason.OTHER, caseworker_id=CASEWORKER))
            await driver.decide(ResumeCase(caseworker_id=CASEWORKER))
        await driver.decide(
            ConfirmOffer(stage=Stage.LANGUAGE, offer_id="vhs-a2", caseworker_id=CASEWORKER),
        )
        await driver.decide(CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER))
        await driver.handle.result()
        return {
            "continue_as_new_first_run": await _history(env, driver, first_run),
            "continue_as_new_carried_run": await _history(env, driver, None),
        }


async def closed_then_late_decision(env: WorkflowEnvironment) -> Histories:
    """Recorded with the linger-after-close and upsert-on-change patches: a late close is
    rejected while the chain lingers, a late report is recorded as ignored."""
    today = (await now_of(env)).date()
    chain = learner_profile(today, participant_id=_participant("closed_then_late_decision"))
    close = CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER)
    async with running_chain(env, chain) as driver:
        await _confirm_language_offer(driver)
        await driver.decide(close)
        await env.sleep(timedelta(days=2))
        with contextlib.suppress(DecisionRejected):
            await driver.decide(close)
        await driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED, on=today)
        await driver.handle.result()
        return {"closed_then_late_decision": await _history(env, driver, None)}


async def paused_holds_timers(env: WorkflowEnvironment) -> Histories:
    """Recorded with the pause-holds-timers patch (and the dynamic decision Update, the typed
    carry-over): a referral's deadline and the review wait out a month's pause, then the
    reminder fires on the pushed-back deadline and the case closes."""
    today = (await now_of(env)).date()
    chain = learner_profile(today, participant_id=_participant("paused_holds_timers"))
    async with running_chain(env, chain) as driver:
        await _confirm_language_offer(driver)
        await env.sleep(timedelta(days=2))
        await driver.decide(PauseCase(reason=PauseReason.CHILDCARE, caseworker_id=CASEWORKER))
        await env.sleep(timedelta(days=30))
        await driver.decide(ResumeCase(caseworker_id=CASEWORKER))
        await env.sleep(timedelta(days=9))
        await driver.settled()
        await driver.decide(CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER))
        await driver.handle.result()
        return {"paused_holds_timers": await _history(env, driver, None)}


async def reports_follow_the_referral(env: WorkflowEnvironment) -> Histories:
    """Recorded with the reports-follow-the-referral patch: a stranger's report and a
    'completed' before 'enrolled' are refused (the second asks the caseworker), then the
    course runs properly and the case closes."""
    today = (await now_of(env)).date()
    chain = learner_profile(today, participant_id=_participant("reports_follow_the_referral"))
    async with running_chain(env, chain) as driver:
        await _confirm_language_offer(driver)
        referral_id = await driver.referral_id(Stage.LANGUAGE)
        stranger = ProviderReport(
            report_id="stranger-1",
            referral_id=referral_id,
            provider_id="someone-else",
            kind=ReportKind.ENROLLED,
            reported_on=today,
        )
        await driver.handle.signal(
            IntegrationsketteWorkflow.provider_reported,
            ReportSignal(input_id=stranger.report_id, report=stranger),
        )
        await driver.report(Stage.LANGUAGE, ReportKind.COMPLETED, on=today)
        await driver.report(Stage.LANGUAGE, ReportKind.ENROLLED, on=today)
        await driver.report(Stage.LANGUAGE, ReportKind.COMPLETED, on=today)
        await driver.settled()
        await driver.decide(CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER))
        await driver.handle.result()
        return {"reports_follow_the_referral": await _history(env, driver, None)}


SCENARIOS: dict[str, Scenario] = {
    "reports_follow_the_referral": reports_follow_the_referral,
    "paused_holds_timers": paused_holds_timers,
    "closed_then_late_decision": closed_then_late_decision,
    "happy_path": happy_path,
    "timers": timers,
    "pause_resume_close": pause_resume_close,
    "continue_as_new": continue_as_new,
}


def _test_server() -> str:
    beside_python = Path(sys.executable).parent / "temporal-test-server"
    found = str(beside_python) if beside_python.exists() else shutil.which("temporal-test-server")
    if found is None:
        raise SystemExit("temporal-test-server is missing: run `make install`")
    return found


def _one_event_a_line(history: WorkflowHistory) -> str:
    """Temporal's JSON history format, compact: a re-recording diffs event by event."""
    events = history.to_json_dict()["events"]
    lines = ",\n".join(json.dumps(event, separators=(",", ":")) for event in events)
    return '{"events":[\n' + lines + "\n]}\n"


async def record(names: list[str]) -> list[Path]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=_test_server()
    )
    written: list[Path] = []
    try:
        await search_attributes.register(env.client)
        HISTORIES.mkdir(exist_ok=True)
        for name in names:
            for file_name, history in (await SCENARIOS[name](env)).items():
                path = HISTORIES / f"{file_name}.json"
                path.write_text(_one_event_a_line(history), encoding="utf-8")
                written.append(path)
    finally:
        await env.shutdown()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"scenarios (default all): {', '.join(SCENARIOS)}")
    names = parser.parse_args().names or list(SCENARIOS)
    if unknown := sorted(set(names) - set(SCENARIOS)):
        parser.error(f"unknown scenarios: {', '.join(unknown)}")
    for path in asyncio.run(record(names)):
        print(f"{path.relative_to(HERE.parent.parent)}: {path.stat().st_size / 1024:.0f} KB")
    print("now run: .venv/bin/pytest tests/replay", flush=True)
    # Temporal's Rust runtime may still hold threads that abort Python's finalisation (rc 134)
    # after everything is written; leave without finalising instead
    os._exit(0)


if __name__ == "__main__":
    main()
