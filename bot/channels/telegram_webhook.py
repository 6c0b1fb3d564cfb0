"""Durable webhook: Telegram's POST is answered 200 only after the update is in the inbox.

Telegram forgets an update once its POST was answered with a 2xx; after any other answer (or
none) it sends the update again later. So each POST is answered:

* 403 without the secret token registered with setWebhook: not from Telegram;
* 500 when recording failed (e.g. the database is locked): Telegram retries, and the inbox
  ignores an update_id it has seen before;
* 200 only after `intake.accept` has committed the update;
* 200 too for a body from Telegram that we cannot read (not JSON, no update_id, or a shape PTB
  refuses): any other answer makes Telegram send it again and again, and with one connection
  every later update would wait behind it. One with an update_id is recorded as quarantined.

Processing and sending happen afterwards, in one worker task that `intake.drain`s whatever is
recorded whenever a POST was answered; so a slow answer never delays Telegram's next POST, and a
process killed after the 200 finds the update in the inbox at the next start (leftovers go first).

An update recorded whose 200 never reached Telegram (the process died in between) is delivered
once more; the inbox recognises its update_id (/loeschen keeps unprocessed rows for this reason).

Several such processes may run behind one reverse proxy, sharing one PostgreSQL (README,
"Betrieb mit mehreren Prozessen"): any of them records a POST, each worker claims updates from
the shared inbox (`TelegramChannel`), and an idle worker looks at the inbox and outbox every
`SHARED_POLL_S`, since work may come from elsewhere: replies another worker queued while this
one held the sender lock, updates of a worker that was killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import re
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import urlsplit

import tornado.web
from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from tornado.httpserver import HTTPServer
from tornado.iostream import StreamClosedError

from bot.channels.telegram_intake import (
    MAX_BACKOFF_S,
    RETRY_S,
    App,
    Drained,
    Intake,
    stop_on_signals,
    watch_outbox,
)
from bot.channels.telegram_updates import Quarantined, parse_one

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

SHARED_POLL_S = 1.0
"""How long an idle worker waits for a POST before it drains anyway, when workers share the
database. Alone (SQLite) it waits for a POST: all work comes through its own."""

MAX_BODY_BYTES = 1 << 20
"""Updates are a few kilobytes (a message holds at most 4096 characters); 1 MiB is plenty."""


def webhook_secret(token: str) -> str:
    """The secret Telegram sends with every POST, derived from the bot token.

    Stable across restarts and replicas, so it needs no setting of its own, and it reveals
    nothing about the token. Telegram allows 1-256 characters of A-Z, a-z, 0-9, _ and -;
    this is 32 hex digits: "123:ABC" -> "89aa60c7c3e4ed73f44ec0f92a8c8676". The label keeps it
    distinct from a plain hash of the token that other software might send.
    """
    return hashlib.sha256(f"kommpraev-webhook:{token}".encode()).hexdigest()[:32]


class Receiver:
    """Checks, parses and records one POST; tells the worker when there may be work."""

    def __init__(self, *, bot: Bot, intake: Intake, secret: str, wake: asyncio.Event) -> None:
        self.bot = bot
        self.intake = intake
        self._secret = secret.encode()
        self.wake = wake

    async def receive(self, *, secret: str | None, body: bytes) -> HTTPStatus:
        """The status to answer Telegram with (the event names are logged, never the text)."""
        if secret is None or not hmac.compare_digest(secret.encode(), self._secret):
            log.warning("telegram.webhook_forbidden")
            return HTTPStatus.FORBIDDEN
        try:
            item = parse_one(json.loads(body), self.bot)
        except (ValueError, RecursionError):  # invalid JSON or UTF-8, absurdly deep nesting
            item = None
        if item is None:
            log.warning("telegram.webhook_unreadable")
            return HTTPStatus.OK  # see the module docstring: a 4xx would be sent again forever
        try:
            if isinstance(item, Quarantined):
                await self.intake.accept(self.bot, [], quarantined=[item])
            else:
                await self.intake.accept(self.bot, [item])
        except Exception as exc:
            log.error(
                "telegram.webhook_not_recorded update_id=%s error=%s",
                item.update_id,
                type(exc).__name__,
            )
            return HTTPStatus.INTERNAL_SERVER_ERROR
        return HTTPStatus.OK


class _UpdateHandler(tornado.web.RequestHandler):
    """Tornado's side of a POST: hand the request to the receiver, answer, then wake the worker."""

    def initialize(self, receiver: Receiver) -> None:
        self.receiver = receiver

    async def post(self) -> None:
        secret = self.request.headers.get(SECRET_HEADER)
        status = await self.receiver.receive(secret=secret, body=self.request.body)
        self.set_status(status)
        # Telegram gone before the answer: it sends the update again, the inbox knows it.
        with contextlib.suppress(StreamClosedError):
            await self.finish()
        if status == HTTPStatus.OK:
            self.receiver.wake.set()


def _quiet(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log would print the webhook path; the receiver logs events instead."""


def make_server(url: str, receiver: Receiver) -> HTTPServer:
    """An HTTP server answering POSTs to the path of `url` (anything else: 404 or 405)."""
    path = re.escape(urlsplit(url).path or "/")
    routes = [(path, _UpdateHandler, {"receiver": receiver})]
    app = tornado.web.Application(routes, log_function=_quiet)
    return HTTPServer(app, max_body_size=MAX_BODY_BYTES)


async def deliver(
    bot: Bot,
    intake: Intake,
    *,
    wake: asyncio.Event,
    stop: asyncio.Event,
    idle_s: float | None = None,
) -> None:
    """Drain whenever woken (and at once: last run's leftovers) until `stop` is set.

    A drain that ends its time slice with work left runs again at once (POSTs are answered in
    between). Unsent replies (network trouble) are retried every RETRY_S seconds. With `idle_s`
    (other workers share the database) a drain runs at least that often.
    """
    while not stop.is_set():
        wake.clear()  # a POST answered during the drain wakes the next round
        try:
            drained = await intake.drain(bot, stop=stop)
        except Exception as exc:  # database trouble: the rows wait, try again soon
            log.warning("telegram.drain_failed error=%s", type(exc).__name__)
            drained = Drained.UNDELIVERED
        if drained is Drained.MORE:
            continue
        with contextlib.suppress(TimeoutError):
            pause = idle_s if drained is Drained.DONE else min(RETRY_S, idle_s or RETRY_S)
            await asyncio.wait_for(wake.wait(), pause)


async def register(bot: Bot, *, url: str, secret: str, stop: asyncio.Event) -> None:
    """setWebhook, retried on network trouble; a refusal (bad URL, token) ends the bot."""
    failures = 0
    while not stop.is_set():
        try:
            await bot.set_webhook(
                url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
                max_connections=1,  # one POST at a time: a user's messages stay in order
            )
        except (BadRequest, Forbidden, InvalidToken):  # BadRequest first: a NetworkError
            raise
        except RetryAfter as exc:
            retry = exc.retry_after
            pause = retry.total_seconds() if isinstance(retry, timedelta) else float(retry)
        except TelegramError as exc:
            failures += 1
            pause = min(MAX_BACKOFF_S, 0.5 * 2**failures)
            log.warning(
                "telegram.webhook_not_set error=%s retry_in=%.1fs", type(exc).__name__, pause
            )
        else:
            log.info("telegram.webhook_set")
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)


async def serve_webhook(
    app: App, intake: Intake, *, url: str, port: int, stop: asyncio.Event, host: str = "0.0.0.0"
) -> None:
    """Receive on host:port until `stop` is set; the update in hand is finished first."""
    async with app:  # getMe, rate limiter; on exit the bot's HTTP clients are closed
        bot = app.bot
        wake = asyncio.Event()
        secret = webhook_secret(bot.token)
        server = make_server(url, Receiver(bot=bot, intake=intake, secret=secret, wake=wake))
        server.listen(port, address=host)  # before setWebhook: Telegram may POST at once
        # Set by TelegramChannel on PostgreSQL; other Intakes (tests) work alone.
        idle_s = SHARED_POLL_S if getattr(intake, "shared", False) else None
        worker = asyncio.create_task(deliver(bot, intake, wake=wake, stop=stop, idle_s=idle_s))
        # Workers sharing a database drain every SHARED_POLL_S anyway; alone, the office's
        # messages (written by the workspace, maybe in another process) need a look.
        watcher = asyncio.create_task(
            watch_outbox(intake, wake=wake, stop=stop) if idle_s is None else stop.wait()
        )
        try:
            await intake.set_commands(bot)
            await register(bot, url=url, secret=secret, stop=stop)
            await stop.wait()
        finally:
            server.stop()  # no new connections; a POST in hand may still get its answer
            stop.set()
            wake.set()
            await worker
            await watcher
            await server.close_all_connections()
    log.info("telegram.webhook_stopped")


async def serve_webhook_until_signal(app: App, intake: Intake, *, url: str, port: int) -> None:
    """`serve_webhook` until SIGTERM or SIGINT."""
    await serve_webhook(app, intake, url=url, port=port, stop=stop_on_signals())


def run_webhook(app: App, intake: Intake, *, url: str, port: int) -> None:
    """Our durable webhook server on 0.0.0.0:`port` at the path of `url`, until SIGINT/SIGTERM."""
    asyncio.run(serve_webhook_until_signal(app, intake, url=url, port=port))
