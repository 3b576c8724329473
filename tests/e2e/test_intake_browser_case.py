"""A case in the browser: caseload, plan with reasons, a proposed offer confirmed, the timeline
moving; on worker, bridge, matching and intake as real processes."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from tests.e2e.intake_browser_support import (
    BrowserStack,
    new_case_in_caseload,
    reload_until,
    save_screenshot,
    serious_violations,
)

pytestmark = pytest.mark.e2e


async def test_she_sees_the_plan_a_refused_decision_changes_nothing_a_confirmed_offer_moves_on(
    page: Page, browser_stack: BrowserStack
) -> None:
    _, participant_id, row = await new_case_in_caseload(page, browser_stack, "Samir", "Mansour")
    await save_screenshot(page, "caseload")
    caseload_findings = await serious_violations(page)
    row_text = await row.inner_text()

    await row.get_by_role("link").click()
    confirm = page.get_by_role("button", name="Bestätigen").first
    try:
        await reload_until(page, confirm, "matching's proposals on the case page")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{browser_stack.logs()}") from None
    plan = page.get_by_role("table", name="Stufen der Kette")
    plan_reasons = await plan.locator("tbody td:nth-child(3)").all_inner_texts()
    offers = (
        await page.get_by_role("table", name="Vom Matching vorgeschlagen")
        .locator("tbody tr")
        .count()
    )
    explanations = await page.locator("td > p.explanation").all_inner_texts()
    timeline_before = await page.locator("ol.timeline li").all_inner_texts()
    await save_screenshot(page, "case")
    case_findings = await serious_violations(page)

    other = page.locator("#entscheidung-choose-other-offer")
    await other.get_by_label("Stufe").select_option("job")
    await other.get_by_label("Angebotskennung").fill("vhs-unna-eigenes")
    await other.get_by_label("Trägerkennung").fill("vhs-unna")
    await other.get_by_role("button", name="Anderes Angebot wählen").click()
    refusal = page.locator("#f-choose-other-offer-stage-fehler")
    await refusal.wait_for()
    refusal_text = await refusal.inner_text()
    timeline_refused = await page.locator("ol.timeline li").all_inner_texts()
    refused_findings = await serious_violations(page)

    await confirm.click()
    await page.get_by_role("status").filter(has_text="Gespeichert").wait_for()
    timeline_after = await page.locator("ol.timeline li").all_inner_texts()
    confirmed_in_chain = [
        event.kind
        for event in await browser_stack.chains.timeline(participant_id)
        if event.kind == "referral_confirmed"
    ]

    assert "Mansour" in row_text and "Kamen" in row_text
    assert caseload_findings == []
    assert plan_reasons and all(reason.strip() for reason in plan_reasons)
    assert offers >= 1
    assert len(explanations) == offers and all(explanations), "matching's reasons, in German"
    assert case_findings == []
    assert "Fehler" in refusal_text and len(refusal_text) > len("Fehler: ")
    assert timeline_refused == timeline_before
    assert refused_findings == []
    assert len(timeline_after) > len(timeline_before), (timeline_before, timeline_after)
    assert not any("Zuweisung an Träger" in entry for entry in timeline_before)
    assert any("Zuweisung an Träger" in entry for entry in timeline_after)
    assert confirmed_in_chain, "the chain's own timeline records no confirmation"
