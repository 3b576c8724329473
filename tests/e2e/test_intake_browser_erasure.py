"""Art. 17 erasure in the browser: after a confirmation the person is gone from the caseload,
their case page and the API, and their chain closes; on the real processes."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Page

from tests.e2e.intake_browser_support import (
    PASSWORD,
    BrowserStack,
    new_case_in_caseload,
    serious_violations,
)
from tests.integration.workflows.chain_stack_support import eventually

pytestmark = pytest.mark.e2e


async def test_an_erased_person_is_gone_from_caseload_case_page_and_api_and_the_chain_closes(
    page: Page, browser_stack: BrowserStack
) -> None:
    username, participant_id, row = await new_case_in_caseload(
        page, browser_stack, "Leyla", "Erasmi"
    )
    await row.get_by_role("link").click()
    erase = page.get_by_role("button", name="Endgültig löschen")

    await erase.click()
    unconfirmed = page.locator("#fehler-erasure")
    await unconfirmed.wait_for()
    unconfirmed_text = await unconfirmed.inner_text()
    heading_unconfirmed = await page.get_by_role("heading", level=1).inner_text()
    unconfirmed_findings = await serious_violations(page)

    await page.get_by_label("Ich habe geprüft").check()
    await erase.click()
    await page.get_by_role("heading", name="Fallliste").wait_for()
    caseload_text = await page.locator("main").inner_text()
    case_page = await page.goto(f"{browser_stack.intake.url}/faelle/{participant_id}")
    case_page_text = await page.locator("main").inner_text()
    async with httpx.AsyncClient(base_url=browser_stack.intake.url) as api:
        token = await api.post("/api/token", json={"username": username, "password": PASSWORD})
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        read_after = await api.get(f"/api/participants/{participant_id}", headers=bearer)

    async def chain_closed() -> bool:
        return (await browser_stack.chains.state(participant_id)).status == "closed"

    await eventually(chain_closed, "the erased person's chain to close")

    assert "Bitte bestätigen Sie die Löschung" in unconfirmed_text
    assert heading_unconfirmed == "Leyla Erasmi"  # not confirmed: nothing erased
    assert unconfirmed_findings == []
    assert "gelöscht" in caseload_text and "Erasmi" not in caseload_text
    assert case_page is not None and case_page.status == 404
    assert "Erasmi" not in case_page_text and "Nicht gefunden" in case_page_text
    assert read_after.status_code == 404
