"""Every change staff make to the knowledge base is on record, can be compared and undone."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import make_engine, make_sessionmaker, migrate
from bot.upkeep.faq_file import (
    FaqEntry,
    Saved,
    entry_from_yaml,
    entry_stamp,
    entry_yaml,
    find_entry,
    retire_entry,
    save_entry,
)
from bot.upkeep.history import (
    ACTION_CHANGED,
    ACTION_CREATED,
    ACTION_RESTORED,
    ACTION_RETIRED,
    KIND_DOCUMENT,
    KIND_FAQ,
    NothingToRestore,
    changes,
    diff_lines,
    record_change,
    record_faq_save,
    restore_faq,
)

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ANNA = "anna@lpr.example"
BEN = "ben@lpr.example"


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    migrate(url)
    return make_sessionmaker(make_engine(url))


@pytest.fixture
def faq(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    return Path(shutil.copy(KNOWLEDGE / "faq.yaml", folder / "faq.yaml"))


def edit_answer(path: Path, entry_id: str, answer: str) -> Saved:
    entry = find_entry(path, entry_id)
    assert entry is not None
    result = save_entry(path, replace(entry, answer=answer), expected_stamp=entry_stamp(entry))
    assert isinstance(result, Saved)
    return result


def test_changes_are_listed_newest_first_and_by_kind_and_key(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        record_change(
            session, kind=KIND_FAQ, key="foerdersatz", action=ACTION_CHANGED, actor=ANNA,
            before="alt", after="neu", now=at(0),
        )  # fmt: skip
        record_change(
            session, kind=KIND_DOCUMENT, key="hinweisblatt.md", action="ersetzt", actor=BEN,
            before="archiv/hinweisblatt-1.md", after=None, now=at(5),
        )  # fmt: skip
        record_change(
            session, kind=KIND_FAQ, key="festbetrag", action=ACTION_CREATED, actor=BEN,
            before=None, after="neu", now=at(10),
        )  # fmt: skip

    with sessions() as session:
        assert [c.key for c in changes(session)] == [
            "festbetrag",
            "hinweisblatt.md",
            "foerdersatz",
        ]
        assert [c.key for c in changes(session, kind=KIND_FAQ)] == ["festbetrag", "foerdersatz"]
        only = changes(session, kind=KIND_FAQ, key="foerdersatz")
        assert [(c.action, c.actor, c.at, c.before, c.after) for c in only] == [
            (ACTION_CHANGED, ANNA, at(0), "alt", "neu")
        ]
        assert len(changes(session, limit=1)) == 1


def test_a_save_is_recorded_with_both_versions(faq: Path, sessions: sessionmaker[Session]) -> None:
    answer = "Nur ausnahmsweise; die Regel ist bis zu 90 %."
    result = edit_answer(faq, "festbetrag", answer)

    with sessions.begin() as session:
        row = record_faq_save(session, result, actor=ANNA, now=at(1))
    assert row is not None

    with sessions() as session:
        (change,) = changes(session, key="festbetrag")
        assert change.action == ACTION_CHANGED
        assert change.actor == ANNA
        assert change.before is not None
        assert change.after is not None
        assert entry_from_yaml(change.before) == result.before
        assert entry_from_yaml(change.after).answer == answer


def test_creating_and_retiring_are_named_as_such_and_a_no_op_is_not_recorded(
    faq: Path, sessions: sessionmaker[Session]
) -> None:
    new = FaqEntry(
        id="neu-im-team",
        question="Wer ist neu in der Geschäftsstelle?",
        phrasings=["neue ansprechpartner", "wer ist neu", "neues personal lpr"],
        answer="Bitte bei der Geschäftsstelle erfragen.",
        document="RL KommPräv (Zusammenfassung)",
        section="Ziffer VI › Nr. 1",
    )
    created = save_entry(faq, new, expected_stamp=None)
    assert isinstance(created, Saved)
    retired = retire_entry(faq, "neu-im-team", expected_stamp=created.stamp)
    assert isinstance(retired, Saved)
    unchanged = save_entry(faq, retired.entry, expected_stamp=retired.stamp)
    assert isinstance(unchanged, Saved)

    with sessions.begin() as session:
        record_faq_save(session, created, actor=ANNA, now=at(1))
        record_faq_save(session, retired, actor=BEN, now=at(2))
        assert record_faq_save(session, unchanged, actor=BEN, now=at(3)) is None

    with sessions() as session:
        assert [(c.action, c.actor) for c in changes(session, key="neu-im-team")] == [
            (ACTION_RETIRED, BEN),
            (ACTION_CREATED, ANNA),
        ]


def test_the_diff_shows_what_was_removed_and_added() -> None:
    before = "- id: x\n  frage: Alt?\n  antwort: >-\n    Bis zu 90 %.\n"
    after = "- id: x\n  frage: Alt?\n  antwort: >-\n    Bis zu 80 %.\n  zurueckgezogen: true\n"

    assert diff_lines(before, after) == [
        (" ", "- id: x"),
        (" ", "  frage: Alt?"),
        (" ", "  antwort: >-"),
        ("-", "    Bis zu 90 %."),
        ("+", "    Bis zu 80 %."),
        ("+", "  zurueckgezogen: true"),
    ]
    assert diff_lines(None, "a\nb") == [("+", "a"), ("+", "b")]
    assert diff_lines("a", None) == [("-", "a")]


def test_the_diff_of_a_recorded_edit_names_only_the_answer(faq: Path) -> None:
    result = edit_answer(faq, "festbetrag", "Nur im Ausnahmefall.")
    assert result.before is not None

    diff = diff_lines(entry_yaml(result.before), entry_yaml(result.entry))

    changed = [(sign, line) for sign, line in diff if sign != " "]
    assert ("+", "    Nur im Ausnahmefall.") in changed
    assert all(line.startswith("    ") for _, line in changed)  # answer lines only


def test_undoing_a_change_puts_the_old_text_back_and_is_recorded(
    faq: Path, sessions: sessionmaker[Session]
) -> None:
    original = find_entry(faq, "festbetrag")
    result = edit_answer(faq, "festbetrag", "Nur im Ausnahmefall.")
    with sessions.begin() as session:
        row = record_faq_save(session, result, actor=ANNA, now=at(1))
        assert row is not None
        change_id = row.id

    with sessions.begin() as session:
        restored = restore_faq(session, faq, change_id, actor=BEN, now=at(2))

    assert isinstance(restored, Saved)
    assert find_entry(faq, "festbetrag") == original
    with sessions() as session:
        latest, first = changes(session, key="festbetrag")
        assert (latest.action, latest.actor, latest.at) == (ACTION_RESTORED, BEN, at(2))
        assert latest.before == first.after
        assert latest.after == first.before


def test_a_later_version_can_be_brought_back_too(
    faq: Path, sessions: sessionmaker[Session]
) -> None:
    first = edit_answer(faq, "festbetrag", "Erste Fassung.")
    second = edit_answer(faq, "festbetrag", "Zweite Fassung.")
    with sessions.begin() as session:
        first_row = record_faq_save(session, first, actor=ANNA, now=at(1))
        record_faq_save(session, second, actor=BEN, now=at(2))
        assert first_row is not None
        first_id = first_row.id

    with sessions.begin() as session:
        restore_faq(session, faq, first_id, actor=ANNA, now=at(3), version="after")

    entry = find_entry(faq, "festbetrag")
    assert entry is not None
    assert entry.answer == "Erste Fassung."


def test_restoring_a_retired_entry_brings_it_back(
    faq: Path, sessions: sessionmaker[Session]
) -> None:
    entry = find_entry(faq, "untergrenze")
    assert entry is not None
    retired = retire_entry(faq, "untergrenze", expected_stamp=entry_stamp(entry))
    assert isinstance(retired, Saved)
    with sessions.begin() as session:
        row = record_faq_save(session, retired, actor=ANNA, now=at(1))
        assert row is not None
        change_id = row.id

    with sessions.begin() as session:
        restore_faq(session, faq, change_id, actor=BEN, now=at(2))

    assert find_entry(faq, "untergrenze") == entry


def test_there_is_nothing_before_a_creation_to_restore(
    faq: Path, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        row = record_change(
            session, kind=KIND_FAQ, key="neu", action=ACTION_CREATED, actor=ANNA,
            before=None, after="- id: neu\n", now=at(1),
        )  # fmt: skip
        with pytest.raises(NothingToRestore, match="noch nicht"):
            restore_faq(session, faq, row.id, actor=BEN, now=at(2))
        with pytest.raises(NothingToRestore):
            restore_faq(session, faq, row.id + 100, actor=BEN, now=at(2))
