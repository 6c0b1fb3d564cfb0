"""The calibrated model behind every answer/ask-back/decline decision, and how it is fitted.

No threshold here is set by hand: `bench/calibrate.py` fits a logistic model over the candidate
features on the *train* questions only (cross-validated), picks the decision thresholds on the
out-of-fold probabilities, and writes everything to `calibration.json` beside this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from retrieval.candidates import FEATURES, KINDS, Candidate
from retrieval.decide import choose

DEFAULT_PATH = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Calibration:
    """Weights per candidate kind over standardised features, plus the decision thresholds."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]  # kind -> (bias, w1, …)
    answer: float  # answer when the best candidate is at least this likely right
    ask: float  # below `answer` but at least this: ask back "Meinen Sie …?"
    close: float  # a different answer this close to the best makes it ambiguous: ask back
    gate: tuple[float, ...] = ()  # (bias, w…) over GATE features: is any candidate right?
    gate_mean: tuple[float, ...] = ()
    gate_std: tuple[float, ...] = ()
    notes: dict[str, object] = field(default_factory=dict)

    def answerable(self, candidates: Sequence[Candidate]) -> float:
        """Probability that the documents answer the question at all (stage one)."""
        if not self.gate:
            return 1.0
        x = (np.array(gate_features(candidates)) - np.array(self.gate_mean)) / np.array(
            self.gate_std
        )
        z = self.gate[0] + float(np.dot(np.array(self.gate[1:]), x))
        return float(1.0 / (1.0 + np.exp(-z)))

    def utility(self, candidate: Candidate) -> float:
        """The candidate's linear score; exp(score) is its weight against "none is right"."""
        w = self.weights.get(candidate.kind)
        if w is None:
            return -50.0
        x = (np.array(candidate.feature_vector()) - np.array(self.mean)) / np.array(self.std)
        return w[0] + float(np.dot(np.array(w[1:]), x))

    def probabilities(self, candidates: Sequence[Candidate]) -> list[float]:
        """Probability that each candidate is the right one: P(the documents answer it) times
        its share against the other candidates, so a close rival lowers the best one's.

        Worked example: answerable 0.9, scores 2.0 and 0.0 -> shares 0.88 and 0.12 ->
        probabilities 0.79 and 0.11.
        """
        if not candidates:
            return []
        z = np.array([self.utility(c) for c in candidates])
        share = np.exp(z - z.max())
        share /= share.sum()
        gate = self.answerable(candidates)
        return [float(gate * v) for v in share]

    def save(self, path: Path) -> None:
        data = asdict(self)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Calibration:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if tuple(raw["features"]) != FEATURES:
            raise ValueError(
                f"{path.name} wurde für andere Merkmale kalibriert; bitte "
                "`python -m bench.calibrate` erneut ausführen."
            )
        return cls(
            features=tuple(raw["features"]),
            mean=tuple(raw["mean"]),
            std=tuple(raw["std"]),
            weights={k: tuple(v) for k, v in raw["weights"].items()},
            gate=tuple(raw.get("gate", ())),
            gate_mean=tuple(raw.get("gate_mean", ())),
            gate_std=tuple(raw.get("gate_std", ())),
            answer=float(raw["answer"]),
            ask=float(raw["ask"]),
            close=float(raw["close"]),
            notes=dict(raw.get("notes", {})),
        )


GATE = (
    "best_dq",
    "best_da",
    "best_lq",
    "best_la",
    "smalltalk_dq",
    "novel",
    "unknown_year",
    "words",
    "english",
)


def gate_features(candidates: Sequence[Candidate]) -> list[float]:
    """Question-level evidence: how well the best candidate of each kind matches, and how much
    of the question no indexed text speaks of."""

    def best(name: str, smalltalk: bool = False) -> float:
        return max(
            (c.features.get(name, 0.0) for c in candidates if (c.kind == "smalltalk") == smalltalk),
            default=0.0,
        )

    first = candidates[0].features if candidates else {}
    # Kind-blind on purpose: a knowledge base of official PDFs without any FAQ must still pass.
    return [
        best("dq"),
        best("da"),
        best("lq"),
        best("la"),
        best("dq", smalltalk=True),
        first.get("novel", 0.0),
        first.get("unknown_year", 0.0),
        first.get("words", 0.0),
        first.get("english", 0.0),
    ]


def fit_gate(
    examples: Sequence[Example], l2: float
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """Stage one: logistic regression, one row per question, label = some candidate is right."""
    x = np.array([gate_features(e.candidates) for e in examples], dtype=float)
    y = np.array([float(any(e.labels)) for e in examples])
    mean = x.mean(axis=0)
    std = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    w = fit_weights((x - mean) / std, y, l2=l2)
    return tuple(float(v) for v in w), tuple(float(v) for v in mean), tuple(float(v) for v in std)


# -- fitting -----------------------------------------------------------------------------------
def fit_weights(
    x: NDArray[np.float64], y: NDArray[np.float64], *, l2: float = 1.0, steps: int = 60
) -> NDArray[np.float64]:
    """L2-regularised logistic regression by Newton steps (bias first, not regularised).

    Deterministic and dependency-free: a few hundred rows and a dozen features converge in
    well under 60 steps.
    """
    xb = np.hstack([np.ones((x.shape[0], 1)), x])
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb.T * (p * (1 - p))) @ xb + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return w


@dataclass(frozen=True)
class Example:
    """One training question: its candidates, which of them would be right, and its kind."""

    candidates: tuple[Candidate, ...]
    labels: tuple[bool, ...]
    answerable: bool
    group: int  # questions of one group (e.g. one FAQ topic) stay in one fold
    question: str = ""


def standardise(examples: Sequence[Example]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    rows = np.array([c.feature_vector() for e in examples for c in e.candidates], dtype=float)
    if rows.size == 0:
        return np.zeros(len(FEATURES)), np.ones(len(FEATURES))
    std = rows.std(axis=0)
    return rows.mean(axis=0), np.where(std > 1e-9, std, 1.0)


def fit_model(
    examples: Sequence[Example], mean: NDArray[np.float64], std: NDArray[np.float64], l2: float
) -> dict[str, tuple[float, ...]]:
    """Listwise fit (stage two): per question, the right candidates against the others.

    Parameters: one (bias, weights) row per candidate kind. The likelihood of a question is
    the summed probability of its right candidates; questions without one are left to the
    gate. Maximised
    by gradient ascent with an L2 penalty, from zero, a fixed number of steps: deterministic.
    """
    kinds = [k for k in KINDS if any(c.kind == k for e in examples for c in e.candidates)]
    dim = len(mean) + 1
    width = max((len(e.candidates) for e in examples), default=0)
    x = np.zeros((len(examples), width, dim))
    kind = np.full((len(examples), width), -1)
    right = np.zeros((len(examples), width), dtype=bool)
    for i, e in enumerate(examples):
        for j, (c, label) in enumerate(zip(e.candidates, e.labels, strict=True)):
            if c.kind in kinds:
                x[i, j] = [1.0, *((np.array(c.feature_vector()) - mean) / std)]
                kind[i, j] = kinds.index(c.kind)
                right[i, j] = label
    valid = kind >= 0
    any_right = right.any(axis=1, keepdims=True)
    w = np.zeros((len(kinds), dim))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    penalty = np.full(dim, l2)
    penalty[0] = 0.0  # biases are not penalised
    for step in range(1, 801):
        s = np.where(valid, np.einsum("nkd,nkd->nk", x, w[np.maximum(kind, 0)]), -50.0)
        top = s.max(axis=1, keepdims=True)
        ex = np.where(valid, np.exp(s - top), 0.0)
        p = ex / ex.sum(axis=1, keepdims=True)
        p_right = np.where(right, p, 0.0)
        q = p_right / np.maximum(p_right.sum(axis=1, keepdims=True), 1e-12)
        # Only questions with a right candidate teach the choice; stage one learns the rest.
        diff = np.where(any_right, q - p, 0.0)[..., None] * x
        grad = -penalty * w
        for k in range(len(kinds)):
            grad[k] += diff[kind == k].sum(axis=0)
        # Adam steps on the log-likelihood.
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w += 0.05 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return {k: tuple(float(t) for t in w[i]) for i, k in enumerate(kinds)}


# Cost of each outcome; a wrong answer in a funding matter is the worst (a clerk acts on it).
UTILITY = {
    ("answerable", "correct"): 0.0,
    ("answerable", "ask_right"): -0.5,
    ("answerable", "ask_wrong"): -1.0,
    ("answerable", "declined"): -1.0,
    ("answerable", "wrong"): -3.0,
    ("unanswerable", "declined"): 0.0,
    ("unanswerable", "ask_right"): -0.7,
    ("unanswerable", "ask_wrong"): -0.7,
    ("unanswerable", "wrong"): -3.0,
    ("unanswerable", "correct"): 0.0,  # small talk answered as small talk
}


def outcome(
    candidates: Sequence[Candidate],
    labels: Sequence[bool],
    probabilities: Sequence[float],
    *,
    answer: float,
    ask: float,
    close: float,
) -> str:
    """What the decision rule would do with these probabilities: correct / wrong / declined /
    ask_right / ask_wrong (the same rule as `decide`, on labels)."""
    picked = choose(list(zip(candidates, probabilities, strict=True)), answer, ask, close)
    if picked.action == "decline":
        return "declined"
    right = {id(c) for c, label in zip(candidates, labels, strict=True) if label}
    if picked.action == "ask_back":
        return "ask_right" if any(id(c) in right for c in picked.chosen) else "ask_wrong"
    return "correct" if id(picked.chosen[0]) in right else "wrong"


def pick_thresholds(
    examples: Sequence[Example], probabilities: Sequence[Sequence[float]]
) -> tuple[float, float, float, float]:
    """Grid search of (answer, ask, close) for the least total cost; returns them and the cost."""
    best: tuple[float, float, float, float] | None = None
    grid = [round(v, 3) for v in np.arange(0.2, 0.951, 0.05)]
    for answer in grid:
        for ask in [a for a in grid if a <= answer]:
            for close in (0.0, 0.1, 0.2):
                cost = 0.0
                for e, p in zip(examples, probabilities, strict=True):
                    kind = "answerable" if e.answerable else "unanswerable"
                    result = outcome(e.candidates, e.labels, p, answer=answer, ask=ask, close=close)
                    cost += UTILITY[(kind, result)]
                key = (cost, answer, ask, close)
                if best is None or key[0] > best[0]:
                    best = key
    assert best is not None
    return best[1], best[2], best[3], best[0]


def fit_calibration(
    examples: Sequence[Example],
    l2: float,
    *,
    answer: float,
    ask: float,
    close: float,
    notes: dict[str, object] | None = None,
) -> Calibration:
    """Both stages fitted on these examples, with the given decision thresholds."""
    mean, std = standardise(examples)
    gate, gate_mean, gate_std = fit_gate(examples, l2)
    return Calibration(
        FEATURES,
        tuple(float(v) for v in mean),
        tuple(float(v) for v in std),
        fit_model(examples, mean, std, l2),
        answer=answer,
        ask=ask,
        close=close,
        gate=gate,
        gate_mean=gate_mean,
        gate_std=gate_std,
        notes=notes or {},
    )


def cross_validated_probabilities(
    examples: Sequence[Example], *, folds: int, l2: float
) -> list[list[float]]:
    """Out-of-fold probabilities: each question scored by a model that never saw its group."""
    out: list[list[float]] = [[] for _ in examples]
    groups = sorted({e.group for e in examples})
    for fold in range(folds):
        held = {g for i, g in enumerate(groups) if i % folds == fold}
        train = [e for e in examples if e.group not in held]
        model = fit_calibration(train, l2, answer=1.0, ask=1.0, close=0.0)
        for i, e in enumerate(examples):
            if e.group in held:
                out[i] = model.probabilities(e.candidates)
    return out
