"""Timestamps: stored and returned as aware UTC on every backend; naive ones refused."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import users_repo, utcnow


def test_a_berlin_time_comes_back_as_the_same_moment_in_utc(
    sessions: sessionmaker[Session],
) -> None:
    berlin_summer = timezone(timedelta(hours=2))
    moment = datetime(2026, 7, 1, 12, 30, tzinfo=berlin_summer)
    with sessions.begin() as session:
        users_repo.get_or_create(session, owner_id=1, channel="console", now=moment)

    with sessions() as session:
        user = users_repo.get(session, owner_id=1)
        assert user is not None
        assert user.created_at == moment
        assert user.created_at.utcoffset() == timedelta(0)
        assert user.created_at.hour == 10


def test_a_naive_time_is_refused(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session, pytest.raises(StatementError, match="naive"):
        users_repo.get_or_create(
            session, owner_id=1, channel="console", now=datetime(2026, 7, 1, 12, 30)
        )


def test_utcnow_is_aware() -> None:
    assert utcnow().utcoffset() == timedelta(0)
