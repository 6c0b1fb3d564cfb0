"""Staff edit FAQ entries in the workspace: the file changes only where they changed it.

Every test works on a copy of the shipped knowledge/faq.yaml in a temporary folder.
Kept free of heavy imports at module level: the two-process test starts fresh interpreters
that import this module.
"""

from __future__ import annotations

import multiprocessing
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.upkeep.faq_file import (
    Conflict,
    FaqEntry,
    InvalidEntry,
    Missing,
    Saved,
    entry_from_yaml,
    entry_stamp,
    entry_yaml,
    find_entry,
    read_entries,
    retire_entry,
    save_entry,
    validate_entry,
)

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

NEW_ANSWER = (
    "Ja, zum Teil: Personal und Sachmittel der Verwaltung, mit denen die Kommune ihr "
    "Präventionsgremium steuert, zählen als Eigenanteil. Ob andere Eigenleistungen zählen, "
    "klärt die Geschäftsstelle in der Beratung."
)


@pytest.fixture
def faq(tmp_path: Path) -> Path:
    """A copy of the shipped FAQ file in its own knowledge folder."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    return Path(shutil.copy(KNOWLEDGE / "faq.yaml", folder / "faq.yaml"))


def loaded(path: Path) -> dict[str, Any]:
    """What the bot's loader reads from the file, by id."""
    from retrieval.loaders import load_faq

    return {e.id: e for e in load_faq(path, path.name).faq}


def around(text: str, entry_id: str) -> tuple[str, str]:
    """The text before an entry's block and from the blank line after it."""
    start = text.index(f"- id: {entry_id}\n")
    end = text.find("\n\n", start)
    return text[:start], text[end:] if end >= 0 else ""


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def known_documents() -> dict[str, list[str]]:
    """Document titles and section paths of the shipped knowledge base, as the index has them."""
    from retrieval.loaders import load_file

    out: dict[str, list[str]] = {}
    for path in sorted(KNOWLEDGE.glob("*.md")):
        for section in load_file(path, KNOWLEDGE).sections:
            out.setdefault(section.doc.title, []).append(section.section_label)
    return out


def good_entry(**changes: Any) -> FaqEntry:
    entry = FaqEntry(
        id="antragsfrist-2027",
        question="Bis wann muss der Antrag für 2027 eingegangen sein?",
        phrasings=["frist 2027", "antrag 2027 bis wann", "deadline für nächstes jahr"],
        answer="Spätestens am 15. Oktober des Vorjahres, bei der Geschäftsstelle des LPR.",
        document="RL KommPräv (Zusammenfassung)",
        section="Ziffer VI › Nr. 2",
    )
    return replace(entry, **changes)


# --- Editing -------------------------------------------------------------------------------


def test_editing_an_answer_rewrites_only_that_entry_and_the_loader_reads_it(faq: Path) -> None:
    original = faq.read_text(encoding="utf-8")
    before_load = loaded(faq)
    entry = find_entry(faq, "eigenleistung")
    assert entry is not None

    result = save_entry(faq, replace(entry, answer=NEW_ANSWER), expected_stamp=entry_stamp(entry))

    assert isinstance(result, Saved)
    assert result.changed
    assert result.before == entry
    text = faq.read_text(encoding="utf-8")
    head, tail = around(original, "eigenleistung")
    assert text.startswith(head)
    assert text.endswith(tail)
    assert comments(text) == comments(original)
    block = text[len(head) : len(text) - len(tail)]
    assert "  antwort: >-\n    Ja, zum Teil:" in block
    assert all(len(line) <= 100 for line in block.splitlines())
    after_load = loaded(faq)
    assert after_load["eigenleistung"].answer == NEW_ANSWER
    assert after_load["eigenleistung"].phrasings == before_load["eigenleistung"].phrasings
    assert {k: v for k, v in after_load.items() if k != "eigenleistung"} == {
        k: v for k, v in before_load.items() if k != "eigenleistung"
    }


def test_saving_what_is_already_there_leaves_the_file_alone(faq: Path) -> None:
    original = faq.read_bytes()
    entry = read_entries(faq)[0]

    result = save_entry(faq, entry, expected_stamp=entry_stamp(entry))

    assert isinstance(result, Saved)
    assert not result.changed
    assert faq.read_bytes() == original


def test_new_phrasings_and_a_section_with_a_colon_come_back_as_typed(faq: Path) -> None:
    entry = find_entry(faq, "spenden-drittmittel")
    assert entry is not None
    phrasings = [*entry.phrasings, "ja", "2027-01-01", "spenden: zählen die?"]
    changed = replace(entry, phrasings=phrasings, section="Ziffer V › Nr. 5")

    assert isinstance(save_entry(faq, changed, expected_stamp=entry_stamp(entry)), Saved)

    reread = loaded(faq)["spenden-drittmittel"]
    assert list(reread.phrasings) == phrasings  # PyYAML would read a plain ja/date otherwise
    assert reread.section == "Ziffer V › Nr. 5"
    assert find_entry(faq, "spenden-drittmittel") == changed


def test_a_new_entry_goes_at_the_end_and_the_rest_stays_byte_for_byte(faq: Path) -> None:
    original = faq.read_text(encoding="utf-8")
    entry = good_entry()

    result = save_entry(faq, entry, expected_stamp=None)

    assert isinstance(result, Saved)
    assert result.before is None
    text = faq.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert text[len(original) :].startswith("\n- id: antragsfrist-2027\n  frage: Bis wann")
    assert read_entries(faq)[-1] == entry
    assert loaded(faq)["antragsfrist-2027"].answer == entry.answer


def test_a_new_entry_with_a_taken_id_is_refused_and_shows_the_existing_one(faq: Path) -> None:
    original = faq.read_bytes()

    result = save_entry(faq, good_entry(id="foerdersatz"), expected_stamp=None)

    assert isinstance(result, Conflict)
    assert result.theirs.question == "Wie viel Prozent der Ausgaben werden gefördert?"
    assert "gibt es schon" in result.message
    assert faq.read_bytes() == original


def test_an_entry_without_question_or_answer_is_never_written(faq: Path) -> None:
    original = faq.read_bytes()
    with pytest.raises(InvalidEntry):
        save_entry(faq, good_entry(answer="  "), expected_stamp=None)
    with pytest.raises(InvalidEntry):
        save_entry(faq, good_entry(id="Frist 2027"), expected_stamp=None)
    assert faq.read_bytes() == original


def test_saving_leaves_no_temporary_files_behind(faq: Path) -> None:
    save_entry(faq, good_entry(), expected_stamp=None)
    assert sorted(p.name for p in faq.parent.iterdir()) == [".faq.yaml.lock", "faq.yaml"]


def test_windows_line_ends_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    text = (KNOWLEDGE / "faq.yaml").read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    entry = find_entry(path, "festbetrag")
    assert entry is not None

    save_entry(path, replace(entry, answer=NEW_ANSWER), expected_stamp=entry_stamp(entry))

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# Kuratierte")
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert find_entry(path, "festbetrag") == replace(entry, answer=NEW_ANSWER)


HAND_WRITTEN = """\
# Von Hand gepflegt.

- id: a   # Kommentar am Schlüssel
  frage: Frage A?
  # Kommentar im Eintrag
  formulierungen:
    - eins  # zu eins
    - zwei
  antwort: >-
    Antwort A mit
    #hashtag
  quelle:
    dokument: D
    abschnitt: S

# --- Abschnitt B ---
- id: b
  frage: Frage B?
  formulierungen: []
  antwort: Antwort B
  quelle: {dokument: D, abschnitt: S}
"""


def test_comments_and_odd_layout_of_a_hand_written_entry_stay_as_they_were(
    tmp_path: Path,
) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    a = find_entry(path, "a")
    b = find_entry(path, "b")
    assert a is not None
    assert b is not None
    assert a.answer == "Antwort A mit #hashtag"

    save_entry(path, replace(a, question="Frage A, neu?"), expected_stamp=entry_stamp(a))
    save_entry(path, replace(b, retired=True), expected_stamp=entry_stamp(b))

    expected = HAND_WRITTEN.replace("frage: Frage A?", "frage: Frage A, neu?").replace(
        "abschnitt: S}\n", "abschnitt: S}\n  zurueckgezogen: true\n"
    )
    assert path.read_text(encoding="utf-8") == expected


# --- Retiring and validity -----------------------------------------------------------------


def test_retiring_keeps_the_entry_in_the_file_marked(faq: Path) -> None:
    entry = find_entry(faq, "untergrenze")
    assert entry is not None
    original = faq.read_text(encoding="utf-8")

    result = retire_entry(faq, "untergrenze", expected_stamp=entry_stamp(entry))

    assert isinstance(result, Saved)
    assert result.entry == replace(entry, retired=True)
    text = faq.read_text(encoding="utf-8")
    head, tail = around(original, "untergrenze")
    assert text.startswith(head)
    assert text.endswith(tail)
    raw = {item["id"]: item for item in yaml.safe_load(text)}
    assert raw["untergrenze"]["zurueckgezogen"] is True
    assert raw["untergrenze"]["antwort"]  # the text is kept
    assert find_entry(faq, "untergrenze") == replace(entry, retired=True)
    loaded(faq)  # the loader still reads the file (it does not know the key yet)


def test_bringing_an_entry_back_removes_the_mark(faq: Path) -> None:
    entry = find_entry(faq, "untergrenze")
    assert entry is not None
    original = faq.read_text(encoding="utf-8")
    retired = retire_entry(faq, "untergrenze", expected_stamp=entry_stamp(entry))
    assert isinstance(retired, Saved)

    back = save_entry(faq, replace(retired.entry, retired=False), expected_stamp=retired.stamp)

    assert isinstance(back, Saved)
    assert faq.read_text(encoding="utf-8") == original


def test_a_valid_from_date_is_written_as_a_yaml_date(faq: Path) -> None:
    entry = find_entry(faq, "foerdersatz")
    assert entry is not None
    changed = replace(entry, valid_from=date(2026, 1, 1))  # in force since then

    save_entry(faq, changed, expected_stamp=entry_stamp(entry))

    raw = {item["id"]: item for item in yaml.safe_load(faq.read_text(encoding="utf-8"))}
    assert raw["foerdersatz"]["gueltig_ab"] == date(2026, 1, 1)
    assert find_entry(faq, "foerdersatz") == changed
    assert "foerdersatz" in loaded(faq)


def test_retiring_an_entry_someone_changed_meanwhile_is_a_conflict(faq: Path) -> None:
    entry = find_entry(faq, "festbetrag")
    assert entry is not None
    stale = entry_stamp(entry)
    save_entry(faq, replace(entry, answer=NEW_ANSWER), expected_stamp=stale)

    result = retire_entry(faq, "festbetrag", expected_stamp=stale)

    assert isinstance(result, Conflict)
    assert result.theirs.answer == NEW_ANSWER
    assert find_entry(faq, "festbetrag") == replace(entry, answer=NEW_ANSWER)


# --- Two editors ---------------------------------------------------------------------------


def test_the_second_of_two_editors_gets_the_first_ones_text_and_loses_nothing(
    faq: Path,
) -> None:
    anna_sees = find_entry(faq, "eigenanteil-hoehe")
    ben_sees = find_entry(faq, "eigenanteil-hoehe")
    assert anna_sees is not None
    assert ben_sees is not None
    assert entry_stamp(anna_sees) == entry_stamp(ben_sees)
    stamp = entry_stamp(anna_sees)
    anna_text = "Mindestens 10 % der zuwendungsfähigen Ausgaben trägt die Kommune selbst."
    ben_text = "Mindestens 10 %; die Richtlinie nennt selbst keine Prozentzahl."

    first = save_entry(faq, replace(anna_sees, answer=anna_text), expected_stamp=stamp)
    second = save_entry(faq, replace(ben_sees, answer=ben_text), expected_stamp=stamp)

    assert isinstance(first, Saved)
    assert isinstance(second, Conflict)
    assert second.theirs.answer == anna_text
    assert "von jemand anderem geändert" in second.message
    assert loaded(faq)["eigenanteil-hoehe"].answer == anna_text
    # Ben has read Anna's version and decides to keep his: now it saves.
    third = save_entry(faq, replace(ben_sees, answer=ben_text), expected_stamp=second.stamp)
    assert isinstance(third, Saved)
    assert third.before is not None
    assert third.before.answer == anna_text
    assert loaded(faq)["eigenanteil-hoehe"].answer == ben_text


def test_two_editors_saving_the_same_text_is_no_conflict(faq: Path) -> None:
    entry = find_entry(faq, "festbetrag")
    assert entry is not None
    stamp = entry_stamp(entry)
    save_entry(faq, replace(entry, answer=NEW_ANSWER), expected_stamp=stamp)

    again = save_entry(faq, replace(entry, answer=NEW_ANSWER), expected_stamp=stamp)

    assert isinstance(again, Saved)
    assert not again.changed


def test_saving_an_entry_removed_by_hand_says_so(faq: Path) -> None:
    entry = find_entry(faq, "festbetrag")
    assert entry is not None
    text = faq.read_text(encoding="utf-8")
    head, tail = around(text, "festbetrag")
    faq.write_text(head + tail.lstrip("\n"), encoding="utf-8")

    result = save_entry(faq, replace(entry, answer=NEW_ANSWER), expected_stamp=entry_stamp(entry))

    assert isinstance(result, Missing)
    assert "nicht mehr in der FAQ-Datei" in result.message


def _save_repeatedly(path: str, entry_id: str, rounds: int, start: Any) -> None:
    """One editor's process: save its own entry `rounds` times, as fast as it can."""
    start.wait()
    for i in range(rounds):
        current = find_entry(Path(path), entry_id)
        assert current is not None
        answer = f"{NEW_ANSWER} Fassung {entry_id} {i}."
        result = save_entry(
            Path(path), replace(current, answer=answer), expected_stamp=entry_stamp(current)
        )
        assert isinstance(result, Saved), result


def test_two_processes_saving_at_once_both_land(faq: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    rounds = 12
    workers = [
        context.Process(target=_save_repeatedly, args=(str(faq), entry_id, rounds, start))
        for entry_id in ("festbetrag", "eigenleistung")
    ]
    before = loaded(faq)
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]

    after = loaded(faq)
    assert after["festbetrag"].answer == f"{NEW_ANSWER} Fassung festbetrag {rounds - 1}."
    assert after["eigenleistung"].answer == f"{NEW_ANSWER} Fassung eigenleistung {rounds - 1}."
    assert {k: v for k, v in after.items() if k not in ("festbetrag", "eigenleistung")} == {
        k: v for k, v in before.items() if k not in ("festbetrag", "eigenleistung")
    }


# --- History text --------------------------------------------------------------------------


def test_an_entry_survives_its_history_text() -> None:
    entry = good_entry(valid_from=date(2027, 1, 1), retired=True, guideline="RL KommPräv")
    assert entry_from_yaml(entry_yaml(entry)) == entry
    assert entry_yaml(entry).startswith("- id: antragsfrist-2027\n")


def test_the_stamp_ignores_blanks_a_form_adds_but_not_real_changes() -> None:
    entry = good_entry()
    padded = replace(entry, question=f"  {entry.question} ", phrasings=[*entry.phrasings, ""])
    assert entry_stamp(padded) == entry_stamp(entry)
    assert entry_stamp(replace(entry, answer=entry.answer + "!")) != entry_stamp(entry)
    assert entry_stamp(replace(entry, retired=True)) != entry_stamp(entry)


# --- Validation ----------------------------------------------------------------------------


def test_a_complete_entry_on_a_real_section_has_no_problems() -> None:
    assert validate_entry(good_entry(), known_documents()) == []
    # A parent section may be cited, as the answer check does.
    assert validate_entry(good_entry(section="Ziffer VI"), known_documents()) == []


def test_shipped_entries_pass_validation(faq: Path) -> None:
    documents = known_documents()
    problems = {e.id: validate_entry(e, documents) for e in read_entries(faq)}
    assert {k: v for k, v in problems.items() if v} == {}


def test_validation_names_each_problem_in_german() -> None:
    entry = good_entry(
        id="Frist 2027",
        question=" ",
        answer="",
        phrasings=["frist?"],
        document="RL KommPraev (Zusammenfassung)",
    )

    problems = validate_entry(entry, known_documents())

    assert problems == [
        "Die Kennung „Frist 2027“ ist ungültig: erlaubt sind nur Kleinbuchstaben a–z ohne "
        "Umlaute, Ziffern, „-“ und „_“ (z. B. „antragsfrist-2027“).",
        "Die Frage fehlt.",
        "Die Antwort fehlt.",
        "Bitte mindestens 3 andere Formulierungen der Frage angeben (bisher 1), damit die "
        "Suche sie findet.",
        "Das Dokument „RL KommPraev (Zusammenfassung)“ gibt es in der Wissensbasis nicht. "
        "Gemeint ist vielleicht „RL KommPräv (Zusammenfassung)“.",
    ]


def test_validation_rejects_an_unknown_section_and_an_overlong_answer() -> None:
    entry = good_entry(section="Ziffer VI › Nr. 9", answer="Sehr lang. " * 60)

    problems = validate_entry(entry, known_documents())

    assert problems[0].startswith("Die Antwort ist mit 659 Zeichen zu lang")
    assert problems[1].startswith(
        "Den Abschnitt „Ziffer VI › Nr. 9“ gibt es in „RL KommPräv (Zusammenfassung)“ nicht."
    )
    assert len(problems) == 2


def test_validation_wants_a_source() -> None:
    problems = validate_entry(good_entry(document="", section=""), known_documents())
    assert problems == ["Bitte das Dokument angeben, auf dem die Antwort beruht."]
    problems = validate_entry(good_entry(section=""), known_documents())
    assert problems == [
        "Bitte den Abschnitt in „RL KommPräv (Zusammenfassung)“ angeben, auf dem die Antwort "
        "beruht."
    ]


def test_a_retired_entry_and_one_valid_only_later_are_not_answered(tmp_path: Path) -> None:
    from retrieval.loaders import load_faq

    path = tmp_path / "faq.yaml"
    path.write_text(
        "- id: alt\n  frage: Alte Frage?\n  antwort: Alt.\n  zurueckgezogen: true\n"
        "- id: kuenftig\n  frage: Neue Frage?\n  antwort: Neu.\n  gueltig_ab: 2999-01-01\n"
        "- id: jetzt\n  frage: Jetzt?\n  antwort: Ja.\n  gueltig_ab: 2020-01-01\n",
        encoding="utf-8",
    )
    assert [e.id for e in load_faq(path, "faq.yaml").faq] == ["jetzt"]
