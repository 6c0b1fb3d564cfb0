"""A user's own drafts and their frozen versions; every function is scoped to the owner.

The caller owns the transaction: functions add, change and flush, never commit.
`data` must be JSON-ready, i.e. `draft.model_dump(mode="json")`.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime

from sqlalchemy import delete as sql_delete
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.storage.columns import JsonDict, utcnow
from bot.storage.errors import DraftNotEditable, DraftNotFound
from bot.storage.tables import (
    DialogueRow,
    DraftRow,
    DraftStatus,
    DraftVersionRow,
    ReviewNoteRow,
    ReviewRow,
    StaffRequestRow,
)

log = logging.getLogger(__name__)

EDITABLE = frozenset({DraftStatus.ENTWURF})
"""Statuses in which the user may change a draft's data or submit it."""

REOPENABLE = frozenset({DraftStatus.EINGEREICHT, DraftStatus.ZURUECKGEGEBEN})
"""Statuses from which a change starts a new version (`reopen_as_new_version`)."""


def create(
    session: Session, *, owner_id: int, data: JsonDict, now: datetime | None = None
) -> DraftRow:
    """A new draft in status `entwurf`, version 1. The user row must exist."""
    now = now or utcnow()
    draft = DraftRow(
        owner_id=owner_id,
        status=DraftStatus.ENTWURF,
        version=1,
        data=copy.deepcopy(data),
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    log.info("draft.created draft_id=%s owner_id=%s", draft.id, owner_id)
    return draft


def get(session: Session, *, owner_id: int, draft_id: int) -> DraftRow | None:
    """The owner's draft, or None when it does not exist or belongs to someone else."""
    return session.scalars(
        select(DraftRow).where(DraftRow.id == draft_id, DraftRow.owner_id == owner_id)
    ).one_or_none()


def latest_open(session: Session, *, owner_id: int) -> DraftRow | None:
    """The owner's most recently touched editable draft, if any."""
    return session.scalars(
        select(DraftRow)
        .where(DraftRow.owner_id == owner_id, DraftRow.status.in_(EDITABLE))
        .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
        .limit(1)
    ).one_or_none()


def list_for_owner(session: Session, *, owner_id: int) -> list[DraftRow]:
    """All of the owner's drafts, oldest first."""
    return list(
        session.scalars(select(DraftRow).where(DraftRow.owner_id == owner_id).order_by(DraftRow.id))
    )


def list_versions(session: Session, *, owner_id: int, draft_id: int) -> list[DraftVersionRow]:
    """The frozen versions of the owner's draft, version 1 first; empty for others' drafts."""
    return list(
        session.scalars(
            select(DraftVersionRow)
            .join(DraftRow, DraftRow.id == DraftVersionRow.draft_id)
            .where(DraftRow.id == draft_id, DraftRow.owner_id == owner_id)
            .order_by(DraftVersionRow.version)
        )
    )


def save_data(
    session: Session,
    *,
    owner_id: int,
    draft_id: int,
    data: JsonDict,
    now: datetime | None = None,
) -> DraftRow:
    """Replace the draft's data. Only in `entwurf`; a submitted draft needs a new version."""
    draft = _owned_for_update(session, owner_id=owner_id, draft_id=draft_id)
    _require(draft, EDITABLE, action="save data")
    draft.data = copy.deepcopy(data)
    draft.updated_at = now or utcnow()
    session.flush()
    return draft


def submit(
    session: Session, *, owner_id: int, draft_id: int, now: datetime | None = None
) -> DraftVersionRow:
    """Freeze the current version and mark the draft `eingereicht`; returns the frozen copy."""
    now = now or utcnow()
    draft = _owned_for_update(session, owner_id=owner_id, draft_id=draft_id)
    _require(draft, EDITABLE, action="submit")
    frozen = DraftVersionRow(
        draft_id=draft.id, version=draft.version, data=copy.deepcopy(draft.data), frozen_at=now
    )
    session.add(frozen)
    draft.status = DraftStatus.EINGEREICHT
    draft.submitted_at = now
    draft.updated_at = now
    session.flush()
    log.info("draft.submitted draft_id=%s version=%s", draft.id, draft.version)
    return frozen


def reopen_as_new_version(
    session: Session, *, owner_id: int, draft_id: int, now: datetime | None = None
) -> DraftRow:
    """Make a submitted or returned draft editable again as version+1; frozen copies stay."""
    draft = _owned_for_update(session, owner_id=owner_id, draft_id=draft_id)
    _require(draft, REOPENABLE, action="reopen")
    draft.version += 1
    draft.status = DraftStatus.ENTWURF
    draft.submitted_at = None
    draft.updated_at = now or utcnow()
    session.flush()
    log.info("draft.reopened draft_id=%s version=%s", draft.id, draft.version)
    return draft


def delete(session: Session, *, owner_id: int, draft_id: int) -> bool:
    """Delete the owner's draft with its frozen versions; False when there was none."""
    draft = get(session, owner_id=owner_id, draft_id=draft_id)
    if draft is None:
        return False
    _delete_drafts(session, draft_ids=[draft.id])
    log.info("draft.deleted draft_id=%s", draft_id)
    return True


def delete_all_for_owner(session: Session, *, owner_id: int) -> int:
    """Delete all of the owner's drafts with their frozen versions; returns how many drafts."""
    draft_ids = list(session.scalars(select(DraftRow.id).where(DraftRow.owner_id == owner_id)))
    _delete_drafts(session, draft_ids=draft_ids)
    log.info("draft.deleted_all owner_id=%s count=%s", owner_id, len(draft_ids))
    return len(draft_ids)


def _delete_drafts(session: Session, *, draft_ids: list[int]) -> None:
    if not draft_ids:
        return
    # Explicit rather than trusting ON DELETE: SQLite enforces it only with foreign_keys=ON.
    session.execute(
        update(DialogueRow).where(DialogueRow.draft_id.in_(draft_ids)).values(draft_id=None)
    )
    session.execute(
        update(StaffRequestRow).where(StaffRequestRow.draft_id.in_(draft_ids)).values(draft_id=None)
    )
    session.execute(sql_delete(ReviewNoteRow).where(ReviewNoteRow.draft_id.in_(draft_ids)))
    session.execute(sql_delete(ReviewRow).where(ReviewRow.draft_id.in_(draft_ids)))
    session.execute(sql_delete(DraftVersionRow).where(DraftVersionRow.draft_id.in_(draft_ids)))
    session.execute(sql_delete(DraftRow).where(DraftRow.id.in_(draft_ids)))


def _owned_for_update(session: Session, *, owner_id: int, draft_id: int) -> DraftRow:
    # FOR UPDATE on PostgreSQL, so that a double-tapped "submit" waits instead of racing.
    # SQLite ignores the clause; there the unique (draft_id, version) refuses a second freeze.
    draft = session.scalars(
        select(DraftRow)
        .where(DraftRow.id == draft_id, DraftRow.owner_id == owner_id)
        .with_for_update()
    ).one_or_none()
    if draft is None:
        raise DraftNotFound(draft_id=draft_id)
    return draft


def _require(draft: DraftRow, allowed: frozenset[DraftStatus], *, action: str) -> None:
    if draft.status not in allowed:
        raise DraftNotEditable(draft_id=draft.id, status=draft.status.value, action=action)
