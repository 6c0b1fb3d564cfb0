"""Terminal channel: stdin lines in, numbered replies out, the same core as Telegram."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.conversation import Conversation, Incoming, Reply
from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker, migrate
from retrieval import Answerer

log = logging.getLogger(__name__)

CONSOLE_USER = -1
"""Negative, so that the console user never meets a Telegram user in a shared database."""

INTRO = (
    "KommPräv-Lotse im Terminal. Fragen einfach eintippen; Befehle beginnen mit / (/hilfe). "
    "Knöpfe drücken Sie mit #1, #2 … oder indem Sie die Aufschrift eintippen. "
    "Beenden mit „tschüss“, /ende oder Strg+D.\n"
)
STAFF_HEADER = "--- Nachricht an die Geschäftsstelle (im Telegram-Betrieb an STAFF_CHAT_ID) ---"
# What people type to leave a terminal program, with and without the slash.
EXIT_COMMANDS = frozenset(
    {"/ende", "/exit", "/quit", "ende", "exit", "quit", "tschüss", "tschüs", "tschuess"}
)
GOODBYE = (
    "Auf Wiedersehen! Ihr Gespräch und angefangene Entwürfe bleiben gespeichert; "
    "mit `make run` oder `kommpraev chat` geht es später weiter.\n"
)


def run_console(settings: Settings, answerer: Answerer) -> int:
    """Chat in the terminal until end of input or /ende; state is kept in the database."""
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        conversation = Conversation(
            sessions=make_sessionmaker(engine),
            answerer=answerer,
            clock=lambda: datetime.now(UTC),
            settings=settings,
            channel="console",
        )
        return chat_loop(conversation, sys.stdin, sys.stdout)
    finally:
        engine.dispose()


def chat_loop(conversation: Conversation, lines: TextIO, out: TextIO) -> int:
    """Every way out (a word, end of input, Ctrl-C) ends with the same goodbye and status 0."""
    last: list[Reply] = []
    try:
        out.write(INTRO + "\n")
        out.flush()
        for line in lines:
            text = line.rstrip("\n")
            if text.strip().casefold() in EXIT_COMMANDS:
                break
            incoming = to_incoming(text, last)
            replies = conversation.handle(incoming)
            out.write(render(replies))
            out.flush()
            last = [r for r in replies if not r.to_staff] or last
    except KeyboardInterrupt:
        out.write("\n")  # Ctrl-C leaves the cursor after "^C"
    out.write(GOODBYE)
    out.flush()
    return 0


def to_incoming(text: str, last: list[Reply]) -> Incoming:
    """ "#2" presses the second button of the last replies; so does typing a button's label."""
    buttons = [b for reply in last for row in reply.buttons for b in row]
    stripped = text.strip()
    if stripped.startswith("#") and stripped[1:].isdigit():
        number = int(stripped[1:])
        if 1 <= number <= len(buttons):
            return _press(buttons[number - 1].data)
    for button in buttons:
        if stripped and stripped.casefold() == button.label.casefold():
            return _press(button.data)
    return Incoming.from_text(user_id=CONSOLE_USER, chat_id=CONSOLE_USER, text=text)


def _press(data: str) -> Incoming:
    return Incoming(user_id=CONSOLE_USER, chat_id=CONSOLE_USER, kind="button", button=data)


def render(replies: list[Reply]) -> str:
    """Replies as plain text; buttons numbered across all replies of one turn."""
    parts: list[str] = []
    number = 0
    for reply in replies:
        text = f"{STAFF_HEADER}\n{reply.text}\n---" if reply.to_staff else reply.text
        lines = [text]
        for row in reply.buttons:
            labels = []
            for button in row:
                number += 1
                labels.append(f"[#{number} {button.label}]")
            lines.append("  ".join(labels))
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n\n"
