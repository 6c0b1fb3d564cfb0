"""Telegram channel: updates -> inbox -> conversation core -> outbox -> Bot API, nothing else.

Every update is recorded in the inbox before anything else happens and processed from there in
order; the replies go to the outbox in the same transaction as the state change, and a sender
delivers them. PTB holds no dialogue state (no ConversationHandler, no persistence).
"""

from __future__ import annotations

import asyncio
import html
import logging
import traceback
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler

from bot.conversation import Conversation, Incoming, Reply, texts
from bot.settings import Settings
from bot.storage import inbox_repo, make_engine, make_sessionmaker, migrate
from retrieval import Answerer

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4000
"""Below Telegram's 4096 characters, measured on the escaped text to be safe."""

App = Application[Any, Any, Any, Any, Any, Any]


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

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update)
        if incoming is None:
            return
        payload = {
            "kind": incoming.kind,
            "text": incoming.text,
            "button": incoming.button,
            "command": incoming.command,
        }
        with self.sessions.begin() as session:
            inbox_repo.record(
                session,
                update_id=update.update_id,
                owner_id=incoming.user_id,
                chat_id=incoming.chat_id,
                payload=payload,
            )
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError as exc:
                log.info("telegram.callback_not_answered error=%s", type(exc).__name__)
        if incoming.kind == "text":
            await self._typing(context.bot, incoming.chat_id)
        await self.drain(context.bot)

    async def drain(self, bot: Bot) -> None:
        """Process every unprocessed inbox row, then deliver every unsent outbox row."""
        async with self._lock:
            await asyncio.to_thread(self._process_pending)
            await self._send_unsent(bot)

    async def _typing(self, bot: Bot, chat_id: int) -> None:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:
            log.info("telegram.typing_failed error=%s", type(exc).__name__)

    def _process_pending(self) -> None:
        while True:
            update_id: int | None = None
            chat_id = 0
            try:
                with self.sessions.begin() as session:
                    rows = inbox_repo.pending(session, limit=1)
                    if not rows:
                        return
                    row = rows[0]
                    update_id, chat_id = row.update_id, row.chat_id
                    incoming = Incoming(
                        user_id=row.owner_id,
                        chat_id=chat_id,
                        kind=row.payload.get("kind", "other"),
                        text=row.payload.get("text"),
                        button=row.payload.get("button"),
                        command=row.payload.get("command"),
                    )
                    replies = self.conversation.handle_in(session, incoming)
                    self._queue(session, update_id=update_id, chat_id=chat_id, replies=replies)
            except Exception as exc:
                if update_id is None:
                    raise
                # Frames only: an exception's message may quote what the user typed.
                frames = "".join(traceback.format_tb(exc.__traceback__))
                log.error(
                    "telegram.processing_failed update_id=%s error=%s\n%s",
                    update_id, type(exc).__name__, frames,
                )  # fmt: skip
                # Mark it done with an apology, so one bad update cannot block all behind it.
                with self.sessions.begin() as session:
                    error = [Reply(texts.SOMETHING_WENT_WRONG)]
                    self._queue(session, update_id=update_id, chat_id=chat_id, replies=error)

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

    async def _send_unsent(self, bot: Bot) -> None:
        while True:
            with self.sessions.begin() as session:
                rows = [(r.id, r.chat_id, r.payload) for r in inbox_repo.unsent(session, limit=50)]
            if not rows:
                return
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
                    return  # network trouble: keep the row, retry with the next update
                with self.sessions.begin() as session:
                    inbox_repo.mark_sent(session, outbox_id=outbox_id)

    async def send(self, bot: Bot, chat_id: int, reply: Reply) -> None:
        parts = split_text(reply.text)
        for index, part in enumerate(parts):
            markup = keyboard(reply) if index == len(parts) - 1 else None
            await bot.send_message(
                chat_id, to_html(part), parse_mode=ParseMode.HTML, reply_markup=markup
            )

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram.error update_id=%s error=%s", update_id, type(context.error).__name__)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(
                    update.effective_chat.id, to_html(texts.SOMETHING_WENT_WRONG)
                )
            except TelegramError:
                log.warning("telegram.error_reply_failed update_id=%s", update_id)

    async def post_init(self, app: App) -> None:
        """Before the first new update: the command menu, then leftovers from the last run."""
        commands = [BotCommand(name, text) for name, text in texts.COMMAND_MENU.items()]
        await app.bot.set_my_commands(commands)
        await self.drain(app.bot)


def _name(exc: BaseException) -> str:
    return type(exc).__name__


def build_application(
    settings: Settings, conversation: Conversation, sessions: sessionmaker[Session]
) -> tuple[App, TelegramChannel]:
    channel = TelegramChannel(settings=settings, conversation=conversation, sessions=sessions)
    app: App = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .rate_limiter(AIORateLimiter())
        .concurrent_updates(False)
        .post_init(channel.post_init)
        .build()
    )
    # Group -1 and the only handler: every update is recorded before the next one is read.
    app.add_handler(TypeHandler(Update, channel.on_update), group=-1)
    app.add_error_handler(channel.on_error)
    return app, channel


def run_bot(settings: Settings) -> int:
    """Run the Telegram bot until SIGINT/SIGTERM (PTB stops cleanly on both)."""
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
    app, _ = build_application(settings, conversation, sessions)
    try:
        if settings.telegram_webhook_url:
            app.run_webhook(
                listen="0.0.0.0",
                port=settings.telegram_webhook_port,
                webhook_url=settings.telegram_webhook_url,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    finally:
        engine.dispose()
    return 0
