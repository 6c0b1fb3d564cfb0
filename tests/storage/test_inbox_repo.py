"""Inbox and outbox: nothing received is lost, nothing confirmed sent is sent twice."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import OutboxRow, drafts_repo, inbox_repo, make_engine, make_sessionmaker
from tests.storage.conftest import at

HELLO = {"kind": "text", "text": "Hallo"}


def test_a_duplicate_update_is_ignored(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        assert inbox_repo.record(
            session, update_id=500, owner_id=1, chat_id=1, payload=HELLO, now=at(0)
        )
    with sessions.begin() as session:
        again = {"kind": "text", "text": "Hallo (erneut zugestellt)"}
        assert not inbox_repo.record(
            session, update_id=500, owner_id=1, chat_id=1, payload=again, now=at(1)
        )

    with sessions() as session:
        [row] = inbox_repo.pending(session)
        assert (row.update_id, row.payload, row.received_at) == (500, HELLO, at(0))


def test_pending_returns_the_oldest_first_and_skips_processed(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        for update_id, minute in [(12, 2), (10, 0), (13, 3), (11, 1)]:
            inbox_repo.record(
                session, update_id=update_id, owner_id=1, chat_id=1, payload={}, now=at(minute)
            )
        assert inbox_repo.mark_processed(session, update_id=11, now=at(5))

    with sessions() as session:
        assert [row.update_id for row in inbox_repo.pending(session)] == [10, 12, 13]
        assert [row.update_id for row in inbox_repo.pending(session, limit=2)] == [10, 12]


def test_a_recorded_update_survives_a_restart(engine: Engine, database_url: str) -> None:
    with make_sessionmaker(engine).begin() as session:
        inbox_repo.record(session, update_id=7, owner_id=1, chat_id=1, payload=HELLO)
    engine.dispose()

    restarted = make_engine(database_url)
    with make_sessionmaker(restarted)() as session:
        assert [row.update_id for row in inbox_repo.pending(session)] == [7]
    restarted.dispose()


def _handle_title_change(
    sessions: sessionmaker[Session], *, owner_id: int, draft_id: int, crash: bool
) -> None:
    """What the worker does for update 1: change state, queue the reply, mark it processed."""
    with sessions.begin() as session:
        drafts_repo.save_data(session, owner_id=owner_id, draft_id=draft_id, data={"titel": "neu"})
        inbox_repo.add_replies(
            session, update_id=1, chat_id=owner_id, payloads=[{"text": "Gespeichert."}]
        )
        inbox_repo.mark_processed(session, update_id=1)
        if crash:
            raise RuntimeError("crash before commit")


def test_state_change_replies_and_processed_mark_commit_together_or_not_at_all(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        draft = drafts_repo.create(session, owner_id=alice, data={"titel": "alt"})
        inbox_repo.record(session, update_id=1, owner_id=alice, chat_id=alice, payload=HELLO)

    with pytest.raises(RuntimeError, match="crash"):
        _handle_title_change(sessions, owner_id=alice, draft_id=draft.id, crash=True)

    with sessions() as session:
        assert [row.update_id for row in inbox_repo.pending(session)] == [1]
        assert inbox_repo.unsent(session) == []
        stored = drafts_repo.get(session, owner_id=alice, draft_id=draft.id)
        assert stored is not None
        assert stored.data == {"titel": "alt"}

    _handle_title_change(sessions, owner_id=alice, draft_id=draft.id, crash=False)

    with sessions() as session:
        assert inbox_repo.pending(session) == []
        assert [row.payload for row in inbox_repo.unsent(session)] == [{"text": "Gespeichert."}]
        stored = drafts_repo.get(session, owner_id=alice, draft_id=draft.id)
        assert stored is not None
        assert stored.data == {"titel": "neu"}


def test_replies_go_out_in_order_and_a_restart_resends_only_unconfirmed(
    engine: Engine, database_url: str
) -> None:
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        inbox_repo.record(session, update_id=1, owner_id=1, chat_id=1, payload=HELLO)
        inbox_repo.record(session, update_id=2, owner_id=2, chat_id=2, payload=HELLO)
        inbox_repo.add_replies(
            session, update_id=1, chat_id=1, payloads=[{"text": "a"}, {"text": "b"}]
        )
        inbox_repo.add_replies(session, update_id=2, chat_id=2, payloads=[{"text": "c"}])

    with sessions() as session:
        queued = inbox_repo.unsent(session)
        assert [(row.payload["text"], row.seq) for row in queued] == [
            ("a", 0),
            ("b", 1),
            ("c", 0),
        ]
    # The sender delivers "a", confirms it, then the process dies before "b" is confirmed.
    with sessions.begin() as session:
        assert inbox_repo.mark_sent(session, outbox_id=queued[0].id, now=at(9))
    engine.dispose()

    restarted = make_sessionmaker(make_engine(database_url))
    with restarted.begin() as session:
        assert [row.payload["text"] for row in inbox_repo.unsent(session)] == ["b", "c"]
        assert not inbox_repo.mark_sent(session, outbox_id=queued[0].id)  # already sent


def test_marking_an_unknown_update_processed_reports_false(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        assert inbox_repo.mark_processed(session, update_id=404) is False


def test_console_messages_get_negative_ids_of_their_own(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        inbox_repo.record(session, update_id=900, owner_id=1, chat_id=1, payload={})
        first = inbox_repo.record_local(session, owner_id=-1, chat_id=-1, payload=HELLO)
        second = inbox_repo.record_local(session, owner_id=-1, chat_id=-1, payload=HELLO)
    assert (first, second) == (-1, -2)
    with sessions() as session:
        row = inbox_repo.get(session, update_id=-2)
        assert row is not None
        assert row.payload == HELLO


def test_purging_keeps_what_is_unfinished_or_recent(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for update_id in (1, 2, 3):
            inbox_repo.record(session, update_id=update_id, owner_id=1, chat_id=1, payload={})
        done, waiting = (
            inbox_repo.add_replies(session, update_id=u, chat_id=1, payloads=[{}])[0]
            for u in (1, 2)
        )
        for update_id in (1, 2):
            inbox_repo.mark_processed(session, update_id=update_id, now=at(0))
        inbox_repo.mark_sent(session, outbox_id=done.id, now=at(1))
        inbox_repo.mark_processed(session, update_id=3, now=at(60))

    with sessions.begin() as session:
        assert inbox_repo.purge_done(session, before=at(30)) == 2  # update 1 and its reply

    with sessions() as session:
        assert inbox_repo.get(session, update_id=1) is None
        assert inbox_repo.get(session, update_id=2) is not None  # its reply is not sent yet
        assert inbox_repo.get(session, update_id=3) is not None  # processed after the cutoff
        assert [row.id for row in inbox_repo.unsent(session)] == [waiting.id]


def test_typed_text_and_sent_replies_are_not_kept_once_handled(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        inbox_repo.record(session, update_id=700, owner_id=7, chat_id=7, payload=HELLO, now=at(0))
        inbox_repo.mark_processed(session, update_id=700, now=at(1))
        [reply] = inbox_repo.add_replies(
            session, update_id=700, chat_id=7, payloads=[{"text": "Ihre Anschrift: Markt 1"}]
        )
        inbox_repo.mark_sent(session, outbox_id=reply.id, now=at(2))
    with sessions() as session:
        export = str(inbox_repo.get(session, update_id=700).payload)  # type: ignore[union-attr]
        assert "Hallo" not in export
        assert inbox_repo.unsent(session) == []
        assert session.get(OutboxRow, reply.id).payload == {}  # type: ignore[union-attr]
    with sessions.begin() as session:  # a redelivered update is still recognised
        assert not inbox_repo.record(
            session, update_id=700, owner_id=7, chat_id=7, payload=HELLO, now=at(3)
        )


# -- delivery state (0002d): dedupe keys, refusals, dead letters -------------------------------


def test_a_keyed_message_is_queued_once_however_often_it_is_produced(
    sessions: sessionmaker[Session],
) -> None:
    parts = [{"text": "Neuer Antragsentwurf, Teil 1"}, {"text": "Teil 2"}]
    with sessions.begin() as session:
        first = inbox_repo.add_replies(
            session, update_id=None, chat_id=-100, payloads=parts, dedupe_key="draft:7:v2"
        )
        assert [(r.seq, r.dedupe_key) for r in first] == [(0, "draft:7:v2"), (1, None)]
    for _ in range(2):  # a re-run, a restart: nothing new
        with sessions.begin() as session:
            assert not inbox_repo.add_replies(
                session, update_id=None, chat_id=-100, payloads=parts, dedupe_key="draft:7:v2"
            )
    with sessions.begin() as session:
        other = inbox_repo.add_replies(
            session, update_id=None, chat_id=-100, payloads=parts[:1], dedupe_key="draft:7:v3"
        )
        assert len(other) == 1
    with sessions() as session:
        assert [r.payload["text"] for r in inbox_repo.unsent(session)] == [
            "Neuer Antragsentwurf, Teil 1", "Teil 2", "Neuer Antragsentwurf, Teil 1",
        ]  # fmt: skip


def test_a_refusal_is_final_for_a_user_and_a_dead_letter_for_the_staff_chat(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        user, staff = (
            inbox_repo.add_replies(session, update_id=None, chat_id=c, payloads=[{"text": t}])[0]
            for c, t in ((1, "an Erika"), (-100, "an die Geschäftsstelle"))
        )
        assert inbox_repo.mark_failed(
            session, outbox_id=user.id, error="Forbidden: bot was blocked by the user",
            retry_at=None, now=at(0),
        )  # fmt: skip
        assert inbox_repo.mark_failed(
            session, outbox_id=staff.id, error="Bad Request: chat not found", retry_at=at(10),
            now=at(0),
        )  # fmt: skip

    with sessions() as session:
        assert inbox_repo.unsent(session, now=at(5)) == []
        assert [r.id for r in inbox_repo.unsent(session, now=at(10))] == [staff.id]
        blocked, dead = inbox_repo.dead_letters(session)
        assert (blocked.payload, blocked.retry_at, blocked.attempts) == ({}, None, 1)
        assert (dead.payload["text"], dead.retry_at, dead.error) == (
            "an die Geschäftsstelle", at(10), "Bad Request: chat not found",
        )  # fmt: skip

    with sessions.begin() as session:  # the next start: every dead letter is due at once
        assert inbox_repo.retry_dead_letters(session, now=at(6)) == 1
        assert [r.id for r in inbox_repo.unsent(session, now=at(6))] == [staff.id]
        inbox_repo.mark_failed(
            session, outbox_id=staff.id, error="Bad Request: chat not found", retry_at=at(16)
        )
        assert inbox_repo.mark_sent(session, outbox_id=staff.id, now=at(17))
    with sessions() as session:
        (still,) = inbox_repo.dead_letters(session)
        assert still.id == blocked.id
        sent = session.get(OutboxRow, staff.id)
        assert sent is not None and (sent.attempts, sent.retry_at) == (2, None)


def test_unsent_leaves_out_chats_told_to_wait(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for chat_id in (1, 2, 1, 3):
            inbox_repo.add_replies(session, update_id=None, chat_id=chat_id, payloads=[{}])
    with sessions() as session:
        chats = [r.chat_id for r in inbox_repo.unsent(session, exclude_chats={1, 3})]
        assert chats == [2]


def test_purging_keeps_keyed_rows_and_dead_letters_but_not_old_refusals(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        (keyed,) = inbox_repo.add_replies(
            session, update_id=None, chat_id=-100, payloads=[{}], dedupe_key="draft:1:v1"
        )
        blocked, dead = (
            inbox_repo.add_replies(session, update_id=None, chat_id=c, payloads=[{}])[0]
            for c in (1, -100)
        )
        inbox_repo.mark_sent(session, outbox_id=keyed.id, now=at(0))
        inbox_repo.mark_failed(session, outbox_id=blocked.id, error="x", retry_at=None, now=at(0))
        inbox_repo.mark_failed(session, outbox_id=dead.id, error="x", retry_at=at(1), now=at(0))
    with sessions.begin() as session:
        assert inbox_repo.purge_done(session, before=at(30)) == 1  # the blocked user's row
    with sessions.begin() as session:
        assert session.get(OutboxRow, keyed.id) is not None  # keeps "draft:1:v1" from recurring
        assert [r.id for r in inbox_repo.dead_letters(session)] == [dead.id]
        assert not inbox_repo.add_replies(
            session, update_id=None, chat_id=-100, payloads=[{}], dedupe_key="draft:1:v1"
        )
