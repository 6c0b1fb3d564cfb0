"""Webhook mode: Telegram's POST gets its 200 only once the update is in the inbox.

The bot runs as `python -m bot.cli bot` with TELEGRAM_WEBHOOK_URL set. The test plays Telegram:
the fake Bot API makes the updates (and records setWebhook and the bot's answers), the test
POSTs them to the bot with the secret the bot registered, as Telegram does.
"""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.settings import Settings
from bot.storage import inbox_repo
from tests.channels.restart_helpers import (
    BotProcess,
    data_dir_with_index,
    sessions_for,
)
from tests.fakes.telegram_api import FakeTelegram

ERIKA = 1001
MAX = 1002
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class WebhookBot(BotProcess):
    """The bot in webhook mode; started once it has registered its webhook with Telegram."""

    ready_call = "setWebhook"  # the server listens before setWebhook goes out

    def __init__(self, *, fake: FakeTelegram, data_dir: Path) -> None:
        super().__init__(fake=fake, data_dir=data_dir)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/telegram/hook-7f3a"
        self.env |= {"TELEGRAM_WEBHOOK_URL": self.url, "TELEGRAM_WEBHOOK_PORT": str(port)}

    @property
    def secret(self) -> str:
        """The secret the bot registered with setWebhook: Telegram sends it with every POST."""
        webhook = self.fake.webhook
        assert webhook is not None, "no webhook registered"
        secret: str = webhook["secret_token"]
        return secret

    def post(self, body: dict[str, Any] | bytes) -> int:
        """POST like Telegram: JSON with the registered secret; returns the HTTP status."""
        return self.post_as(body, secret=self.secret)

    def post_as(self, body: dict[str, Any] | bytes, *, secret: str | None) -> int:
        """POST like someone who may not know the secret."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return httpx.post(self.url, content=content, headers=headers, timeout=30).status_code


def update(fake: FakeTelegram, update_id: int) -> dict[str, Any]:
    """The update as Telegram would POST it (the fake keeps it, as no one polls)."""
    return next(u for u in fake.pending_updates() if u["update_id"] == update_id)


def says(fake: FakeTelegram, user_id: int, text: str) -> dict[str, Any]:
    return update(fake, fake.user_sends_text(user_id, text))


def texts(fake: FakeTelegram, user_id: int) -> list[str]:
    return [m.plain_text or "" for m in fake.sent_messages(user_id)]


def recorded(data_dir: Path, update_id: int) -> bool:
    with sessions_for(data_dir).begin() as session:
        return inbox_repo.get(session, update_id=update_id) is not None


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture(scope="module")
def bot(
    tmp_path_factory: pytest.TempPathFactory, shipped_settings: Settings, fake: FakeTelegram
) -> Iterator[WebhookBot]:
    """One bot for the tests that do not restart it (each uses its own users)."""
    data_dir = data_dir_with_index(tmp_path_factory.mktemp("webhook"), shipped_settings)
    process = WebhookBot(fake=fake, data_dir=data_dir)
    process.start()
    yield process
    assert process.stop() == 0, process.tail()


def test_the_bot_registers_its_webhook_with_a_secret(bot: WebhookBot, fake: FakeTelegram) -> None:
    webhook = fake.webhook
    assert webhook is not None
    assert webhook["url"] == bot.url
    assert len(webhook["secret_token"]) >= 16
    assert {"message", "callback_query"} <= set(webhook["allowed_updates"])


def test_a_message_is_answered_once_even_when_telegram_sends_it_twice(
    bot: WebhookBot, fake: FakeTelegram
) -> None:
    hilfe = says(fake, ERIKA, "/hilfe")
    assert bot.post(hilfe) == 200
    fake.wait_for_messages(ERIKA, 1, timeout=30)
    assert bot.post(hilfe) == 200  # Telegram missed our 200 and sends it again

    assert bot.post(says(fake, ERIKA, "/start")) == 200
    fake.wait_for_messages(ERIKA, 2, timeout=30)  # a second /hilfe would have come first
    (help_text, welcome) = texts(fake, ERIKA)[:2]
    assert "/antrag" in help_text
    assert "Willkommen" in welcome


def test_posts_without_telegrams_secret_are_refused_and_unreadable_ones_acknowledged(
    bot: WebhookBot, fake: FakeTelegram
) -> None:
    """Telegram resends whatever it did not get a 2xx for, holding up every later update: so
    what it sent (the secret matches) but we cannot read is answered 200 and skipped."""
    forged = says(fake, MAX, "/hilfe")
    assert bot.post_as(forged, secret="not-the-secret") == 403
    assert bot.post_as(forged, secret=None) == 403
    assert bot.post(b"{not json") == 200
    assert bot.post(b"[1, 2]") == 200
    assert bot.post({"message": "no update_id"}) == 200
    assert httpx.get(bot.url).status_code == 405

    later = says(fake, MAX + 1, "/hilfe")  # processed in order: after `forged`, had it counted
    assert bot.post(later) == 200
    fake.wait_for_messages(MAX + 1, 1, timeout=30)
    assert fake.sent_messages(MAX) == []
    assert not recorded(bot.data_dir, forged["update_id"])


def test_an_update_ptb_cannot_read_is_quarantined_and_the_next_one_answered(
    bot: WebhookBot, fake: FakeTelegram
) -> None:
    """A message without `date`: PTB refuses it. Answered 200 (not retried for ever), its id
    recorded as quarantined, and the next user's update is answered as usual."""
    poison = says(fake, MAX + 3, "Hallo")
    del poison["message"]["date"]
    assert bot.post(poison) == 200
    assert bot.post(says(fake, MAX + 4, "/hilfe")) == 200
    (reply,) = fake.wait_for_messages(MAX + 4, 1, timeout=30)
    assert "/antrag" in (reply.plain_text or "")
    with sessions_for(bot.data_dir).begin() as session:
        row = inbox_repo.get(session, update_id=poison["update_id"])
        assert row is not None and row.owner_id == inbox_repo.QUARANTINE_OWNER
    assert fake.sent_messages(MAX + 3) == []


def test_an_update_that_cannot_be_recorded_gets_500_and_its_retry_is_answered(
    bot: WebhookBot, fake: FakeTelegram
) -> None:
    """The database is locked longer than the bot waits (5 s): Telegram must try again."""
    hilfe = says(fake, MAX + 2, "/hilfe")
    lock = sqlite3.connect(bot.data_dir / "kommpraev.db", isolation_level=None)
    try:
        lock.execute("BEGIN IMMEDIATE")
        assert bot.post(hilfe) == 500
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert fake.sent_messages(MAX + 2) == []
    assert bot.post(hilfe) == 200  # Telegram's retry
    (reply,) = fake.wait_for_messages(MAX + 2, 1, timeout=30)
    assert "/antrag" in (reply.plain_text or "")


def test_an_update_answered_200_survives_a_kill_and_a_stop(
    tmp_path: Path, shipped_settings: Settings
) -> None:
    """SIGKILL right after the 200, SIGTERM right after the next: each answered after a start."""
    with FakeTelegram() as fake:
        bot = WebhookBot(fake=fake, data_dir=data_dir_with_index(tmp_path, shipped_settings))
        bot.start()
        try:
            question = says(fake, ERIKA, "Welche Ausgaben sind förderfähig?")
            assert bot.post(question) == 200
            bot.kill()  # at once: the answer takes a search, it was not sent yet
            assert fake.sent_messages(ERIKA) == []
            assert recorded(bot.data_dir, question["update_id"])  # Telegram forgot it

            bot.start()
            (answer,) = fake.wait_for_messages(ERIKA, 1, timeout=30)
            assert "Quelle" in (answer.plain_text or "")

            assert bot.post(says(fake, ERIKA, "Wie hoch ist die Förderung?")) == 200
            assert bot.stop(signal.SIGTERM) == 0  # finishes the update in hand, or leaves it
            bot.start()
            fake.wait_for_messages(ERIKA, 2, timeout=30)
            # Erika's updates are answered in order: once /hilfe is answered, a second answer
            # to either question would have come before it.
            assert bot.post(says(fake, ERIKA, "/hilfe")) == 200
            messages = fake.wait_for_messages(ERIKA, 3, timeout=30)
            assert "/antrag" in (messages[2].plain_text or "")
            assert len(messages) == 3
            assert bot.stop() == 0
        finally:
            if bot.process is not None and bot.process.poll() is None:
                bot.process.kill()
