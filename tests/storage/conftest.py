"""Fixtures for the storage contract tests: a migrated database per test, on every backend.

SQLite always, as a real file in tmp_path. PostgreSQL when KOMMPRAEV_TEST_POSTGRES_URL is
set (e.g. postgresql+psycopg://user:pw@localhost/kommpraev_test): each test gets its own
schema, dropped afterwards, so the database may be shared.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import make_engine, make_sessionmaker, migrate, users_repo

POSTGRES_URL = os.environ.get("KOMMPRAEV_TEST_POSTGRES_URL", "")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="set KOMMPRAEV_TEST_POSTGRES_URL to test on PostgreSQL"
        ),
    ),
]

ALICE = 1001
BOB = 2002


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database on one backend."""
    if request.param == "sqlite":
        # A folder that does not exist yet: make_engine must create it.
        yield sqlite_url(tmp_path / "data" / "kommpraev.db")
        return
    yield from _postgres_schema(POSTGRES_URL)


def _postgres_schema(base_url: str) -> Iterator[str]:
    schema = f"kp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a freshly migrated database."""
    migrate(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """Opens sessions; tests use `with sessions.begin() as session:` as one transaction."""
    return make_sessionmaker(engine)


@pytest.fixture
def users(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """Two users who have talked to the bot: Alice and Bob."""
    with sessions.begin() as session:
        for owner_id in (ALICE, BOB):
            users_repo.get_or_create(session, owner_id=owner_id, channel="telegram")
    return ALICE, BOB


def at(minute: int) -> datetime:
    """A fixed moment on a test day, `minute` minutes after 9:00 UTC."""
    return datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(minutes=minute)
