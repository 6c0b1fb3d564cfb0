"""How Telegram updates arrive: our durable long polling, or our durable webhook.

Telegram keeps an update until a later `getUpdates` carries an `offset` above its id. PTB's
Updater sends that offset as soon as it has fetched a batch, before a handler has stored
anything, so a process killed in between loses messages. This loop keeps the order safe:

1. `getUpdates(offset)`: returns the oldest updates Telegram still holds, as raw JSON; each is
   parsed on its own (`telegram_updates`), so one unreadable update is quarantined instead of
   blocking every later one.
2. `accept`: record them in the inbox (one transaction; a re-delivered update_id is ignored).
3. `offset = last + 1`; the next `getUpdates` confirms the batch. It is sent at once, with
   timeout 0, whenever the last call returned something (and what it brings is recorded and
   confirmed the same way, a few batches in a row at most).
4. `drain(below=...)`: process only updates Telegram has already forgotten, then deliver. A
   drain stops after a short time slice when work is left (`Drained.MORE`): the loop then asks
   Telegram again at once, so a message arriving during one user's flood is recorded (and
   taken in its turn) within a slice instead of after the whole flood.

Why process only confirmed updates: an update processed but not yet confirmed would be delivered
again after a crash, and if processing deleted its inbox row (/loeschen deletes all of a user's
rows) nothing would recognise it as a duplicate. After a `getUpdates` returned a batch starting
at update u, every recorded update below u is confirmed (Telegram hands out the oldest first);
after an empty answer, every recorded update is.

Webhook mode (`run_webhook`) lives in `telegram_webhook`: there a POST is answered 200 only after
`accept` has recorded its update, and a worker drains the inbox afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import signal
from collections.abc import Awaitable, Sequence
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from telegram import Bot, Update
from telegram.error import EndPointNotFound, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.channels.telegram_updates import Quarantined, fetch

log = logging.getLogger(__name__)

LONG_POLL_S = 25
"""How long one `getUpdates` waits for news; Telegram allows up to 50 s."""

RETRY_S = 5
"""Poll timeout while replies wait for delivery, so they are retried soon."""

MAX_BACKOFF_S = 30.0
"""Longest pause after repeated errors of `getUpdates`."""

CONFIRM_ROUNDS = 3
"""Batches recorded and confirmed in a row before the drain gets its turn."""

T = TypeVar("T")
App = Application[Any, Any, Any, Any, Any, Any]


class Drained(enum.Enum):
    """How a `drain` ended."""

    DONE = "done"
    """Nothing left to process below the bound, every reply delivered."""
    MORE = "more"
    """The time slice ended with updates still waiting: drain again soon."""
    UNDELIVERED = "undelivered"
    """Replies left unsent (network trouble): retry in a few seconds."""


class Intake(Protocol):
    """What the loop needs from a channel: record a batch, process and deliver, a menu."""

    async def set_commands(self, bot: Bot) -> None:
        """Publish the command menu (must not raise on Telegram errors)."""

    async def accept(
        self, bot: Bot, updates: Sequence[Update], *, quarantined: Sequence[Quarantined] = ()
    ) -> None:
        """Record the updates (and the ids of unreadable ones) durably, raising if that failed;
        then quick acknowledgements."""

    async def drain(
        self, bot: Bot, *, below: int | None = None, stop: asyncio.Event | None = None
    ) -> Drained:
        """Process recorded updates with ids below `below` (all if None) for one time slice,
        and deliver replies."""


WATCH_S = 2.0
"""How often the loop looks for messages nobody prompted (from the review workspace)."""


async def watch_outbox(intake: Intake, *, wake: asyncio.Event, stop: asyncio.Event) -> None:
    """Set `wake` whenever messages wait that no update will carry out: the office's answers
    from the review workspace (maybe another process), and dead letters that came due."""
    waiting = getattr(intake, "outbox_waiting", None)
    if waiting is None:  # an Intake without a database (tests)
        return
    while not stop.is_set():
        try:
            if await waiting():
                wake.set()
        except Exception as exc:  # database trouble: the next look may succeed
            log.warning("telegram.watch_failed error=%s", _name(exc))
        await _sleep_unless_stopped(WATCH_S, stop)


async def poll(
    bot: Bot,
    intake: Intake,
    *,
    stop: asyncio.Event,
    poll_timeout: int = LONG_POLL_S,
    retry_s: int = RETRY_S,
) -> None:
    """Poll, record, confirm, process, deliver until `stop` is set; leftovers go first.

    A long poll is cut short when the office's messages wait (`watch_outbox`), so that they
    go out within seconds rather than with the next user message.
    """
    wake = asyncio.Event()
    watcher = asyncio.create_task(watch_outbox(intake, wake=wake, stop=stop))
    try:
        await _poll(bot, intake, stop=stop, wake=wake, poll_timeout=poll_timeout, retry_s=retry_s)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def _poll(
    bot: Bot,
    intake: Intake,
    *,
    stop: asyncio.Event,
    wake: asyncio.Event,
    poll_timeout: int,
    retry_s: int,
) -> None:
    offset: int | None = None  # None: Telegram sends everything it still holds
    unconfirmed = True  # at start: what Telegram holds may be recorded already
    drained = Drained.DONE
    failures = 0
    # getUpdates is refused while a webhook is set (e.g. by an earlier webhook deployment).
    with contextlib.suppress(TelegramError):
        await bot.delete_webhook()
    while not stop.is_set():
        if unconfirmed or drained is Drained.MORE:
            wait = 0
        else:
            wait = poll_timeout if drained is Drained.DONE else retry_s
        try:
            wake.clear()
            batch = await _unless_stopped(fetch(bot, offset=offset, wait_s=wait), stop, wake)
            if batch is None and not stop.is_set():  # woken: the office's messages wait
                drained = await intake.drain(bot, below=offset or 0, stop=stop)
                continue
            rounds = 0
            while batch is not None and batch.last_id is not None:
                await intake.accept(bot, batch.updates, quarantined=batch.quarantined)
                offset = batch.last_id + 1
                rounds += 1
                if rounds == CONFIRM_ROUNDS:
                    break  # recorded, confirmed by the next poll; processing goes on first
                # Confirm at once (it may bring more): the drain below can then take what
                # was just recorded, instead of one time slice later.
                batch = await _unless_stopped(fetch(bot, offset=offset, wait_s=0), stop)
            if batch is None:
                break
            unconfirmed = batch.first_id is not None
            drained = await intake.drain(bot, below=batch.first_id, stop=stop)
            failures = 0
        except (InvalidToken, EndPointNotFound):  # the token was refused (revoked, mistyped)
            raise
        except RetryAfter as exc:
            log.warning("telegram.poll_throttled retry_after=%s", exc.retry_after)
            await _sleep_unless_stopped(_seconds(exc.retry_after), stop)
        except Exception as exc:  # network, Telegram or database trouble: wait, then again
            failures += 1
            pause = min(MAX_BACKOFF_S, 0.5 * 2**failures)
            log.warning("telegram.poll_failed error=%s retry_in=%.1fs", _name(exc), pause)
            await _sleep_unless_stopped(pause, stop)
    log.info("telegram.poll_stopped offset=%s", offset)


async def serve(
    app: App,
    intake: Intake,
    *,
    stop: asyncio.Event,
    poll_timeout: int = LONG_POLL_S,
) -> None:
    """Run the loop on PTB's bot until `stop` is set; closes the HTTP session at the end."""
    async with app:  # getMe, rate limiter; on exit the bot's HTTP clients are closed
        await intake.set_commands(app.bot)
        await poll(app.bot, intake, stop=stop, poll_timeout=poll_timeout)


async def serve_until_signal(app: App, intake: Intake) -> None:
    """`serve` until SIGTERM or SIGINT: the update in hand is finished, then a clean exit."""
    await serve(app, intake, stop=stop_on_signals())


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT (call inside the running loop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, _stop, stop, sig)
    return stop


def _stop(stop: asyncio.Event, sig: signal.Signals) -> None:
    log.info("telegram.stopping signal=%s", sig.name)
    stop.set()


async def _unless_stopped(
    work: Awaitable[T], stop: asyncio.Event, wake: asyncio.Event | None = None
) -> T | None:
    """The result of `work`, or None when `stop` (or `wake`) was set first (then `work` is
    cancelled).

    Cancelling a getUpdates loses nothing: its updates were not confirmed, so Telegram
    sends them again.
    """
    task = asyncio.ensure_future(work)
    stoppers = {asyncio.ensure_future(stop.wait())}
    if wake is not None:
        stoppers.add(asyncio.ensure_future(wake.wait()))
    await asyncio.wait({task, *stoppers}, return_when=asyncio.FIRST_COMPLETED)
    for stopper in stoppers:
        stopper.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, TelegramError):
        await task
    return None


async def _sleep_unless_stopped(seconds: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _name(exc: BaseException) -> str:
    return type(exc).__name__
