"""Abandoned drafts: a reminder a week ahead, then deletion; submitted drafts are never touched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import dialogue_repo, drafts_repo, retention, users_repo
from bot.storage.retention import Reminder, SweepResult
from tests.storage.conftest import ALICE, BOB

CHANGED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
RETENTION, REMIND = 180, 7


def days(n: float) -> datetime:
    """`n` days after the draft was last changed."""
    return CHANGED + timedelta(days=n)


def _draft(sessions: sessionmaker[Session], owner_id: int, *, channel: str = "telegram") -> int:
    with sessions.begin() as session:
        users_repo.get_or_create(session, owner_id=owner_id, channel=channel, now=CHANGED)
        return drafts_repo.create(session, owner_id=owner_id, data={"x": 1}, now=CHANGED).id


def _sweep(
    sessions: sessionmaker[Session], now: datetime, *, remind_days: int = REMIND
) -> SweepResult:
    with sessions.begin() as session:
        return retention.sweep(session, now=now, retention_days=RETENTION, remind_days=remind_days)


def _exists(sessions: sessionmaker[Session], owner_id: int, draft_id: int) -> bool:
    with sessions() as session:
        return drafts_repo.get(session, owner_id=owner_id, draft_id=draft_id) is not None


def test_a_week_ahead_the_owner_is_reminded_once_then_the_draft_is_deleted(
    sessions: sessionmaker[Session],
) -> None:
    draft_id = _draft(sessions, ALICE)
    with sessions.begin() as session:  # Alice was in the middle of this draft
        dialogue_repo.save(
            session, owner_id=ALICE, step="project.title", draft_id=draft_id, pending={}
        )

    assert _sweep(sessions, days(172.9)) == SweepResult()
    reminded = _sweep(sessions, days(173))
    assert reminded.reminders == [Reminder(ALICE, draft_id, delete_after=days(180))]
    assert _sweep(sessions, days(175)) == SweepResult()  # no second reminder
    assert _sweep(sessions, days(179.9)) == SweepResult()

    assert _sweep(sessions, days(180)) == SweepResult(deleted_draft_ids=[draft_id])
    assert not _exists(sessions, ALICE, draft_id)
    with sessions() as session:
        dialogue = dialogue_repo.get(session, owner_id=ALICE)
        assert dialogue is not None and dialogue.draft_id is None
        assert users_repo.get(session, owner_id=ALICE) is not None  # the user stays


def test_after_downtime_the_reminder_still_gets_its_full_week(
    sessions: sessionmaker[Session],
) -> None:
    draft_id = _draft(sessions, ALICE)
    late = _sweep(sessions, days(200))  # the bot was down when the draft expired
    assert late.reminders == [Reminder(ALICE, draft_id, delete_after=days(207))]
    assert late.deleted_draft_ids == []
    assert _sweep(sessions, days(206.9)) == SweepResult()
    assert _sweep(sessions, days(207)).deleted_draft_ids == [draft_id]


def test_a_change_after_the_reminder_keeps_the_draft_and_restarts_the_clock(
    sessions: sessionmaker[Session],
) -> None:
    draft_id = _draft(sessions, ALICE)
    assert len(_sweep(sessions, days(175)).reminders) == 1
    with sessions.begin() as session:
        drafts_repo.save_data(
            session, owner_id=ALICE, draft_id=draft_id, data={"x": 2}, now=days(178)
        )
    assert _sweep(sessions, days(190)) == SweepResult()
    assert _exists(sessions, ALICE, draft_id)
    # 173 days after the change: reminded again, for 180 days after the change.
    again = _sweep(sessions, days(178 + 173))
    assert again.reminders == [Reminder(ALICE, draft_id, delete_after=days(178 + 180))]


def test_submitted_and_reopened_drafts_belong_to_the_office_and_stay(
    sessions: sessionmaker[Session],
) -> None:
    submitted = _draft(sessions, ALICE)
    reopened = _draft(sessions, ALICE)
    with sessions.begin() as session:
        drafts_repo.submit(session, owner_id=ALICE, draft_id=submitted, now=CHANGED)
        drafts_repo.submit(session, owner_id=ALICE, draft_id=reopened, now=CHANGED)
        drafts_repo.reopen_as_new_version(session, owner_id=ALICE, draft_id=reopened, now=CHANGED)
    assert _sweep(sessions, days(400)) == SweepResult()
    assert _sweep(sessions, days(800)) == SweepResult()
    assert _exists(sessions, ALICE, submitted) and _exists(sessions, ALICE, reopened)


def test_each_owner_is_reminded_of_their_own_draft_only(sessions: sessionmaker[Session]) -> None:
    alices, bobs = _draft(sessions, ALICE), _draft(sessions, BOB)
    with sessions.begin() as session:  # Bob worked on his yesterday
        drafts_repo.save_data(session, owner_id=BOB, draft_id=bobs, data={}, now=days(174))
    # Reminded on day 175: a full week's notice makes it day 182, not 180.
    assert _sweep(sessions, days(175)).reminders == [Reminder(ALICE, alices, days(182))]
    assert _sweep(sessions, days(181.9)) == SweepResult()
    assert _sweep(sessions, days(182)).deleted_draft_ids == [alices]
    assert _exists(sessions, BOB, bobs)


def test_a_channel_sweep_leaves_other_channels_drafts_alone(
    sessions: sessionmaker[Session],
) -> None:
    console = _draft(sessions, -1, channel="console")
    with sessions.begin() as session:
        swept = retention.sweep(
            session, now=days(400), retention_days=RETENTION, remind_days=REMIND,
            channel="telegram",
        )  # fmt: skip
    assert swept == SweepResult()
    assert _exists(sessions, -1, console)


def test_without_reminders_the_draft_goes_when_its_time_is_up(
    sessions: sessionmaker[Session],
) -> None:
    draft_id = _draft(sessions, ALICE)
    assert _sweep(sessions, days(179), remind_days=0) == SweepResult()
    assert _sweep(sessions, days(180), remind_days=0) == SweepResult(deleted_draft_ids=[draft_id])


@pytest.mark.parametrize(("retention_days", "remind_days"), [(0, 0), (7, 7), (30, -1)])
def test_impossible_periods_are_refused(
    sessions: sessionmaker[Session], retention_days: int, remind_days: int
) -> None:
    with sessions.begin() as session, pytest.raises(ValueError, match="retention_days"):
        retention.sweep(
            session, now=CHANGED, retention_days=retention_days, remind_days=remind_days
        )
