"""Pure decision stage: scored candidates + calibration -> answer, ask back, or decline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from retrieval.candidates import Candidate

Action = Literal["answer", "ask_back", "decline"]
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Decision:
    action: Action
    chosen: tuple[Candidate, ...]  # answer: the one; ask_back: up to three; decline: none


def choose(
    scored: Sequence[tuple[Candidate, float]], answer: float, ask: float, close: float
) -> Decision:
    """The rule itself, on (candidate, probability) pairs.

    Worked example with answer=0.6, ask=0.3, close=0.1: probabilities 0.82 (FAQ on the deadline)
    and 0.55 (passage on late applications) -> answer the FAQ. 0.70 and 0.66 on two different
    sections -> ask back with both. 0.45 and 0.2 -> ask back with the first only. 0.25 ->
    decline.
    """
    ranked = sorted(scored, key=lambda cp: (-cp[1], cp[0].key))
    if not ranked:
        return Decision("decline", ())
    top, _ = ranked[0]
    # Candidates that lead to the same answer (an FAQ entry and the section it cites) share
    # the probability of being right: the model splits it between them.
    p = sum(q for c, q in ranked if c is top or _same_answer(c, top))
    if p < ask:
        return Decision("decline", ())
    if top.kind == "smalltalk":
        return Decision("answer", (top,)) if p >= answer else Decision("decline", ())
    others = [(c, q) for c, q in ranked[1:] if c.kind != "smalltalk" and not _same_answer(c, top)]
    rivals = [c for c, q in others if q >= answer and q >= p - close]
    if p >= answer and not rivals:
        return Decision("answer", (top,))
    picked = [top]
    for c, q in others:
        if len(picked) == MAX_SUGGESTIONS or q < ask:
            break
        if not any(_same_answer(c, k) for k in picked):
            picked.append(c)
    return Decision("ask_back", tuple(picked))


def decide(candidates: Sequence[Candidate], *, answer: float, ask: float, close: float) -> Decision:
    """`choose` on candidates whose `score` the rerank stage has set."""
    return choose([(c, c.score) for c in candidates], answer, ask, close)


def _same_answer(a: Candidate, b: Candidate) -> bool:
    """Two candidates that lead to the same place (an FAQ entry and the section it cites)."""
    if a.text == b.text:
        return True
    return bool(a.sources and b.sources and a.sources[0] == b.sources[0])
