"""Channel-neutral values the conversation core takes in and gives back."""

from __future__ import annotations

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
class Reply:
    """Plain text (never escaped here: adapters escape) with optional rows of buttons.

    `to_staff` marks a notification for the LPR office; adapters send it to the staff chat
    instead of the user.
    """

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    to_staff: bool = False

    def as_json(self) -> dict[str, object]:
        """JSON-ready form for an outbox row."""
        return {
            "text": self.text,
            "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in self.buttons],
            "to_staff": self.to_staff,
        }

    @classmethod
    def from_json(cls, payload: dict[str, object]) -> Reply:
        rows = payload.get("buttons") or []
        assert isinstance(rows, list)
        buttons = [
            [Button(label=str(b["label"]), data=str(b["data"])) for b in row] for row in rows
        ]
        return cls(
            text=str(payload["text"]), buttons=buttons, to_staff=bool(payload.get("to_staff"))
        )
