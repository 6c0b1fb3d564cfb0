"""Telegram channel: updates -> inbox -> conversation core -> outbox -> Bot API, nothing else.

Every update is recorded in the inbox before Telegram may forget it (the polling loop in
`telegram_intake`) and processed from there in order; the replies go to the outbox in the same
transaction as the state change, and a sender delivers them. PTB provides the Bot (HTTP, rate
limiter) and holds no dialogue state (no Updater, no ConversationHandler, no persistence).
"""

from __future__ import annotations

import asyncio
import html
import logging
import traceback
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import AIORateLimiter, Application

from bot.channels.telegram_intake import App, run_webhook, serve_until_signal
from bot.conversation import Conversation, Incoming, Reply, texts
from bot.settings import Settings
from bot.storage import inbox_repo, make_engine, make_sessionmaker, migrate
from retrieval import Answerer

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4000
"""Below Telegram's 4096 characters, measured on the escaped text to be safe."""

PAYLOAD_KEYS = ("kind", "text", "button", "command")
PURGE_EVERY = timedelta(hours=1)
KEEP_HANDLED = timedelta(days=1)
"""The fields of an `Incoming` kept in the inbox row (user and chat have their own columns)."""


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split plain text at line breaks so that each part, once escaped, fits one message.

    Example: 3 paragraphs of 3 000 characters -> 3 parts; one 9 000-character line -> 3 parts.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(html.escape(candidate, quote=False)) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        current = ""
        for char in line:  # a single line longer than a message: cut it
            if len(html.escape(current + char, quote=False)) > limit:
                parts.append(current)
                current = ""
            current += char
    parts.append(current)
    return [p for p in parts if p.strip()] or [text[:limit]]


def to_html(text: str) -> str:
    """Plain text as Telegram HTML: everything escaped, so user input can never be markup."""
    return html.escape(text, quote=False)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


def to_incoming(update: Update) -> Incoming | None:
    """The neutral form of an update from a private chat; None for what we do not handle."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return None
    if update.callback_query is not None:
        data = update.callback_query.data or ""
        return Incoming(user_id=user.id, chat_id=chat.id, kind="button", button=data)
    message = update.message
    if message is None:
        return None  # edited messages, channel posts, ...
    if message.text is not None:
        return Incoming.from_text(user_id=user.id, chat_id=chat.id, text=message.text)
    return Incoming(user_id=user.id, chat_id=chat.id, kind="other")


class TelegramChannel:
    """Records, processes and delivers; one instance per running bot."""

    def __init__(
        self, *, settings: Settings, conversation: Conversation, sessions: sessionmaker[Session]
    ) -> None:
        self.settings = settings
        self.conversation = conversation
        self.sessions = sessions
        self._lock = asyncio.Lock()
        self._last_purge = datetime.min.replace(tzinfo=UTC)

    async def accept(self, bot: Bot, updates: Sequence[Update]) -> None:
        """Record what we handle in one transaction, then answer buttons and show typing."""
        handled = [(u, i) for u in updates if (i := to_incoming(u)) is not None]
        with self.sessions.begin() as session:
            for update, incoming in handled:
                inbox_repo.record(
                    session,
                    update_id=update.update_id,
                    owner_id=incoming.user_id,
                    chat_id=incoming.chat_id,
                    payload={key: getattr(incoming, key) for key in PAYLOAD_KEYS},
                )
        # Both are courtesies (stop the button's spinner, show "typing"): sent together.
        queries = [u.callback_query for u, _ in handled if u.callback_query is not None]
        chats = dict.fromkeys(i.chat_id for _, i in handled if i.kind == "text")
        await asyncio.gather(
            *(_courtesy("callback_not_answered", q.answer()) for q in queries),
            *(
                _courtesy("typing_failed", bot.send_chat_action(c, ChatAction.TYPING))
                for c in chats
            ),
        )

    async def drain(
        self, bot: Bot, *, below: int | None = None, stop: asyncio.Event | None = None
    ) -> bool:
        """Deliver unsent replies, then process updates below `below` one by one.

        Each update's replies go out before the next update is processed, so a stop request
        (checked between updates) waits for one update at most. False: replies left unsent.
        """
        async with self._lock:
            await asyncio.to_thread(self._purge_handled)
            while await self._send_unsent(bot):
                if stop is not None and stop.is_set():
                    return True
                if not await asyncio.to_thread(self._process_next, below):
                    return True
            return False

    def _purge_handled(self) -> None:
        """Hourly: forget updates handled more than a day ago.

        Redeliveries come within minutes; old ids only risk a collision when Telegram restarts
        its update ids after a quiet week, and they would keep data no one needs.
        """
        now = datetime.now(UTC)
        if now - self._last_purge < PURGE_EVERY:
            return
        self._last_purge = now
        with self.sessions.begin() as session:
            inbox_repo.purge_done(session, before=now - KEEP_HANDLED)

    def _process_next(self, below: int | None) -> bool:
        """Process the oldest pending update (if its id is below `below`); False: none."""
        update_id: int | None = None
        chat_id = 0
        try:
            with self.sessions.begin() as session:
                rows = inbox_repo.pending(session, limit=1)
                if not rows or (below is not None and rows[0].update_id >= below):
                    return False
                row = rows[0]
                update_id, chat_id = row.update_id, row.chat_id
                fields: dict[str, Any] = {key: row.payload.get(key) for key in PAYLOAD_KEYS}
                incoming = Incoming(user_id=row.owner_id, chat_id=chat_id, **fields)
                replies = self.conversation.handle_in(session, incoming)
                self._queue(session, update_id=update_id, chat_id=chat_id, replies=replies)
        except Exception as exc:
            if update_id is None:
                raise
            # Frames only: an exception's message may quote what the user typed.
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error(
                "telegram.processing_failed update_id=%s error=%s\n%s",
                update_id, _name(exc), frames,
            )  # fmt: skip
            # Mark it done with an apology, so one bad update cannot block all behind it.
            with self.sessions.begin() as session:
                error = [Reply(texts.SOMETHING_WENT_WRONG)]
                self._queue(session, update_id=update_id, chat_id=chat_id, replies=error)
        return True

    def _queue(
        self, session: Session, *, update_id: int, chat_id: int, replies: list[Reply]
    ) -> None:
        # After /loeschen the inbox row itself is gone; the confirmation is then unprompted.
        still_there = inbox_repo.mark_processed(session, update_id=update_id)
        prompted = update_id if still_there else None
        own = [r.as_json() for r in replies if not r.to_staff]
        inbox_repo.add_replies(session, update_id=prompted, chat_id=chat_id, payloads=own)
        staff = [r.as_json() for r in replies if r.to_staff]
        if staff and self.settings.staff_chat_id is not None:
            inbox_repo.add_replies(
                session, update_id=None, chat_id=self.settings.staff_chat_id, payloads=staff
            )
        elif staff:
            log.warning("telegram.staff_notification_dropped reason=no_staff_chat_id")

    async def _send_unsent(self, bot: Bot) -> bool:
        """Deliver the outbox in order; False when network trouble left rows unsent."""
        while True:
            with self.sessions.begin() as session:
                rows = [(r.id, r.chat_id, r.payload) for r in inbox_repo.unsent(session, limit=50)]
            if not rows:
                return True
            for outbox_id, chat_id, payload in rows:
                try:
                    await self.send(bot, chat_id, Reply.from_json(payload))
                except (Forbidden, BadRequest) as exc:
                    # Blocked bot or a message Telegram refuses: retrying would fail forever.
                    log.warning(
                        "telegram.send_refused outbox_id=%s error=%s", outbox_id, _name(exc)
                    )
                except TelegramError as exc:
                    log.warning("telegram.send_failed outbox_id=%s %s", outbox_id, _name(exc))
                    return False  # network trouble: keep the row, retry soon
                # A crash just here sends this row again after the restart: Telegram has no
                # idempotency key for sendMessage, so this window can only be kept short.
                with self.sessions.begin() as session:
                    inbox_repo.mark_sent(session, outbox_id=outbox_id)

    async def send(self, bot: Bot, chat_id: int, reply: Reply) -> None:
        parts = split_text(reply.text)
        for index, part in enumerate(parts):
            markup = keyboard(reply) if index == len(parts) - 1 else None
            await bot.send_message(
                chat_id, to_html(part), parse_mode=ParseMode.HTML, reply_markup=markup
            )

    async def set_commands(self, bot: Bot) -> None:
        """The command menu; a failure is logged, not fatal (the next start tries again)."""
        commands = [BotCommand(name, text) for name, text in texts.COMMAND_MENU.items()]
        try:
            await bot.set_my_commands(commands)
        except TelegramError as exc:
            log.warning("telegram.commands_not_set error=%s", _name(exc))


def _name(exc: BaseException) -> str:
    return type(exc).__name__


async def _courtesy(event: str, call: Awaitable[object]) -> None:
    """A call whose failure changes nothing (e.g. answering a re-delivered button press)."""
    try:
        await call
    except TelegramError as exc:
        log.info("telegram.%s error=%s", event, _name(exc))


def build_application(
    settings: Settings, conversation: Conversation, sessions: sessionmaker[Session]
) -> tuple[App, TelegramChannel]:
    """PTB for the Bot object (rate limiter, HTTP); intake and webhook server are our own."""
    channel = TelegramChannel(settings=settings, conversation=conversation, sessions=sessions)
    app: App = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .rate_limiter(AIORateLimiter())
        .concurrent_updates(False)
        .updater(None)
        .build()
    )
    return app, channel


def run_bot(settings: Settings) -> int:
    """Run the Telegram bot until SIGINT/SIGTERM; 0 after a clean stop."""
    from bot import wiring

    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    sessions = make_sessionmaker(engine)
    answerer: Answerer = wiring.answerer(settings, wiring.knowledge_base(settings))
    conversation = Conversation(
        sessions=sessions,
        answerer=answerer,
        clock=lambda: datetime.now(UTC),
        settings=settings,
        channel="telegram",
    )
    app, channel = build_application(settings, conversation, sessions)
    try:
        if settings.telegram_webhook_url:
            run_webhook(
                app, channel, url=settings.telegram_webhook_url, port=settings.telegram_webhook_port
            )
        else:
            asyncio.run(serve_until_signal(app, channel))
    finally:
        engine.dispose()
    log.info("telegram.stopped")
    return 0
