"""Questions the documents did not answer well (declined, asked back, rated 👎) and 👍 ratings.

Rows carry no asker. `notify_owner_id` is set only when the user asked to be told of an
answer; the office's list groups the questions and answers them (`unanswered`, `resolve`).
The caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.storage.tables import QuestionLogRow

OUTCOMES = ("abgelehnt", "nachgefragt", "schlecht", "gut")
OPEN = ("abgelehnt", "nachgefragt", "schlecht")
"""Outcomes the office should look at: the bot could not help, or its answer did not."""


def record(session: Session, *, question: str, outcome: str, ref: str | None, now: datetime) -> int:
    row = QuestionLogRow(
        question=question[:2000],
        outcome=outcome,
        answer_ref=(ref or None) and ref[:300],
        asked_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def subscribe(session: Session, *, log_id: int, owner_id: int) -> bool:
    """False for an unknown id or a question already answered (nothing left to wait for)."""
    result = session.execute(
        update(QuestionLogRow)
        .where(QuestionLogRow.id == log_id, QuestionLogRow.resolved_at.is_(None))
        .values(notify_owner_id=owner_id)
    )
    return bool(getattr(result, "rowcount", 0))


def unanswered(session: Session) -> list[QuestionLogRow]:
    """Open rows, newest first."""
    return list(
        session.scalars(
            select(QuestionLogRow)
            .where(QuestionLogRow.outcome.in_(OPEN), QuestionLogRow.resolved_at.is_(None))
            .order_by(QuestionLogRow.asked_at.desc(), QuestionLogRow.id.desc())
        )
    )


def by_ids(session: Session, *, ids: list[int]) -> list[QuestionLogRow]:
    return list(session.scalars(select(QuestionLogRow).where(QuestionLogRow.id.in_(ids))))


def resolve(
    session: Session, *, ids: list[int], faq_id: str, now: datetime
) -> list[QuestionLogRow]:
    """Mark questions answered by a FAQ entry; returns them (with who wants to be told)."""
    rows = by_ids(session, ids=ids)
    for row in rows:
        row.resolved_at = now
        row.resolved_by_faq = faq_id
    session.flush()
    return rows


def counts(session: Session) -> dict[str, int]:
    """How many rows of each outcome there are (open ones and ratings), for the overview."""
    result = dict.fromkeys(OUTCOMES, 0)
    for row in session.scalars(select(QuestionLogRow.outcome)):
        result[row] = result.get(row, 0) + 1
    return result


def purge(session: Session, *, before: datetime) -> int:
    """Forget questions asked before `before` (answered or not): the office's list is about
    what people ask now, and question texts may carry names."""
    result = session.execute(delete(QuestionLogRow).where(QuestionLogRow.asked_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
