"""The running bot answers from the office's change at the next question, without a restart:
a FAQ edit published in the workspace (another process), and the unanswered-question loop from
the user's "tell me later" to the answer in their chat."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from bot.conversation import texts
from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker, utcnow
from bot.upkeep.desk import KnowledgeDesk
from bot.web import create_app
from bot.web.accounts import add
from retrieval import E5Embeddings
from tests.channels.story_helpers import BotProcess, Phone, running_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.web.conftest import STAFF_CHAT, csrf_of, sign_in
from tests.web.test_knowledge_pages import EDITOR, Office

OFFICE_DELIVERY_S = 20.0
UNKNOWN = "Gibt es einen Zuschuss für Graffiti-Entfernung am Rathaus?"


@pytest.fixture(scope="module")
def knowledge(shipped_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("wissen") / "knowledge"
    shutil.copytree(shipped_settings.knowledge_dir, copy)
    return copy


@pytest.fixture(scope="module")
def live_bot(
    fake: FakeTelegram,
    shipped_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
    knowledge: Path,
) -> Iterator[BotProcess]:
    with running_bot(
        fake,
        data_dir=tmp_path_factory.mktemp("live-bot"),
        index=shipped_settings.index_dir,
        staff_chat_id=STAFF_CHAT,
        knowledge_dir=knowledge,
    ) as process:
        yield process


@pytest.fixture(scope="module")
def office(live_bot: BotProcess, knowledge: Path, embeddings: E5Embeddings) -> Iterator[Office]:
    """The workspace as a second process would run it, on the bot's files and database."""
    settings = Settings(_env_file=None, data_dir=live_bot.data_dir, knowledge_dir=knowledge)  # type: ignore[call-arg]
    sessions: sessionmaker[Session] = make_sessionmaker(make_engine(settings.sqlalchemy_url))
    with sessions.begin() as session:
        add(session, email=EDITOR[0], role="editor", password=EDITOR[1], actor="test", now=utcnow())
    desk = KnowledgeDesk(settings, embeddings, questions=list)
    with TestClient(create_app(settings, sessions, desk=desk), follow_redirects=False) as client:
        sign_in(client, EDITOR)
        yield Office(client, settings, sessions, embeddings)


def test_an_edited_answer_is_what_the_running_bot_says_next(
    fake: FakeTelegram, live_bot: BotProcess, office: Office
) -> None:
    erika = Phone(fake, live_bot, 6001)
    erika.says("/start")
    erika.says("Wie viel Prozent der Ausgaben werden gefördert?")
    assert "90 %" in erika.text() and "Stand der Geschäftsstelle" not in erika.text()

    fields = office.form_of("/wissen/faq/foerdersatz")
    fields["antwort"] = (
        "Bis zu 90 % der zuwendungsfähigen Ausgaben (Stand der Geschäftsstelle); den genauen "
        "Satz legt der Zuwendungsbescheid fest."
    )
    published = office.client.post("/wissen/faq/veroeffentlichen", data=fields)
    assert published.status_code == 303, published.text

    erika.says("Wie viel Prozent der Ausgaben werden gefördert?")
    assert "Stand der Geschäftsstelle" in erika.text(), erika.texts()


def test_a_declined_question_is_answered_by_the_office_and_the_asker_is_told(
    fake: FakeTelegram, live_bot: BotProcess, office: Office
) -> None:
    max_ = Phone(fake, live_bot, 6002)
    max_.says("/start")
    max_.says(UNKNOWN)
    assert texts.NOTIFY_ME_LABEL in max_.buttons(), max_.texts()
    max_.taps(texts.NOTIFY_ME_LABEL)
    assert "schicke ich Ihnen die Antwort" in max_.text()

    listing = office.client.get("/wissen/offen").text
    assert "Graffiti-Entfernung" in listing and "warten: 1" in listing
    link = listing.split('href="/wissen/faq/neu?')[1].split('"')[0].replace("&amp;", "&")
    fields = office.form_of(f"/wissen/faq/neu?{link}")
    fields.update(
        id="graffiti",
        frage="Gibt es Geld für die Entfernung von Graffiti?",
        formulierungen="zuschuss graffiti entfernen\ngraffiti entfernung rathaus\n"
        "graffiti beseitigen förderung",
        antwort="Ob Graffiti-Entfernung förderfähig ist, klärt die Geschäftsstelle in der "
        "Beratung.",
        dokument="RL KommPräv (Zusammenfassung)",
        abschnitt="Ziffer V",
        csrf=csrf_of(office.client.get("/wissen").text),
    )
    before = len(max_.chat())
    published = office.client.post("/wissen/faq/veroeffentlichen", data=fields)
    assert published.status_code == 303, published.text

    (told,) = fake.wait_for_messages(max_.user_id, before + 1, OFFICE_DELIVERY_S)[before:]
    assert "Sie hatten gefragt" in (told.plain_text or "")
    assert "klärt die Geschäftsstelle in der Beratung" in (told.plain_text or "")

    max_.says(UNKNOWN)
    assert "klärt die Geschäftsstelle in der Beratung" in max_.text(), max_.texts()
