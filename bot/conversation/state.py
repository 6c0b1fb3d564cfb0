"""Where one user stands in the dialogue, as a typed model saved as JSON between two actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.conversation.labels import button_label

ItemKind = Literal["p", "m"]
"""A cost item is a post ("p", Personal) or a material item ("m", Sachausgabe)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Offered(_Frozen):
    """One suggestion of an ask-back, kept so that a typed "2" or its label picks it."""

    key: str
    question: str

    @property
    def label(self) -> str:
        return button_label(self.question)

    @property
    def callback(self) -> str:
        return f"s:{self.key}"


class ItemRef(_Frozen):
    """One line of the cost plan: the year, post or material, and its place in that list."""

    year: int
    kind: ItemKind
    index: int


class AwaitDelete(_Frozen):
    kind: Literal["delete"] = "delete"


class AwaitSubmit(_Frozen):
    kind: Literal["submit"] = "submit"
    draft_id: int
    version: int


class AwaitResume(_Frozen):
    kind: Literal["resume"] = "resume"
    draft_id: int


class AwaitForward(_Frozen):
    """The question the documents could not answer, kept until the user decides to forward."""

    kind: Literal["forward"] = "forward"
    question: str


class AwaitValue(_Frozen):
    """An answer that was understood but must be confirmed ("20k" -> 20.000,00 €)."""

    kind: Literal["value"] = "value"
    step: str
    raw: str
    shown: str


class AwaitSaveOrAsk(_Frozen):
    """Text typed at a free-text step that reads like a question: save it, or answer it?"""

    kind: Literal["save_or_ask"] = "save_or_ask"
    step: str
    text: str


class AwaitItemDelete(_Frozen):
    kind: Literal["item_delete"] = "item_delete"
    item: ItemRef


Awaiting = Annotated[
    AwaitDelete
    | AwaitSubmit
    | AwaitResume
    | AwaitForward
    | AwaitValue
    | AwaitSaveOrAsk
    | AwaitItemDelete,
    Field(discriminator="kind"),
]


class CostCursor(BaseModel):
    """Which year and which post or material item the cost steps write to."""

    year: int | None = None
    personnel: int | None = None
    material: int | None = None


class Editing(BaseModel):
    """A change from the summary: re-ask `group` (or one step) and then show `section`."""

    group: str
    section: str
    single: bool = False


class RatedAnswer(BaseModel):
    """An answer the user may rate; `token` ties the buttons to this answer, not a later one."""

    token: str
    question: str
    ref: str


class DialogueState(BaseModel):
    """Everything the dialogue remembers between two actions of one user.

    `awaiting` holds the open confirmations, newest last; answering a question in between keeps
    them, so a tap on "Ja, alles löschen" still deletes after a question was answered.
    """

    step: str | None = None
    draft_id: int | None = None
    awaiting: list[Awaiting] = Field(default_factory=list)
    editing: Editing | None = None
    history: list[str] = Field(default_factory=list)
    offered: tuple[Offered, ...] = ()
    last_step: dict[int, str] = Field(default_factory=dict)
    after_privacy: str | None = None
    asking: bool = False
    cursor: CostCursor = Field(default_factory=CostCursor)
    forwarded: list[datetime] = Field(default_factory=list)
    """When questions were passed to the office lately (to throttle a flood of forwards)."""
    submitted: list[datetime] = Field(default_factory=list)
    """When versions were handed in lately (to throttle re-submission in a loop)."""
    rated: RatedAnswer | None = None
    """The last answer with 👍/👎 under it: what a tap on them rates."""

    @classmethod
    def load(cls, data: dict[str, object] | None) -> DialogueState:
        """The saved state; a state written by an older version starts afresh, never crashes."""
        if not data:
            return cls()
        try:
            return cls.model_validate(data)
        except ValidationError:
            return cls()

    def dump(self) -> dict[str, object]:
        return self.model_dump(mode="json")

    def waiting_for(self, kind: str) -> Awaiting | None:
        return next((a for a in reversed(self.awaiting) if a.kind == kind), None)

    def resolve(self, kind: str) -> None:
        self.awaiting = [a for a in self.awaiting if a.kind != kind]

    def wait_for(self, awaiting: Awaiting) -> None:
        """Open a confirmation; one of each kind, the newest replaces an older one."""
        self.resolve(awaiting.kind)
        self.awaiting.append(awaiting)

    def recent(self, times: list[datetime], now: datetime, window: timedelta) -> list[datetime]:
        """The moments of `times` within `window` before `now` (older ones are forgotten)."""
        return [t for t in times if now - t < window]
