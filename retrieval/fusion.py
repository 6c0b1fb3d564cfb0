"""Pure reciprocal rank fusion of ranked lists."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[K]], k: int = 60) -> list[tuple[K, float]]:
    """Fuse rankings by summing 1 / (k + rank), best first.

    Worked example with k=60: dense ranks a, b and BM25 ranks b, c. Then
    b = 1/62 + 1/61 = 0.0325, a = 1/61 = 0.0164, c = 1/62 = 0.0161: b first, a, then c.

    Equal scores keep the order of first appearance (reading the rankings one after the
    other), so dense [a], BM25 [c] gives a before c on every run. Sums are correctly rounded
    (`math.fsum`), so the order of the lists cannot turn a tie into a last-bit difference.
    """
    contributions: dict[K, list[float]] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, 1):
            contributions.setdefault(key, []).append(1.0 / (k + rank))
    scores = [(key, math.fsum(parts)) for key, parts in contributions.items()]
    # sorted() is stable and dicts keep insertion order: ties stay in order of first appearance.
    return sorted(scores, key=lambda kv: kv[1], reverse=True)
