"""A municipal clerk talking to the pure dialogue (`dispatch.handle`), no database involved."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.conversation.dispatch import handle
from bot.conversation.messages import Incoming, Reply
from bot.conversation.state import DialogueState
from bot.conversation.turn import Context
from tests.conversation.conftest import User
from tests.conversation.memory_store import MemoryStore
from tests.fakes.answerer import PreparedAnswerer

TODAY = date(2026, 9, 15)


class Clerk(User):
    """A `User` of the pure core: state and drafts in memory, no database."""

    def __init__(
        self,
        answerer: PreparedAnswerer | None = None,
        *,
        today: date = TODAY,
        can_reach_staff: bool = True,
    ) -> None:
        self.answerer = answerer or PreparedAnswerer({})
        self.store = MemoryStore()
        self.state = DialogueState()
        self.today = today
        self.now = datetime.combine(today, time(10, 0), tzinfo=UTC)
        self.can_reach_staff = can_reach_staff
        self.user_id = 7
        self.last: list[Reply] = []
        self.staff: list[Reply] = []

    def _ctx(self) -> Context:
        return Context(
            answerer=self.answerer,
            today=self.today,
            now=self.now,
            can_reach_staff=self.can_reach_staff,
            office_email="lpr@example.org",
            office_phone="0351 000",
            owner_id=7,
        )

    def _handle(self, incoming: Incoming) -> list[Reply]:
        # The saved state goes through JSON, as between two actions in the product.
        state = DialogueState.load(self.state.dump())
        outcome = handle(state, incoming, self._ctx(), self.store)
        self.state = outcome.state
        self.last = outcome.replies
        self.staff += [r for r in outcome.replies if r.to_staff]
        return self.last

    @property
    def draft(self):  # type: ignore[no-untyped-def]
        records = self.store.all()
        assert records, "no draft yet"
        record = self.store.get(self.state.draft_id or records[-1].id)
        assert record is not None
        return record.draft

    def starts_a_draft(self) -> None:
        self.says("/antrag")
        self.presses("Verstanden, weiter")

    def fills_applicant_and_contact(self, kind: str = "Gemeinde") -> None:
        self.starts_a_draft()
        self.says("Gemeinde Kleinstadt")
        self.presses(kind)
        for answer in ("Meißen", "Markt 1", "01662", "Kleinstadt"):
            self.says(answer)
        for answer in ("Erika Muster", "Ordnungsamt", "e.muster@kleinstadt.de", "03521 0"):
            self.says(answer)
