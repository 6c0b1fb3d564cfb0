"""The inbox as the intake sees it: each user's next update, backlog and rate, quarantine."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.storage import inbox_repo
from tests.storage.conftest import ALICE, BOB, at

TEXT = {"kind": "text", "text": "Hallo"}


def _record(session: Session, update_id: int, owner_id: int, minute: int) -> None:
    inbox_repo.record(
        session,
        update_id=update_id,
        owner_id=owner_id,
        chat_id=owner_id,
        payload=TEXT,
        now=at(minute),
    )


def test_heads_are_each_users_oldest_pending_update_oldest_first(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        for update_id, owner, minute in [(1, ALICE, 0), (2, ALICE, 0), (3, BOB, 1), (4, ALICE, 2)]:
            _record(session, update_id, owner, minute)
        assert [r.update_id for r in inbox_repo.pending_heads(session)] == [1, 3]

        inbox_repo.mark_processed(session, update_id=1, now=at(3))
        assert [r.update_id for r in inbox_repo.pending_heads(session)] == [2, 3]
        assert [r.update_id for r in inbox_repo.pending_heads(session, below=3)] == [2]
        assert inbox_repo.pending_count(session, owner_id=ALICE) == 2
        assert inbox_repo.pending_count(session, owner_id=BOB) == 1


def test_received_since_counts_processed_updates_too(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for update_id, minute in [(1, 0), (2, 5), (3, 6)]:
            _record(session, update_id, ALICE, minute)
        inbox_repo.mark_processed(session, update_id=2, now=at(7))
        assert inbox_repo.received_since(session, owner_id=ALICE, since=at(5)) == 2
        assert inbox_repo.received_since(session, owner_id=BOB, since=at(0)) == 0
        assert inbox_repo.chat_recorded_since(session, chat_id=ALICE, since=at(6))
        assert not inbox_repo.chat_recorded_since(session, chat_id=ALICE, since=at(7))


def test_a_quarantined_update_is_known_handled_and_never_pending(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        assert inbox_repo.record_quarantined(session, update_id=9, error="KeyError", now=at(0))
        assert not inbox_repo.record_quarantined(session, update_id=9, error="KeyError")
        assert not inbox_repo.record(
            session, update_id=9, owner_id=ALICE, chat_id=ALICE, payload=TEXT
        )
        assert inbox_repo.pending_heads(session) == []
        row = inbox_repo.get(session, update_id=9)
        assert row is not None and row.owner_id == inbox_repo.QUARANTINE_OWNER
    with sessions.begin() as session:
        assert inbox_repo.purge_done(session, before=at(24 * 60 + 1)) == 1
