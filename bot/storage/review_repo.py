"""STAFF SIDE: reviews of submitted drafts, staff notes, the audit trail and user requests.

Everything here ignores ownership on purpose (the office sees every submitted draft); the
user-facing hooks (`record_submission`, `record_reopened`, `create_request`, `confirm_slot`)
are called with the owner's ids from the conversation store. The caller commits.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.columns import utcnow
from bot.storage.tables import (
    AuditRow,
    ReviewNoteRow,
    ReviewRow,
    ReviewStatus,
    StaffRequestRow,
)

log = logging.getLogger(__name__)

APPLICANT = "Antragsteller"
"""The actor name of the user in the audit trail: no name, no id."""

REQUEST_LABELS = {"frage": "Frage", "termin": "Terminanfrage"}

OPEN_FOR_STAFF = frozenset({ReviewStatus.EINGEREICHT, ReviewStatus.IN_PRUEFUNG})
"""Statuses in which staff may decide; in the others the ball is with the user (or done)."""


def audit(
    session: Session,
    *,
    subject: str,
    subject_id: int,
    actor: str,
    action: str,
    detail: str = "",
    now: datetime | None = None,
) -> None:
    """Append to the audit trail. There is deliberately no function to change or delete it."""
    session.add(
        AuditRow(
            subject=subject,
            subject_id=subject_id,
            actor=actor[:254],
            action=action[:40],
            detail=detail[:300],
            at=now or utcnow(),
        )
    )


def trail(session: Session, *, subject: str, subject_id: int) -> list[AuditRow]:
    """The audit entries of one draft, request or account, oldest first."""
    return list(
        session.scalars(
            select(AuditRow)
            .where(AuditRow.subject == subject, AuditRow.subject_id == subject_id)
            .order_by(AuditRow.at, AuditRow.id)
        )
    )


def record_submission(
    session: Session, *, draft_id: int, version: int, now: datetime | None = None
) -> ReviewRow:
    """A version was submitted: the review (new or existing) waits for the office again."""
    now = now or utcnow()
    review = session.get(ReviewRow, draft_id)
    if review is None:
        review = ReviewRow(draft_id=draft_id, first_submitted_at=now)
        session.add(review)
    review.status = ReviewStatus.EINGEREICHT.value
    review.updated_at = now
    audit(
        session,
        subject="draft",
        subject_id=draft_id,
        actor=APPLICANT,
        action="eingereicht",
        detail=f"Version {version}",
        now=now,
    )
    session.flush()
    return review


def record_reopened(
    session: Session, *, draft_id: int, version: int, now: datetime | None = None
) -> None:
    """The user opened a new version. Unasked, that withdraws the submission from review."""
    review = session.get(ReviewRow, draft_id)
    if review is None:
        return
    now = now or utcnow()
    if review.status in OPEN_FOR_STAFF:
        review.status = ReviewStatus.ZURUECKGEZOGEN.value
        review.updated_at = now
        action = "zurückgezogen"
    else:
        action = "in Überarbeitung"
    audit(
        session,
        subject="draft",
        subject_id=draft_id,
        actor=APPLICANT,
        action=action,
        detail=f"Version {version}",
        now=now,
    )


def all_reviews(session: Session) -> list[ReviewRow]:
    """Every draft the office has received, most recently changed first."""
    return list(
        session.scalars(select(ReviewRow).order_by(ReviewRow.updated_at.desc(), ReviewRow.draft_id))
    )


def get(session: Session, *, draft_id: int) -> ReviewRow | None:
    return session.get(ReviewRow, draft_id)


def set_status(
    session: Session,
    *,
    draft_id: int,
    status: ReviewStatus,
    actor: str,
    action: str,
    detail: str = "",
    now: datetime | None = None,
) -> ReviewRow:
    """Change a review's status with its audit entry; the caller checked that it may."""
    now = now or utcnow()
    review = session.get(ReviewRow, draft_id, with_for_update=True)
    if review is None:
        raise LookupError(f"no review for draft {draft_id}")
    review.status = status.value
    review.updated_at = now
    audit(
        session,
        subject="draft",
        subject_id=draft_id,
        actor=actor,
        action=action,
        detail=detail,
        now=now,
    )
    session.flush()
    return review


def assign(
    session: Session, *, draft_id: int, account_id: int, actor: str, now: datetime | None = None
) -> ReviewRow:
    """Take a draft into one's own review; a fresh submission becomes `in_pruefung`."""
    now = now or utcnow()
    review = session.get(ReviewRow, draft_id, with_for_update=True)
    if review is None:
        raise LookupError(f"no review for draft {draft_id}")
    review.assignee_id = account_id
    if review.status == ReviewStatus.EINGEREICHT.value:
        review.status = ReviewStatus.IN_PRUEFUNG.value
    review.updated_at = now
    audit(session, subject="draft", subject_id=draft_id, actor=actor, action="übernommen", now=now)
    session.flush()
    return review


def add_note(
    session: Session,
    *,
    draft_id: int,
    kind: str,
    account_id: int | None,
    version: int,
    body: str,
    now: datetime | None = None,
) -> ReviewNoteRow:
    note = ReviewNoteRow(
        draft_id=draft_id,
        kind=kind,
        account_id=account_id,
        version=version,
        body=body,
        created_at=now or utcnow(),
    )
    session.add(note)
    session.flush()
    return note


def notes(session: Session, *, draft_id: int) -> list[ReviewNoteRow]:
    """Every staff text on a draft (internal and sent), oldest first. Never for users."""
    return list(
        session.scalars(
            select(ReviewNoteRow)
            .where(ReviewNoteRow.draft_id == draft_id)
            .order_by(ReviewNoteRow.created_at, ReviewNoteRow.id)
        )
    )


# --- Requests: questions passed to the office and appointment wishes. ---


def create_request(
    session: Session,
    *,
    kind: str,
    owner_id: int,
    draft_id: int | None = None,
    question: str | None = None,
    now: datetime | None = None,
) -> StaffRequestRow:
    """Called from the user's turn: the owner's user row exists."""
    now = now or utcnow()
    row = StaffRequestRow(
        kind=kind,
        owner_id=owner_id,
        draft_id=draft_id,
        question=question,
        status="offen",
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        subject="request",
        subject_id=row.id,
        actor=APPLICANT,
        action=REQUEST_LABELS.get(kind, kind) + " gestellt",
        now=now,
    )
    log.info("review.request_created request_id=%s kind=%s", row.id, kind)
    return row


def requests(session: Session, *, kind: str, open_only: bool = False) -> list[StaffRequestRow]:
    """Requests of one kind, newest first; `open_only`: those still waiting for the office."""
    query = select(StaffRequestRow).where(StaffRequestRow.kind == kind)
    if open_only:
        query = query.where(StaffRequestRow.status == "offen")
    return list(session.scalars(query.order_by(StaffRequestRow.created_at.desc())))


def get_request(session: Session, *, request_id: int) -> StaffRequestRow | None:
    return session.get(StaffRequestRow, request_id)


def confirm_slot(
    session: Session, *, owner_id: int, request_id: int, accept: bool, now: datetime | None = None
) -> StaffRequestRow | None:
    """The owner confirms or declines a proposed appointment; None if it is not theirs or
    not waiting for an answer (an old button)."""
    row = session.scalars(
        select(StaffRequestRow).where(
            StaffRequestRow.id == request_id,
            StaffRequestRow.owner_id == owner_id,
            StaffRequestRow.kind == "termin",
        )
    ).one_or_none()
    if row is None or row.status != "vorgeschlagen":
        return None
    now = now or utcnow()
    row.status = "bestaetigt" if accept else "abgesagt"
    row.handled_at = now
    audit(
        session,
        subject="request",
        subject_id=row.id,
        actor=APPLICANT,
        action="Termin bestätigt" if accept else "Termin abgesagt",
        now=now,
    )
    session.flush()
    return row
