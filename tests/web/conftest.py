"""The review workspace under test: a migrated SQLite database, two staff accounts, a client,
and drafts handed in the way the dialogue hands them in (`SqlStore.submit`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from bot.conversation.store import SqlStore
from bot.drafts import Draft
from bot.settings import Settings
from bot.storage import accounts_repo, make_engine, make_sessionmaker, migrate, utcnow
from bot.web import create_app
from bot.web.accounts import add
from bot.web.passwords import hash_password
from tests.channels.story_helpers import BotProcess, running_bot
from tests.drafts.factories import make_good_draft
from tests.fakes.telegram_api import FakeTelegram

ADMIN = ("leitung@lpr.sachsen.de", "Admin-Passwort-2026!")
REVIEWER = ("pruefer@lpr.sachsen.de", "Pruefer-Passwort-2026!")
OWNER = 4711
"""The municipality's user (private chat id = user id)."""


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, review_public_url="http://127.0.0.1:8080")


@pytest.fixture
def db(web_settings: Settings) -> sessionmaker[Session]:
    migrate(web_settings.sqlalchemy_url)
    sessions = make_sessionmaker(make_engine(web_settings.sqlalchemy_url))
    with sessions.begin() as session:
        for (email, password), role in ((ADMIN, "admin"), (REVIEWER, "reviewer")):
            # The real argon2id hash, computed once per run: hundreds of tests sign in.
            accounts_repo.create(session, email=email, role=role, password_hash=_hash(password))
    return sessions


@functools.cache
def _hash(password: str) -> str:
    return hash_password(password)


class Clock:
    """The workspace's time, moved by the test (timeouts) instead of waited for."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(web_settings: Settings, db: sessionmaker[Session], clock: Clock) -> Iterator[TestClient]:
    app = create_app(web_settings, db, clock=clock)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def sign_in(client: TestClient, who: tuple[str, str] = REVIEWER) -> str:
    """Sign in through the form like a browser; returns the page's CSRF token."""
    form = client.get("/anmelden")
    response = client.post(
        "/anmelden",
        data={"email": who[0], "password": who[1], "csrf": csrf_of(form.text), "next": "/"},
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


Submit = Callable[..., int]


@pytest.fixture
def submit(db: sessionmaker[Session]) -> Submit:
    """Hand in a draft as the user's dialogue does; returns the draft id."""

    def hand_in(
        draft: Draft | None = None, *, owner: int = OWNER, draft_id: int | None = None
    ) -> int:
        now = datetime.now(UTC)
        with db.begin() as session:
            store = SqlStore(session, owner_id=owner, channel="telegram", now=now)
            if draft_id is None:
                draft_id = store.create(draft or make_good_draft()).id
            else:
                store.reopen(draft_id)
                if draft is not None:
                    store.save(draft_id, draft)
            store.submit(draft_id)
        return draft_id

    return hand_in


# --- The real bot process beside the workspace (hand-off, browser and XSS tests) ---

STAFF_CHAT = -100777
"""The office's Telegram chat in these tests."""


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(token="123:TEST") as server:
        yield server


@pytest.fixture(scope="module")
def bot(
    fake: FakeTelegram, shipped_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    """The bot, serving the workspace beside itself, with a reviewer account in its database."""
    with running_bot(
        fake, data_dir=tmp_path_factory.mktemp("bot-data"), index=shipped_settings.index_dir,
        staff_chat_id=STAFF_CHAT,
    ) as process:  # fmt: skip
        add_staff_account(process, REVIEWER)
        yield process


def add_staff_account(bot: BotProcess, who: tuple[str, str], role: str = "reviewer") -> None:
    """An office account, as `kommpraev staff add` creates it, in the bot's own database."""
    engine = make_engine(f"sqlite:///{bot.data_dir / 'kommpraev.db'}")
    try:
        with make_sessionmaker(engine).begin() as session:
            add(session, email=who[0], role=role, password=who[1], actor="test", now=utcnow())
    finally:
        engine.dispose()
