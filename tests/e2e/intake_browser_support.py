"""The whole chain for the browser: worker, bridge, matching and intake as real processes on a
test run's private topics and task queue, and intake's accounts made through its own CLI."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Locator, Page

from kette_devstack.ports import free_port
from kette_devstack.scenario.player import ScenarioSettings
from kette_devstack.service_env import readiness_failures
from kette_intake.app import new_key
from kette_workflows.api import ChainClient
from tests.integration.matching.matching_stack_support import MatchingProcess
from tests.integration.workflows.chain_stack_support import ChainProcess, eventually

SERIOUS = ("serious", "critical")
PASSWORD = "ein langes Passwort für den Browsertest"
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


class IntakeProcess:
    """`python -m kette_intake` on a free loopback port, its own SQLite file and fresh keys."""

    def __init__(self, env: dict[str, str], folder: Path, access_topic: str) -> None:
        self.port = free_port()
        self.folder = folder
        self.log_file = folder / "intake.log"
        self.env = dict(env)
        self.env.update(
            KETTE_HTTP_HOST="127.0.0.1",
            KETTE_HTTP_PORT=str(self.port),
            KETTE_DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'intake.db'}",
            KETTE_ACCESS_TOPIC=access_topic,
            KETTE_KEY_ENCRYPTION_KEY=new_key(),
            KETTE_BLIND_INDEX_KEY=new_key(),
            KETTE_TOKEN_SECRET=new_key(),
        )
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        with self.log_file.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "kette_intake", env=self.env, stdout=log, stderr=log
            )
        await eventually(self._ready, "intake to answer /readyz", within=60)

    async def _ready(self) -> bool:
        if self.process is not None and self.process.returncode is not None:
            raise AssertionError(f"intake exited with {self.process.returncode}:\n{self.logs()}")
        failing = await asyncio.to_thread(readiness_failures, f"{self.url}/readyz")
        return failing is None

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout=15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def add_account(self, role: str, kommunen: list[str]) -> str:
        """A login made as an administrator would: `python -m kette_intake account add`."""
        username = f"{role}-{uuid.uuid4().hex[:8]}"
        argv = [sys.executable, "-m", "kette_intake", "account", "add"]
        argv += ["--username", username, "--role", role]
        for kommune in kommunen:
            argv += ["--kommune", kommune]
        env = {**self.env, "KETTE_NEW_ACCOUNT_PASSWORD": PASSWORD}
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return username

    def logs(self) -> str:
        return self.log_file.read_text(errors="replace")[-4000:] if self.log_file.exists() else ""


@dataclass
class BrowserStack:
    """What a browser test needs to reach: intake's URL, the chain's own view, the logs."""

    settings: ScenarioSettings
    chains: ChainClient
    worker: ChainProcess
    bridge: ChainProcess
    matching: MatchingProcess
    intake: IntakeProcess

    def logs(self) -> str:
        """Every process' recent output, for a failing test's report."""
        return "\n".join(
            [
                self.worker.logs(),
                self.bridge.logs(),
                f"--- matching\n{self.matching.logs()}",
                f"--- intake\n{self.intake.logs()}",
            ]
        )


SCREENSHOTS_WANTED = "KETTE_SCREENSHOTS"
"""Set to 1 to refresh the README's pictures; a plain test run leaves the tree as it was."""


async def save_screenshot(page: Page, name: str) -> Path | None:
    """docs/screenshots/<name>.png, the README's pictures of the screens, when asked for."""
    if os.environ.get(SCREENSHOTS_WANTED) != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=path, full_page=True)
    return path


async def log_in(page: Page, stack: BrowserStack, username: str, password: str = PASSWORD) -> None:
    """Through the login form, as she does every morning."""
    await page.goto(f"{stack.intake.url}/anmelden")
    await page.get_by_label("Benutzername").fill(username)
    await page.get_by_label("Passwort").fill(password)
    await page.get_by_role("button", name="Anmelden").click()


async def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one line each."""
    results = await Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        f" — {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def born_aged(years: int) -> str:
    """A birth date (ISO, as a date input takes it) of someone `years` old this spring."""
    return date(datetime.now(UTC).year - years, 3, 9).isoformat()


async def fill_registration(page: Page, given_name: str, family_name: str) -> None:
    """A 21-year-old learner in Kamen with a Duldung, A1, no school certificate, consenting."""
    await page.get_by_label("Vorname").fill(given_name)
    await page.get_by_label("Nachname").fill(family_name)
    await page.get_by_label("Geburtsdatum").fill(born_aged(21))
    await page.get_by_label("Staatsangehörigkeit").fill("syrisch")
    await page.get_by_label("Gesprochene Sprachen").fill("Arabisch, Kurdisch")
    await page.get_by_label("Telefon").fill("+49 2307 555 0101")
    await page.get_by_label("Kommune").select_option("Kamen")
    await page.get_by_label("Aufenthaltsstatus").select_option("duldung")
    await page.get_by_label("Deutschkenntnisse (GER)").select_option("A1")
    await page.get_by_label("Schulabschluss").select_option("none")
    await page.locator("#f-profile-goal-target-stage").select_option("apprenticeship")
    await page.get_by_label("Die Person hat den Text gelesen und eingewilligt").check()


async def register_person(page: Page, stack: BrowserStack, given: str, family: str) -> str:
    """Through the registration screen; returns the participant id the saved page names."""
    await page.goto(f"{stack.intake.url}/teilnehmende/neu")
    await fill_registration(page, given, family)
    await page.get_by_role("button", name="Speichern").click()
    await page.get_by_role("heading", name="Person aufgenommen").wait_for()
    return (await page.locator("main code").first.inner_text()).strip()


async def reload_until(page: Page, locator: Locator, what: str, within: float = 120) -> None:
    """Reload a server-rendered page until the locator shows (the chain moves on its own)."""

    async def shown() -> bool:
        await page.reload()
        return await locator.count() > 0

    await eventually(shown, what, within=within)


async def new_case_in_caseload(
    page: Page, stack: BrowserStack, given: str, family: str
) -> tuple[str, str, Locator]:
    """A new caseworker of Kamen logs in, registers the person and finds them in her caseload;
    returns her username, the participant id and the caseload row."""
    username = stack.intake.add_account("caseworker", ["Kamen"])
    await log_in(page, stack, username)
    participant_id = await register_person(page, stack, given, family)
    await page.get_by_role("link", name="Zur Fallliste").click()
    row = page.get_by_role("row").filter(has_text=f"{given} {family}")
    await reload_until(page, row, "the new case in the caseload")
    return username, participant_id, row
