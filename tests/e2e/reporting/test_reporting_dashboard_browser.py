"""The coordinators' dashboard in a real browser, logged in through the real intake: no serious
axe finding on the login or the dashboard, filters by keyboard, logout."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page

from bench._reporting_cohort import as_records, cohort_events
from kette_devstack.ports import free_port
from kette_reporting.projection.rebuild import rebuild
from tests.e2e.intake_browser_support import PASSWORD, BrowserStack, serious_violations

pytestmark = pytest.mark.e2e
START_SECONDS = 120.0


@pytest.fixture(scope="module")
async def dashboard(
    tmp_path_factory: pytest.TempPathFactory, browser_stack: BrowserStack
) -> AsyncIterator[str]:
    """`python -m kette_reporting` without a consumer over a rebuilt cohort of 400 people,
    verifying the tokens of the browser stack's intake and logging in through it (one per
    module: each test's browser context starts without cookies)."""
    tmp_path = tmp_path_factory.mktemp("reporting-dashboard")
    url = f"sqlite+aiosqlite:///{tmp_path / 'reporting.db'}"
    await rebuild(as_records(cohort_events(400, seed=9)), url)
    port = free_port()
    env = dict(
        os.environ,
        KETTE_DATABASE_URL=url,
        KETTE_HTTP_PORT=str(port),
        KETTE_CONSUME="false",
        KETTE_TOKEN_SECRET=browser_stack.intake.env["KETTE_TOKEN_SECRET"],
        KETTE_INTAKE_URL=browser_stack.intake.url,
    )
    with (tmp_path / "reporting.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kette_reporting", env=env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        await _answers(f"{base}/healthz", process, tmp_path / "reporting.log")
        yield base
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=20)


async def _answers(url: str, process: asyncio.subprocess.Process, log: Path) -> None:
    """Wait until the process serves `url`; its start-up (reportlab, openpyxl, migrations)
    shares two cores with the browser stack, so the bound is generous and only ends a hang."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            await asyncio.to_thread(urllib.request.urlopen, url, None, 5)
            return
        except OSError:
            if process.returncode is not None or time.monotonic() > deadline:
                said = await asyncio.to_thread(log.read_text)
                pytest.fail(f"reporting did not answer {url}:\n{said[-3000:]}")
            await asyncio.sleep(0.2)


async def log_in(page: Page, username: str) -> None:
    """Fill the German login form the dashboard sent her to, and submit it."""
    await page.get_by_label("Benutzername").fill(username)
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()


async def test_the_login_and_the_dashboard_have_no_serious_accessibility_finding(
    page: Page, dashboard: str, browser_stack: BrowserStack
) -> None:
    coordinator = browser_stack.intake.add_account("coordinator", [])
    await page.goto(f"{dashboard}/dashboard?zeitraum=2025")
    sent_to = page.url
    login_findings = await serious_violations(page)

    await log_in(page, coordinator)
    await page.wait_for_url("**/dashboard?zeitraum=2025")

    assert "/anmelden?weiter=" in sent_to
    assert login_findings == []
    assert await serious_violations(page) == []
    assert await page.locator("svg[role=img]").count() == 3


async def test_a_coordinator_filters_by_period_and_kommune_with_the_keyboard_alone(
    page: Page, dashboard: str, browser_stack: BrowserStack
) -> None:
    coordinator = browser_stack.intake.add_account("coordinator", [])
    await page.goto(f"{dashboard}/dashboard")
    await log_in(page, coordinator)
    await page.get_by_role("button", name="Abmelden").wait_for()

    await page.keyboard.press("Tab")  # the skip link comes first
    await page.keyboard.press("Tab")  # then "Abmelden" in the header
    await page.keyboard.press("Tab")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("2025-H1")
    await page.keyboard.press("Tab")
    await page.get_by_label("Kommune", exact=True).select_option("Greven")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")  # on "Anzeigen"
    await page.wait_for_url("**zeitraum=2025-H1**")

    assert "kommune=Greven" in page.url
    assert await page.get_by_text("01.01.2025 – 30.06.2025").count() >= 1
    assert await page.locator("caption", has_text="Ergebnisse je Träger").count() == 1


async def test_after_logout_the_dashboard_asks_for_a_login_again(
    page: Page, dashboard: str, browser_stack: BrowserStack
) -> None:
    auditor = browser_stack.intake.add_account("auditor", [])
    await page.goto(f"{dashboard}/dashboard?zeitraum=2025")
    await log_in(page, auditor)

    await page.get_by_role("button", name="Abmelden").click()
    await page.get_by_text("Sie sind abgemeldet.").wait_for()
    await page.goto(f"{dashboard}/dashboard?zeitraum=2025")

    assert "/anmelden" in page.url
    assert await page.get_by_role("button", name="Anmelden").count() == 1
