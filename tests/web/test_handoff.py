"""The whole hand-off between a municipality in Telegram and the LPR office in the workspace:
submitted → inbox → Rückfrage → changed and handed in again (version 2, diff) → accepted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker
from bot.web import create_app
from tests.channels.story_helpers import BotProcess, Phone, fill_a_draft, submit_the_draft
from tests.fakes.telegram_api import FakeTelegram
from tests.web.conftest import STAFF_CHAT, csrf_of, sign_in

OFFICE_DELIVERY_S = 20.0  # the bot looks for the office's messages every few seconds


@pytest.fixture(scope="module")
def office(bot: BotProcess) -> Iterator[TestClient]:
    """The workspace in this process, on the bot's database (the bot fixture made an account)."""
    settings = Settings(data_dir=bot.data_dir)
    sessions: sessionmaker[Session] = make_sessionmaker(make_engine(settings.sqlalchemy_url))
    with TestClient(create_app(settings, sessions), follow_redirects=False) as client:
        sign_in(client)
        yield client


def csrf(client: TestClient, path: str) -> str:
    return csrf_of(client.get(path).text)


def test_a_draft_goes_to_the_office_and_comes_back_accepted(
    fake: FakeTelegram, bot: BotProcess, office: TestClient
) -> None:
    erika = Phone(fake, bot, 5001)
    fill_a_draft(erika)
    submit_the_draft(erika)

    # The office's chat hears of it once, with a link to the draft page.
    notice = fake.wait_for_messages(STAFF_CHAT, 1, timeout=10)[0]
    assert f"http://127.0.0.1:{bot.review_port}/entwuerfe/" in (notice.plain_text or "")
    inbox = office.get("/")
    assert "Stadt Pirna" in inbox.text and "Sicher im Quartier" in inbox.text
    assert "eingereicht" in inbox.text and "32.400,00 €" in inbox.text
    draft_id = int(inbox.text.split('href="/entwuerfe/')[1].split('"')[0])
    page = f"/entwuerfe/{draft_id}"

    # Rückfrage: the user gets it in Telegram with a button that opens the draft.
    before = len(erika.chat())
    response = office.post(
        f"{page}/rueckfrage",
        data={"csrf": csrf(office, page), "version": "1", "text": "Bitte den Titel schärfen."},
    )
    assert response.status_code == 303, response.text
    (query,) = fake.wait_for_messages(erika.user_id, before + 1, timeout=OFFICE_DELIVERY_S)[before:]
    assert "Rückfrage der Geschäftsstelle" in (query.plain_text or "")
    assert "Bitte den Titel schärfen." in (query.plain_text or "")
    assert query.button_texts == ["Entwurf bearbeiten"]
    assert "Rückfrage" in office.get("/").text

    # The user opens the draft, changes the title (version 2) and hands it in again.
    erika.last = [query]
    erika.taps_until("Entwurf bearbeiten", lambda m: "ändern: Vorhaben" in m.button_texts, on=query)
    assert "ist geöffnet" in erika.text(), erika.texts()
    erika.taps("ändern: Vorhaben")
    erika.taps("Titel", replies=2)
    assert "Version 2" in erika.text(), erika.texts()
    erika.says("Sicher und sauber in Copitz")
    submit_the_draft(erika)
    fake.wait_for_messages(STAFF_CHAT, 3, timeout=10)

    # The office sees version 2 and what changed.
    html = office.get(page).text
    assert "Version 2" in html
    assert "Sicher im Quartier" in html and "Sicher und sauber in Copitz" in html
    assert "Änderungen gegenüber Version 1" in html

    # Accepted: the user is told what comes next.
    before = len(erika.chat())
    response = office.post(
        f"{page}/annehmen", data={"csrf": csrf(office, page), "version": "2", "text": ""}
    )
    assert response.status_code == 303, response.text
    (told,) = fake.wait_for_messages(erika.user_id, before + 1, timeout=OFFICE_DELIVERY_S)[before:]
    assert "antragsreif" in (told.plain_text or "")
    assert "Bewilligungsbehörde" in (told.plain_text or "")
    html = office.get(page).text
    assert "angenommen" in html
    for step in ("eingereicht", "Rückfrage", "in Überarbeitung", "angenommen"):
        assert step in html, step
    # The office heard of each version exactly once (a long notice arrives in parts).
    heads = [
        m.plain_text.split("\n")[1]
        for m in fake.sent_messages(STAFF_CHAT)
        if m.plain_text and m.plain_text.startswith("Neuer Antragsentwurf eingereicht")
    ]
    assert heads == [f"Entwurf Nr. {draft_id}, Version 1", f"Entwurf Nr. {draft_id}, Version 2"]
    assert erika.refused_sends() == []
