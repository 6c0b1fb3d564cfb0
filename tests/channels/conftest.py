"""What most channel tests share: a fresh fake Bot API, settings pointing at it, a database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker, migrate
from tests.fakes.telegram_api import FakeTelegram

STAFF = -100123
"""The office's chat in these tests."""


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """A fake Bot API of its own per test (modules that share one define their own)."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, shipped_settings: Settings, fake: FakeTelegram) -> Settings:
    return shipped_settings.model_copy(
        update={
            "data_dir": tmp_path,
            "telegram_bot_token": SecretStr("123:ABC"),  # model_copy does not validate
            "telegram_api_base_url": fake.base_url,
            "staff_chat_id": STAFF,
        }
    )


@pytest.fixture
def sessions(settings: Settings) -> sessionmaker[Session]:
    migrate(settings.sqlalchemy_url)
    return make_sessionmaker(make_engine(settings.sqlalchemy_url))
