"""How the eval counts an answer: the four outcomes of the issue plus the ask-back."""

from __future__ import annotations

import pytest

from retrieval.answers import Answer, Source, Suggestion
from retrieval.evaluation import EvalQuestion, has_fact, outcome_of

DEADLINE = EvalQuestion("Bis wann?", facts=("15. Oktober|15.10.",))
UNANSWERABLE = EvalQuestion("Wer gewinnt die Bundesliga?", decline=True)
SRC = (Source("RL KommPräv", "Ziffer VI"),)


def _answer(text: str) -> Answer:
    return Answer("q", True, text, SRC)


ASK = Answer(
    "q",
    False,
    "Meinen Sie …?",
    kind="ask_back",
    suggestions=(Suggestion("f:frist", "Frist?", _answer("Bis 15. Oktober.")),),
)
DECLINED = Answer("q", False, "Dazu steht nichts in den Unterlagen.", kind="declined")


@pytest.mark.parametrize(
    ("answer", "question", "outcome"),
    [
        (_answer("Spätestens am 15.10. des Jahres."), DEADLINE, "richtig"),
        (_answer("Ab dem 31. August."), DEADLINE, "falsche Antwort"),
        (DECLINED, DEADLINE, "zu Unrecht abgelehnt"),
        (ASK, DEADLINE, "nachgefragt"),
        (DECLINED, UNANSWERABLE, "richtig abgelehnt"),
        (_answer("Bis 15. Oktober."), UNANSWERABLE, "falsche Antwort"),
        (
            Answer(
                "q",
                True,
                "Ab 31. August.\n\nMeinen Sie …?",
                kind="multi",
                parts=(_answer("Ab 31. August."), ASK),
            ),
            DEADLINE,
            "nachgefragt",
        ),
        (
            Answer(
                "q",
                True,
                "Ab 31. August.\n\nDazu steht nichts.",
                kind="multi",
                parts=(_answer("Ab 31. August."), DECLINED),
            ),
            DEADLINE,
            "falsche Antwort",
        ),
    ],
)
def test_outcome(answer: Answer, question: EvalQuestion, outcome: str) -> None:
    assert outcome_of(answer, question) == outcome


def test_facts_match_across_number_formats_and_alternatives() -> None:
    assert has_fact("Mindestens 10 000 Euro", "10.000")
    assert has_fact("bis zu 90 Prozent", "90 %|90 Prozent")
    assert not has_fact("bis zu 80 %", "90 %")
