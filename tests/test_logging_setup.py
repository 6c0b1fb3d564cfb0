"""No user text, name or secret in any log line, at any level, PTB's and httpx's included."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import logging_setup
from bot.settings import Settings
from tests.channels.restart_helpers import BotProcess, TelegramUser, data_dir_with_index
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "4711:AAH-kommpraev-test-token"
MARKER = "Quittengelee-7431"  # what a user typed
NAME = "Zebulonia"  # a user's first name


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Logging as the bot configures it, at DEBUG, into a buffer; pytest's handlers restored."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in logging_setup.QUIET}
    buffer = io.StringIO()
    logging_setup.configure("DEBUG", secrets=[TOKEN], stream=buffer)
    yield buffer
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def test_ptb_records_keep_their_event_and_lose_their_content(captured: io.StringIO) -> None:
    logging.getLogger("telegram.ext.ExtBot").debug(
        "Calling Bot API endpoint `%s` with parameters `%s`",
        "sendMessage",
        {"chat_id": 1, "text": MARKER},
    )
    logging.getLogger("telegram.Bot").critical(
        "Error while parsing updates! Received data was %r",
        [{"update_id": 5, "message": {"text": MARKER, "from": {"first_name": NAME}}}],
    )
    logging.getLogger("telegram.Bot").debug("Set Bot API URL: %s", f"https://x/bot{TOKEN}")
    text = captured.getvalue()
    assert "Calling Bot API endpoint `sendMessage` with parameters `[redacted]`" in text
    assert "Error while parsing updates! Received data was [redacted]" in text
    assert MARKER not in text and NAME not in text and TOKEN not in text


def test_httpx_urls_are_not_logged_and_secrets_nowhere(captured: io.StringIO) -> None:
    logging.getLogger("httpx").info('HTTP Request: POST https://api/bot%s/getMe "200"', TOKEN)
    logging.getLogger("bot.anything").warning("token was %s", TOKEN)
    text = captured.getvalue()
    assert "HTTP Request" not in text
    assert "token was [redacted]" in text and TOKEN not in text


def test_exceptions_keep_frames_and_classes_but_not_their_messages(
    captured: io.StringIO,
) -> None:
    def parse(value: str) -> None:
        raise ValueError(f"Kommune {value!r} unbekannt")

    try:
        try:
            parse(MARKER)
        except ValueError as exc:
            raise RuntimeError(f"Eingabe {MARKER}") from exc
    except RuntimeError:
        logging.getLogger("bot.channels.telegram").exception("telegram.processing_failed")
    text = captured.getvalue()
    assert "telegram.processing_failed" in text
    assert "ValueError: [message withheld]" in text
    assert "RuntimeError: [message withheld]" in text
    assert "in parse" in text  # the frame that raised
    assert MARKER not in text


def test_the_secrets_are_the_token_the_llm_key_and_the_database_password(
    tmp_path: Path,
) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        telegram_bot_token=TOKEN,
        llm_api_key="sk-local-123456",
        database_url="postgresql+psycopg://kp:pw-geheim-99@db/kommpraev",
    )
    assert sorted(logging_setup.secrets_of(settings)) == sorted(
        [TOKEN, "sk-local-123456", "pw-geheim-99"]
    )


def test_the_bot_process_at_debug_logs_no_user_text_name_or_token(
    tmp_path: Path, shipped_settings: Settings
) -> None:
    """The real process (`python -m bot.cli bot`) at DEBUG: a question, an unreadable update and
    an edit, all carrying the marker text and the user's name; the log shows none of it."""
    with FakeTelegram() as fake:
        bot = BotProcess(fake=fake, data_dir=data_dir_with_index(tmp_path, shipped_settings))
        bot.env |= {"LOG_LEVEL": "DEBUG", "TELEGRAM_BOT_TOKEN": TOKEN}
        user = 5001
        question = f"Ist {MARKER} als Eigenanteil förderfähig?"
        fake.user_sends_text(user, question, first_name=NAME)
        poison = fake.push_update(
            {
                "message": {  # no date: PTB cannot read it
                    "message_id": 99,
                    "from": {"id": user, "is_bot": False, "first_name": NAME},
                    "chat": {"id": user, "type": "private", "first_name": NAME},
                    "text": MARKER,
                }
            }
        )
        fake.user_sends_text(user, f"{MARKER} geändert", first_name=NAME, edited=True)
        fake.user_sends_text(user, "/hilfe", first_name=NAME)
        bot.start()
        try:
            TelegramUser(fake, user).wait_for("/antrag", after=0)  # the last update's answer
        finally:
            assert bot.stop() == 0, bot.tail()
    log = bot.log_path.read_text(encoding="utf-8")
    assert f"telegram.update_quarantined update_id={poison} error=KeyError" in log
    assert "Calling Bot API endpoint `sendMessage`" in log  # PTB's DEBUG lines were there
    for secret in (MARKER, NAME, TOKEN, "quittengelee"):
        assert secret.lower() not in log.lower(), f"{secret!r} in the log{bot.tail()}"
