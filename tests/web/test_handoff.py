"""The whole hand-off between a municipality in Telegram and the LPR office in the workspace:
submitted → inbox → Rückfrage → changed and handed in again (version 2, diff) → accepted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from bot.conversation.office import when
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


def test_an_appointment_is_proposed_in_the_workspace_and_confirmed_by_one_tap(
    fake: FakeTelegram, bot: BotProcess, office: TestClient
) -> None:
    anna = Phone(fake, bot, 5002)
    anna.says("/antrag", replies=2)
    anna.taps("Verstanden, weiter")
    anna.says("Gemeinde Dohna")
    anna.taps("Gemeinde")
    for answer in ("Sächsische Schweiz-Osterzgebirge", "Markt 1", "01809", "Dohna"):
        anna.says(answer)
    for answer in ("Anna Beispiel", "Hauptamt", "a.beispiel@dohna.de", "03529 0"):
        anna.says(answer)
    anna.taps("Nein")  # no consultation yet
    anna.taps("Ja", replies=2)  # ask for an appointment
    assert any("Termin" in t for t in anna.texts()), anna.texts()

    inbox = office.get("/").text
    request_id = int(inbox.split('href="/anfragen/')[1].split('"')[0])
    page = f"/anfragen/{request_id}"
    before = len(anna.chat())
    day = date.today() + timedelta(days=14)
    response = office.post(
        f"{page}/termin",
        data={
            "csrf": csrf(office, page),
            "tag": day.isoformat(),
            "uhrzeit": "10:30",
            "text": "Raum 2.14, SMI Dresden",
        },
    )
    assert response.status_code == 303, response.text
    (proposal,) = fake.wait_for_messages(anna.user_id, before + 1, OFFICE_DELIVERY_S)[before:]
    moment = datetime.combine(day, time(10, 30), tzinfo=ZoneInfo("Europe/Berlin"))
    assert when(moment) in (proposal.plain_text or "")  # e.g. "Dienstag, 15.12.2026, 10:30 Uhr"
    assert proposal.button_texts == ["Termin bestätigen", "Passt nicht"]

    staff_before = len(fake.sent_messages(STAFF_CHAT))
    anna.taps("Termin bestätigen", on=proposal)
    assert "ist bestätigt" in anna.text()
    (heard,) = fake.wait_for_messages(STAFF_CHAT, staff_before + 1, timeout=10)[staff_before:]
    assert f"Termin bestätigt (Anfrage Nr. {request_id})" in (heard.plain_text or "")
    assert "bestaetigt" in office.get(page).text


def test_a_question_passed_to_the_office_is_answered_from_the_workspace(
    fake: FakeTelegram, bot: BotProcess, office: TestClient
) -> None:
    jan = Phone(fake, bot, 5003)
    jan.says("/start")
    jan.says("Gibt es einen Zuschuss für Graffiti-Entfernung am Rathaus?")
    jan.taps("An die Geschäftsstelle weitergeben", replies=1)
    assert "weitergegeben" in jan.text(), jan.texts()

    inbox = office.get("/").text
    assert "Graffiti-Entfernung" in inbox
    request_id = int(inbox.split('href="/anfragen/')[-1].split('"')[0])
    page = f"/anfragen/{request_id}"
    before = len(jan.chat())
    response = office.post(
        f"{page}/antwort",
        data={"csrf": csrf(office, page), "text": "Das klären wir gern im Gespräch."},
    )
    assert response.status_code == 303, response.text
    (answer,) = fake.wait_for_messages(jan.user_id, before + 1, OFFICE_DELIVERY_S)[before:]
    assert "Antwort der Geschäftsstelle LPR" in (answer.plain_text or "")
    assert "Das klären wir gern im Gespräch." in (answer.plain_text or "")
