"""Staff-only access to drafts across all owners: for the staff workspace, never for users.

Everything here ignores ownership on purpose; `drafts_repo` is the owner-scoped side.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.tables import DraftRow, DraftStatus, DraftVersionRow


def list_submitted(session: Session) -> list[DraftRow]:
    """STAFF ONLY: drafts waiting for review (`eingereicht`), earliest submission first."""
    return list(
        session.scalars(
            select(DraftRow)
            .where(DraftRow.status == DraftStatus.EINGEREICHT)
            .order_by(DraftRow.submitted_at, DraftRow.id)
        )
    )


def get_any(session: Session, *, draft_id: int) -> DraftRow | None:
    """STAFF ONLY: any draft by id, whoever owns it."""
    return session.get(DraftRow, draft_id)


def list_versions_any(session: Session, *, draft_id: int) -> list[DraftVersionRow]:
    """STAFF ONLY: the frozen versions of any draft, version 1 first."""
    return list(
        session.scalars(
            select(DraftVersionRow)
            .where(DraftVersionRow.draft_id == draft_id)
            .order_by(DraftVersionRow.version)
        )
    )


def set_owner_status(session: Session, *, draft_id: int, status: DraftStatus) -> DraftRow:
    """STAFF ONLY: the office's decision as the user sees it: `zurueckgegeben` (Rückfrage or
    not endorsed; the user may change and hand in again) or `angenommen` (final)."""
    draft = session.get(DraftRow, draft_id, with_for_update=True)
    if draft is None:
        raise LookupError(f"no draft {draft_id}")
    draft.status = status
    session.flush()
    return draft


def latest_versions(session: Session) -> dict[int, DraftVersionRow]:
    """STAFF ONLY: the newest frozen version of every draft, by draft id, in one query."""
    newest = (
        select(DraftVersionRow.draft_id, func.max(DraftVersionRow.version).label("version"))
        .group_by(DraftVersionRow.draft_id)
        .subquery()
    )
    rows = session.scalars(
        select(DraftVersionRow).join(
            newest,
            (DraftVersionRow.draft_id == newest.c.draft_id)
            & (DraftVersionRow.version == newest.c.version),
        )
    )
    return {row.draft_id: row for row in rows}
