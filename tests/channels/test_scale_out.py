"""Two webhook workers on one PostgreSQL: each message answered once, each user's in order.

Two `python -m bot.cli bot` processes in webhook mode share one database, as behind a reverse
proxy. The test plays Telegram and the proxy: it POSTs each update, one at a time as Telegram
does, to either worker. One worker is killed with SIGKILL right after accepting questions it is
still answering, and started again; the other takes over what the dead one had claimed.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.settings import Settings
from bot.storage import inbox_repo, make_engine, make_sessionmaker, migrate
from tests.channels.restart_helpers import BotProcess, data_dir_with_index
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.conftest import POSTGRES_URL, _postgres_schema

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="several workers need PostgreSQL: set KOMMPRAEV_TEST_POSTGRES_URL (CI's .ci/run does)",
)

USERS = [3001, 3002, 3003, 3004]
HELP, QUESTION, PRIVACY, CANCEL = (
    "/hilfe",
    "Welche Ausgaben sind förderfähig?",
    "/datenschutz",
    "/abbrechen",
)
EXPECTED = {  # what the answer to each message shows (the help mentions "Quelle" too)
    HELP: "So arbeiten Sie",
    QUESTION: "Quelle",
    PRIVACY: "Datenschutzhinweise",
    CANCEL: "keine Frage offen",
}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Worker(BotProcess):
    """One worker in webhook mode on the shared database; ready once it has set the webhook."""

    ready_call = "setWebhook"

    def __init__(self, *, fake: FakeTelegram, data_dir: Path, database_url: str) -> None:
        super().__init__(fake=fake, data_dir=data_dir)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/telegram/hook"
        self.env |= {
            "DATABASE_URL": database_url,
            "TELEGRAM_WEBHOOK_URL": self.url,
            "TELEGRAM_WEBHOOK_PORT": str(port),
        }

    def post(self, update: dict[str, Any]) -> None:
        """POST like Telegram (through the proxy to this worker); it must answer 200."""
        webhook = self.fake.webhook
        assert webhook is not None
        headers = {"Content-Type": "application/json", SECRET_HEADER: webhook["secret_token"]}
        response = httpx.post(self.url, content=json.dumps(update), headers=headers, timeout=30)
        assert response.status_code == 200, self.tail()


@pytest.fixture
def database_url() -> Iterator[str]:
    """A schema of its own in the test PostgreSQL, dropped afterwards."""
    yield from _postgres_schema(POSTGRES_URL)


def test_a_claimed_update_and_its_owner_are_nobody_elses_until_commit(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as session:
            for update_id, owner in ((1, USERS[0]), (2, USERS[0]), (3, USERS[1])):
                inbox_repo.record(
                    session, update_id=update_id, owner_id=owner, chat_id=owner, payload={}
                )
        with sessions.begin() as first, sessions.begin() as second:
            assert inbox_repo.claim(first, update_id=1, owner_id=USERS[0]) is not None
            assert inbox_repo.claim(second, update_id=1, owner_id=USERS[0]) is None
            assert inbox_repo.claim(second, update_id=2, owner_id=USERS[0]) is None  # in order
            assert inbox_repo.claim(second, update_id=3, owner_id=USERS[1]) is not None
            assert inbox_repo.try_lock(first, key=inbox_repo.SENDER_LOCK)
            assert not inbox_repo.try_lock(second, key=inbox_repo.SENDER_LOCK)
            inbox_repo.mark_processed(first, update_id=1)
        with sessions.begin() as session:  # committed: processed, so never claimed again
            assert inbox_repo.claim(session, update_id=1, owner_id=USERS[0]) is None
            assert inbox_repo.claim(session, update_id=2, owner_id=USERS[0]) is not None
            assert inbox_repo.try_lock(session, key=inbox_repo.SENDER_LOCK)
    finally:
        engine.dispose()


def test_two_workers_answer_each_message_once_in_order_across_a_kill(
    tmp_path: Path, shipped_settings: Settings, database_url: str
) -> None:
    with FakeTelegram() as fake:
        workers = [
            Worker(
                fake=fake,
                data_dir=data_dir_with_index(tmp_path / name, shipped_settings),
                database_url=database_url,
            )
            for name in ("a", "b")
        ]
        a, b = workers
        sent: dict[int, list[str]] = {user: [] for user in USERS}

        def says(user: int, text: str, worker: Worker) -> None:
            update_id = fake.user_sends_text(user, text)
            worker.post(next(u for u in fake.pending_updates() if u["update_id"] == update_id))
            sent[user].append(text)

        def answered(count: int) -> None:
            for user in USERS:
                fake.wait_for_messages(user, count, timeout=40)

        try:
            a.start()  # one at a time: the first start migrates the database
            b.start()
            for index, user in enumerate(USERS):  # the proxy spreads them over both
                says(user, HELP, workers[index % 2])
            answered(1)

            # A accepts two questions and dies while searching; its transactions roll back.
            says(USERS[0], QUESTION, a)
            says(USERS[1], QUESTION, a)
            a.kill()
            for user in USERS[2:]:
                says(user, QUESTION, b)
            for user in USERS:  # B alone now; it takes over what A held
                says(user, PRIVACY, b)
            answered(3)

            a.start()
            for index, user in enumerate(USERS):
                says(user, CANCEL, workers[index % 2])
            answered(4)
            time.sleep(2 * 1.0 + 0.5)  # two idle rounds of both: a duplicate would show now

            for user in USERS:
                replies = [m.plain_text or "" for m in fake.sent_messages(user)]
                assert len(replies) == len(sent[user]), (user, replies)
                for text, reply in zip(sent[user], replies, strict=True):
                    assert EXPECTED[text] in reply, (user, text, reply[:80])
                    assert text == HELP or EXPECTED[HELP] not in reply, (user, text)
            for worker in workers:
                assert worker.stop() == 0, worker.tail()
        finally:
            for worker in workers:
                if worker.process is not None and worker.process.poll() is None:
                    worker.process.kill()
