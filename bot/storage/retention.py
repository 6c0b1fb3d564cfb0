"""Abandoned drafts: remind the owner, then delete them (data minimisation, storage limitation).

A draft still in `entwurf` that nobody has changed for `retention_days` is deleted, but never
without warning: `remind_days` before, the owner gets a reminder with the date, and the
deletion waits until that warning is at least `remind_days` old. A change to the draft
(`updated_at`) starts the clock again, and a later sweep reminds again.

Drafts that were ever submitted (they have frozen versions) stay, whatever their status: the
submitted versions belong to the office's funding procedure, which decides on them, and a
draft reopened as a new version still carries them.

Worked example, retention 180 and remind 7 days, draft last changed on 1 March 2026:
    sweep on 21 August (173 days later) -> reminder "wird am 28.08.2026 gelöscht"
    sweep on 28 August (180 days, the reminder a week old) -> deleted
If the bot was down and the first sweep after 21 August comes on 25 August, the reminder says
1 September and the draft is deleted then: the warning always gets its full week.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from bot.storage import drafts_repo
from bot.storage.database import erase_after_commit
from bot.storage.tables import DraftRow, DraftStatus, DraftVersionRow, UserRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    """Tell `owner_id` (their private chat) that `draft_id` will be deleted on `delete_after`."""

    owner_id: int
    draft_id: int
    delete_after: datetime


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: reminders to send now, and the drafts it deleted."""

    reminders: list[Reminder] = field(default_factory=list)
    deleted_draft_ids: list[int] = field(default_factory=list)


def sweep(
    session: Session,
    *,
    now: datetime,
    retention_days: int,
    remind_days: int,
    channel: str | None = None,
) -> SweepResult:
    """Remind the owners of drafts about to expire, delete expired ones; the caller commits.

    The caller sends each reminder (e.g. as an outbox row in the same transaction, so that
    `reminded_at` and the message are committed together). `remind_days` 0: no reminders.
    `channel` limits the sweep to drafts of users on that channel (None: all users).
    """
    if retention_days < 1 or not 0 <= remind_days < retention_days:
        raise ValueError("need retention_days >= 1 and 0 <= remind_days < retention_days")
    retention, warning = timedelta(days=retention_days), timedelta(days=remind_days)
    scope = [_abandoned()]
    if channel is not None:
        scope.append(DraftRow.owner_id.in_(select(UserRow.id).where(UserRow.channel == channel)))
    deleted = _delete_expired(session, scope, now=now, retention=retention, warning=warning)
    reminders = _remind(session, scope, now=now, retention=retention, warning=warning)
    if deleted or reminders:
        log.info("retention.swept reminded=%s deleted=%s", len(reminders), len(deleted))
    return SweepResult(reminders=reminders, deleted_draft_ids=deleted)


def _abandoned() -> ColumnElement[bool]:
    """Editable drafts that were never submitted: the only ones retention may delete."""
    frozen = exists().where(DraftVersionRow.draft_id == DraftRow.id)
    return and_(DraftRow.status == DraftStatus.ENTWURF, ~frozen)


def _reminded_since_last_change() -> ColumnElement[bool]:
    return and_(DraftRow.reminded_at.is_not(None), DraftRow.reminded_at >= DraftRow.updated_at)


def _delete_expired(
    session: Session,
    scope: list[ColumnElement[bool]],
    *,
    now: datetime,
    retention: timedelta,
    warning: timedelta,
) -> list[int]:
    expired = [*scope, DraftRow.updated_at <= now - retention]
    if warning:
        # Only after the reminder has had its full notice period.
        expired += [_reminded_since_last_change(), DraftRow.reminded_at <= now - warning]
    # SKIP LOCKED (PostgreSQL): a draft its owner is changing right now is not expired.
    found = session.execute(
        select(DraftRow.id, DraftRow.owner_id)
        .where(*expired)
        .order_by(DraftRow.id)
        .with_for_update(skip_locked=True, of=DraftRow)
    ).all()
    # drafts_repo.delete also unhooks each draft from its owner's dialogue.
    for draft_id, owner_id in found:
        drafts_repo.delete(session, owner_id=owner_id, draft_id=draft_id)
    if found:
        erase_after_commit(session)
    return [draft_id for draft_id, _ in found]


def _remind(
    session: Session,
    scope: list[ColumnElement[bool]],
    *,
    now: datetime,
    retention: timedelta,
    warning: timedelta,
) -> list[Reminder]:
    if not warning:
        return []
    due = (
        select(DraftRow)
        .where(
            *scope,
            DraftRow.updated_at <= now - (retention - warning),
            or_(DraftRow.reminded_at.is_(None), DraftRow.reminded_at < DraftRow.updated_at),
        )
        .order_by(DraftRow.id)
        .with_for_update(skip_locked=True, of=DraftRow)
    )
    reminders = []
    for draft in session.scalars(due):
        draft.reminded_at = now
        reminders.append(
            Reminder(
                owner_id=draft.owner_id,
                draft_id=draft.id,
                # The later of the two, so that the warning always gets its full period.
                delete_after=max(draft.updated_at + retention, now + warning),
            )
        )
    session.flush()
    return reminders
