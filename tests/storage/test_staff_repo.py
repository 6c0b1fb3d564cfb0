"""Staff view: submitted drafts of all users, for the staff workspace only."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.storage import drafts_repo, staff_repo
from tests.storage.conftest import at


def test_staff_see_submitted_drafts_of_everyone_in_submission_order(
    sessions: sessionmaker[Session], users: tuple[int, int]
) -> None:
    alice, bob = users
    with sessions.begin() as session:
        alices = drafts_repo.create(session, owner_id=alice, data={"titel": "A"})
        bobs = drafts_repo.create(session, owner_id=bob, data={"titel": "B"})
        drafts_repo.create(session, owner_id=bob, data={"titel": "noch offen"})
        drafts_repo.submit(session, owner_id=bob, draft_id=bobs.id, now=at(1))
        drafts_repo.submit(session, owner_id=alice, draft_id=alices.id, now=at(2))

    with sessions() as session:
        assert [d.id for d in staff_repo.list_submitted(session)] == [bobs.id, alices.id]
        any_draft = staff_repo.get_any(session, draft_id=alices.id)
        assert any_draft is not None
        assert any_draft.owner_id == alice
        assert [v.version for v in staff_repo.list_versions_any(session, draft_id=bobs.id)] == [1]
        assert staff_repo.get_any(session, draft_id=999_999) is None
