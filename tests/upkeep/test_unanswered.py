"""The office's list of unanswered questions: grouped by what they ask, answered once, and the
askers who wanted it told in their chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.storage import (
    inbox_repo,
    make_engine,
    make_sessionmaker,
    migrate,
    question_log,
    users_repo,
)
from bot.upkeep.unanswered import answer_group, groups

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def database(tmp_path: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    migrate(url)
    return make_sessionmaker(make_engine(url))


def test_questions_asking_the_same_thing_form_one_group_with_count_and_dates(
    tmp_path: Path,
) -> None:
    sessions = database(tmp_path)
    asked = [
        ("Dürfen wir ein Auto für Streetworker kaufen?", "abgelehnt"),
        ("Auto für Streetworker förderfähig?", "abgelehnt"),
        ("Wie hoch ist der Eigenanteil bei Vereinen?", "schlecht"),
        ("auto für streetworker kaufen", "nachgefragt"),
    ]
    with sessions.begin() as session:
        for minutes, (question, outcome) in enumerate(asked):
            question_log.record(session, question=question, outcome=outcome, ref=None,
                                now=NOW + timedelta(minutes=minutes))  # fmt: skip
        question_log.record(session, question="Danke, hat geholfen", outcome="gut", ref="x",
                            now=NOW)  # fmt: skip
        found = groups(question_log.unanswered(session))

    assert [g.count for g in found] == [3, 1]  # 👍 ratings are not in the list
    cars = found[0]
    assert cars.question == "auto für streetworker kaufen"  # the newest phrasing stands for it
    assert cars.outcomes == {"nachgefragt": 1, "abgelehnt": 2}
    assert cars.first == NOW and cars.last == NOW + timedelta(minutes=3)


def test_answering_a_group_tells_only_those_who_asked_to_be_told_and_forgets_them(
    tmp_path: Path,
) -> None:
    sessions = database(tmp_path)
    with sessions.begin() as session:
        users_repo.get_or_create(session, owner_id=42, channel="telegram", now=NOW)
        wants = question_log.record(session, question="Auto für Streetworker?",
                                    outcome="abgelehnt", ref=None, now=NOW)  # fmt: skip
        quiet = question_log.record(session, question="Auto für Streetworker kaufen?",
                                    outcome="abgelehnt", ref=None, now=NOW)  # fmt: skip
        assert question_log.subscribe(session, log_id=wants, owner_id=42)

    with sessions.begin() as session:
        told = answer_group(session, ids=[wants, quiet], faq_id="fahrzeuge",
                            answer="Fahrzeuge sind nicht förderfähig.",
                            source="RL KommPräv › Ziffer V", now=NOW)  # fmt: skip
        assert told == 1
        (message,) = inbox_repo.unsent(session)
        assert message.chat_id == 42
        assert "Fahrzeuge sind nicht förderfähig." in message.payload["text"]
        assert question_log.unanswered(session) == []
        rows = question_log.by_ids(session, ids=[wants, quiet])
        assert {r.notify_owner_id for r in rows} == {None}
        assert {r.resolved_by_faq for r in rows} == {"fahrzeuge"}
        assert not question_log.subscribe(session, log_id=wants, owner_id=42)  # answered
