"""E-mails to the office, queued in the transaction of their cause and sent once.

A row is claimed before it is sent, so two processes never both send it; a claim older than
`STALE_CLAIM` (a sender that died mid-send) may be taken again. The caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.storage.columns import utcnow
from bot.storage.tables import MailRow

STALE_CLAIM = timedelta(minutes=10)


def queue(
    session: Session, *, dedupe_key: str, subject: str, body: str, now: datetime | None = None
) -> bool:
    """Queue a mail unless one with this key was queued before; True if queued now."""
    if session.scalar(select(MailRow.id).where(MailRow.dedupe_key == dedupe_key)) is not None:
        return False
    session.add(
        MailRow(dedupe_key=dedupe_key, subject=subject[:200], body=body, created_at=now or utcnow())
    )
    session.flush()
    return True


def due(session: Session, *, now: datetime, limit: int = 20) -> list[MailRow]:
    return list(
        session.scalars(
            select(MailRow)
            .where(
                MailRow.sent_at.is_(None),
                or_(MailRow.claimed_at.is_(None), MailRow.claimed_at < now - STALE_CLAIM),
            )
            .order_by(MailRow.id)
            .limit(limit)
        )
    )


def claim(session: Session, *, mail_id: int, now: datetime) -> bool:
    """Take one mail for sending; False when another sender has it."""
    result = session.execute(
        update(MailRow)
        .where(
            MailRow.id == mail_id,
            MailRow.sent_at.is_(None),
            or_(MailRow.claimed_at.is_(None), MailRow.claimed_at < now - STALE_CLAIM),
        )
        .values(claimed_at=now, attempts=MailRow.attempts + 1)
    )
    return bool(getattr(result, "rowcount", 0))


def mark_sent(session: Session, *, mail_id: int, now: datetime) -> None:
    session.execute(update(MailRow).where(MailRow.id == mail_id).values(sent_at=now, error=None))


def mark_failed(session: Session, *, mail_id: int, error: str) -> None:
    """Release the claim so that the next round tries again."""
    session.execute(
        update(MailRow).where(MailRow.id == mail_id).values(claimed_at=None, error=error[:200])
    )
