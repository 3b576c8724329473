"""Registering a person on the German registration screen in Debian's chromium."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from tests.e2e.intake_browser_support import (
    BrowserStack,
    fill_registration,
    log_in,
    save_screenshot,
    serious_violations,
)

pytestmark = pytest.mark.e2e


async def test_she_registers_a_person_after_eligibility_is_explained_and_a_missing_name_is_named(
    page: Page, browser_stack: BrowserStack
) -> None:
    username = browser_stack.intake.add_account("caseworker", ["Kamen"])
    await log_in(page, browser_stack, username)
    await page.get_by_role("link", name="Person aufnehmen").click()
    await page.get_by_role("heading", name="Person aufnehmen").wait_for()
    empty_form_findings = await serious_violations(page)

    await fill_registration(page, "Amina", "Haddad")
    await page.get_by_label("Nachname").fill("")
    await page.get_by_role("button", name="Speichern").click()
    missing = page.locator("#f-personal-family-name-fehler")
    await missing.wait_for()
    missing_text = await missing.inner_text()
    refused_form_findings = await serious_violations(page)

    await page.get_by_label("Nachname").fill("Haddad")
    await page.get_by_role("button", name="Förderfähigkeit prüfen").click()
    verdict = page.locator("#pruefung")
    await verdict.get_by_role("heading", name="Förderfähigkeit").wait_for()
    verdict_text = await verdict.inner_text()
    await save_screenshot(page, "registration")
    checked_form_findings = await serious_violations(page)

    await page.get_by_role("button", name="Speichern").click()
    await page.get_by_role("heading", name="Person aufgenommen").wait_for()
    saved_text = await page.locator("main").inner_text()
    participant_id = (await page.locator("main code").first.inner_text()).strip()

    assert empty_form_findings == []
    assert "Fehler" in missing_text and len(missing_text) > len("Fehler: ")
    assert refused_form_findings == []
    assert "Förderfähig:" in verdict_text and "nicht förderfähig" not in verdict_text.lower()
    assert checked_form_findings == []
    assert participant_id and participant_id in saved_text
    assert "Die Kette startet" in saved_text
