"""Telegram delivery: replies cut into messages that fit, one outbox row each, sent in order.

Queuing (`queue_replies`, inside the transaction of the state change) splits each reply into
Telegram-sized parts; every part is its own outbox row with its own seq, the buttons on the last
one. So a crash between two parts of a long reply resends at most the part in flight.

Sending (`Sender.send_unsent`) delivers the rows in id order, per chat:

* 429 "retry after N": never final. The chat is left alone for N s while other chats go on
  (and updates waiting are processed meanwhile; with none, the sender waits the N s); two 429s
  in a row from different chats mean the bot's overall limit: everything waits N s.
* 403/400 to the staff chat (bot not in the group, chat not found): a dead letter, an ERROR
  "alert" in the log, tried again every `STAFF_RETRY` and at each start-up; never marked sent.
* 403 from a user (blocked the bot): recorded as a final refusal, not retried.
* Network trouble: the row waits; `send_unsent` returns False and the caller retries soon.

Telegram has no idempotency key for sendMessage: a crash after Telegram accepted a message and
before `mark_sent` committed sends that one message again after the restart.

Several workers on one PostgreSQL (`shared`): one sends at a time, holding an advisory lock
(`inbox_repo.SENDER_LOCK`) for a whole `send_unsent`; the others skip sending and look again at
their next round. Rows claimed one by one would let two workers send one chat's rows out of
order; a single sender keeps the order, and 30 messages/s is Telegram's limit per bot anyway.
The lock ends with its transaction, also when the sending process dies.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
import unicodedata
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.conversation import Reply, texts
from bot.settings import Settings
from bot.storage import inbox_repo, utcnow

log = logging.getLogger(__name__)

TELEGRAM_LIMIT = 4096
"""Telegram's limit: UTF-16 code units of a message's text after entity parsing."""

MESSAGE_LIMIT = 4000
"""What we allow per part, measured in UTF-16 code units of the escaped text: a margin below
`TELEGRAM_LIMIT` (the escaped text is never shorter than what Telegram counts)."""

STAFF_RETRY = timedelta(minutes=10)
"""How long a dead letter to the staff chat waits before the next attempt."""

MAX_INLINE_WAIT_S = 10.0
"""Longest pause for a 429 inside one `send_unsent`; longer ones are left to the next round."""

_JOINERS = frozenset("\u200d\ufe0e\ufe0f\u20e3")  # ZWJ, variation selectors, keycap
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE0080)
_REGIONAL = range(0x1F1E6, 0x1F200)


def utf16_len(text: str) -> int:
    """What Telegram counts: "🙂" is 2, "ä" is 1."""
    return len(text.encode("utf-16-le")) // 2


def to_html(text: str) -> str:
    """Plain text as Telegram HTML: everything escaped, so user input can never be markup."""
    return html.escape(text, quote=False)


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut plain text into parts whose escaped form has at most `limit` UTF-16 code units.

    Cuts at a blank line, else a line break, else a space (each only in the second half of the
    part, so no part is tiny), else between two characters that do not form one symbol (never
    inside an emoji sequence; a Python string never splits a surrogate pair). Escaping happens
    per part, so no cut falls inside "&amp;". Line breaks at a cut are dropped; a space stays
    at the end of the earlier part.
    Example: 3 000 × "🙂" (6 000 units) + " Ende" -> 2 parts, 2 000 + 1 000 emoji (+ " Ende").
    """
    parts: list[str] = []
    rest = text
    while True:
        fits = _fitting_prefix(rest, limit)
        if fits == len(rest):
            parts.append(rest)
            break
        cut = _cut_position(rest, fits)
        parts.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n")
    return [part for part in parts if part.strip()] or [text]


def _fitting_prefix(text: str, limit: int) -> int:
    """How many characters of `text` fit into `limit` units once escaped."""
    used = 0
    for index, char in enumerate(text):
        used += utf16_len(to_html(char))
        if used > limit:
            return index
    return len(text)


def _cut_position(text: str, fits: int) -> int:
    """Where the part ends, given that text[:fits] fits: at a break in its second half."""
    half = fits // 2
    for separator in ("\n\n", "\n"):  # a break right after text[:fits] counts too
        found = text.rfind(separator, 0, fits + len(separator))
        if found > half:
            return found
    found = text.rfind(" ", 0, fits)
    if found > half:
        return found + 1
    cut = fits
    while cut > half and not _may_cut(text, cut):
        cut -= 1
    return cut if cut > half else max(fits, 1)


def _may_cut(text: str, at: int) -> bool:
    """False inside one visible symbol: before a combining mark, joiner, skin tone or tag,
    after a zero-width joiner, or between the two letters of a flag."""
    if at <= 0 or at >= len(text):
        return True
    before, after = text[at - 1], text[at]
    if after in _JOINERS or before == "\u200d" or unicodedata.combining(after):
        return False
    if ord(after) in _SKIN_TONES or ord(after) in _TAGS:
        return False
    if ord(before) in _REGIONAL and ord(after) in _REGIONAL:
        run = 0
        while at - run - 1 >= 0 and ord(text[at - run - 1]) in _REGIONAL:
            run += 1
        return run % 2 == 0
    return True


def split_reply(reply: Reply) -> list[Reply]:
    """The messages of one reply: the buttons go with the last, the dedupe key with the first."""
    parts = split_text(reply.text)
    if reply.attachment is not None:
        # The file is a message of its own (a row of its own), and carries the buttons.
        texts_first = [
            Reply(part, to_staff=reply.to_staff, dedupe_key=reply.dedupe_key if i == 0 else None)
            for i, part in enumerate(parts)
            if part.strip()
        ]
        file = Reply("", reply.buttons, to_staff=reply.to_staff, attachment=reply.attachment)
        return [*texts_first, file]
    last = len(parts) - 1
    return [
        Reply(
            part,
            reply.buttons if index == last else [],
            to_staff=reply.to_staff,
            dedupe_key=reply.dedupe_key if index == 0 else None,
        )
        for index, part in enumerate(parts)
    ]


def queue_replies(
    session: Session,
    *,
    settings: Settings,
    update_id: int | None,
    chat_id: int,
    replies: Sequence[Reply],
) -> None:
    """Queue the replies of one update, one outbox row per message; staff ones to the staff chat.

    A staff reply with a dedupe key is queued only if that key never was (per draft version).
    """
    own = [part.as_json() for r in replies if not r.to_staff for part in split_reply(r)]
    inbox_repo.add_replies(session, update_id=update_id, chat_id=chat_id, payloads=own)
    staff = [r for r in replies if r.to_staff]
    if staff and settings.staff_chat_id is None:
        log.warning("telegram.staff_notification_dropped reason=no_staff_chat_id")
        return
    for reply in staff:
        assert settings.staff_chat_id is not None
        inbox_repo.add_replies(
            session,
            update_id=None,  # not the user's: /loeschen must not take the office's copy away
            chat_id=settings.staff_chat_id,
            payloads=[part.as_json() for part in split_reply(reply)],
            dedupe_key=reply.dedupe_key,
        )


def queue_unprompted(session: Session, *, chat_id: int, reply: Reply) -> None:
    """Queue a message no update asked for (the office's, from the workspace), split like any
    reply; the bot delivers it within seconds (`telegram_intake.watch_outbox`)."""
    payloads = [part.as_json() for part in split_reply(reply)]
    inbox_repo.add_replies(session, update_id=None, chat_id=chat_id, payloads=payloads)


def warn_if_staff_unreachable(settings: Settings) -> None:
    """At start-up: say loudly that submissions and forwarded questions would reach no one."""
    if settings.staff_chat_id is None:
        log.warning(texts.STAFF_CHAT_MISSING)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def send(bot: Bot, chat_id: int, reply: Reply) -> None:
    """Send one reply; a row queued before 0002d may still hold a long text: split it here."""
    if reply.attachment is not None:
        file = InputFile(reply.attachment.data, filename=reply.attachment.filename)
        await bot.send_document(chat_id, file, reply_markup=keyboard(reply))
        return
    parts = split_text(reply.text)
    for index, part in enumerate(parts):
        markup = keyboard(reply) if index == len(parts) - 1 else None
        await bot.send_message(
            chat_id, to_html(part), parse_mode=ParseMode.HTML, reply_markup=markup
        )


class _HandledByUs(logging.Filter):
    """PTB's rate limiter logs each 429 it passes on as an ERROR with a traceback; we retry
    those ourselves (`Sender`, logged as telegram.send_throttled), so that line only misleads."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum of 0 retries")


class Sender:
    """Delivers the outbox in order per chat, and keeps to what Telegram asks (429, refusals).

    PTB's AIORateLimiter keeps the pace (30 messages/s overall, 20/min per group) and passes a
    429 on at once (max_retries=0): it would halt every chat for one chat's 429.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        sessions: sessionmaker[Session],
        staff_retry: timedelta = STAFF_RETRY,
        clock: Callable[[], float] = time.monotonic,
        shared: bool = False,
    ) -> None:
        self.settings = settings
        self.shared = shared
        self.sessions = sessions
        self.staff_retry = staff_retry
        self.clock = clock
        self.throttled = 0
        """429s answered by waiting, since start."""
        self._held: dict[int, float] = {}  # chat id -> clock() until which Telegram said wait
        self._paused_until = 0.0  # all chats: the bot's overall limit
        self._last_throttled: int | None = None  # chat of the last attempt, if it got a 429
        self._dead_letters_due = True  # at start-up each dead letter gets another attempt
        ptb_limiter = logging.getLogger("telegram.ext.AIORateLimiter")
        if not any(isinstance(f, _HandledByUs) for f in ptb_limiter.filters):
            ptb_limiter.addFilter(_HandledByUs())

    async def send_unsent(self, bot: Bot) -> bool:
        """Deliver what is due; False when rows wait for the network or a long 429.

        With other workers (`shared`): True at once while another worker is sending.
        """
        if not self.shared:
            return await self._send_due(bot)
        with self.sessions() as lease:  # closing it rolls back: the lock is released
            if not inbox_repo.try_lock(lease, key=inbox_repo.SENDER_LOCK):
                return True
            return await self._send_due(bot)

    async def _send_due(self, bot: Bot) -> bool:
        if self._dead_letters_due:
            with self.sessions.begin() as session:
                inbox_repo.retry_dead_letters(session)
            self._dead_letters_due = False
        while True:
            now = self.clock()
            self._held = {chat: until for chat, until in self._held.items() if until > now}
            with self.sessions.begin() as session:
                rows = [
                    (r.id, r.chat_id, r.payload)
                    for r in inbox_repo.unsent(session, limit=50, exclude_chats=self._held)
                ]
            if not rows:
                if not self._held:
                    return True
                if self._updates_waiting():
                    return True  # process them meanwhile; the next round sends the held rows
                if not await self._wait(min(self._held.values())):
                    return False
                continue
            for outbox_id, chat_id, payload in rows:
                if chat_id in self._held:
                    continue  # an earlier row of this chat waits: keep the chat's order
                if not await self._wait(self._paused_until):
                    return False
                if not await self._deliver(bot, outbox_id, chat_id, Reply.from_json(payload)):
                    return False

    def _updates_waiting(self) -> bool:
        with self.sessions() as session:
            return bool(inbox_repo.pending(session, limit=1))

    async def _wait(self, until: float) -> bool:
        """Sleep until `until` (clock time); False, without sleeping, if that is too long."""
        pause = until - self.clock()
        if pause > MAX_INLINE_WAIT_S:
            return False
        if pause > 0:
            await asyncio.sleep(pause)
        return True

    async def _deliver(self, bot: Bot, outbox_id: int, chat_id: int, reply: Reply) -> bool:
        """One row; False only for network trouble (the row waits for the next round)."""
        staff = reply.to_staff or chat_id == self.settings.staff_chat_id
        # Staff rows go to today's staff chat: a corrected STAFF_CHAT_ID also fixes old rows.
        target = self.settings.staff_chat_id if staff and self.settings.staff_chat_id else chat_id
        try:
            await send(bot, target, reply)
        except RetryAfter as exc:
            self._throttle(chat_id, exc)
            return True
        except (BadRequest, Forbidden, ChatMigrated) as exc:  # BadRequest is a NetworkError
            self._refused(outbox_id, target, exc, staff=staff)
            return True
        except TelegramError as exc:
            log.warning("telegram.send_failed outbox_id=%s error=%s", outbox_id, _name(exc))
            return False
        self._last_throttled = None
        # A crash just here sends this row again after the restart: Telegram has no
        # idempotency key for sendMessage, so this window can only be kept short.
        with self.sessions.begin() as session:
            inbox_repo.mark_sent(session, outbox_id=outbox_id)
        return True

    def _throttle(self, chat_id: int, exc: RetryAfter) -> None:
        retry = exc.retry_after
        seconds = retry.total_seconds() if isinstance(retry, timedelta) else float(retry)
        until = self.clock() + seconds + 0.1
        self._held[chat_id] = until
        if self._last_throttled is not None and self._last_throttled != chat_id:
            self._paused_until = until  # two chats in a row: the bot's overall limit
        self._last_throttled = chat_id
        self.throttled += 1
        log.info("telegram.send_throttled chat_id=%s retry_after=%.0f", chat_id, seconds)

    def _refused(self, outbox_id: int, chat_id: int, exc: TelegramError, *, staff: bool) -> None:
        """Record a refusal: a dead letter for the staff chat, final for a user's chat."""
        retry_at = utcnow() + self.staff_retry if staff else None
        with self.sessions.begin() as session:
            inbox_repo.mark_failed(
                session, outbox_id=outbox_id, error=exc.message, retry_at=retry_at
            )
        if staff:
            log.error(
                "telegram.alert staff_undeliverable outbox_id=%s chat_id=%s error=%s "
                "retry_in_s=%.0f",
                outbox_id, chat_id, _name(exc), self.staff_retry.total_seconds(),
            )  # fmt: skip
        elif isinstance(exc, Forbidden):  # the user blocked the bot: their choice
            log.warning("telegram.send_refused outbox_id=%s error=Forbidden final=True", outbox_id)
        else:
            log.error(
                "telegram.send_refused outbox_id=%s error=%s final=True", outbox_id, _name(exc)
            )


def _name(exc: BaseException) -> str:
    return type(exc).__name__
