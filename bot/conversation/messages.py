"""Channel-neutral values the conversation core takes in and gives back."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "button", "command", "other"]


@dataclass(frozen=True)
class Incoming:
    """One thing a user did: typed text, pressed a button, sent a command, or something else.

    `command` is the bare name without slash or bot suffix ("antrag"); `text` keeps what was
    typed. `button` is the callback data of the pressed button.
    """

    user_id: int
    chat_id: int
    kind: Kind
    text: str | None = None
    button: str | None = None
    command: str | None = None

    @classmethod
    def from_text(cls, *, user_id: int, chat_id: int, text: str) -> Incoming:
        """Typed text; a leading "/" makes it a command ("/antrag@bot x" -> "antrag")."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            name = stripped[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()
            return cls(user_id=user_id, chat_id=chat_id, kind="command", text=text, command=name)
        return cls(user_id=user_id, chat_id=chat_id, kind="text", text=text)


@dataclass(frozen=True)
class Button:
    """An answer the user can press instead of typing; `data` is at most 64 bytes."""

    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply (a draft exported as DOCX or PDF)."""

    filename: str
    data: bytes

    def as_json(self) -> dict[str, str]:
        return {"filename": self.filename, "data": base64.b64encode(self.data).decode()}

    @classmethod
    def from_json(cls, payload: object) -> Attachment | None:
        if not isinstance(payload, dict):
            return None
        return cls(filename=str(payload["filename"]), data=base64.b64decode(payload["data"]))


@dataclass(frozen=True)
class Reply:
    """Plain text (never escaped here: adapters escape) with optional rows of buttons.

    `to_staff` marks a notification for the LPR office; adapters send it to the staff chat
    instead of the user. `dedupe_key` names a message that must reach its chat at most once
    however often it is produced (e.g. "draft:7:v2" for the notification of a submission).
    """

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    to_staff: bool = False
    dedupe_key: str | None = None
    attachment: Attachment | None = None

    def as_json(self) -> dict[str, object]:
        """JSON-ready form for an outbox row."""
        return {
            "text": self.text,
            "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in self.buttons],
            "to_staff": self.to_staff,
            "dedupe_key": self.dedupe_key,
            "attachment": self.attachment.as_json() if self.attachment else None,
        }

    @classmethod
    def from_json(cls, payload: dict[str, object]) -> Reply:
        rows = payload.get("buttons") or []
        assert isinstance(rows, list)
        buttons = [
            [Button(label=str(b["label"]), data=str(b["data"])) for b in row] for row in rows
        ]
        key = payload.get("dedupe_key")
        return cls(
            text=str(payload["text"]),
            buttons=buttons,
            to_staff=bool(payload.get("to_staff")),
            dedupe_key=str(key) if key is not None else None,
            attachment=Attachment.from_json(payload.get("attachment")),
        )
