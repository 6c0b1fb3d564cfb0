"""Users: stored without names, shown everything on request, erased completely."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import (
    DialogueRow,
    DraftRow,
    DraftVersionRow,
    InboxRow,
    OutboxRow,
    UserNotFound,
    UserRow,
    dialogue_repo,
    drafts_repo,
    inbox_repo,
    review_repo,
    users_repo,
)
from bot.storage.tables import QuestionLogRow, ReviewNoteRow, ReviewRow, StaffRequestRow
from tests.storage.conftest import at


def test_first_contact_creates_the_user_and_later_contacts_find_it(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        created = users_repo.get_or_create(session, owner_id=42, channel="telegram", now=at(0))
    with sessions.begin() as session:
        again = users_repo.get_or_create(session, owner_id=42, channel="console", now=at(9))
        assert (again.channel, again.created_at, again.privacy_seen_at) == (
            "telegram",
            at(0),
            None,
        )
    assert created.id == again.id == 42


def test_the_user_table_holds_no_personal_details(engine: Engine) -> None:
    columns = {column["name"] for column in inspect(engine).get_columns("users")}
    assert columns == {"id", "channel", "created_at", "privacy_seen_at"}


def test_privacy_notice_seen_is_remembered(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        users_repo.mark_privacy_seen(session, owner_id=alice, now=at(1))
    with sessions() as session:
        user = users_repo.get(session, owner_id=alice)
        assert user is not None
        assert user.privacy_seen_at == at(1)
    with sessions.begin() as session, pytest.raises(UserNotFound):
        users_repo.mark_privacy_seen(session, owner_id=999)


def _fill(session: Session, owner_id: int, first_update: int) -> None:
    """Everything a user leaves behind: a submitted, reopened draft, state, messages."""
    draft = drafts_repo.create(session, owner_id=owner_id, data={"titel": f"P{owner_id}"})
    drafts_repo.submit(session, owner_id=owner_id, draft_id=draft.id, now=at(10))
    # The office received it, noted something, and the user passed a question on.
    review_repo.record_submission(session, draft_id=draft.id, version=1, now=at(10))
    review_repo.add_note(
        session, draft_id=draft.id, kind="intern", account_id=None, version=1, body="Notiz"
    )
    review_repo.create_request(session, kind="frage", owner_id=owner_id, question="Frist?")
    session.add(QuestionLogRow(question="Frist?", outcome="abgelehnt", notify_owner_id=owner_id))
    drafts_repo.reopen_as_new_version(session, owner_id=owner_id, draft_id=draft.id)
    dialogue_repo.save(
        session, owner_id=owner_id, step="titel", draft_id=draft.id, pending={"confirm": "x"}
    )
    for update_id in (first_update, first_update + 1):
        inbox_repo.record(
            session,
            update_id=update_id,
            owner_id=owner_id,
            chat_id=owner_id,
            payload={"text": "Hallo"},
        )
    # The first update was answered; the second is the one being processed right now.
    inbox_repo.mark_processed(session, update_id=first_update)
    inbox_repo.add_replies(
        session, update_id=first_update, chat_id=owner_id, payloads=[{"text": "Guten Tag"}]
    )
    inbox_repo.add_replies(session, update_id=None, chat_id=owner_id, payloads=[{"n": 1}])


def _rows_of(session: Session, owner_id: int) -> dict[str, int]:
    def count(model: Any, *where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    drafts = select(DraftRow.id).where(DraftRow.owner_id == owner_id)
    updates = select(InboxRow.update_id).where(InboxRow.owner_id == owner_id)
    return {
        "users": count(UserRow, UserRow.id == owner_id),
        "dialogues": count(DialogueRow, DialogueRow.owner_id == owner_id),
        "staff_requests": count(StaffRequestRow, StaffRequestRow.owner_id == owner_id),
        "question_log": count(QuestionLogRow, QuestionLogRow.notify_owner_id == owner_id),
        "review_notes": count(ReviewNoteRow, ReviewNoteRow.draft_id.in_(drafts)),
        "reviews": count(ReviewRow, ReviewRow.draft_id.in_(drafts)),
        "drafts": count(DraftRow, DraftRow.owner_id == owner_id),
        "draft_versions": count(DraftVersionRow, DraftVersionRow.draft_id.in_(drafts)),
        "inbox": count(InboxRow, InboxRow.owner_id == owner_id),
        "outbox": count(
            OutboxRow, or_(OutboxRow.update_id.in_(updates), OutboxRow.chat_id == owner_id)
        ),
    }


def test_export_shows_everything_stored_about_the_user(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, bob = users
    with sessions.begin() as session:
        _fill(session, alice, first_update=100)
        _fill(session, bob, first_update=200)

    with sessions() as session:
        export = users_repo.export_all(session, owner_id=alice)
        rows = _rows_of(session, alice)

    json.dumps(export)  # ready to send as a file
    assert export["user"]["id"] == alice
    assert export["dialogue"]["step"] == "titel"
    [draft] = export["drafts"]
    assert (draft["status"], draft["version"], draft["data"]) == ("entwurf", 2, {"titel": "P1001"})
    assert [(v["version"], v["frozen_at"]) for v in draft["versions"]] == [(1, at(10).isoformat())]
    assert [row["update_id"] for row in export["inbox"]] == [100, 101]
    assert [row["payload"] for row in export["outbox"]] == [{"text": "Guten Tag"}, {"n": 1}]
    exported = {
        "users": 1,
        "dialogues": 1,
        "drafts": len(export["drafts"]),
        "draft_versions": len(draft["versions"]),
        "inbox": len(export["inbox"]),
        "outbox": len(export["outbox"]),
        "staff_requests": len(export["requests"]),
        "question_log": len(export["waiting_for_answers"]),
    }
    # Staff notes and the review are the office's working papers, not the user's data export;
    # they are erased with the user all the same.
    assert exported == {k: v for k, v in rows.items() if k not in ("review_notes", "reviews")}
    assert [r["question"] for r in export["requests"]] == ["Frist?"]
    assert "P2002" not in json.dumps(export)


def test_deleting_a_user_removes_all_their_rows_and_nothing_of_others(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, bob = users
    with sessions.begin() as session:
        _fill(session, alice, first_update=100)
        _fill(session, bob, first_update=200)
        bobs_before = users_repo.export_all(session, owner_id=bob)
        alices_rows = _rows_of(session, alice)

    with sessions.begin() as session:
        deleted = users_repo.delete_all(session, owner_id=alice)
        # The update asking for deletion is still pending: it stays to carry the confirmation,
        # and once processed it holds no text.
        assert inbox_repo.mark_processed(session, update_id=101) is True
        inbox_repo.add_replies(session, update_id=101, chat_id=alice, payloads=[{"ok": 1}])

    assert deleted == {**alices_rows, "inbox": alices_rows["inbox"] - 1}
    with sessions() as session:
        assert _rows_of(session, alice) == {
            "users": 0,
            "dialogues": 0,
            "staff_requests": 0,
            "question_log": 0,
            "review_notes": 0,
            "reviews": 0,
            "drafts": 0,
            "draft_versions": 0,
            "inbox": 1,  # the deletion request itself, emptied
            "outbox": 1,  # the confirmation just written
        }
        assert inbox_repo.get(session, update_id=101).payload == {}  # type: ignore[union-attr]
        assert users_repo.export_all(session, owner_id=bob) == bobs_before
        assert users_repo.get(session, owner_id=alice) is None


def test_deleting_an_unknown_user_deletes_nothing(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    with sessions.begin() as session:
        counts = users_repo.delete_all(session, owner_id=31337)
    assert set(counts.values()) == {0}
