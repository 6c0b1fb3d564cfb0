"""Logging for the whole process: one stderr handler whose filter keeps user content out.

What would leak otherwise, and what stops it:

* httpx logs every request URL at INFO, and a Bot API URL contains the bot token: httpx and
  httpcore log at WARNING only, and every secret is replaced wherever it still shows up.
* PTB's `telegram.*` loggers dump request parameters and raw answers at DEBUG (what users
  typed, their names) and, at CRITICAL, a `getUpdates` answer it could not parse: in PTB's
  records every argument that is not a number or a bare word is replaced by "[redacted]"
  ("Calling Bot API endpoint `sendMessage` with parameters `[redacted]`").
* SQLAlchemy logs SQL parameters (inbox payloads) once its loggers inherit INFO: WARNING only.
* An exception's message may quote its input (pydantic, SQLAlchemy parameters, PTB's parse
  errors): tracebacks keep every frame and exception class, never the message.

The filter sits on the handler, not on the `telegram` logger: a logger's filters only see
records logged on that very logger, not those of `telegram.Bot` or `telegram.ext.ExtBot`.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import re
import sys
import traceback
from collections.abc import Iterable, Mapping
from typing import TextIO
from urllib.parse import quote

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
REDACTED = "[redacted]"
WITHHELD = "[message withheld]"

QUIET = (
    "alembic",
    "apscheduler",
    "bm25s",
    "chromadb",
    "hpack",
    "httpcore",
    "httpx",
    "posthog",
    "sqlalchemy",
    "tornado.access",
    "urllib3",
    "uvicorn.access",
)
"""Loggers kept at WARNING: below it they log URLs with the token, SQL parameters or noise."""

_BARE_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,63}")
"""An argument PTB may keep: an endpoint or class name ("sendMessage"), never a sentence."""


def secrets_of(settings: Settings) -> list[str]:
    """The values no log line may show: bot token, LLM key, the database URL's password."""
    found = [
        settings.telegram_bot_token.get_secret_value(),
        settings.llm_api_key.get_secret_value(),
    ]
    database = settings.database_url.get_secret_value()
    if database:
        with contextlib.suppress(ArgumentError, ValueError):
            found.append(make_url(database).password or "")
    return [value for value in found if value]


def configure(
    level: str = "INFO", *, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> None:
    """Log to `stream` (stderr) at `level` through `Redact`; replaces earlier handlers."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redact(secrets))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


class Redact(logging.Filter):
    """Rewrites each record so that its final text carries no user content and no secret."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Very short values would blank out ordinary words; tokens and keys are long.
        variants = {v for s in secrets if len(s) >= 6 for v in (s, quote(s, safe=""))}
        self._secrets = sorted(variants, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if _is_ptb(record.name):
            if not isinstance(record.msg, str):
                record.msg = REDACTED
            record.args = _scrub(record.args)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = frames_only(record.exc_info[1])
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging would print the arguments
            message = f"{record.msg} {REDACTED}"
        record.msg, record.args = self.hide(message), None
        if record.exc_text:
            record.exc_text = self.hide(record.exc_text)
        if record.stack_info:
            record.stack_info = self.hide(record.stack_info)
        return True

    def hide(self, text: str) -> str:
        """`text` with every secret replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def frames_only(exc: BaseException) -> str:
    """A traceback with every frame and exception class of the chain, without the messages.

    Example: ValueError("Kommune 'Pirna' fehlt") raised in f -> "Traceback (most recent call
    last):\\n  File ..., in f\\n ...\\nValueError: [message withheld]".
    """
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        cause = current.__cause__
        current = (
            cause if cause is not None or current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for index, item in enumerate(reversed(chain)):
        if index:
            parts.append("\nThe above exception led to the following one:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(item.__traceback__))
        kind = type(item)
        name = (
            kind.__qualname__
            if kind.__module__ == "builtins"
            else f"{kind.__module__}.{kind.__qualname__}"
        )
        parts.append(f"{name}: {WITHHELD}\n")
    return "".join(parts).rstrip("\n")


class _Redacted:
    """Stands in for an argument: shows as [redacted] with %s and %r alike."""

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__


_REDACTED_ARG = _Redacted()


def _is_ptb(name: str) -> bool:
    return name == "telegram" or name.startswith("telegram.")


def _scrub(args: object) -> tuple[object, ...] | Mapping[str, object] | None:
    if isinstance(args, Mapping):
        return {key: _safe(value) for key, value in args.items()}
    if isinstance(args, tuple):
        return tuple(_safe(value) for value in args)
    return None if args is None else (_REDACTED_ARG,)


def _safe(value: object) -> object:
    """A value kept in a PTB record (numbers, bare words, class names), else "[redacted]"."""
    if value is None or isinstance(value, bool | int | float | enum.Enum):
        return value
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, BaseException):
        return type(value).__name__
    if isinstance(value, str) and _BARE_WORD.fullmatch(value):
        return value
    return _REDACTED_ARG
