"""Telegram channel: updates -> inbox -> conversation core -> outbox -> Bot API, nothing else.

Every update is recorded in the inbox before Telegram may forget it (the polling loop in
`telegram_intake`; what is recorded as what: `telegram_admission`) and processed from there,
users taking turns and each user's updates in order; the replies go to the outbox in the same
transaction as the state change, and a sender delivers them. PTB provides the Bot (HTTP, rate
limiter) and holds no dialogue state (no Updater, no ConversationHandler, no persistence).

Several workers (processes) may share one PostgreSQL: each claims an update together with its
owner's advisory lock (`inbox_repo.claim`) and keeps both until the update's transaction commits,
so no update is processed twice and no owner's updates overtake each other; one worker at a time
sends the outbox (`telegram_delivery.Sender`). On SQLite the one worker needs no such locks.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import traceback
from collections.abc import Awaitable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, BotCommand, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application

from bot import housekeeping
from bot.channels.telegram_admission import PAYLOAD_KEYS, Admission, Limits
from bot.channels.telegram_delivery import Sender, queue_replies, warn_if_staff_unreachable
from bot.channels.telegram_intake import App, Drained, serve_until_signal
from bot.channels.telegram_updates import Quarantined
from bot.conversation import Conversation, Incoming, Reply, texts
from bot.settings import Settings
from bot.storage import InboxRow, inbox_repo
from bot.wiring import Services
from retrieval import Answer

log = logging.getLogger(__name__)

PURGE_EVERY = timedelta(hours=1)
KEEP_HANDLED = timedelta(days=1)

PARALLEL_TURNS = 4
"""Users whose questions are answered side by side; each user still waits for their own turn."""

SLICE_S = 0.5
"""A drain returns after this long with work left, so the loop can record what came meanwhile."""


class TelegramChannel:
    """Records, processes and delivers; one instance per running bot."""

    def __init__(
        self,
        *,
        settings: Settings,
        conversation: Conversation,
        sessions: sessionmaker[Session],
        limits: Limits | None = None,
        slice_s: float = SLICE_S,
        parallel: int = PARALLEL_TURNS,
    ) -> None:
        self.settings = settings
        self.conversation = conversation
        self.sessions = sessions
        self.admission = Admission(limits=limits or Limits(), answer=self._answer)
        self.slice_s = slice_s
        self.parallel = parallel
        self._turns = itertools.count()
        self._served: dict[int, int] = {}  # owner id -> the turn that last served them
        with sessions() as session:  # other processes may share the inbox: claim first
            self.shared = inbox_repo.several_workers(session)
        self.sender = Sender(settings=settings, sessions=sessions, shared=self.shared)
        self._lock = asyncio.Lock()
        self._last_purge = datetime.min.replace(tzinfo=UTC)

    async def accept(
        self, bot: Bot, updates: Sequence[Update], *, quarantined: Sequence[Quarantined] = ()
    ) -> None:
        """Record each update as what it is (`telegram_admission`) in one transaction, then
        answer buttons and show typing."""
        now = datetime.now(UTC)
        with self.sessions.begin() as session:
            for item in quarantined:
                self.admission.admit(session, item, now=now)
            routed = [self.admission.admit(session, update, now=now) for update in updates]
        # Both are courtesies (stop the button's spinner, show "typing"): sent together.
        queries = [u.callback_query for u in updates if u.callback_query is not None]
        chats = dict.fromkeys(
            r.chat_id for r in routed if r.incoming is not None and r.incoming.kind == "text"
        )
        await asyncio.gather(
            *(_courtesy("callback_not_answered", q.answer()) for q in queries),
            *(
                _courtesy("typing_failed", bot.send_chat_action(c, ChatAction.TYPING))
                for c in chats
            ),
        )

    async def drain(
        self, bot: Bot, *, below: int | None = None, stop: asyncio.Event | None = None
    ) -> Drained:
        """Deliver unsent replies, then process updates below `below` one by one, users taking
        turns (`_next_turn`).

        Each batch's replies go out before the next batch is processed, so a stop request
        (checked between batches) waits for one batch at most. After `slice_s` seconds the
        drain returns MORE, so that the caller can record what arrived in the meantime.
        """
        async with self._lock:
            await asyncio.to_thread(self._purge_handled)
            deadline = time.monotonic() + self.slice_s
            while await self._send_unsent(bot):
                if stop is not None and stop.is_set():
                    return Drained.DONE
                if time.monotonic() >= deadline:
                    return Drained.MORE
                if not await asyncio.to_thread(self._process_next, below):
                    return Drained.DONE
            return Drained.UNDELIVERED

    async def outbox_waiting(self) -> bool:
        """Whether messages are due that no update carries out (see `watch_outbox`)."""

        def look() -> bool:
            with self.sessions() as session:
                return bool(inbox_repo.unsent(session, limit=1))

        return not self._lock.locked() and await asyncio.to_thread(look)

    def _purge_handled(self) -> None:
        """Hourly: forget updates handled more than a day ago; expire abandoned drafts.

        Redeliveries come within minutes; old ids only risk a collision when Telegram restarts
        its update ids after a quiet week, and they would keep data no one needs. Drafts
        untouched for DRAFT_RETENTION_DAYS go too, after a reminder queued in the outbox.
        """
        now = datetime.now(UTC)
        if now - self._last_purge < PURGE_EVERY:
            return
        self._last_purge = now
        with self.sessions() as lease:  # several workers: one sweeps, the others skip this hour
            if self.shared and not inbox_repo.try_lock(lease, key=inbox_repo.HOUSEKEEPING_LOCK):
                return
            with self.sessions.begin() as session:
                inbox_repo.purge_done(session, before=now - KEEP_HANDLED)
            housekeeping.expire_drafts(self.sessions, settings=self.settings, now=now)

    def _process_next(self, below: int | None) -> bool:
        """Process the next turns with ids below `below`; False when none waits.

        Up to `parallel` users take a turn together: their questions are answered side by side
        (retrieval, an LLM call) before any write lock is taken, then each update is written
        with its replies in its own transaction, in turn order. One update per user and batch
        keeps each user's own order; a failure is answered with an apology.
        """
        if self.shared:
            return self._process_claimed(below)
        with self.sessions() as session:  # reading only: no write lock yet
            heads = inbox_repo.pending_heads(session, below=below)
            turns = [(r.update_id, r.chat_id, _incoming(r)) for r in self._next_turns(heads)]
        if not turns:
            return False
        if len(turns) == 1:
            prepared = [self._prepare(turns[0][2])]
        else:
            with ThreadPoolExecutor(max_workers=len(turns)) as pool:
                prepared = list(pool.map(self._prepare, [incoming for _, _, incoming in turns]))
        for (update_id, chat_id, incoming), answers in zip(turns, prepared, strict=True):
            self._write_turn(update_id, chat_id, incoming, answers)
        return True

    def _prepare(self, incoming: Incoming) -> dict[str, Answer]:
        """The answers of a turn, computed outside any transaction; on failure none (the turn
        then fails inside its transaction and is answered with an apology)."""
        try:
            return self.conversation.prepare(incoming)
        except Exception as exc:
            log.warning("telegram.prepare_failed error=%s", _name(exc))
            return {}

    def _write_turn(
        self, update_id: int, chat_id: int, incoming: Incoming, prepared: dict[str, Answer]
    ) -> None:
        try:
            with self.sessions.begin() as session:
                replies = self.conversation.handle_in(session, incoming, prepared)
                self._queue(session, update_id=update_id, chat_id=chat_id, replies=replies)
        except Exception as exc:
            _log_failure(update_id, exc)
            # Mark it done with an apology, so one bad update cannot block all behind it.
            with self.sessions.begin() as session:
                self._apologise(session, update_id=update_id, chat_id=chat_id)

    def _process_claimed(self, below: int | None) -> bool:
        """`_process_next` when other workers share the database (PostgreSQL).

        Claim, answer and commit in one transaction, which holds the owner's advisory lock and
        the row lock throughout (a slow answer blocks no one else: PostgreSQL locks rows, not
        the database). A worker killed midway rolls back; another one (or the same, restarted)
        claims the update again.
        """
        update_id: int | None = None
        owner_id = chat_id = 0
        try:
            with self.sessions.begin() as session:
                row = self._claim_turn(session, below)
                if row is None:
                    return False
                update_id, owner_id, chat_id = row.update_id, row.owner_id, row.chat_id
                incoming = _incoming(row)
                prepared = self.conversation.prepare(incoming)
                replies = self.conversation.handle_in(session, incoming, prepared)
                self._queue(session, update_id=update_id, chat_id=chat_id, replies=replies)
        except Exception as exc:
            if update_id is None:
                raise
            _log_failure(update_id, exc)
            with self.sessions.begin() as session:
                # Another worker may have claimed it after our rollback: then it answers.
                if inbox_repo.claim(session, update_id=update_id, owner_id=owner_id):
                    self._apologise(session, update_id=update_id, chat_id=chat_id)
        return True

    def _claim_turn(self, session: Session, below: int | None) -> InboxRow | None:
        """The next turn (`_next_turn`) whose update this worker could claim; None: no work.

        A user whose update another worker holds is passed over, so their next update waits
        until that one is committed: the user's own order holds across workers.
        """
        heads = inbox_repo.pending_heads(session, below=below)
        while (head := self._next_turn(heads)) is not None:
            row = inbox_repo.claim(session, update_id=head.update_id, owner_id=head.owner_id)
            if row is not None:
                return row
            heads = [h for h in heads if h.owner_id != head.owner_id]
        return None

    def _apologise(self, session: Session, *, update_id: int, chat_id: int) -> None:
        error = [Reply(texts.SOMETHING_WENT_WRONG)]
        self._queue(session, update_id=update_id, chat_id=chat_id, replies=error)

    def _next_turn(self, heads: list[InboxRow]) -> InboxRow | None:
        """The one next turn among `heads` (see `_next_turns`)."""
        turns = self._next_turns(heads, count=1)
        return turns[0] if turns else None

    def _next_turns(self, heads: list[InboxRow], count: int | None = None) -> list[InboxRow]:
        """The oldest updates of the `count` users served longest ago (or never), among `heads`
        (each waiting user's oldest update, oldest first).

        Example: A sent 300 messages, then B sent one. A is served in turns 0, 1, 2, ...; B,
        never served, comes next, then A again: B waits for one update of A, not for 300.
        Users with nothing waiting are forgotten, so someone writing again is served first.
        """
        waiting = {row.owner_id for row in heads}
        self._served = {owner: t for owner, t in self._served.items() if owner in waiting}
        # sorted() is stable: among users never served, the oldest head goes first.
        chosen = sorted(heads, key=lambda r: self._served.get(r.owner_id, -1))
        chosen = chosen[: count or self.parallel]
        for row in chosen:
            self._served[row.owner_id] = next(self._turns)
        return chosen

    def _answer(self, session: Session, update_id: int, chat_id: int, replies: list[Reply]) -> None:
        """Admission's way to answer an update it does not pass on (a hint, the notice)."""
        self._queue(session, update_id=update_id, chat_id=chat_id, replies=replies)

    def _queue(
        self, session: Session, *, update_id: int, chat_id: int, replies: list[Reply]
    ) -> None:
        # After /loeschen the inbox row itself is gone; the confirmation is then unprompted.
        still_there = inbox_repo.mark_processed(session, update_id=update_id)
        prompted = update_id if still_there else None
        queue_replies(
            session, settings=self.settings, update_id=prompted, chat_id=chat_id, replies=replies
        )

    async def _send_unsent(self, bot: Bot) -> bool:
        """Deliver the outbox (`telegram_delivery.Sender`); False: rows wait for the network."""
        return await self.sender.send_unsent(bot)

    async def set_commands(self, bot: Bot) -> None:
        """The command menu; a failure is logged, not fatal (the next start tries again)."""
        commands = [BotCommand(name, text) for name, text in texts.COMMAND_MENU.items()]
        try:
            await bot.set_my_commands(commands)
        except TelegramError as exc:
            log.warning("telegram.commands_not_set error=%s", _name(exc))


def _name(exc: BaseException) -> str:
    return type(exc).__name__


def _incoming(row: InboxRow) -> Incoming:
    """The user action a recorded update holds, as the conversation core takes it."""
    fields: dict[str, Any] = {key: row.payload.get(key) for key in PAYLOAD_KEYS}
    return Incoming(user_id=row.owner_id, chat_id=row.chat_id, **fields)


def _log_failure(update_id: int, exc: BaseException) -> None:
    """Frames only: an exception's message may quote what the user typed."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("telegram.processing_failed update_id=%s error=%s\n%s", update_id, _name(exc), frames)


async def _courtesy(event: str, call: Awaitable[object]) -> None:
    """A call whose failure changes nothing (e.g. answering a re-delivered button press)."""
    try:
        await call
    except TelegramError as exc:
        log.info("telegram.%s error=%s", event, _name(exc))


def build_application(
    settings: Settings,
    conversation: Conversation,
    sessions: sessionmaker[Session],
    *,
    limits: Limits | None = None,
) -> tuple[App, TelegramChannel]:
    """PTB for the Bot object (rate limiter, HTTP); intake and webhook server are our own."""
    warn_if_staff_unreachable(settings)
    channel = TelegramChannel(
        settings=settings, conversation=conversation, sessions=sessions, limits=limits
    )
    app: App = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .rate_limiter(AIORateLimiter())
        .concurrent_updates(False)
        .updater(None)
        .build()
    )
    return app, channel


def run_bot(settings: Settings, services: Services, *, limits: Limits | None = None) -> int:
    """Run the Telegram bot until SIGINT/SIGTERM; 0 after a clean stop.

    `services` are ready (database migrated); the caller closes them afterwards.
    """
    conversation = services.conversation("telegram")
    app, channel = build_application(settings, conversation, services.sessions, limits=limits)
    if settings.telegram_webhook_url:
        # Imported here: tornado is only needed (and loaded) in webhook mode.
        from bot.channels.telegram_webhook import run_webhook

        run_webhook(
            app, channel, url=settings.telegram_webhook_url, port=settings.telegram_webhook_port
        )
    else:
        asyncio.run(serve_until_signal(app, channel))
    log.info("telegram.stopped")
    return 0
