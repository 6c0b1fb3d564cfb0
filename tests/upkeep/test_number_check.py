"""Before an FAQ answer goes live, every figure in it must stand in the section it cites."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.upkeep.number_check import unsupported_numbers
from retrieval.loaders import load_file

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def section_text(label: str) -> str:
    """A section of the shipped guideline summary (subsections included), headings too."""
    loaded = load_file(KNOWLEDGE / "richtlinie-kommpraev.md", KNOWLEDGE)
    return " ".join(
        f"{s.heading_title} {s.text}"
        for s in loaded.sections
        if s.section_label == label or s.section_label.startswith(label + " › ")
    )


RATE = section_text("Ziffer V › Nr. 2")
DEADLINE = section_text("Ziffer VI › Nr. 2")
FLOOR = section_text("Ziffer V › Nr. 6")


def test_the_rate_as_the_section_states_it_is_backed() -> None:
    answer = "Bis zu 90 % der zuwendungsfähigen Ausgaben; mindestens 10 % trägt die Kommune."
    assert unsupported_numbers(answer, RATE, section="Ziffer V › Nr. 2") == []


def test_an_invented_rate_is_reported_as_written() -> None:
    answer = "Bis zu 95 % der zuwendungsfähigen Ausgaben, mindestens 10 % Eigenanteil."
    assert unsupported_numbers(answer, RATE) == ["95 %"]


def test_percent_and_prozent_are_the_same_figure() -> None:
    """Units are not compared: the same value backs it, whatever the section calls it."""
    source = "Die Zuwendung beträgt bis zu 90 Prozent der zuwendungsfähigen Ausgaben."
    assert unsupported_numbers("Bis zu 90 %.", source) == []
    assert unsupported_numbers("Bis zu 90 v. H.", source) == []
    assert unsupported_numbers("Bis zu 80 Prozent.", source) == ["80 Prozent"]


def test_a_deadline_matches_in_either_spelling() -> None:
    assert unsupported_numbers("Eingang bis zum 15.10. des Vorjahres.", DEADLINE) == []
    assert unsupported_numbers("Eingang bis 15. Okt.", DEADLINE) == []
    assert unsupported_numbers("Anträge ab 31.08. möglich.", DEADLINE) == []
    assert unsupported_numbers("Eingang bis 15. Oktober.", "Frist: 15.10.") == []


def test_a_wrong_day_or_year_is_reported() -> None:
    assert unsupported_numbers("Eingang bis zum 16. Oktober.", DEADLINE) == ["16. Oktober"]
    # The section names 15 October 2023 for 2024; 2022 is not in it.
    assert unsupported_numbers("Für 2024 galt der 15.10.2023.", DEADLINE) == []
    assert unsupported_numbers("Für 2024 galt der 15.10.2022.", DEADLINE) == ["15.10.2022"]


def test_a_full_date_needs_its_year() -> None:
    source = "Die Frist endet am 31. Dezember 2026."
    assert unsupported_numbers("bis 31.12.2026", source) == []
    assert unsupported_numbers("bis 31.12.2025", source) == ["31.12.2025"]
    assert unsupported_numbers("bis Ende 2026", source) == []


@pytest.mark.parametrize(
    ("answer", "source"),
    [
        ("Mehr als 10.000 €.", "mehr als 10 000 Euro"),
        ("Mehr als 10 000 Euro.", "mehr als 10.000 EUR"),
        ("0,5 Stellen", "eine Stelle mit 0,50 Vollzeitäquivalenten"),
        ("mindestens 6 Wochen vorher", "mindestens sechs Wochen vor Projektbeginn"),
    ],
)
def test_separators_decimals_and_number_words_do_not_matter(answer: str, source: str) -> None:
    assert unsupported_numbers(answer, source) == []


def test_a_floor_in_another_spelling_is_backed_and_an_invented_one_is_not() -> None:
    assert unsupported_numbers("Zuwendungen ab 10.000 € sind die Regel.", FLOOR) == []
    assert unsupported_numbers("Unter 5.000 € ist nichts möglich.", FLOOR) == ["5.000 €"]


def test_references_to_the_guideline_count_as_figures() -> None:
    assert unsupported_numbers("Das regelt Ziffer V Nr. 2.", RATE, section="Ziffer V › Nr. 2") == []
    assert unsupported_numbers("Siehe Nr. 2.", RATE, section="Ziffer V › Nr. 2") == []
    assert unsupported_numbers("Das regelt Ziffer VI Nr. 2.", RATE, section="Ziffer V › Nr. 2") == [
        "Ziffer VI Nr. 2"
    ]


def test_a_reference_stated_in_parts_within_one_sentence_is_backed() -> None:
    source = "Die Änderung fügte in Ziffer VI eine neue Nr. 6 zur Auszahlung ein."
    assert unsupported_numbers("die neue Ziffer VI Nr. 6", source) == []
    assert unsupported_numbers("die neue Ziffer VI Nr. 7", source) == ["Ziffer VI Nr. 7"]


def test_paragraphs_and_letters() -> None:
    source = "Rechtsgrundlage sind die §§ 23, 44 und 44a SäHO. Nach Ziffer VI Nr. 3 gehören: c) …"
    assert unsupported_numbers("nach § 44 SäHO", source) == []
    assert unsupported_numbers("nach § 45 SäHO", source) == ["§ 45"]
    assert unsupported_numbers("(Ziffer VI Nr. 3 Buchst. c)", source) == []


def test_the_numbers_of_a_reference_or_date_are_not_checked_twice() -> None:
    """A "Nr. 2" is no stray 2, and "15.10.2023" no stray 2023."""
    assert unsupported_numbers("Nach VVK Nr. 1.1 …", "VVK Nr. 1.1 – Förderuntergrenze") == []
    assert unsupported_numbers("am 15. Oktober 2023", "spätestens am 15.10.2023") == []


def test_reports_follow_the_answer_and_name_each_figure_once() -> None:
    answer = "Bis zu 95 %, in Raten von 40 % und 60 %; nochmals: 95 %."
    source = "Auszahlung in Raten von 40 %, 50 % und 10 %."
    assert unsupported_numbers(answer, source) == ["95 %", "60 %"]


def test_an_answer_without_figures_has_nothing_to_report() -> None:
    assert unsupported_numbers("Nein, das ist ein Zuschuss.", "") == []
