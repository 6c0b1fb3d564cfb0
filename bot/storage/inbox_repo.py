"""Durable intake and delivery: incoming updates (inbox) and the replies to send (outbox).

The cycle, each step its own transaction:
1. `record` an update, commit, only then acknowledge it to the channel.
2. For each of `pending`: change state, `add_replies`, `mark_processed` — one commit.
3. The sender takes `unsent`, delivers each row in order, `mark_sent`, commits.
A crash anywhere loses nothing, and a restart resends only what was not confirmed sent.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.storage._sql import count_affected, insert_unless_present
from bot.storage.columns import JsonDict, utcnow
from bot.storage.tables import InboxRow, OutboxRow

log = logging.getLogger(__name__)


def record(
    session: Session,
    *,
    update_id: int,
    owner_id: int,
    chat_id: int,
    payload: JsonDict,
    now: datetime | None = None,
) -> bool:
    """Record an incoming update; False when this update_id was recorded before."""
    inserted = insert_unless_present(
        session,
        InboxRow,
        key=InboxRow.update_id,
        values={
            "update_id": update_id,
            "owner_id": owner_id,
            "chat_id": chat_id,
            "payload": payload,
            "received_at": now or utcnow(),
        },
    )
    log.info("inbox.recorded update_id=%s duplicate=%s", update_id, not inserted)
    return inserted


def record_local(
    session: Session,
    *,
    owner_id: int,
    chat_id: int,
    payload: JsonDict,
    now: datetime | None = None,
) -> int:
    """Record a message from a channel without update ids (console); returns the new id.

    Local ids count down from -1, so they never meet Telegram's positive ones. Two writers
    picking the same id fail loudly on the primary key instead of dropping a message.
    """
    lowest = session.scalar(select(func.min(InboxRow.update_id))) or 0
    update_id = min(lowest, 0) - 1
    session.add(
        InboxRow(
            update_id=update_id,
            owner_id=owner_id,
            chat_id=chat_id,
            payload=payload,
            received_at=now or utcnow(),
        )
    )
    session.flush()
    log.info("inbox.recorded update_id=%s local=True", update_id)
    return update_id


def get(session: Session, *, update_id: int) -> InboxRow | None:
    """One inbox row by its update id (the worker's view, not scoped to an owner)."""
    return session.get(InboxRow, update_id)


def pending(session: Session, *, limit: int = 100) -> list[InboxRow]:
    """Updates received but not yet processed, oldest first."""
    return list(
        session.scalars(
            select(InboxRow)
            .where(InboxRow.processed_at.is_(None))
            .order_by(InboxRow.received_at, InboxRow.update_id)
            .limit(limit)
        )
    )


def mark_processed(session: Session, *, update_id: int, now: datetime | None = None) -> bool:
    """Mark an update processed and forget what was typed; False when it is gone.

    The row stays (its update_id keeps a redelivered update from being answered twice), but
    the message text is not needed once answered, so it is not kept (data minimisation).
    """
    return bool(
        count_affected(
            session,
            update(InboxRow)
            .where(InboxRow.update_id == update_id, InboxRow.processed_at.is_(None))
            .values(processed_at=now or utcnow(), payload={}),
        )
    )


def add_replies(
    session: Session,
    *,
    update_id: int | None,
    chat_id: int,
    payloads: list[JsonDict],
    now: datetime | None = None,
) -> list[OutboxRow]:
    """Queue replies to one chat in the given order; `update_id` None for unprompted ones."""
    now = now or utcnow()
    rows = [
        OutboxRow(update_id=update_id, chat_id=chat_id, payload=payload, seq=seq, created_at=now)
        for seq, payload in enumerate(payloads)
    ]
    # One by one, so that ids (the delivery order) follow seq on every backend.
    for row in rows:
        session.add(row)
        session.flush()
    log.info("outbox.queued update_id=%s count=%s", update_id, len(rows))
    return rows


def unsent(session: Session, *, limit: int = 100) -> list[OutboxRow]:
    """Replies not yet confirmed sent, in the order they were queued."""
    return list(
        session.scalars(
            select(OutboxRow).where(OutboxRow.sent_at.is_(None)).order_by(OutboxRow.id).limit(limit)
        )
    )


def mark_sent(session: Session, *, outbox_id: int, now: datetime | None = None) -> bool:
    """Mark a reply delivered and drop its text (it may repeat personal data); False if done."""
    marked = count_affected(
        session,
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id, OutboxRow.sent_at.is_(None))
        .values(sent_at=now or utcnow(), payload={}),
    )
    log.info("outbox.sent outbox_id=%s newly_marked=%s", outbox_id, bool(marked))
    return bool(marked)


def purge_done(session: Session, *, before: datetime) -> int:
    """Delete sent replies and processed updates older than `before`; returns rows deleted.

    The inbox keeps message text; nothing needs it once handled, so do not keep it forever.
    An update whose replies are not all sent yet stays.
    """
    sent = count_affected(
        session,
        delete(OutboxRow).where(OutboxRow.sent_at.is_not(None), OutboxRow.sent_at < before),
    )
    still_referenced = select(OutboxRow.update_id).where(OutboxRow.update_id.is_not(None))
    handled = count_affected(
        session,
        delete(InboxRow).where(
            InboxRow.processed_at.is_not(None),
            InboxRow.processed_at < before,
            InboxRow.update_id.not_in(still_referenced),
        ),
    )
    log.info("inbox.purged outbox=%s inbox=%s", sent, handled)
    return sent + handled
