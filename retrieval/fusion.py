"""Pure reciprocal rank fusion of ranked lists."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[K]], k: int = 60) -> list[tuple[K, float]]:
    """Fuse rankings by summing 1 / (k + rank).

    Worked example with k=60: dense ranks a, b and BM25 ranks b, c. Then
    b = 1/62 + 1/61 = 0.0325, a = 1/61 = 0.0164, c = 1/62 = 0.0161: b first, a, then c.
    """
    scores: dict[K, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, 1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
