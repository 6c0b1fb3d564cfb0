"""Drafts: a user works on their own drafts only, and a submission is frozen for good."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import DraftNotEditable, DraftNotFound, DraftStatus, dialogue_repo, drafts_repo
from tests.storage.conftest import at

PROJECT = {"titel": "Präventionsrat Musterstadt", "kosten": {"personal": "42000.00"}}


def test_a_new_draft_is_an_editable_version_1(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        draft = drafts_repo.create(session, owner_id=alice, data=PROJECT, now=at(0))

    with sessions() as session:
        stored = drafts_repo.get(session, owner_id=alice, draft_id=draft.id)
        assert stored is not None
        assert (stored.status, stored.version, stored.data) == (DraftStatus.ENTWURF, 1, PROJECT)
        assert stored.created_at == stored.updated_at == at(0)
        assert stored.submitted_at is None
        assert drafts_repo.latest_open(session, owner_id=alice) == stored


def test_saving_replaces_the_data_and_keeps_no_reference_to_the_callers_dict(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    data = {"titel": "Erst so"}
    with sessions.begin() as session:
        draft = drafts_repo.create(session, owner_id=alice, data=data)
        data["titel"] = "Dann anders"
        drafts_repo.save_data(session, owner_id=alice, draft_id=draft.id, data=data, now=at(5))
        data["titel"] = "Nicht gespeichert"

    with sessions() as session:
        stored = drafts_repo.get(session, owner_id=alice, draft_id=draft.id)
        assert stored is not None
        assert stored.data == {"titel": "Dann anders"}
        assert stored.updated_at == at(5)


def test_another_user_can_neither_see_nor_change_my_draft(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, bob = users
    with sessions.begin() as session:
        draft = drafts_repo.create(session, owner_id=alice, data=PROJECT)

    with sessions.begin() as session:
        assert drafts_repo.get(session, owner_id=bob, draft_id=draft.id) is None
        assert drafts_repo.latest_open(session, owner_id=bob) is None
        assert drafts_repo.list_for_owner(session, owner_id=bob) == []
        with pytest.raises(DraftNotFound):
            drafts_repo.save_data(session, owner_id=bob, draft_id=draft.id, data={"x": 1})
        with pytest.raises(DraftNotFound):
            drafts_repo.submit(session, owner_id=bob, draft_id=draft.id)
        with pytest.raises(DraftNotFound):
            drafts_repo.reopen_as_new_version(session, owner_id=bob, draft_id=draft.id)
        assert drafts_repo.delete(session, owner_id=bob, draft_id=draft.id) is False
        assert drafts_repo.delete_all_for_owner(session, owner_id=bob) == 0

    with sessions() as session:
        mine = drafts_repo.get(session, owner_id=alice, draft_id=draft.id)
        assert mine is not None
        assert (mine.data, mine.status) == (PROJECT, DraftStatus.ENTWURF)


def test_submitting_freezes_the_version_and_locks_the_draft(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        draft = drafts_repo.create(session, owner_id=alice, data=PROJECT)
        frozen = drafts_repo.submit(session, owner_id=alice, draft_id=draft.id, now=at(30))

    assert (frozen.version, frozen.data, frozen.frozen_at) == (1, PROJECT, at(30))
    with sessions.begin() as session:
        stored = drafts_repo.get(session, owner_id=alice, draft_id=draft.id)
        assert stored is not None
        assert (stored.status, stored.submitted_at) == (DraftStatus.EINGEREICHT, at(30))
        assert drafts_repo.latest_open(session, owner_id=alice) is None
        with pytest.raises(DraftNotEditable):
            drafts_repo.save_data(session, owner_id=alice, draft_id=draft.id, data={"x": 1})
        with pytest.raises(DraftNotEditable):
            drafts_repo.submit(session, owner_id=alice, draft_id=draft.id)


def test_changing_a_submitted_draft_makes_version_2_and_leaves_version_1_frozen(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        draft = drafts_repo.create(session, owner_id=alice, data=PROJECT)
        drafts_repo.submit(session, owner_id=alice, draft_id=draft.id, now=at(30))

    with sessions.begin() as session:
        reopened = drafts_repo.reopen_as_new_version(
            session, owner_id=alice, draft_id=draft.id, now=at(40)
        )
        assert (reopened.version, reopened.status) == (2, DraftStatus.ENTWURF)
        assert reopened.submitted_at is None
        assert reopened.data == PROJECT  # version 2 starts from what was submitted
        drafts_repo.save_data(
            session, owner_id=alice, draft_id=draft.id, data={"titel": "Neu"}, now=at(41)
        )
        drafts_repo.submit(session, owner_id=alice, draft_id=draft.id, now=at(50))

    with sessions() as session:
        versions = drafts_repo.list_versions(session, owner_id=alice, draft_id=draft.id)
        assert [(v.version, v.data, v.frozen_at) for v in versions] == [
            (1, PROJECT, at(30)),
            (2, {"titel": "Neu"}, at(50)),
        ]


def test_an_editable_draft_cannot_be_reopened(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        draft = drafts_repo.create(session, owner_id=alice, data=PROJECT)
        with pytest.raises(DraftNotEditable):
            drafts_repo.reopen_as_new_version(session, owner_id=alice, draft_id=draft.id)


def test_latest_open_is_the_draft_touched_last(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        first = drafts_repo.create(session, owner_id=alice, data={"n": 1}, now=at(0))
        second = drafts_repo.create(session, owner_id=alice, data={"n": 2}, now=at(1))
        assert drafts_repo.latest_open(session, owner_id=alice) == second
        drafts_repo.save_data(session, owner_id=alice, draft_id=first.id, data={"n": 1}, now=at(2))
        assert drafts_repo.latest_open(session, owner_id=alice) == first
        assert drafts_repo.list_for_owner(session, owner_id=alice) == [first, second]


def test_deleting_drafts_takes_their_versions_and_clears_the_dialogue_pointer(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, bob = users
    with sessions.begin() as session:
        mine = drafts_repo.create(session, owner_id=alice, data=PROJECT)
        drafts_repo.submit(session, owner_id=alice, draft_id=mine.id)
        other = drafts_repo.create(session, owner_id=alice, data={"n": 2})
        dialogue_repo.save(session, owner_id=alice, step="titel", draft_id=other.id, pending={})
        bobs = drafts_repo.create(session, owner_id=bob, data={"n": 3})

    with sessions.begin() as session:
        assert drafts_repo.delete(session, owner_id=alice, draft_id=mine.id) is True
        assert drafts_repo.list_versions(session, owner_id=alice, draft_id=mine.id) == []
        assert drafts_repo.delete_all_for_owner(session, owner_id=alice) == 1

    with sessions() as session:
        assert drafts_repo.list_for_owner(session, owner_id=alice) == []
        state = dialogue_repo.get(session, owner_id=alice)
        assert state is not None
        assert (state.step, state.draft_id) == ("titel", None)
        assert drafts_repo.get(session, owner_id=bob, draft_id=bobs.id) is not None


def test_a_new_draft_never_reuses_the_id_of_a_deleted_one(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        old = drafts_repo.create(session, owner_id=alice, data={})
        old_id = old.id
        drafts_repo.delete(session, owner_id=alice, draft_id=old_id)
    with sessions.begin() as session:
        assert drafts_repo.create(session, owner_id=alice, data={}).id > old_id
