"""Wiring: services are built once from the settings, and channels only use them."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

import bot.storage
from bot import wiring
from bot.channels.console import run_console
from bot.conversation import Incoming
from bot.settings import Settings
from retrieval import IndexMissing


@pytest.fixture
def settings(tmp_path: Path, shipped_settings: Settings) -> Settings:
    shutil.copytree(shipped_settings.index_dir, tmp_path / "index")
    return shipped_settings.model_copy(update={"data_dir": tmp_path})


def test_services_migrate_once_and_every_channel_talks_through_them(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    migrations: list[str] = []
    real_migrate = bot.storage.migrate

    def counting_migrate(url: str) -> None:
        migrations.append(url)
        real_migrate(url)

    monkeypatch.setattr(bot.storage, "migrate", counting_migrate)

    services = wiring.build_services(settings)
    try:
        telegram = services.conversation("telegram")
        replies = telegram.handle(Incoming.from_text(user_id=7, chat_id=7, text="/hilfe"))
        assert "/antrag" in replies[0].text
        monkeypatch.setattr("sys.stdin", io.StringIO("/hilfe\n/ende\n"))
        assert run_console(services) == 0
        assert "/antrag" in capsys.readouterr().out
    finally:
        services.close()
    assert migrations == [settings.sqlalchemy_url]


def test_without_an_index_no_database_is_touched(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    with pytest.raises(IndexMissing):
        wiring.build_services(settings)
    assert not (tmp_path / "data" / "kommpraev.db").exists()
