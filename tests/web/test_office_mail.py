"""The office's e-mail on a submission: queued with the hand-in, sent once, with a link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.mailer import send_due
from bot.conversation import Conversation
from bot.conversation.store import SqlStore
from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker, migrate
from retrieval import Answerer
from tests.conversation.conftest import User
from tests.drafts.factories import make_good_draft
from tests.fakes.smtp_server import OfficeServer, free_port

NOW = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
OFFICE = "pruefung@lpr.example"


@pytest.fixture
def smtp() -> Iterator[OfficeServer]:
    server = OfficeServer(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, smtp: OfficeServer) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        smtp_url=SecretStr(f"smtp://127.0.0.1:{smtp.port}"),
        review_notify_email=OFFICE,
        review_public_url="https://pruefung.lpr.example",
    )


@pytest.fixture
def sessions(settings: Settings) -> sessionmaker[Session]:
    migrate(settings.sqlalchemy_url)
    return make_sessionmaker(make_engine(settings.sqlalchemy_url))


def a_user_with_a_finished_draft(
    sessions: sessionmaker[Session], settings: Settings, answerer: Answerer
) -> User:
    with sessions.begin() as session:
        store = SqlStore(session, owner_id=8001, channel="console", now=NOW)
        store.create(make_good_draft())
        store.mark_privacy_seen()
    conversation = Conversation(
        sessions=sessions, answerer=answerer, clock=lambda: NOW, settings=settings,
        channel="console",
    )  # fmt: skip
    return User(conversation, 8001)


def test_each_submitted_version_reaches_the_office_by_mail_once_with_a_link(
    sessions: sessionmaker[Session], settings: Settings, shipped_answerer: Answerer,
    smtp: OfficeServer,
) -> None:  # fmt: skip
    user = a_user_with_a_finished_draft(sessions, settings, shipped_answerer)
    user.says("/einreichen")
    user.presses("Ja, einreichen")
    assert "Eingereicht" in user.text()

    assert send_due(sessions, settings) == 1
    assert send_due(sessions, settings) == 0  # a restart or a second round sends nothing again
    (mail,) = smtp.mailbox.messages
    assert mail["To"] == OFFICE
    assert mail["Subject"] == "Neuer Antragsentwurf eingereicht"
    body = mail.get_content()
    assert "https://pruefung.lpr.example/entwuerfe/1" in body
    assert "Version 1" in body
