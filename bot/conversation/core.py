"""The conversation core: one `handle(Incoming) -> list[Reply]` per user action, state in SQL.

A question is answered before the write transaction opens (`prepare`), so a slow answer or
LLM call never holds the database's write lock that every other chat waits for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.asking import QuestionAnswerer
from bot.conversation.dispatch import foreseen_question, handle
from bot.conversation.messages import Incoming, Reply
from bot.conversation.state import DialogueState
from bot.conversation.store import SqlStore
from bot.conversation.turn import Context, Turn
from bot.settings import Settings
from bot.storage import dialogue_repo, mail_repo, users_repo
from retrieval import Answer

log = logging.getLogger(__name__)
BERLIN = ZoneInfo("Europe/Berlin")
Clock = Callable[[], datetime]
Prepared = dict[str, Answer]


class Conversation:
    """The assistant's dialogue, independent of any channel; all state lives in the database."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        answerer: QuestionAnswerer,
        clock: Clock,
        settings: Settings,
        channel: str = "telegram",
    ) -> None:
        self.sessions = sessions
        self.answerer = answerer
        self.clock = clock
        self.settings = settings
        self.channel = channel

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer first, then change the state in one transaction, committed before returning."""
        prepared = self.prepare(incoming)
        with self.sessions.begin() as session:
            return self.handle_in(session, incoming, prepared)

    def prepare(self, incoming: Incoming) -> Prepared:
        """The answer to the question this action will ask, read without any write lock."""
        if incoming.kind != "text" or not incoming.text:
            return {}
        with self.sessions() as session:
            turn = self._turn(session, incoming, {})
            question = foreseen_question(turn, incoming.text)
        return {question: self.answerer.answer(question)} if question else {}

    def handle_in(
        self, session: Session, incoming: Incoming, prepared: Prepared | None = None
    ) -> list[Reply]:
        """Like `handle`, inside the caller's transaction (adapters add their outbox rows)."""
        turn = self._turn(session, incoming, prepared or {})
        outcome = handle(turn.state, incoming, turn.ctx, turn.store)
        if not outcome.deleted:
            now = self.clock()
            users_repo.get_or_create(
                session, owner_id=incoming.user_id, channel=self.channel, now=now
            )
            state = outcome.state
            dialogue_repo.save(
                session,
                owner_id=incoming.user_id,
                step=state.step,
                draft_id=state.draft_id,
                pending=state.dump(),
                now=now,
            )
        if self.settings.mail_enabled:
            queue_office_mail(session, outcome.replies, now=self.clock())
        log.info(
            "conversation.handled owner_id=%s kind=%s step=%s draft_id=%s",
            incoming.user_id, incoming.kind, outcome.state.step, outcome.state.draft_id,
        )  # fmt: skip
        return outcome.replies

    def _turn(self, session: Session, incoming: Incoming, prepared: Prepared) -> Turn:
        row = dialogue_repo.get(session, owner_id=incoming.user_id)
        state = DialogueState.load(row.pending if row else None)
        if row is not None and state.draft_id != row.draft_id:
            state.draft_id = row.draft_id  # the draft was deleted meanwhile (SET NULL)
        store = SqlStore(session, owner_id=incoming.user_id, channel=self.channel, now=self.clock())
        ctx = Context(
            answerer=self.answerer,
            today=self.today(),
            now=self.clock(),
            can_reach_staff=self.can_reach_staff,
            office_email=self.settings.office_email,
            office_phone=self.settings.office_phone,
            owner_id=incoming.user_id,
            retention_days=self.settings.draft_retention_days,
            review_url=self.settings.review_url if self.settings.review_enabled else "",
            prepared=prepared,
        )
        return Turn(state=state, store=store, ctx=ctx)

    @property
    def can_reach_staff(self) -> bool:
        """Submissions reach the review workspace's inbox; without it, Telegram needs a staff
        chat (the console shows staff messages itself)."""
        settings = self.settings
        return (
            settings.review_enabled
            or self.channel != "telegram"
            or settings.staff_chat_id is not None
        )

    def today(self) -> date:
        return self.clock().astimezone(BERLIN).date()


def queue_office_mail(session: Session, replies: list[Reply], *, now: datetime) -> None:
    """Mail each once-only office notification (a submitted version) in this transaction."""
    for reply in replies:
        if reply.to_staff and reply.dedupe_key:
            subject, _, _ = reply.text.partition("\n")
            mail_repo.queue(
                session, dedupe_key=f"{reply.dedupe_key}:mail", subject=subject, body=reply.text,
                now=now,
            )  # fmt: skip
