"""Kills around submissions: the office gets every submitted version, none twice in practice.

The long run (200 kills) is `python -m bench.telegram_kills`; this is its short version.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.channels import submission_kills
from tests.channels.restart_helpers import BotProcess, data_dir_with_index
from tests.fakes.telegram_api import FakeTelegram

USERS = [3001, 3002]


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(long_poll_cap=10) as server:
        yield server


@pytest.fixture
def bot(tmp_path: Path, shipped_settings: Settings, fake: FakeTelegram) -> Iterator[BotProcess]:
    data_dir = data_dir_with_index(tmp_path, shipped_settings)
    submission_kills.prepare(data_dir, USERS)
    process = BotProcess(fake=fake, data_dir=data_dir)
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.process.kill()
        process.process.wait()


def test_kills_around_submissions_lose_no_version_for_the_office(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    figures = submission_kills.run(
        fake, bot, user_ids=USERS, rounds=3, kills=4, seed=7, stop_after_kills=False
    )
    assert not figures.errors, f"{figures.errors}{bot.tail()}"
    assert figures.rounds_done == figures.versions == len(USERS) * 3
    assert figures.received["0"] == 0, figures
    # Sent but killed before marked sent: the one window left; at most one message per kill.
    assert figures.received["2+"] + figures.staff_resent + figures.user_resent <= 2 * figures.kills
