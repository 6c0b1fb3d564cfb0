"""The review workspace in a real browser (headless Chromium through Playwright).

A municipal employee hands in a draft on the phone (the real bot against the fake Bot API); a
reviewer of the LPR office signs in with the keyboard, opens the inbox and the draft, and asks
back. The question reaches the employee's Telegram chat with the button to change the draft.

Chromium is Debian's (`apt-get install chromium`, done by `.ci/run`), never Playwright's own
download. Screenshots of the pages go to $KOMMPRAEV_ARTIFACTS (default: test-artifacts/).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, sync_playwright

from tests.channels.story_helpers import BotProcess, Phone
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.web.conftest import REVIEWER

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
OFFICE_DELIVERY = 15.0
"""The bot sends what the office queued within a few seconds; more means it is stuck."""


def artifacts_dir() -> Path:
    """Where screenshots go: $KOMMPRAEV_ARTIFACTS (relative to the repository) or
    test-artifacts/."""
    path = ROOT / os.environ.get("KOMMPRAEV_ARTIFACTS", "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


# ---------------------------------------------------------------------------------------------
# The bot, the office's account and the browser
# ---------------------------------------------------------------------------------------------


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; missing it is a failure (CI installs it), not a skip."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's Chromium. Install it with "
            "`apt-get install chromium` (.ci/run does so in CI).",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One browser per module; each reviewer gets a fresh context (no cookies, no cache)."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Reviewer:
    """A person at the office's laptop: one browser tab, and what the browser complained about."""

    page: Page
    base_url: str
    complaints: list[str] = field(default_factory=list)

    @classmethod
    def at(cls, browser: Browser, bot: BotProcess) -> Reviewer:
        """A fresh browser window (no cookies) on the workspace of `bot`."""
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        return cls.watching(context.new_page(), bot)

    @classmethod
    def watching(cls, page: Page, bot: BotProcess) -> Reviewer:
        reviewer = cls(page, f"http://127.0.0.1:{bot.review_port}")
        page.set_default_timeout(10_000)
        page.on("console", reviewer._console)
        page.on("pageerror", lambda exc: reviewer.complaints.append(f"pageerror: {exc}"))
        page.on("requestfailed", reviewer._failed)
        page.on(
            "response",
            lambda r: r.status >= 400 and reviewer.complaints.append(f"HTTP {r.status}: {r.url}"),
        )
        return reviewer

    def _failed(self, request: Request) -> None:
        # Leaving a page cancels what it still loads (the icon, typically): not a failure.
        if request.failure != "net::ERR_ABORTED":
            self.complaints.append(f"failed: {request.url} ({request.failure})")

    def _console(self, message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        if message.type in ("error", "warning"):
            self.complaints.append(f"console {message.type}: {message.text} ({where})")

    def close(self) -> None:
        self.page.context.close()

    def opens(self, path: str) -> dict[str, str]:
        """Go to `path`; returns the response headers of the page."""
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, (path, response and response.status)
        return response.headers

    def signs_in(self, who: tuple[str, str]) -> None:
        """The sign-in form with the keyboard: type into the labelled fields, Enter to send."""
        self.opens("/anmelden")
        self.page.get_by_label("E-Mail-Adresse").click()
        self.page.keyboard.type(who[0])
        self.page.keyboard.press("Tab")
        assert self.page.get_by_label("Passwort").evaluate("el => el === document.activeElement")
        self.page.keyboard.type(who[1])
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        assert self.page.url == self.base_url + "/", self.page.content()[:2000]

    def sees(self, text: str) -> bool:
        return text in self.page.locator("main").inner_text()


# ---------------------------------------------------------------------------------------------
# The municipal employee on the phone
# ---------------------------------------------------------------------------------------------


def starts_a_draft(erika: Phone) -> None:
    """/antrag, the privacy notice confirmed: the name question is open."""
    erika.says("/antrag", replies=2)
    erika.taps("Verstanden, weiter")
    assert "Wie heißt die antragstellende Kommune" in erika.text()


def hands_in(erika: Phone) -> int:
    """/einreichen (the summary and check may come in parts), then "Ja, einreichen"."""
    erika.says_until("/einreichen", lambda m: "Ja, einreichen" in m.button_texts)
    erika.taps("Ja, einreichen")
    assert "Eingereicht: Entwurf Nr." in erika.text(), erika.texts()
    return int(erika.text().split("Entwurf Nr. ", 1)[1].split(",", 1)[0])


def answers(phone: Phone, text: str, then: str) -> None:
    """Type `text`; it is taken and the next question (containing `then`) follows, whatever
    notes on the answer come first."""
    before = len(phone.chat())
    phone.says(text)
    message_with(phone.fake, phone.user_id, before, then, timeout=30)


def picks(phone: Phone, label: str, then: str) -> None:
    """Tap `label`; the next question (containing `then`) follows."""
    before = len(phone.chat())
    phone.taps(label)
    message_with(phone.fake, phone.user_id, before, then, timeout=30)


def fills_a_draft(erika: Phone) -> None:
    """Applicant, contact, project, Beccaria steps and a one-year plan, as in the story."""
    starts_a_draft(erika)
    answers(erika, "Stadt Pirna", "Welche Art von Körperschaft")
    picks(erika, "Stadt", "Landkreis")
    answers(erika, "Sächsische Schweiz-Osterzgebirge", "Straße und Hausnummer")
    answers(erika, "Am Markt 1", "Postleitzahl")
    answers(erika, "01796", "Ort?")
    answers(erika, "Pirna", "Ansprechperson")
    answers(erika, "Erika Muster", "Funktion")
    answers(erika, "Sachgebietsleitung Ordnungsamt", "E-Mail-Adresse")
    answers(erika, "e.muster@pirna.de", "Telefonnummer")
    answers(erika, "03501 556-0", "Pflichtberatung")
    picks(erika, "Ja", "An welchem Tag")
    answers(erika, "12.05.2026", "Titel des Vorhabens")
    answers(erika, "Sicher im Quartier", "Wo findet das Vorhaben statt")
    answers(erika, "Pirna-Copitz", "in Sachsen durchgeführt")
    picks(erika, "Ja", "beginnen")
    answers(erika, "01.03.2027", "enden")
    answers(erika, "31.12.2027", "Präventionsrat")
    answers(erika, "Der KPR hat das Vorhaben beschlossen und begleitet es.", "Kooperationspartner")
    picks(erika, "überspringen", "weitergeleitet werden")
    picks(erika, "Nein", "Schritt 1")
    for number in range(1, 8):
        then = f"Schritt {number + 1}" if number < 7 else "Für welches Jahr"
        answers(erika, f"Unser Text zu Schritt {number}: " + "Das Problem ist belegt. " * 4, then)
    answers(erika, "2027", "Personalausgaben geplant")
    picks(erika, "Nein", "Sachausgaben geplant")
    picks(erika, "Ja", "Wofür ist die Sachausgabe")
    answers(erika, "Honorare Workshops", "Betrag dieses Postens")
    answers(erika, "36.000,00 €", "Weiterer Posten")
    picks(erika, "Nein", "weiteren Jahr")
    picks(erika, "Nein", "Eigenmittel")
    answers(erika, "3.600", "Eigenleistung")
    answers(erika, "0", "Drittmittel")
    answers(erika, "0", "Zuwendung")
    answers(erika, "32.400", "Vorsteuerabzug")


def message_with(
    fake: FakeTelegram, chat_id: int, after: int, words: str, timeout: float = OFFICE_DELIVERY
) -> SentMessage:
    """The first message to `chat_id`, after its first `after` ones, that contains `words`."""
    deadline = time.monotonic() + timeout
    while True:
        for message in fake.sent_messages(chat_id)[after:]:
            if words in (message.plain_text or ""):
                return message
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            seen = [m.plain_text for m in fake.sent_messages(chat_id)[after:]]
            raise AssertionError(f"no message with {words!r} within {timeout}s: {seen!r}")
        try:
            fake.wait_for_messages(chat_id, len(fake.sent_messages(chat_id)) + 1, remaining)
        except AssertionError:
            continue


# ---------------------------------------------------------------------------------------------
# The story
# ---------------------------------------------------------------------------------------------


def test_a_reviewer_asks_back_in_the_browser_and_the_phone_gets_it(
    fake: FakeTelegram, bot: BotProcess, chromium: Browser
) -> None:
    erika = Phone(fake, bot, 1101)
    erika.says("/start")
    fills_a_draft(erika)
    draft_id = hands_in(erika)

    reviewer = Reviewer.at(chromium, bot)
    try:
        reviewer.signs_in(REVIEWER)
        headers = reviewer.opens("/")
        assert "default-src 'none'" in headers.get("content-security-policy", ""), headers
        assert reviewer.page.get_by_role("heading", name="Eingegangene Entwürfe").is_visible()
        row = reviewer.page.get_by_role("row").filter(has_text="Sicher im Quartier")
        assert "Stadt Pirna" in row.inner_text() and "eingereicht" in row.inner_text()
        reviewer.page.screenshot(path=artifacts_dir() / "workspace-inbox.png", full_page=True)

        with reviewer.page.expect_navigation():
            row.get_by_role("link", name="Sicher im Quartier").click()
        assert reviewer.page.url == f"{reviewer.base_url}/entwuerfe/{draft_id}"
        assert reviewer.sees(f"Entwurf Nr. {draft_id}") and reviewer.sees("Honorare Workshops")
        with reviewer.page.expect_navigation():
            reviewer.page.get_by_role("button", name="Mir zuweisen").click()
        assert reviewer.sees(f"zuständig: {REVIEWER[0]}")

        question = (
            "Bitte beschreiben Sie in Schritt 3 genauer, wer die Workshops durchführt, "
            "und ergänzen Sie die Kosten für Räume."
        )
        reviewer.page.get_by_label("Rückfrage an den Antragsteller").click()
        reviewer.page.keyboard.type(question)
        reviewer.page.screenshot(path=artifacts_dir() / "workspace-draft.png", full_page=True)

        before = len(erika.chat())
        with reviewer.page.expect_navigation():
            reviewer.page.get_by_role("button", name="Rückfrage senden").click()
        assert reviewer.page.url == f"{reviewer.base_url}/entwuerfe/{draft_id}"
        assert reviewer.sees("Status: Rückfrage"), reviewer.page.locator("main").inner_text()
        assert reviewer.sees(question)
        assert reviewer.page.get_by_role("button", name="Rückfrage senden").count() == 0
        assert reviewer.complaints == []
    finally:
        reviewer.close()

    notice = message_with(fake, 1101, before, question)
    assert f"Rückfrage der Geschäftsstelle LPR zu Ihrem Entwurf Nr. {draft_id}" in (
        notice.plain_text or ""
    )
    assert notice.button_texts == ["Entwurf bearbeiten"]
    erika.taps("Entwurf bearbeiten", on=notice, replies=2)
    assert f"Entwurf Nr. {draft_id}" in erika.text() and "Sicher im Quartier" in erika.text()
    assert erika.refused_sends() == []


def test_the_browser_finds_a_favicon(bot: BotProcess) -> None:
    response = httpx.get(f"http://127.0.0.1:{bot.review_port}/favicon.ico")
    assert response.status_code < 400
