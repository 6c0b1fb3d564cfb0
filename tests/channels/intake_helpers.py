"""The bot's polling loop in this process, on a real PTB Bot against the fake Bot API.

The answerer is prepared (no model, no index), so intake tests run in seconds; everything from
`getUpdates` to `sendMessage` is the real code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_admission import Limits
from bot.channels.telegram_intake import serve
from bot.conversation import Conversation, QuestionAnswerer
from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker, migrate
from tests.fakes.answerer import PreparedAnswerer
from tests.fakes.telegram_api import FakeTelegram, SentMessage

NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
TOKEN = "123:ABC"


@dataclass
class RunningBot:
    channel: TelegramChannel
    sessions: sessionmaker[Session]


@asynccontextmanager
async def running_bot(
    fake: FakeTelegram,
    data_dir: Path,
    *,
    limits: Limits | None = None,
    answerer: QuestionAnswerer | None = None,
) -> AsyncIterator[RunningBot]:
    """Serve until the block ends; updates pushed before entering arrive in the first batch."""
    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=fake.base_url,
        staff_chat_id=-100123,
    )
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    sessions = make_sessionmaker(engine)
    conversation = Conversation(
        sessions=sessions,
        answerer=answerer or PreparedAnswerer({}),
        clock=lambda: NOW,
        settings=settings,
    )
    app, channel = build_application(settings, conversation, sessions, limits=limits)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(app, channel, stop=stop, poll_timeout=1))
    try:
        yield RunningBot(channel=channel, sessions=sessions)
    finally:
        stop.set()
        await serving
        engine.dispose()


def private_message(
    update_text: str, *, sender: int, chat: int, message_id: int = 900, edited: bool = False
) -> dict[str, Any]:
    """A raw update as Telegram sends it: a (possibly edited) message in a private chat."""
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "from": {"id": sender, "is_bot": False, "first_name": "Test"},
        "chat": {"id": chat, "type": "private", "first_name": "Test"},
        "text": update_text,
    }
    if edited:
        message["edit_date"] = int(time.time())
        return {"edited_message": message}
    return {"message": message}


def group_message(text: str, *, sender: int, group: int, kind: str = "group") -> dict[str, Any]:
    """A raw update: a message in a group (or supergroup) the bot was added to."""
    return {
        "message": {
            "message_id": 901,
            "date": int(time.time()),
            "from": {"id": sender, "is_bot": False, "first_name": "Test"},
            "chat": {"id": group, "type": kind, "title": "AG Prävention"},
            "text": text,
        }
    }


async def wait_for_text(
    fake: FakeTelegram,
    chat_id: int,
    expect: str,
    *,
    timeout: float = 30.0,  # noqa: ASYNC109 - the fake's waits take a timeout, too
) -> list[SentMessage]:
    """All messages to `chat_id` once one of them contains `expect` (waits on the fake)."""
    deadline = time.monotonic() + timeout
    seen = 0
    while True:
        remaining = max(deadline - time.monotonic(), 0.0)
        messages = await fake.wait_for_messages_async(chat_id, seen + 1, timeout=remaining)
        if any(expect in (m.plain_text or "") for m in messages):
            return messages
        seen = len(messages)
