"""How Telegram updates arrive: our durable long polling, or our durable webhook.

Telegram keeps an update until a later `getUpdates` carries an `offset` above its id. PTB's
Updater sends that offset as soon as it has fetched a batch, before a handler has stored
anything, so a process killed in between loses messages. This loop keeps the order safe:

1. `getUpdates(offset)`: returns the oldest updates Telegram still holds.
2. `accept`: record them in the inbox (one transaction; a re-delivered update_id is ignored).
3. `offset = last + 1`; the next `getUpdates` confirms the batch. It is sent at once, with
   timeout 0, whenever the last call returned something.
4. `drain(below=...)`: process only updates Telegram has already forgotten, then deliver.

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
import logging
import signal
from collections.abc import Awaitable, Sequence
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

log = logging.getLogger(__name__)

LONG_POLL_S = 25
"""How long one `getUpdates` waits for news; Telegram allows up to 50 s."""

RETRY_S = 5
"""Poll timeout while replies wait for delivery, so they are retried soon."""

MAX_BACKOFF_S = 30.0
"""Longest pause after repeated errors of `getUpdates`."""

T = TypeVar("T")
App = Application[Any, Any, Any, Any, Any, Any]


class Intake(Protocol):
    """What the loop needs from a channel: record a batch, process and deliver, a menu."""

    async def set_commands(self, bot: Bot) -> None:
        """Publish the command menu (must not raise on Telegram errors)."""

    async def accept(self, bot: Bot, updates: Sequence[Update]) -> None:
        """Record the updates durably (raises if that failed), then quick acknowledgements."""

    async def drain(
        self, bot: Bot, *, below: int | None = None, stop: asyncio.Event | None = None
    ) -> bool:
        """Process recorded updates with ids below `below` (all if None) and deliver replies.

        Returns False when replies are left undelivered (network trouble).
        """


async def poll(
    bot: Bot,
    intake: Intake,
    *,
    stop: asyncio.Event,
    poll_timeout: int = LONG_POLL_S,
    retry_s: int = RETRY_S,
) -> None:
    """Poll, record, confirm, process, deliver until `stop` is set; leftovers go first."""
    offset: int | None = None  # None: Telegram sends everything it still holds
    unconfirmed = True  # at start: what Telegram holds may be recorded already
    delivered = True
    failures = 0
    # getUpdates is refused while a webhook is set (e.g. by an earlier webhook deployment).
    with contextlib.suppress(TelegramError):
        await bot.delete_webhook()
    while not stop.is_set():
        wait = 0 if unconfirmed else (poll_timeout if delivered else retry_s)
        try:
            updates = await _unless_stopped(
                bot.get_updates(offset=offset, timeout=wait, allowed_updates=Update.ALL_TYPES),
                stop,
            )
            if updates is None:
                break
            if updates:
                await intake.accept(bot, updates)
                offset = updates[-1].update_id + 1
            unconfirmed = bool(updates)
            below = updates[0].update_id if updates else None
            delivered = await intake.drain(bot, below=below, stop=stop)
            failures = 0
        except InvalidToken:
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


def run_webhook(app: App, intake: Intake, *, url: str, port: int) -> None:
    """Our durable webhook server on 0.0.0.0:`port` at the path of `url`, until SIGINT/SIGTERM."""
    # Imported here: tornado is only needed (and loaded) in webhook mode.
    from bot.channels.telegram_webhook import serve_webhook_until_signal

    asyncio.run(serve_webhook_until_signal(app, intake, url=url, port=port))


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


async def _unless_stopped(work: Awaitable[T], stop: asyncio.Event) -> T | None:
    """The result of `work`, or None when `stop` was set first (then `work` is cancelled).

    Cancelling a getUpdates loses nothing: its updates were not confirmed, so Telegram
    sends them again.
    """
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
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
