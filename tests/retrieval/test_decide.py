"""The decision rule: answer when one candidate is clearly right, ask back when unsure, else
decline; the same input always gives the same decision."""

from __future__ import annotations

import pytest

from retrieval.answers import Source
from retrieval.candidates import Candidate
from retrieval.decide import choose


def _c(key: str, section: str, kind: str = "faq") -> Candidate:
    return Candidate(
        key=key,
        kind=kind,
        title=f"Frage {key}",
        text=f"Antwort {key}",
        sources=(Source("RL KommPräv", section),) if kind != "smalltalk" else (),
        evidence=(),
        guideline="RL KommPräv",
    )


DEADLINE = _c("f:frist", "Ziffer VI › Nr. 2")
LATE = _c("p:spaet", "Ziffer VI › Nr. 3", kind="passage")
RATE = _c("f:satz", "Ziffer V › Nr. 2")
SAME_SECTION = _c("p:frist", "Ziffer VI › Nr. 2", kind="passage")
HELLO = _c("s:gruss", "", kind="smalltalk")


@pytest.mark.parametrize(
    ("scored", "action", "keys"),
    [
        pytest.param([(DEADLINE, 0.82), (LATE, 0.55)], "answer", ["f:frist"], id="clear-winner"),
        pytest.param(
            [(DEADLINE, 0.70), (LATE, 0.66)],
            "ask_back",
            ["f:frist", "p:spaet"],
            id="two-close-sections",
        ),
        pytest.param(
            [(DEADLINE, 0.70), (SAME_SECTION, 0.69)],
            "answer",
            ["f:frist"],
            id="faq-and-its-own-section-are-no-rivals",
        ),
        pytest.param(
            [(DEADLINE, 0.45), (RATE, 0.2)], "ask_back", ["f:frist"], id="unsure-asks-for-one"
        ),
        pytest.param([(DEADLINE, 0.25)], "decline", [], id="too-unsure"),
        pytest.param([], "decline", [], id="nothing-found"),
        pytest.param([(HELLO, 0.9), (DEADLINE, 0.3)], "answer", ["s:gruss"], id="small-talk"),
        pytest.param([(HELLO, 0.5)], "decline", [], id="unsure-small-talk-is-no-ask-back"),
        pytest.param(
            [(RATE, 0.5), (DEADLINE, 0.5), (LATE, 0.4), (_c("f:x", "Ziffer I"), 0.35)],
            "ask_back",
            ["f:frist", "f:satz", "p:spaet"],
            id="at-most-three-ties-by-key",
        ),
    ],
)
def test_decision(scored: list[tuple[Candidate, float]], action: str, keys: list[str]) -> None:
    decision = choose(scored, 0.6, 0.3, 0.1)
    assert decision.action == action
    assert [c.key for c in decision.chosen] == keys
