"""Button payloads as typed actions, with the one encoder and decoder of Telegram's 64 bytes.

Every button the core shows carries one of these; `decode` turns the callback data back into
the action, and anything it cannot read (an old or forged payload) becomes `Unknown`.
Example: `encode(Choose(step="applicant.kind", index=2))` -> "a:applicant.kind:2".
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.conversation.state import ItemKind

CALLBACK_LIMIT = 64


class Action(BaseModel):
    """A button's meaning. `CODE` is its prefix in callback data; fields follow in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    CODE: ClassVar[str] = ""


class Choose(Action):
    CODE = "a"
    step: str
    index: int


class Skip(Action):
    CODE = "skip"
    step: str


class Back(Action):
    CODE = "back"
    step: str


class PrivacyOk(Action):
    CODE = "privacy"


class RunCommand(Action):
    CODE = "cmd"
    name: str


class Pick(Action):
    """A suggestion of an ask-back."""

    CODE = "s"
    key: str


class ShowSection(Action):
    CODE = "sec"
    section: str


class EditGroup(Action):
    CODE = "edit"
    group: str


class ShowItem(Action):
    CODE = "item"
    year: int
    kind: ItemKind
    index: int


class EditItemField(Action):
    CODE = "ifield"
    year: int
    kind: ItemKind
    index: int
    step: str


class DeleteItem(Action):
    CODE = "idel"
    year: int
    kind: ItemKind
    index: int


class AddItem(Action):
    """Add a post ("p"), a material item ("m") to `year`, or a new year (`kind` "y")."""

    CODE = "iadd"
    kind: str
    year: int


class Resume(Action):
    CODE = "resume"
    draft_id: int


class NewDraft(Action):
    CODE = "new"


class Switch(Action):
    CODE = "switch"
    draft_id: int


class Submit(Action):
    CODE = "submit"
    draft_id: int
    version: int


class Export(Action):
    CODE = "export"
    draft_id: int
    format: str


class Forward(Action):
    CODE = "forward"


class Rate(Action):
    """👍 or 👎 under an answer; `token` names the answer (an older one's tap is stale)."""

    CODE = "rate"
    token: str
    good: bool


class NotifyMe(Action):
    """Under a declined question: tell me when the office has an answer."""

    CODE = "notify"
    log_id: int


class Revise(Action):
    """Under the office's Rückfrage: open that draft to change and hand in again."""

    CODE = "rev"
    draft_id: int


class SlotReply(Action):
    """Under an appointment the office proposed: take it or not."""

    CODE = "slot"
    request_id: int
    accept: bool


class Confirm(Action):
    """Yes or no to the open confirmation of `what` (delete, submit, value, item_delete …)."""

    CODE = "ok"
    what: str
    yes: bool


class SaveAnswer(Action):
    CODE = "save"


class AskInstead(Action):
    CODE = "askq"


class AskMode(Action):
    """ "Frage stellen": the next text is a question, not the answer to the open step."""

    CODE = "ask"


class Unknown(Action):
    CODE = "?"


ACTIONS: tuple[type[Action], ...] = (
    Choose, Skip, Back, PrivacyOk, RunCommand, Pick, ShowSection, EditGroup, ShowItem,
    EditItemField, DeleteItem, AddItem, Resume, NewDraft, Switch, Submit, Export, Forward,
    Confirm, SaveAnswer, AskInstead, AskMode, Revise, SlotReply, Rate, NotifyMe,
)  # fmt: skip
_BY_CODE = {cls.CODE: cls for cls in ACTIONS}


def encode(action: Action) -> str:
    """Callback data for a button; raises when it would exceed Telegram's 64 bytes."""
    parts = [action.CODE]
    for name in type(action).model_fields:
        value = getattr(action, name)
        parts.append(("1" if value else "0") if isinstance(value, bool) else str(value))
    data = ":".join(parts)
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data of {len(data.encode())} bytes: {data[:20]}…")
    return data


def decode(data: str) -> Action:
    """The action behind callback data; `Unknown` for anything we never encoded."""
    code, _, rest = data.partition(":")
    cls = _BY_CODE.get(code)
    if cls is None:
        return Unknown()
    names = list(cls.model_fields)
    values = rest.split(":", len(names) - 1) if names else []
    if len(values) != len(names) or (not names and rest):
        return Unknown()
    try:
        return cls.model_validate(dict(zip(names, values, strict=True)))
    except ValidationError:
        return Unknown()
