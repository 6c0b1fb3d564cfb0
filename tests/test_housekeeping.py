"""The running bot reminds owners of abandoned drafts in German, through the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import housekeeping, wiring
from bot.channels.telegram import build_application
from bot.conversation import Reply
from bot.settings import Settings
from bot.storage import drafts_repo, inbox_repo, make_engine, make_sessionmaker, migrate, users_repo
from retrieval import Answerer

ERIKA = 1001
CHANGED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, telegram_bot_token="123:ABC")


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


def _abandoned_draft(sessions: sessionmaker[Session], *, changed: datetime) -> int:
    with sessions.begin() as session:
        users_repo.get_or_create(session, owner_id=ERIKA, channel="telegram", now=changed)
        return drafts_repo.create(session, owner_id=ERIKA, data={}, now=changed).id


def _queued(sessions: sessionmaker[Session]) -> list[tuple[int, Reply]]:
    with sessions() as session:
        return [(r.chat_id, Reply.from_json(r.payload)) for r in inbox_repo.unsent(session)]


def test_a_reminder_goes_to_the_owners_chat_with_the_date_in_german(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    draft_id = _abandoned_draft(sessions, changed=CHANGED)
    now = CHANGED + timedelta(days=173)  # 21 August 2026, 11:00 in Berlin

    swept = housekeeping.expire_drafts(sessions, settings=settings, now=now)

    assert swept is not None and [r.draft_id for r in swept.reminders] == [draft_id]
    ((chat_id, reply),) = _queued(sessions)
    assert chat_id == ERIKA
    assert f"Nr. {draft_id}" in reply.text
    assert "am 28.08.2026 gelöscht" in reply.text and "180 Tage" in reply.text
    assert housekeeping.expire_drafts(sessions, settings=settings, now=now) is not None
    assert len(_queued(sessions)) == 1  # reminded once


def test_the_telegram_channel_sweeps_with_its_hourly_purge(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session], shipped_answerer: Answerer
) -> None:
    services = wiring.Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        knowledge_base=shipped_answerer.kb,
        answerer=shipped_answerer,
    )
    _, channel = build_application(settings, services.conversation("telegram"), sessions)
    _abandoned_draft(sessions, changed=datetime.now(UTC) - timedelta(days=175))

    channel._purge_handled()

    ((chat_id, reply),) = _queued(sessions)
    assert chat_id == ERIKA and "gelöscht" in reply.text


def test_questions_older_than_question_log_days_leave_the_offices_list(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    from bot.storage import question_log

    now = CHANGED + timedelta(days=400)
    with sessions.begin() as session:
        question_log.record(session, question="Alt?", outcome="abgelehnt", ref=None, now=CHANGED)
        question_log.record(
            session, question="Neu?", outcome="abgelehnt", ref=None, now=now - timedelta(days=3)
        )

    housekeeping.expire_drafts(sessions, settings=settings, now=now)

    with sessions() as session:
        assert [r.question for r in question_log.unanswered(session)] == ["Neu?"]
