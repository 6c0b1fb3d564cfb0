"""Reciprocal rank fusion: the worked example, ties in a fixed order, nothing in, nothing out."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from retrieval.fusion import reciprocal_rank_fusion


def _order(rankings: Sequence[Sequence[str]], k: int = 60) -> list[str]:
    return [key for key, _ in reciprocal_rank_fusion(rankings, k=k)]


def test_the_worked_example_of_the_docstring() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "c"]])
    assert [key for key, _ in fused] == ["b", "a", "c"]
    scores = dict(fused)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["c"] == pytest.approx(1 / 62)
    assert round(scores["b"], 4) == 0.0325


ORDERS = [
    ([["a", "b"], ["b", "c"]], ["b", "a", "c"]),
    ([["a"], ["c"]], ["a", "c"]),  # tie: dense came first
    ([["c"], ["a"]], ["c", "a"]),
    ([["x", "y"], ["y", "x"]], ["x", "y"]),  # crossed tie: first appearance
    ([["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]], ["a", "b", "c"]),  # three-way tie
    ([["only"]], ["only"]),
    ([[], ["a", "b"]], ["a", "b"]),
    ([], []),
    ([[], []], []),
]


@pytest.mark.parametrize(
    ("rankings", "expected"),
    ORDERS,
    ids=[
        "worked-example",
        "tie-dense-first",
        "tie-bm25-first",
        "crossed-tie",
        "three-way-tie",
        "single",
        "one-empty-list",
        "no-lists",
        "empty-lists",
    ],
)
def test_fused_order(rankings: list[list[str]], expected: list[str]) -> None:
    assert _order(rankings) == expected


def test_tied_scores_are_exactly_equal_whatever_the_list_order() -> None:
    # b is ranked 1, 7, 2 and a 2, 1, 7: the same three terms. Summed naively in list order
    # they differ in the last bit (0.04744784801534369 against ...37) and a would win by
    # rounding; summed exactly they tie, and b, seen first, stays first.
    rankings = [
        ["b", "a", "f1", "f2", "f3", "f4", "f5"],
        ["a", "g1", "g2", "g3", "g4", "g5", "b"],
        ["h1", "b", "h2", "h3", "h4", "h5", "a"],
    ]
    fused = reciprocal_rank_fusion(rankings)
    assert [key for key, _ in fused[:2]] == ["b", "a"]
    assert fused[0][1] == fused[1][1]


@pytest.mark.parametrize(("k", "top_score"), [(0, 1.0), (1, 0.5), (60, 1 / 61)])
def test_k_dampens_the_top_ranks(k: int, top_score: float) -> None:
    assert reciprocal_rank_fusion([["a", "b"]], k=k)[0] == ("a", pytest.approx(top_score))


def test_any_hashable_key() -> None:
    fused = reciprocal_rank_fusion([[("doc", 1), ("doc", 2)], [("doc", 2)]])
    assert [key for key, _ in fused] == [("doc", 2), ("doc", 1)]
