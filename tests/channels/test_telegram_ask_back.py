"""An ask-back in Telegram: one inline button per suggestion; a tap brings the cited answer.

The real PTB Bot and our polling loop talk to the fake Bot API; the answerer is prepared.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_intake import serve
from bot.conversation import Conversation
from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker, migrate
from retrieval import Suggestion
from tests.fakes.answerer import LEAD_IN, PreparedAnswerer, ask_back, cited
from tests.fakes.telegram_api import FakeTelegram

USER = 4712
STAFF = -100123
NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
VAGUE = "Was gilt für den Eigenanteil?"
MARKUP = "Zählt <b>Eigenleistung</b> & Geld?"  # what a question may contain: never markup
SHARE = cited(
    "Wie hoch ist der Eigenanteil?",
    "Die Kommune trägt einen Eigenanteil an den zuwendungsfähigen Ausgaben.",
    "Ziffer V Nr. 2",
)
IN_KIND = cited(MARKUP, "Bewertete Eigenleistungen zählen zum Eigenanteil.", "Ziffer V Nr. 3")


@pytest.fixture
async def bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[TelegramChannel]:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        telegram_bot_token="123:ABC",
        telegram_api_base_url=fake.base_url,
        staff_chat_id=STAFF,
    )
    migrate(settings.sqlalchemy_url)
    sessions: sessionmaker[Session] = make_sessionmaker(make_engine(settings.sqlalchemy_url))
    answerer = PreparedAnswerer(
        {
            VAGUE: ask_back(
                VAGUE,
                Suggestion("faq:eigenanteil", SHARE.question, SHARE),
                Suggestion("faq:eigenleistung", MARKUP, IN_KIND),
            )
        }
    )
    conversation = Conversation(
        sessions=sessions, answerer=answerer, clock=lambda: NOW, settings=settings
    )
    app, channel = build_application(settings, conversation, sessions)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(app, channel, stop=stop, poll_timeout=1))
    await fake.wait_for_calls_async("getUpdates", 1)
    yield channel
    stop.set()
    await serving


async def test_an_ask_back_shows_one_button_per_suggestion_and_a_tap_answers(
    fake: FakeTelegram, bot: TelegramChannel
) -> None:
    fake.user_sends_text(USER, VAGUE)
    (offer,) = await fake.wait_for_messages_async(USER, 1, timeout=30)
    assert offer.inline_keyboard == [
        [{"text": "Wie hoch ist der Eigenanteil?", "callback_data": "s:faq:eigenanteil"}],
        [{"text": MARKUP, "callback_data": "s:faq:eigenleistung"}],  # button text is plain
        [{"text": "An die Geschäftsstelle weitergeben", "callback_data": "forward"}],
    ]
    assert offer.plain_text == f"{LEAD_IN}\n\n1. {SHARE.question}\n2. {MARKUP}"
    assert "2. Zählt &lt;b&gt;Eigenleistung&lt;/b&gt; &amp; Geld?" in (offer.text or "")

    fake.user_presses_button(USER, "s:faq:eigenleistung", message_id=offer.message_id)
    messages = await fake.wait_for_messages_async(USER, 2, timeout=30)
    assert messages[-1].plain_text == (
        "Bewertete Eigenleistungen zählen zum Eigenanteil.\n\nQuelle: RL KommPräv, Ziffer V Nr. 3"
    )
    assert messages[-1].button_texts == ["👍 hilfreich", "👎 nicht hilfreich"]  # only a rating
    assert fake.answered_callback_queries
