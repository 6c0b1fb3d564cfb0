"""The Telegram adapter end to end: our polling loop on a real PTB Bot and the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_delivery import split_text, to_html
from bot.channels.telegram_intake import serve
from bot.conversation import Conversation
from bot.settings import Settings
from bot.storage import drafts_repo, inbox_repo, users_repo
from retrieval import Answerer
from tests.fakes.telegram_api import FakeTelegram

USER = 4711
NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
async def bot(
    fake: FakeTelegram,
    settings: Settings,
    sessions: sessionmaker[Session],
    shipped_answerer: Answerer,
) -> AsyncIterator[TelegramChannel]:
    conversation = Conversation(
        sessions=sessions, answerer=shipped_answerer, clock=lambda: NOW, settings=settings
    )
    app, channel = build_application(settings, conversation, sessions)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(app, channel, stop=stop, poll_timeout=1))
    await fake.wait_for_calls_async("getUpdates", 1)  # the menu is set before the first poll
    yield channel
    stop.set()
    await serving


async def test_a_question_gets_an_html_answer_with_its_source(
    fake: FakeTelegram, bot: TelegramChannel
) -> None:
    assert "antrag" in [c["command"] for c in fake.my_commands()]
    fake.user_sends_text(USER, "Welche Ausgaben sind förderfähig?")
    (answer,) = await fake.wait_for_messages_async(USER, 1, timeout=60)
    assert answer.parse_mode == "HTML"
    assert answer.plain_text is not None and "Quelle" in answer.plain_text
    assert fake.calls("sendChatAction")


async def test_antrag_and_a_button_press(
    fake: FakeTelegram, bot: TelegramChannel, sessions: sessionmaker[Session]
) -> None:
    fake.user_sends_text(USER, "/antrag")
    messages = await fake.wait_for_messages_async(USER, 2, timeout=30)
    assert "Verstanden, weiter" in messages[-1].button_texts
    update_id = fake.user_presses_button_text(USER, "Verstanden, weiter")
    messages = await fake.wait_for_messages_async(USER, 3, timeout=30)
    assert "Wie heißt die antragstellende Kommune" in (messages[-1].plain_text or "")
    assert fake.answered_callback_queries
    fake.user_sends_text(USER, "<b>x</b> & *Stadt*")
    messages = await fake.wait_for_messages_async(USER, 4, timeout=30)
    fake.user_sends_text(USER, "/entwurf")
    # The summary, then (a step is open) "Zurück zur offenen Frage" and the question again.
    messages = await fake.wait_for_messages_async(USER, 7, timeout=30)
    (summary,) = [m for m in messages if "Antragsentwurf Nr." in (m.plain_text or "")]
    assert "&lt;b&gt;x&lt;/b&gt; &amp; *Stadt*" in (summary.text or "")
    assert "<b>x</b> & *Stadt*" in (summary.plain_text or "")
    with sessions.begin() as session:
        row = inbox_repo.get(session, update_id=update_id)
        assert row is not None and row.processed_at is not None
    for _ in range(50):  # the last row is marked sent just after the Bot API answered
        with sessions.begin() as session:
            if not inbox_repo.unsent(session):
                break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("outbox rows left unsent")


async def test_a_sticker_gets_a_text_only_hint(fake: FakeTelegram, bot: TelegramChannel) -> None:
    fake.user_sends_sticker(USER)
    (reply,) = await fake.wait_for_messages_async(USER, 1, timeout=30)
    assert "Ich verstehe nur Text" in (reply.plain_text or "")


def test_long_text_is_split_below_the_limit_and_escaped() -> None:
    text = "\n".join(["<&>" * 500] * 10)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(to_html(p)) <= 4096 for p in parts)
    assert "".join(p.replace("\n", "") for p in parts) == text.replace("\n", "")
    assert to_html("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


async def test_leftovers_of_a_crashed_run_are_handled_on_start(
    fake: FakeTelegram,
    settings: Settings,
    sessions: sessionmaker[Session],
    shipped_answerer: Answerer,
) -> None:
    with sessions.begin() as session:  # recorded, then the process died before processing
        inbox_repo.record(
            session,
            update_id=7,
            owner_id=USER,
            chat_id=USER,
            payload={"kind": "command", "text": "/hilfe", "command": "hilfe"},
        )
    conversation = Conversation(
        sessions=sessions, answerer=shipped_answerer, clock=lambda: NOW, settings=settings
    )
    app, channel = build_application(settings, conversation, sessions)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, channel, stop=stop, poll_timeout=1))
    await fake.wait_for_messages_async(USER, 1)
    stop.set()
    await running
    (reply,) = fake.sent_messages(USER)
    assert "/antrag" in (reply.plain_text or "")
    with sessions.begin() as session:
        row = inbox_repo.get(session, update_id=7)
        assert row is not None and row.processed_at is not None


async def test_a_failure_while_processing_apologises_keeps_the_draft_and_the_queue_moving(
    fake: FakeTelegram, bot: TelegramChannel, sessions: sessionmaker[Session]
) -> None:
    """A draft stored by an older version no longer loads: the user hears about it, the stored
    data is left exactly as it was, and the next message is answered normally."""
    broken = {"antragsteller_alt": "Stadt Pirna"}  # a shape today's model rejects
    with sessions.begin() as session:
        users_repo.get_or_create(session, owner_id=USER, channel="telegram")
        row = drafts_repo.create(session, owner_id=USER, data=broken)
        draft_id = row.id

    fake.user_sends_text(USER, "/entwurf")
    (apology,) = await fake.wait_for_messages_async(USER, 1, timeout=60)
    assert "schiefgegangen" in (apology.plain_text or "")
    assert "Entwurf ist gespeichert" in (apology.plain_text or "")
    with sessions() as session:
        kept = drafts_repo.get(session, owner_id=USER, draft_id=draft_id)
        assert kept is not None and kept.data == broken

    fake.user_sends_text(USER, "/hilfe")
    replies = await fake.wait_for_messages_async(USER, 2, timeout=60)
    assert "/antrag" in (replies[-1].plain_text or "")
