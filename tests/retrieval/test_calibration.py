"""The decision model learns from labelled candidates and saves/loads as a data file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.answers import Source
from retrieval.calibration import (
    Calibration,
    Example,
    cross_validated_probabilities,
    fit_calibration,
    pick_thresholds,
)
from retrieval.candidates import Candidate
from retrieval.compose import _lead_with_fact


def _candidate(key: str, dq: float, lq: float) -> Candidate:
    return Candidate(
        key=key,
        kind="faq",
        title=key,
        text=key,
        sources=(Source("RL KommPräv", key),),
        evidence=(),
        guideline="RL KommPräv",
        features={"dq": dq, "lq": lq, "words": 1.0},
    )


def _examples(n: int = 60) -> list[Example]:
    """Answerable questions: the right candidate is the closest one. Unanswerable: all far."""
    rng = np.random.default_rng(7)
    out = []
    for i in range(n):
        if i % 3:
            right = _candidate(f"r{i}", 0.9 + rng.normal(0, 0.02), 0.8)
            wrong = _candidate(f"w{i}", 0.8 + rng.normal(0, 0.02), 0.3)
            out.append(Example((right, wrong), (True, False), True, i))
        else:
            far = _candidate(f"f{i}", 0.78 + rng.normal(0, 0.02), 0.1)
            out.append(Example((far,), (False,), False, i))
    return out


def test_the_model_prefers_the_right_candidate_and_doubts_unanswerable_questions() -> None:
    model = fit_calibration(_examples(), 1.0, answer=0.8, ask=0.4, close=0.0)
    examples = _examples()
    answerable = model.probabilities(examples[1].candidates)
    assert answerable[0] > 0.8 > answerable[1]
    assert model.probabilities(examples[0].candidates)[0] < 0.4


def test_thresholds_come_from_cross_validation_not_by_hand() -> None:
    examples = _examples()
    oof = cross_validated_probabilities(examples, folds=5, l2=1.0)
    answer, ask, _close, cost = pick_thresholds(examples, oof)
    assert ask <= answer
    assert cost == pytest.approx(0.0)  # this toy set separates cleanly


def test_calibration_round_trips_through_its_json_file(tmp_path: Path) -> None:
    model = Calibration.load()
    model.save(tmp_path / "calibration.json")
    assert Calibration.load(tmp_path / "calibration.json") == model


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Nein, ein Verein kann nicht selbst beantragen.",
            "Ein Verein kann nicht selbst beantragen.",
        ),
        ("Ja, aber nur wenn der Bescheid es gestattet.", "Nur wenn der Bescheid es gestattet."),
        ("Ja. Eigenbetriebe sind eingeschlossen.", "Eigenbetriebe sind eingeschlossen."),
        ("Bis zu 90 % der Ausgaben.", "Bis zu 90 % der Ausgaben."),
        ("Jahresabschluss zählt.", "Jahresabschluss zählt."),
    ],
)
def test_an_answer_written_for_a_yes_no_question_can_lead_with_its_fact(
    text: str, expected: str
) -> None:
    assert _lead_with_fact(text) == expected
