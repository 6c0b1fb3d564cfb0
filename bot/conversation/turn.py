"""One user action in progress: the state being changed, the user's store, and the context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.conversation.asking import QuestionAnswerer
from bot.conversation.state import DialogueState
from bot.conversation.store import DraftRecord, Store
from retrieval import Answer


@dataclass(frozen=True)
class Context:
    """What a turn may know besides the user's own data; no clock calls past `today`."""

    answerer: QuestionAnswerer
    today: date
    now: datetime
    can_reach_staff: bool
    office_email: str
    office_phone: str
    owner_id: int
    retention_days: int = 180
    """After how many days untouched drafts are deleted (for the privacy notice)."""
    review_url: str = ""
    """Where staff open the review workspace; links in notifications to the office."""
    prepared: dict[str, Answer] = field(default_factory=dict)
    """Answers computed before the transaction opened, by question text."""


@dataclass
class Turn:
    """Handlers change `state` and the store and return replies; nothing else is shared."""

    state: DialogueState
    store: Store
    ctx: Context
    deleted: bool = False

    def active(self) -> DraftRecord | None:
        """The draft the dialogue works on; None when there is none (never picks one)."""
        if self.state.draft_id is None:
            return None
        return self.store.get(self.state.draft_id)

    def answer(self, question: str) -> Answer:
        """The answer to a question, computed before the transaction when it was foreseen."""
        prepared = self.ctx.prepared.get(question)
        return prepared if prepared is not None else self.ctx.answerer.answer(question)
