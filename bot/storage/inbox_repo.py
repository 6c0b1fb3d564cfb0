"""Durable intake and delivery: incoming updates (inbox) and the replies to send (outbox).

The cycle, each step its own transaction:
1. `record` an update, commit, only then acknowledge it to the channel.
2. For each of `pending`: change state, `add_replies`, `mark_processed` — one commit.
3. The sender takes `unsent`, delivers each row in order, `mark_sent`, commits.
A crash anywhere loses nothing, and a restart resends only what was not confirmed sent.

A row Telegram refuses is `mark_failed`: final for a user who blocked the bot (recorded, never
retried), a dead letter with a `retry_at` for the staff chat (the bot may not be in the group
yet). Rows with a `dedupe_key` are queued at most once per key and kept after sending.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    cast,
    delete,
    func,
    or_,
    select,
    update,
)
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
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> list[OutboxRow]:
    """Queue replies to one chat in the given order; `update_id` None for unprompted ones.

    With a `dedupe_key` (carried by the first row) nothing is queued when that key was queued
    before, in any earlier transaction: the result is then empty.
    """
    now = now or utcnow()
    if dedupe_key is not None and payloads:
        first = {"update_id": update_id, "chat_id": chat_id, "payload": payloads[0]}
        values = {**first, "seq": 0, "created_at": now, "dedupe_key": dedupe_key}
        if not insert_unless_present(session, OutboxRow, key=OutboxRow.dedupe_key, values=values):
            log.info("outbox.already_queued update_id=%s chat_id=%s", update_id, chat_id)
            return []
        keyed = session.scalars(select(OutboxRow).where(OutboxRow.dedupe_key == dedupe_key))
        return [keyed.one(), *_add(session, update_id, chat_id, payloads[1:], start=1, now=now)]
    return _add(session, update_id, chat_id, payloads, start=0, now=now)


def _add(
    session: Session,
    update_id: int | None,
    chat_id: int,
    payloads: list[JsonDict],
    *,
    start: int,
    now: datetime,
) -> list[OutboxRow]:
    rows = [
        OutboxRow(update_id=update_id, chat_id=chat_id, payload=payload, seq=seq, created_at=now)
        for seq, payload in enumerate(payloads, start)
    ]
    # One by one, so that ids (the delivery order) follow seq on every backend.
    for row in rows:
        session.add(row)
        session.flush()
    log.info("outbox.queued update_id=%s count=%s", update_id, len(rows))
    return rows


def unsent(
    session: Session,
    *,
    limit: int = 100,
    now: datetime | None = None,
    exclude_chats: Collection[int] = (),
) -> list[OutboxRow]:
    """Replies to deliver now, in the order they were queued.

    Not yet sent and never refused, or dead letters whose `retry_at` has come. Rows to
    `exclude_chats` (chats Telegram asked us to leave alone for a while) are left out.
    """
    due = or_(OutboxRow.failed_at.is_(None), OutboxRow.retry_at <= (now or utcnow()))
    query = select(OutboxRow).where(OutboxRow.sent_at.is_(None), due)
    if exclude_chats:
        query = query.where(OutboxRow.chat_id.not_in(list(exclude_chats)))
    return list(session.scalars(query.order_by(OutboxRow.id).limit(limit)))


def mark_sent(session: Session, *, outbox_id: int, now: datetime | None = None) -> bool:
    """Mark a reply delivered and drop its text (it may repeat personal data); False if done."""
    marked = count_affected(
        session,
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id, OutboxRow.sent_at.is_(None))
        .values(sent_at=now or utcnow(), payload={}, retry_at=None),
    )
    log.info("outbox.sent outbox_id=%s newly_marked=%s", outbox_id, bool(marked))
    return bool(marked)


def mark_failed(
    session: Session,
    *,
    outbox_id: int,
    error: str,
    retry_at: datetime | None,
    now: datetime | None = None,
) -> bool:
    """Record that Telegram refused a reply; it stays unsent. False if it is sent or gone.

    `retry_at` None makes the refusal final (a user who blocked the bot): the text is dropped,
    the row stays as the record until purged. Otherwise it is a dead letter, tried again then.
    `error` is Telegram's description (fixed strings, no message text).
    """
    values: dict[str, object] = {
        "failed_at": now or utcnow(),
        "error": error[:200],
        "retry_at": retry_at,
        "attempts": OutboxRow.attempts + 1,
    }
    if retry_at is None:
        values["payload"] = {}
    marked = count_affected(
        session,
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id, OutboxRow.sent_at.is_(None))
        .values(values),
    )
    log.info("outbox.failed outbox_id=%s final=%s", outbox_id, retry_at is None)
    return bool(marked)


def retry_dead_letters(session: Session, *, now: datetime | None = None) -> int:
    """Make every dead letter due now (at start-up: the operator may have fixed the cause)."""
    return count_affected(
        session,
        update(OutboxRow)
        .where(OutboxRow.sent_at.is_(None), OutboxRow.retry_at.is_not(None))
        .values(retry_at=now or utcnow()),
    )


def dead_letters(session: Session) -> list[OutboxRow]:
    """Replies Telegram refused and that are still unsent (final ones included), oldest first."""
    return list(
        session.scalars(
            select(OutboxRow)
            .where(OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_not(None))
            .order_by(OutboxRow.id)
        )
    )


def purge_done(session: Session, *, before: datetime) -> int:
    """Delete sent replies and processed updates older than `before`; returns rows deleted.

    The inbox keeps message text; nothing needs it once handled, so do not keep it forever.
    An update whose replies are not all sent yet stays. Final refusals go like sent rows; rows
    with a dedupe key stay (they are what keeps the key from being queued again).
    """
    finished = or_(
        and_(OutboxRow.sent_at.is_not(None), OutboxRow.sent_at < before),
        and_(
            OutboxRow.sent_at.is_(None),
            OutboxRow.retry_at.is_(None),
            OutboxRow.failed_at.is_not(None),
            OutboxRow.failed_at < before,
        ),
    )
    sent = count_affected(
        session, delete(OutboxRow).where(finished, OutboxRow.dedupe_key.is_(None))
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


# -- intake side: quarantine, fair turns, caps ----------------------------------------------

QUARANTINE_OWNER = 0
"""Owner of quarantined updates: nobody (Telegram user ids start at 1, the console's is -1)."""


def record_quarantined(
    session: Session, *, update_id: int, error: str, now: datetime | None = None
) -> bool:
    """Remember an update nobody could read as already handled; False when seen before.

    It is never processed (no owner, no payload but the error class), yet its id is known, so a
    redelivery is recognised; `purge_done` forgets it after a day like any handled update.
    """
    now = now or utcnow()
    inserted = insert_unless_present(
        session,
        InboxRow,
        key=InboxRow.update_id,
        values={
            "update_id": update_id,
            "owner_id": QUARANTINE_OWNER,
            "chat_id": 0,
            "payload": {"quarantined": error},
            "received_at": now,
            "processed_at": now,
        },
    )
    log.info("inbox.quarantined update_id=%s duplicate=%s", update_id, not inserted)
    return inserted


def pending_heads(
    session: Session, *, below: int | None = None, limit: int = 1000
) -> list[InboxRow]:
    """Each owner's oldest pending update (ids below `below` only), oldest heads first.

    The worker picks one of these per turn, so one owner's backlog cannot hold up the others,
    while each owner's own updates still come one after another in order. Example: A sent 1, 2,
    3 and B sent 4 -> heads [1 (A), 4 (B)]; after 1 is processed: [2 (A), 4 (B)].
    """
    pending_rows: list[ColumnElement[bool]] = [InboxRow.processed_at.is_(None)]
    if below is not None:
        pending_rows.append(InboxRow.update_id < below)
    turn = (
        func.row_number()
        .over(
            partition_by=InboxRow.owner_id,
            order_by=(InboxRow.received_at, InboxRow.update_id),
        )
        .label("turn")
    )
    ranked = select(InboxRow.update_id, turn).where(*pending_rows).subquery()
    return list(
        session.scalars(
            select(InboxRow)
            .join(ranked, ranked.c.update_id == InboxRow.update_id)
            .where(ranked.c.turn == 1)
            .order_by(InboxRow.received_at, InboxRow.update_id)
            .limit(limit)
        )
    )


def pending_count(session: Session, *, owner_id: int) -> int:
    """How many updates of this owner wait to be processed."""
    waiting = select(func.count()).where(
        InboxRow.owner_id == owner_id, InboxRow.processed_at.is_(None)
    )
    return session.scalar(waiting) or 0


def received_since(session: Session, *, owner_id: int, since: datetime) -> int:
    """How many updates of this owner were recorded at or after `since` (processed or not)."""
    recent = select(func.count()).where(
        InboxRow.owner_id == owner_id, InboxRow.received_at >= since
    )
    return session.scalar(recent) or 0


def chat_recorded_since(session: Session, *, chat_id: int, since: datetime) -> bool:
    """Whether any update from this chat was recorded at or after `since`."""
    found = session.scalar(
        select(InboxRow.update_id)
        .where(InboxRow.chat_id == chat_id, InboxRow.received_at >= since)
        .limit(1)
    )
    return found is not None


# -- several workers on one PostgreSQL ------------------------------------------------------

LOCK_SPACE = 7211
"""First half of our two-int advisory lock keys. Owner locks use the one-bigint form, which
PostgreSQL keeps apart from the two-int form, so no owner id can collide with these."""
SENDER_LOCK = 1
"""Held by the one worker sending the outbox (a chat's messages must go out in order)."""
HOUSEKEEPING_LOCK = 2
"""Held by the one worker purging handled rows and expiring drafts."""


def several_workers(session: Session) -> bool:
    """Whether workers in other processes may share this database: PostgreSQL, with row and
    advisory locks. SQLite has one writer at a time and none of these locks: one worker."""
    return session.get_bind().dialect.name == "postgresql"


def claim(session: Session, *, update_id: int, owner_id: int) -> InboxRow | None:
    """Claim a pending update for this transaction (PostgreSQL); None when it is not ours.

    First the owner's advisory lock (`pg_try_advisory_xact_lock`), so that no other worker
    processes any update of this owner until we commit or roll back: the owner's updates stay in
    order. Then the row itself, `FOR UPDATE SKIP LOCKED`, still pending (another worker may have
    processed it since the caller read it). Both locks end with the transaction, also when the
    process dies: PostgreSQL rolls back a transaction whose connection is gone.
    """
    owner_lock = func.pg_try_advisory_xact_lock(cast(owner_id, BigInteger))
    if not session.scalar(select(owner_lock)):
        log.info("inbox.owner_busy update_id=%s", update_id)
        return None
    return session.scalars(
        select(InboxRow)
        .where(InboxRow.update_id == update_id, InboxRow.processed_at.is_(None))
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).first()


def try_lock(session: Session, *, key: int) -> bool:
    """Take one of our advisory locks until the transaction ends (PostgreSQL); False: taken."""
    lock = func.pg_try_advisory_xact_lock(cast(LOCK_SPACE, Integer), cast(key, Integer))
    return bool(session.scalar(select(lock)))
