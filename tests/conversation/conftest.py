"""A user talking to a real Conversation on a real SQLite file, with the shipped Answerer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import Conversation, Incoming, Reply
from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker, migrate
from retrieval import Answerer

# Mid-September: inside the submission window, so the readiness report can say "bereit".
NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)


class User:
    """Types and presses like a person; `last` holds the replies of the latest action."""

    def __init__(self, conversation: Conversation, user_id: int) -> None:
        self.conversation = conversation
        self.user_id = user_id
        self.last: list[Reply] = []

    def says(self, text: str) -> list[Reply]:
        incoming = Incoming.from_text(user_id=self.user_id, chat_id=self.user_id, text=text)
        return self._handle(incoming)

    def presses(self, label: str) -> list[Reply]:
        for reply in reversed(self.last):
            for row in reply.buttons:
                for button in row:
                    if button.label == label:
                        return self.presses_data(button.data)
        raise AssertionError(f"no button {label!r} in {self.buttons()}")

    def presses_data(self, data: str) -> list[Reply]:
        incoming = Incoming(user_id=self.user_id, chat_id=self.user_id, kind="button", button=data)
        return self._handle(incoming)

    def sends_sticker(self) -> list[Reply]:
        return self._handle(Incoming(user_id=self.user_id, chat_id=self.user_id, kind="other"))

    def _handle(self, incoming: Incoming) -> list[Reply]:
        self.last = self.conversation.handle(incoming)
        return self.last

    def text(self) -> str:
        return "\n\n".join(r.text for r in self.last if not r.to_staff)

    def buttons(self) -> list[str]:
        return [b.label for r in self.last for row in r.buttons for b in row]

    def button_data(self) -> list[str]:
        return [b.data for r in self.last for row in r.buttons for b in row]


@pytest.fixture
def settings(tmp_path: Path, shipped_settings: Settings) -> Settings:
    return shipped_settings.model_copy(update={"data_dir": tmp_path, "staff_chat_id": -1001})


@pytest.fixture
def sessions(settings: Settings) -> sessionmaker[Session]:
    migrate(settings.sqlalchemy_url)
    return make_sessionmaker(make_engine(settings.sqlalchemy_url))


@pytest.fixture
def conversation(
    sessions: sessionmaker[Session], shipped_answerer: Answerer, settings: Settings
) -> Conversation:
    return Conversation(
        sessions=sessions, answerer=shipped_answerer, clock=lambda: NOW, settings=settings
    )


@pytest.fixture
def erika(conversation: Conversation) -> User:
    return User(conversation, 1001)


@pytest.fixture
def max_(conversation: Conversation) -> User:
    return User(conversation, 2002)


def fill_applicant_and_contact(user: User, *, name: str = "Stadt Pirna") -> None:
    """From /antrag through the privacy gate to the consultation question."""
    user.says("/antrag")
    user.presses("Verstanden, weiter")
    user.says(name)
    user.presses("Stadt")
    for answer in ("Sächsische Schweiz-Osterzgebirge", "Am Markt 1", "01796", "Pirna"):
        user.says(answer)
    for answer in ("Erika Muster", "Sachgebietsleitung Ordnungsamt", "e.muster@pirna.de"):
        user.says(answer)
    user.says("03501 556-0")
