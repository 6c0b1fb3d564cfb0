"""Terminal channel: stdin lines in, numbered replies out, the same core as Telegram."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.conversation import Attachment, Conversation, Incoming, Reply
from bot.storage import inbox_repo

if TYPE_CHECKING:
    from bot.wiring import Services

log = logging.getLogger(__name__)

CONSOLE_USER = -1
"""Negative, so that the console user never meets a Telegram user in a shared database."""

INTRO = (
    "KommPräv-Lotse im Terminal. Fragen einfach eintippen; Befehle beginnen mit / (/hilfe). "
    "Knöpfe drücken Sie mit #1, #2 … oder indem Sie die Aufschrift eintippen. "
    "Beenden mit „tschüss“, /ende oder Strg+D.\n"
)
OFFICE_HEADER = "--- Nachricht der Geschäftsstelle LPR ---"
STAFF_HEADER = "--- Nachricht an die Geschäftsstelle (im Telegram-Betrieb an STAFF_CHAT_ID) ---"
# What people type to leave a terminal program, with and without the slash.
EXIT_COMMANDS = frozenset(
    {"/ende", "/exit", "/quit", "ende", "exit", "quit", "tschüss", "tschüs", "tschuess"}
)
GOODBYE = (
    "Auf Wiedersehen! Ihr Gespräch und angefangene Entwürfe bleiben gespeichert; "
    "mit `make run` oder `kommpraev chat` geht es später weiter.\n"
)


def run_console(services: Services) -> int:
    """Chat in the terminal until end of input or /ende; state is kept in the database.

    The caller built `services` (database migrated) and closes them afterwards.
    """
    exports = services.settings.data_dir / "exports"
    return chat_loop(services.conversation("console"), sys.stdin, sys.stdout, exports=exports)


def chat_loop(
    conversation: Conversation, lines: TextIO, out: TextIO, *, exports: Path | None = None
) -> int:
    """Every way out (a word, end of input, Ctrl-C) ends with the same goodbye and status 0.

    Files the assistant sends (a draft as DOCX/PDF) are written to `exports`.
    """
    last: list[Reply] = []
    try:
        out.write(INTRO + "\n")
        out.flush()
        for line in lines:
            text = line.rstrip("\n")
            if text.strip().casefold() in EXIT_COMMANDS:
                break
            incoming = to_incoming(text, last)
            replies = [*office_news(conversation), *conversation.handle(incoming)]
            out.write(render(replies, exports))
            out.flush()
            last = [r for r in replies if not r.to_staff] or last
    except KeyboardInterrupt:
        out.write("\n")  # Ctrl-C leaves the cursor after "^C"
    out.write(GOODBYE)
    out.flush()
    return 0


def office_news(conversation: Conversation) -> list[Reply]:
    """What the office sent from the review workspace since the last line (Telegram delivers
    these by itself; here they are shown before the next reply)."""
    with conversation.sessions.begin() as session:
        rows = [r for r in inbox_repo.unsent(session, limit=50) if r.chat_id == CONSOLE_USER]
        for row in rows:
            inbox_repo.mark_sent(session, outbox_id=row.id)
        return [_from_office(Reply.from_json(row.payload)) for row in rows]


def _from_office(reply: Reply) -> Reply:
    return Reply(f"{OFFICE_HEADER}\n{reply.text}", reply.buttons)


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


def render(replies: list[Reply], exports: Path | None = None) -> str:
    """Replies as plain text; buttons numbered across all replies of one turn."""
    parts: list[str] = []
    number = 0
    for reply in replies:
        text = f"{STAFF_HEADER}\n{reply.text}\n---" if reply.to_staff else reply.text
        lines = [text]
        if reply.attachment is not None:
            lines.append(_save(reply.attachment, exports))
        for row in reply.buttons:
            labels = []
            for button in row:
                number += 1
                labels.append(f"[#{number} {button.label}]")
            lines.append("  ".join(labels))
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n\n"


def _save(attachment: Attachment, exports: Path | None) -> str:
    """Write a sent file where the user can open it; say where (or that it was not kept)."""
    if exports is None:
        return f"[Datei {attachment.filename}, {len(attachment.data)} Bytes]"
    exports.mkdir(parents=True, exist_ok=True)
    # The name comes from the core ("KommPraev-Entwurf-3-v1.docx"); never a path from outside.
    target = exports / Path(attachment.filename).name
    target.write_bytes(attachment.data)
    return f"[Datei gespeichert: {target}]"
