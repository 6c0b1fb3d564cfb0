"""A municipal clerk talking to the pure dialogue (`dispatch.handle`), no database involved."""

from __future__ import annotations

from datetime import date

from bot.conversation.dispatch import handle
from bot.conversation.messages import Incoming, Reply
from bot.conversation.state import DialogueState
from bot.conversation.turn import Context
from tests.conversation.memory_store import MemoryStore
from tests.fakes.answerer import PreparedAnswerer

TODAY = date(2026, 9, 15)


class Clerk:
    """Types and presses; `last` holds the replies of the latest action."""

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
        self.can_reach_staff = can_reach_staff
        self.last: list[Reply] = []
        self.staff: list[Reply] = []

    def _ctx(self) -> Context:
        return Context(
            answerer=self.answerer,
            today=self.today,
            can_reach_staff=self.can_reach_staff,
            office_email="lpr@example.org",
            office_phone="0351 000",
            owner_id=7,
        )

    def _do(self, incoming: Incoming) -> list[Reply]:
        # The saved state goes through JSON, as between two actions in the product.
        state = DialogueState.load(self.state.dump())
        outcome = handle(state, incoming, self._ctx(), self.store)
        self.state = outcome.state
        self.last = [r for r in outcome.replies if not r.to_staff]
        self.staff += [r for r in outcome.replies if r.to_staff]
        return self.last

    def says(self, text: str) -> list[Reply]:
        return self._do(Incoming.from_text(user_id=7, chat_id=7, text=text))

    def presses(self, label: str) -> list[Reply]:
        for reply in reversed(self.last):
            for row in reply.buttons:
                for button in row:
                    if button.label == label:
                        return self.presses_data(button.data)
        raise AssertionError(f"no button {label!r} in {self.buttons()}")

    def presses_data(self, data: str) -> list[Reply]:
        return self._do(Incoming(user_id=7, chat_id=7, kind="button", button=data))

    def text(self) -> str:
        return "\n\n".join(r.text for r in self.last)

    def buttons(self) -> list[str]:
        return [b.label for r in self.last for row in r.buttons for b in row]

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
