"""Messages as people type them: context first, two questions in one, English."""

from __future__ import annotations

import pytest

from retrieval.query import language_of, normalise


def test_two_questions_in_one_message_become_two_parts() -> None:
    query = normalise(
        "Ich bin neu im Ordnungsamt. Bis wann muss der Antrag da sein? "
        "Und wie viel Eigenanteil brauchen wir?"
    )
    assert [p.text for p in query.parts] == [
        "Bis wann muss der Antrag da sein?",
        "Und wie viel Eigenanteil brauchen wir?",
    ]


def test_questions_joined_by_und_are_split() -> None:
    query = normalise("Wie hoch ist die Förderung und bis wann muss der Antrag da sein?")
    assert len(query.parts) == 2


def test_context_is_kept_beside_the_question_not_instead_of_it() -> None:
    message = (
        "Unsere Kollegin koordiniert den KPR mit 10 Std/Woche. "
        "Können wir ihre Arbeitszeit als unseren Anteil ansetzen?"
    )
    (part,) = normalise(message).parts
    assert part.text == "Können wir ihre Arbeitszeit als unseren Anteil ansetzen?"
    assert part.full == message


def test_a_fragment_keeps_its_context() -> None:
    message = "Wir brauchen nur 6.000 Euro. Geht das?"
    (part,) = normalise(message).parts
    assert part.text == message


@pytest.mark.parametrize(
    ("question", "yes_no"),
    [
        ("Darf ein Verein den Antrag stellen?", True),
        ("Können wir ein Auto kaufen?", True),
        ("Wir haben im Januar angefangen – kriegen wir trotzdem Geld?", False),
        ("Bis wann muss der Antrag da sein?", False),
        ("Fördersatz?", False),
        ("Und wie viel Eigenanteil brauchen wir?", False),
    ],
)
def test_yes_no_questions_are_told_apart(question: str, yes_no: bool) -> None:
    assert normalise(question).parts[0].yes_no is yes_no


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How much funding can a municipality get?", "en"),
        ("Can an association apply for the grant?", "en"),
        ("Wie hoch ist der Fördersatz?", "de"),
        ("Ist das Projekt-Budget ok?", "de"),
        ("hallo", "de"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert language_of(text) == language
