"""A question is answered before the write transaction opens, so other chats never wait on it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import Conversation, Incoming
from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker, migrate
from retrieval import Answer
from tests.conversation.conftest import NOW
from tests.fakes.answerer import PreparedAnswerer, cited

QUESTION = "Bis wann muss der Antrag eingehen?"


class LockProbingAnswerer(PreparedAnswerer):
    """Answers, and on the way checks whether another writer could write right now."""

    def __init__(self, database: Path) -> None:
        super().__init__({QUESTION: cited(QUESTION, "Bis zum 15. Oktober.", "Ziffer VI Nr. 2")})
        self.database = database
        self.others_could_write: list[bool] = []

    def answer(self, question: str) -> Answer:
        other = sqlite3.connect(self.database, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once while someone holds the write lock
            other.rollback()
            self.others_could_write.append(True)
        except sqlite3.OperationalError:
            self.others_could_write.append(False)
        finally:
            other.close()
        return super().answer(question)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "kommpraev.db"


@pytest.fixture
def sessions(database: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{database}"
    migrate(url)
    return make_sessionmaker(make_engine(url))


def test_a_question_is_answered_while_other_chats_can_still_write(
    sessions: sessionmaker[Session], database: Path, tmp_path: Path
) -> None:
    answerer = LockProbingAnswerer(database)
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    conversation = Conversation(
        sessions=sessions, answerer=answerer, clock=lambda: NOW, settings=settings
    )
    for user in (11, 12):  # a first contact, and a user in the middle of the form
        if user == 12:
            conversation.handle(Incoming.from_text(user_id=user, chat_id=user, text="/antrag"))
        replies = conversation.handle(Incoming.from_text(user_id=user, chat_id=user, text=QUESTION))
        assert "15. Oktober" in replies[0].text
    assert answerer.others_could_write == [True, True]
