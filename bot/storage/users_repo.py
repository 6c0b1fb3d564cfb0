"""Users and everything stored about one of them: create, show (/meine_daten), erase.

A user's rows are: the user, the dialogue, the drafts with frozen versions, the inbox rows
they sent, and the outbox rows answering those updates or addressed to their private chat
(there the chat id equals the user id).
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.storage import drafts_repo
from bot.storage._sql import count_affected, insert_unless_present
from bot.storage.columns import utcnow
from bot.storage.database import erase_after_commit
from bot.storage.errors import UserNotFound
from bot.storage.tables import (
    Base,
    DialogueRow,
    DraftRow,
    DraftVersionRow,
    InboxRow,
    OutboxRow,
    QuestionLogRow,
    ReviewNoteRow,
    ReviewRow,
    StaffRequestRow,
    UserRow,
)

log = logging.getLogger(__name__)


def get(session: Session, *, owner_id: int) -> UserRow | None:
    """The user row, or None for someone we have never stored."""
    return session.get(UserRow, owner_id)


def get_or_create(
    session: Session, *, owner_id: int, channel: str, now: datetime | None = None
) -> UserRow:
    """The user row, created on first contact (safe when two updates arrive at once)."""
    created = insert_unless_present(
        session,
        UserRow,
        key=UserRow.id,
        values={"id": owner_id, "channel": channel, "created_at": now or utcnow()},
    )
    if created:
        log.info("user.created owner_id=%s channel=%s", owner_id, channel)
    user = session.get(UserRow, owner_id)
    if user is None:  # pragma: no cover - the row was just inserted or already there
        raise UserNotFound(owner_id=owner_id)
    return user


def mark_privacy_seen(session: Session, *, owner_id: int, now: datetime | None = None) -> UserRow:
    """Note that the user has been shown the privacy notice."""
    user = session.get(UserRow, owner_id)
    if user is None:
        raise UserNotFound(owner_id=owner_id)
    user.privacy_seen_at = now or utcnow()
    session.flush()
    return user


def export_all(session: Session, *, owner_id: int) -> dict[str, Any]:
    """Everything stored about the user, JSON-ready (timestamps as ISO 8601 strings)."""
    user = session.get(UserRow, owner_id)
    dialogue = session.get(DialogueRow, owner_id)
    drafts = drafts_repo.list_for_owner(session, owner_id=owner_id)
    return {
        "user": _plain(user) if user else None,
        "dialogue": _plain(dialogue) if dialogue else None,
        "drafts": [
            {
                **_plain(draft),
                "versions": [
                    _plain(version)
                    for version in drafts_repo.list_versions(
                        session, owner_id=owner_id, draft_id=draft.id
                    )
                ],
            }
            for draft in drafts
        ],
        "inbox": [
            _plain(row)
            for row in session.scalars(
                select(InboxRow)
                .where(InboxRow.owner_id == owner_id)
                .order_by(InboxRow.received_at, InboxRow.update_id)
            )
        ],
        "outbox": [
            _plain(row)
            for row in session.scalars(
                select(OutboxRow).where(_outbox_of(owner_id)).order_by(OutboxRow.id)
            )
        ],
        # Questions passed to the office and appointment wishes, with the office's answers.
        # Internal staff notes on drafts are the office's working papers, not shown here.
        "requests": [
            _plain(row)
            for row in session.scalars(
                select(StaffRequestRow)
                .where(StaffRequestRow.owner_id == owner_id)
                .order_by(StaffRequestRow.id)
            )
        ],
        # Questions the user asked to be told the answer to, once the office has one.
        "waiting_for_answers": [
            _plain(row)
            for row in session.scalars(
                select(QuestionLogRow)
                .where(QuestionLogRow.notify_owner_id == owner_id)
                .order_by(QuestionLogRow.id)
            )
        ],
    }


def delete_all(session: Session, *, owner_id: int) -> dict[str, int]:
    """Erase every row of the user; returns rows deleted per table.

    Inbox rows go by owner, outbox rows by the user's private chat (chat id = user id) or by
    answering one of their updates. Updates not yet processed stay in the inbox (they are
    answered in turn and then emptied): that includes the update asking for the deletion, so
    its confirmation can still be queued against it, and messages typed right after it, which
    must not go unanswered. Once the caller commits, the storage also removes what the files
    would still hold of the deleted rows (`erase_after_commit`).
    """
    owned_drafts = select(DraftRow.id).where(DraftRow.owner_id == owner_id)
    # Children before parents, so that no foreign key is ever left dangling.
    statements = {
        "outbox": delete(OutboxRow).where(_outbox_of(owner_id)),
        "inbox": delete(InboxRow).where(
            InboxRow.owner_id == owner_id, InboxRow.processed_at.is_not(None)
        ),
        "dialogues": delete(DialogueRow).where(DialogueRow.owner_id == owner_id),
        "staff_requests": delete(StaffRequestRow).where(StaffRequestRow.owner_id == owner_id),
        # The questions stay, anonymous, for the office's list of unanswered questions.
        "question_log": update(QuestionLogRow)
        .where(QuestionLogRow.notify_owner_id == owner_id)
        .values(notify_owner_id=None),
        "review_notes": delete(ReviewNoteRow).where(ReviewNoteRow.draft_id.in_(owned_drafts)),
        "reviews": delete(ReviewRow).where(ReviewRow.draft_id.in_(owned_drafts)),
        "draft_versions": delete(DraftVersionRow).where(DraftVersionRow.draft_id.in_(owned_drafts)),
        "drafts": delete(DraftRow).where(DraftRow.owner_id == owner_id),
        "users": delete(UserRow).where(UserRow.id == owner_id),
    }
    counts = {table: count_affected(session, sql) for table, sql in statements.items()}
    erase_after_commit(session)
    log.info("user.deleted_all owner_id=%s %s", owner_id, _format_counts(counts))
    return counts


def _outbox_of(owner_id: int) -> ColumnElement[bool]:
    their_updates = select(InboxRow.update_id).where(InboxRow.owner_id == owner_id)
    return or_(OutboxRow.update_id.in_(their_updates), OutboxRow.chat_id == owner_id)


def _plain(row: Base) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, StrEnum):
            value = value.value
        values[column.key] = value
    return values


def _format_counts(counts: dict[str, int]) -> str:
    return " ".join(f"{table}={count}" for table, count in counts.items())
