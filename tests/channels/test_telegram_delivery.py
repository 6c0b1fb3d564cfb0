"""Delivery to Telegram: long replies in parts, refusals, the staff hand-off, flood limits.

Our polling loop runs on a real PTB Bot against the fake Bot API, which enforces Telegram's
limits (4096 UTF-16 code units, 429 flood control, chats the bot cannot reach).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import unicodedata
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_delivery import (
    MESSAGE_LIMIT,
    queue_replies,
    split_text,
    to_html,
    utf16_len,
)
from bot.channels.telegram_intake import serve
from bot.conversation import Button, Conversation, Reply, texts
from bot.drafts import Draft
from bot.settings import Settings
from bot.storage import (
    OutboxRow,
    drafts_repo,
    inbox_repo,
    users_repo,
)
from retrieval import Answerer
from tests.channels.conftest import STAFF
from tests.fakes.telegram_api import FakeTelegram, FloodLimits, SentMessage, parse_telegram_html

USER = 4711
NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
SMILE = "🙂"


class Running:
    """One bot run (a start of the process, in-process); `stop` ends it like SIGTERM."""

    def __init__(
        self, settings: Settings, sessions: sessionmaker[Session], answerer: Answerer
    ) -> None:
        conversation = Conversation(
            sessions=sessions, answerer=answerer, clock=lambda: NOW, settings=settings
        )
        self.app, self.channel = build_application(settings, conversation, sessions)
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(
            serve(self.app, self.channel, stop=self._stop, poll_timeout=1)
        )

    async def stop(self) -> None:
        self._stop.set()
        await self._task


@pytest.fixture
async def bot(
    fake: FakeTelegram,
    settings: Settings,
    sessions: sessionmaker[Session],
    shipped_answerer: Answerer,
) -> AsyncIterator[TelegramChannel]:
    running = Running(settings, sessions, shipped_answerer)
    await fake.wait_for_calls_async("getUpdates", 1)
    yield running.channel
    await running.stop()


def emoji_draft(sessions: sessionmaker[Session], *, owner_id: int = USER) -> int:
    """A draft whose Beccaria steps are mostly emoji: 7 × 600 "🙂" = 8 400 UTF-16 units."""
    draft = Draft()
    draft.applicant.name = "Stadt Pirna"
    draft.project.title = "Sicher & sauber 🙂 in Copitz"
    for number in range(1, 8):
        setattr(draft.description, f"step{number}", f"Schritt {number} <&> " + SMILE * 600)
    with sessions.begin() as session:
        users_repo.get_or_create(session, owner_id=owner_id, channel="telegram")
        row = drafts_repo.create(session, owner_id=owner_id, data=draft.model_dump(mode="json"))
        return row.id


def shown(messages: list[SentMessage]) -> str:
    return "".join(m.plain_text or "" for m in messages)


async def settled(sessions: sessionmaker[Session], within: float = 30) -> None:
    """Until the outbox holds nothing due any more (rows are marked just after the send)."""
    for _ in range(int(within / 0.05)):
        with sessions() as session:
            if not inbox_repo.unsent(session):
                return
        await asyncio.sleep(0.05)
    raise AssertionError("outbox rows left unsent")


async def tap(fake: FakeTelegram, label: str, count: int, chat: int = USER) -> list[SentMessage]:
    fake.user_presses_button_text(chat, label)
    return await fake.wait_for_messages_async(chat, count, timeout=60)


# ---------------------------------------------------------------------------------------------
# 1 + 2: length in UTF-16 units, one outbox row per message
# ---------------------------------------------------------------------------------------------


def test_parts_are_measured_in_utf16_units_of_the_escaped_text() -> None:
    text = SMILE * 3000 + " Ende"  # 3 005 characters, 6 005 UTF-16 units
    parts = split_text(text)
    assert len(parts) == 2 and "".join(parts) == text
    assert all(utf16_len(to_html(p)) <= MESSAGE_LIMIT for p in parts)

    escaped = "a & b < c\n" * 1200  # every "&" counts 5 once escaped: cut at a line break
    parts = split_text(escaped)
    assert all(utf16_len(to_html(p)) <= MESSAGE_LIMIT for p in parts)
    assert all(p.endswith("c") for p in parts[:-1])
    assert [parse_telegram_html(to_html(p))[0] for p in parts] == parts
    assert "\n".join(parts) == escaped


def test_a_cut_never_splits_a_symbol_and_prefers_line_breaks_then_spaces() -> None:
    family = "👨\u200d👩\u200d👧"  # one symbol, 5 code points, 8 UTF-16 units
    for part in split_text(family * 1000):
        assert part.startswith("👨") and part.endswith("👧")
    for part in split_text("🇩🇪" * 3000):  # a flag is two regional indicators
        assert len(part) % 2 == 0
    for part in split_text("e\u0301" * 5000):  # "é" as e + combining accent
        assert not unicodedata.combining(part[0])

    words = "Wort " * 1000  # 5 000 characters, no line break: cut after a space
    parts = split_text(words)
    assert parts[0].endswith("Wort ") and "".join(parts) == words
    paragraphs = "A" * 3000 + "\n\n" + "B" * 1500 + "\n" + "C" * 500
    assert split_text(paragraphs) == ["A" * 3000, "B" * 1500 + "\n" + "C" * 500]


def steps_of_emoji_draft() -> list[str]:
    return [f"Schritt {number} <&> " + SMILE * 600 for number in range(1, 8)]


def all_steps_shown(messages: list[SentMessage]) -> bool:
    joined = shown(messages)
    return all(step in joined for step in steps_of_emoji_draft())


async def test_an_emoji_heavy_reply_and_submission_arrive_whole_buttons_on_the_last_part(
    fake: FakeTelegram, bot: TelegramChannel, sessions: sessionmaker[Session]
) -> None:
    """7 × 600 "🙂" are 4 200 characters but 8 400 UTF-16 units: counted by characters, the
    part was refused with "message is too long" and the draft never reached anyone."""
    emoji_draft(sessions)
    fake.user_sends_text(USER, "/entwurf")
    await fake.wait_for_messages_async(USER, 1, timeout=60)
    await settled(sessions)
    overview = fake.sent_messages(USER)
    assert all(call.http_status == 200 for call in fake.calls("sendMessage"))
    assert all_steps_shown(overview), [m.plain_text for m in overview]
    assert len(overview) >= 3
    buttons = [bool(m.button_texts) for m in overview]
    assert buttons == [False] * (len(overview) - 1) + [True]

    # One outbox row per message, in order, each marked sent on its own.
    with sessions() as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.chat_id == USER).order_by(OutboxRow.id)
        ).all()
        assert [r.seq for r in rows] == list(range(len(overview)))
        assert all(r.sent_at is not None for r in rows)

    fake.user_sends_text(USER, "/einreichen")
    await fake.wait_for_messages_async(USER, len(overview) + 1, timeout=60)
    await settled(sessions)
    confirmation = fake.sent_messages(USER)
    assert texts.SUBMIT_YES in confirmation[-1].button_texts
    await tap(fake, texts.SUBMIT_YES, len(confirmation) + 1)
    await fake.wait_for_messages_async(STAFF, 2, timeout=30)
    await settled(sessions)
    staff = fake.sent_messages(STAFF)
    assert all_steps_shown(staff)
    assert "Neuer Antragsentwurf eingereicht" in (staff[0].plain_text or "")
    assert all(call.http_status == 200 for call in fake.calls("sendMessage"))


async def test_a_failure_between_two_parts_resends_neither_part(
    fake: FakeTelegram, bot: TelegramChannel, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    """The first part went out, the second met a 502: after the retry each part is there once.

    (With one outbox row for all parts, the retry sent the first part again.)
    """
    long = "\n".join(f"Zeile {n}: " + "Text " * 150 for n in range(12))  # 9 000+ characters
    reply = Reply(long, [[Button("Verstanden", "ok")]])
    fake.fail_next("sendMessage", 502, after=1)
    with sessions.begin() as session:
        queue_replies(session, settings=settings, update_id=None, chat_id=USER, replies=[reply])
    await fake.wait_for_messages_async(USER, 3, timeout=60)  # the loop drains on its own
    await settled(sessions)
    messages = fake.sent_messages(USER)
    assert [c.http_status for c in fake.calls("sendMessage")] == [200, 502, 200, 200]
    assert "\n".join(m.plain_text or "" for m in messages) == long  # each part once, in order
    assert [m.button_texts for m in messages] == [[], [], ["Verstanden"]]


# ---------------------------------------------------------------------------------------------
# 3: the staff hand-off is never silently lost
# ---------------------------------------------------------------------------------------------


def test_the_start_warns_in_german_when_no_staff_chat_is_set(
    settings: Settings,
    sessions: sessionmaker[Session],
    shipped_answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    unset = settings.model_copy(update={"staff_chat_id": None})
    conversation = Conversation(
        sessions=sessions, answerer=shipped_answerer, clock=lambda: NOW, settings=unset
    )
    with caplog.at_level(logging.WARNING):
        build_application(unset, conversation, sessions)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("STAFF_CHAT_ID ist nicht gesetzt: eingereichte") for w in warnings)

    caplog.clear()
    with caplog.at_level(logging.WARNING):
        build_application(settings, conversation, sessions)
    assert not [r for r in caplog.records if "STAFF_CHAT_ID" in r.getMessage()]


async def test_without_workspace_and_staff_chat_the_applicant_is_not_told_the_office_knows(
    fake: FakeTelegram,
    settings: Settings,
    sessions: sessionmaker[Session],
    shipped_answerer: Answerer,
) -> None:
    alone = settings.model_copy(update={"staff_chat_id": None, "review_enabled": False})
    running = Running(alone, sessions, shipped_answerer)
    try:
        await fake.wait_for_calls_async("getUpdates", 1)
        emoji_draft(sessions)
        fake.user_sends_text(USER, "/einreichen")
        await fake.wait_for_messages_async(USER, 1, timeout=60)
        await settled(sessions)
        before = len(fake.sent_messages(USER))
        (answer,) = (await tap(fake, texts.SUBMIT_YES, before + 1))[before:]
    finally:
        await running.stop()
    text = answer.plain_text or ""
    assert text.startswith("Eingereicht") and "nicht automatisch benachrichtigt" in text, text
    assert "Sie meldet sich" not in text
    assert not [m for m in fake.sent_messages() if m.chat_id < 0]


async def submit_draft(fake: FakeTelegram, sessions: sessionmaker[Session]) -> None:
    emoji_draft(sessions)
    fake.user_sends_text(USER, "/einreichen")
    await fake.wait_for_messages_async(USER, 1, timeout=60)
    await settled(sessions)
    before = len(fake.sent_messages(USER))
    await tap(fake, texts.SUBMIT_YES, before + 1)


@pytest.mark.parametrize("reason", ["kicked", "not_found"])
async def test_a_notification_the_staff_chat_refuses_waits_and_arrives_once_it_can(
    fake: FakeTelegram,
    bot: TelegramChannel,
    sessions: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
    reason: str,
) -> None:
    """Bot not (yet) in the office's group: a dead letter and an alert, never "sent"."""
    bot.sender.staff_retry = timedelta(seconds=1)  # production: 10 minutes
    fake.make_unreachable(STAFF, reason=reason)
    with caplog.at_level(logging.ERROR):
        await submit_draft(fake, sessions)
        await settled(sessions)  # the notification's parts were refused, none is due
    with sessions() as session:
        (dead, *more) = inbox_repo.dead_letters(session)
        assert dead.chat_id == STAFF and dead.sent_at is None and dead.retry_at is not None
        assert dead.payload["text"].startswith("Neuer Antragsentwurf eingereicht")
        assert dead.dedupe_key is not None and dead.dedupe_key.startswith("draft:")
    alerts = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("telegram.alert staff_undeliverable" in a for a in alerts), alerts
    assert all("Stadt Pirna" not in a for a in alerts)  # ids only
    assert not fake.sent_messages(STAFF)

    fake.make_reachable(STAFF)  # someone added the bot to the group
    fake.user_sends_text(USER, "/hilfe")  # any traffic; polling also retries on its own
    await fake.wait_for_messages_async(STAFF, 1 + len(more), timeout=30)
    await settled(sessions)
    staff = fake.sent_messages(STAFF)
    assert len(staff) == 1 + len(more)
    assert shown(staff).count("Neuer Antragsentwurf eingereicht") == 1
    assert all_steps_shown(staff)
    with sessions() as session:
        assert inbox_repo.dead_letters(session) == []


async def test_dead_letters_are_tried_again_at_the_next_start(
    fake: FakeTelegram,
    settings: Settings,
    sessions: sessionmaker[Session],
    shipped_answerer: Answerer,
) -> None:
    fake.make_unreachable(STAFF)
    running = Running(settings, sessions, shipped_answerer)
    await fake.wait_for_calls_async("getUpdates", 1)
    await submit_draft(fake, sessions)
    await settled(sessions)
    await running.stop()
    with sessions() as session:
        assert inbox_repo.dead_letters(session)  # due in 10 minutes only

    fake.make_reachable(STAFF)
    running = Running(settings, sessions, shipped_answerer)
    try:
        await fake.wait_for_messages_async(STAFF, 1, timeout=30)
        await settled(sessions)
    finally:
        await running.stop()
    assert shown(fake.sent_messages(STAFF)).count("Neuer Antragsentwurf eingereicht") == 1


async def test_a_user_who_blocked_the_bot_is_recorded_and_not_retried(
    fake: FakeTelegram, bot: TelegramChannel, sessions: sessionmaker[Session]
) -> None:
    fake.user_blocks_bot(USER)
    fake.user_sends_text(USER, "/hilfe")
    await fake.wait_for_calls_async("sendMessage", 1, timeout=60)
    for _ in range(3):  # more rounds of the loop: no second attempt
        fake.user_sends_text(USER + 1, "/hilfe")
    await fake.wait_for_messages_async(USER + 1, 3, timeout=60)
    await settled(sessions)
    assert len([c for c in fake.calls("sendMessage") if c.params["chat_id"] == USER]) == 1
    with sessions() as session:
        (refused,) = inbox_repo.dead_letters(session)
        assert (refused.chat_id, refused.retry_at, refused.payload) == (USER, None, {})
        assert refused.error == "Forbidden: bot was blocked by the user"
        assert inbox_repo.unsent(session) == []

    fake.user_blocks_bot(USER, blocked=False)
    fake.user_sends_text(USER, "/hilfe")
    (answer,) = await fake.wait_for_messages_async(USER, 1, timeout=60)
    assert "/antrag" in (answer.plain_text or "")


async def test_the_notification_of_a_version_is_queued_and_sent_once(
    fake: FakeTelegram, bot: TelegramChannel, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    """However often the hand-off of draft 7, version 2 is produced (a re-run, a restart)."""
    note = Reply("Neuer Antragsentwurf eingereicht\nEntwurf Nr. 7, Version 2", to_staff=True)
    keyed = Reply(note.text, to_staff=True, dedupe_key="draft:7:v2")
    for reply in (keyed, keyed, Reply(keyed.text + " ", to_staff=True, dedupe_key="draft:7:v2")):
        with sessions.begin() as session:
            queue_replies(session, settings=settings, update_id=None, chat_id=USER, replies=[reply])
    fake.user_sends_text(USER, "/hilfe")  # wakes the sender
    await fake.wait_for_messages_async(USER, 1, timeout=60)
    await settled(sessions)
    assert len(fake.sent_messages(STAFF)) == 1


# ---------------------------------------------------------------------------------------------
# 4: Telegram's flood limits
# ---------------------------------------------------------------------------------------------


async def test_a_burst_under_flood_limits_waits_as_told_and_answers_everyone_once(
    fake: FakeTelegram, bot: TelegramChannel, sessions: sessionmaker[Session]
) -> None:
    """30 chats at once against 5 messages/s overall and 1 per s per chat (no burst).

    Telegram's floor is 60 messages / 5 per s = 12 s. (Waiting for the next poll after each
    429 instead, 5 s apiece, took minutes.)
    """
    fake.long_poll_cap = 25  # a quiet poll is held as long as Telegram holds it
    fake.flood_limits = FloodLimits(
        overall_per_s=5, overall_burst=5, per_chat_per_s=1, per_chat_burst=1
    )
    chats = [5000 + n for n in range(30)]
    started = time.monotonic()
    for chat in chats:
        fake.user_sends_text(chat, "/antrag")  # two messages: a new draft, the privacy notice
    for chat in chats:
        await fake.wait_for_messages_async(chat, 2, timeout=120)
    await settled(sessions, within=120)
    assert time.monotonic() - started < 60
    assert fake.throttled() >= 10
    expected = None
    for chat in chats:  # the same two messages everywhere (draft numbers aside), once each
        texts_seen = [re.sub(r"\d+", "#", m.plain_text or "") for m in fake.sent_messages(chat)]
        expected = expected or texts_seen
        assert texts_seen == expected, f"chat {chat}: {texts_seen}"
    with sessions() as session:
        assert inbox_repo.dead_letters(session) == []
    # Never again before the time Telegram named: a 429 at t with "retry after N" for a chat
    # means its next attempt comes at t + N or later.
    calls = fake.calls("sendMessage")
    for index, call in enumerate(calls):
        if call.http_status != 429:
            continue
        chat = call.params["chat_id"]
        later = next((c for c in calls[index + 1 :] if c.params["chat_id"] == chat), None)
        assert later is not None, f"chat {chat}: never tried again"
        assert later.timestamp - call.timestamp >= 0.95, f"chat {chat}: retried too early"
