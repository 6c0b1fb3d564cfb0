"""Dialogue state: the open step survives a restart, and points only at one's own drafts."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import DraftNotFound, dialogue_repo, drafts_repo, make_sessionmaker
from tests.storage.conftest import at


def test_a_user_without_state_starts_fresh(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions() as session:
        assert dialogue_repo.get(session, owner_id=alice) is None


def test_the_saved_step_is_there_for_a_new_process(
    engine: Engine, sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        draft = drafts_repo.create(session, owner_id=alice, data={})
        dialogue_repo.save(
            session,
            owner_id=alice,
            step="kosten.personal",
            draft_id=draft.id,
            pending={"confirm": "submit"},
            now=at(3),
        )

    with make_sessionmaker(engine)() as session:
        state = dialogue_repo.get(session, owner_id=alice)
        assert state is not None
        assert (state.step, state.draft_id, state.pending, state.updated_at) == (
            "kosten.personal",
            draft.id,
            {"confirm": "submit"},
            at(3),
        )


def test_saving_again_replaces_the_whole_state(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, _ = users
    with sessions.begin() as session:
        draft = drafts_repo.create(session, owner_id=alice, data={})
        dialogue_repo.save(
            session, owner_id=alice, step="a", draft_id=draft.id, pending={"confirm": "delete"}
        )
    with sessions.begin() as session:
        dialogue_repo.save(session, owner_id=alice, step=None, draft_id=None, pending={})

    with sessions() as session:
        state = dialogue_repo.get(session, owner_id=alice)
        assert state is not None
        assert (state.step, state.draft_id, state.pending) == (None, None, {})


def test_state_cannot_point_at_someone_elses_draft(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, bob = users
    with sessions.begin() as session:
        alices = drafts_repo.create(session, owner_id=alice, data={})
    with sessions.begin() as session, pytest.raises(DraftNotFound):
        dialogue_repo.save(session, owner_id=bob, step="titel", draft_id=alices.id, pending={})


def test_clearing_forgets_the_state(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, bob = users
    with sessions.begin() as session:
        dialogue_repo.save(session, owner_id=alice, step="titel", draft_id=None, pending={})
        dialogue_repo.save(session, owner_id=bob, step="titel", draft_id=None, pending={})
    with sessions.begin() as session:
        assert dialogue_repo.clear(session, owner_id=alice) is True
        assert dialogue_repo.clear(session, owner_id=alice) is False
    with sessions() as session:
        assert dialogue_repo.get(session, owner_id=alice) is None
        assert dialogue_repo.get(session, owner_id=bob) is not None
