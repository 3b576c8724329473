"""Logging in through the German login page in Debian's chromium."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from tests.e2e.intake_browser_support import (
    PASSWORD,
    BrowserStack,
    log_in,
    save_screenshot,
    serious_violations,
)

pytestmark = pytest.mark.e2e


async def test_a_wrong_password_is_named_next_to_the_field_and_the_right_one_logs_her_in(
    page: Page, browser_stack: BrowserStack
) -> None:
    username = browser_stack.intake.add_account("caseworker", ["Kamen"])
    await page.goto(f"{browser_stack.intake.url}/")
    landed_on = page.url
    empty_form_findings = await serious_violations(page)
    await save_screenshot(page, "login")

    await log_in(page, browser_stack, username, "not her password at all")
    refusal = page.locator("#f-password-fehler")
    await refusal.wait_for()
    refused_text = await refusal.inner_text()
    described_by = await page.get_by_label("Passwort").get_attribute("aria-describedby")
    refused_form_findings = await serious_violations(page)

    await log_in(page, browser_stack, username)
    await page.get_by_role("button", name="Abmelden").wait_for()

    assert landed_on.endswith("/anmelden")
    assert empty_form_findings == []
    assert "Benutzername oder Passwort ist falsch" in refused_text
    assert described_by is not None and "f-password-fehler" in described_by
    assert refused_form_findings == []
    assert "/anmelden" not in page.url


async def test_she_logs_in_with_the_keyboard_alone_and_every_stop_shows_its_focus(
    page: Page, browser_stack: BrowserStack
) -> None:
    username = browser_stack.intake.add_account("caseworker", ["Kamen"])
    await page.goto(f"{browser_stack.intake.url}/anmelden")
    stops: list[list[str]] = []  # [id or class, text, outline style] per Tab
    for _ in range(4):  # skip link, home link, user name, password
        await page.keyboard.press("Tab")
        stops.append(await page.evaluate(FOCUSED))
        if stops[-1][0] == "f-username":
            await page.keyboard.type(username)
        if stops[-1][0] == "f-password":
            await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await page.get_by_role("button", name="Abmelden").wait_for()

    assert stops[0][:2] == ["skip-link", "Zum Inhalt springen"]
    assert [stop[0] for stop in stops[-2:]] == ["f-username", "f-password"]
    assert all(outline != "none" for _, _, outline in stops), stops
    assert "/anmelden" not in page.url


FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return [element.id || element.className, element.textContent.trim(), style.outlineStyle];
}"""
