"""Fit the answer/ask-back/decline model on the TRAIN questions; write retrieval/calibration.json.

Only the train sets are read (`bench/dev_questions.yaml`, `bench/train_questions.yaml`,
`bench/train2_questions.yaml`); the blind sets are never touched here. Candidates are labelled
automatically: a candidate is right when its answer text holds every expected fact of the
question (unanswerable questions: none is right; small talk: the small-talk candidate is).
Folds split the questions (each question text in one fold), so the cross-validated figures
estimate how the model does on phrasings it has not seen.

Run: .venv/bin/python -m bench.calibrate [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import pickle
import tempfile
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from retrieval import Answerer, E5Embeddings, KnowledgeBase, build_index
from retrieval.calibration import (
    DEFAULT_PATH,
    UTILITY,
    Calibration,
    Example,
    cross_validated_probabilities,
    fit_calibration,
    outcome,
    pick_thresholds,
)
from retrieval.candidates import FEATURES
from retrieval.evaluation import has_facts, load_questions

ROOT = Path(__file__).resolve().parent.parent
TRAIN = (
    ROOT / "bench" / "dev_questions.yaml",
    ROOT / "bench" / "train_questions.yaml",
    ROOT / "bench" / "train2_questions.yaml",
)
FOLDS = 5
L2_GRID = (0.3, 1.0, 3.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kalibrierung auf den Trainingsfragen")
    parser.add_argument("--data", type=Path, help="DATA_DIR mit fertigem Index (sonst temporär)")
    parser.add_argument(
        "--cache", type=Path, help="Kandidaten hier zwischenspeichern (schneller beim Wiederholen)"
    )
    args = parser.parse_args(argv)
    if args.data:
        return _run(args.data, args.cache)
    with tempfile.TemporaryDirectory() as tmp:
        return _run(Path(tmp), args.cache)


def _run(data: Path, cache: Path | None) -> int:
    if cache is not None and cache.exists():
        examples, skipped = pickle.loads(cache.read_bytes())
    else:
        examples, skipped = _collect(data)
        if cache is not None:
            cache.write_bytes(pickle.dumps((examples, skipped)))
    return _fit(examples, skipped)


def _collect(data: Path) -> tuple[list[Example], int]:
    embeddings = E5Embeddings()
    index_dir = data / "index"
    build_index(knowledge_dir=ROOT / "knowledge", index_dir=index_dir, embeddings=embeddings)
    kb = KnowledgeBase(index_dir=index_dir, embeddings=embeddings)
    neutral = Calibration(
        FEATURES, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), {}, 1.0, 1.0, 0.0
    )
    answerer = Answerer(kb, calibration=neutral)
    questions = [q for path in TRAIN for q in load_questions(path)]
    examples: list[Example] = []
    topics: dict[str, int] = {}
    skipped = 0
    for q in questions:
        parts = answerer.candidates(q.question)
        if len(parts) != 1:
            skipped += 1  # two questions in one: no single candidate can hold all facts
            continue
        items = parts[0].items
        if q.smalltalk:
            labels = tuple(c.kind == "smalltalk" for c in items)
        elif q.decline:
            labels = tuple(False for _ in items)
        else:
            labels = tuple(c.kind != "smalltalk" and has_facts(c.text, q) for c in items)
        # One group per question text: the blind sets ask about the same topics in new words,
        # so folds split questions, not topics (a repeated question stays in one fold).
        group = topics.setdefault(" ".join(q.question.lower().split()), len(topics))
        examples.append(Example(items, labels, not q.decline, group, q.question))
    return examples, skipped


def _fit(examples: list[Example], skipped: int) -> int:
    best = None
    for l2 in L2_GRID:
        oof = cross_validated_probabilities(examples, folds=FOLDS, l2=l2)
        answer, ask, close, cost = pick_thresholds(examples, oof)
        print(f"L2 {l2}: Kosten {cost:.1f}")
        if best is None or cost > best[0]:
            best = (cost, l2, oof, answer, ask, close)
    assert best is not None
    cost, l2, oof, answer, ask, close = best
    results: dict[str, int] = {}
    for e, p in zip(examples, oof, strict=True):
        r = outcome(e.candidates, e.labels, p, answer=answer, ask=ask, close=close)
        key = ("beantwortbar " if e.answerable else "unbeantwortbar ") + r
        results[key] = results.get(key, 0) + 1
    reachable = sum(1 for e in examples if e.answerable and any(e.labels))
    answerable = sum(1 for e in examples if e.answerable)
    calibration = fit_calibration(
        examples,
        l2,
        answer=answer,
        ask=ask,
        close=close,
        notes={
            "trained_on": [p.name for p in TRAIN],
            "questions": len(examples),
            "skipped_two_questions": skipped,
            "answerable_with_a_right_candidate": f"{reachable}/{answerable}",
            "cross_validated_outcomes": dict(sorted(results.items())),
            "cross_validated_cost": round(cost, 2),
            "utility": {f"{a} {b}": v for (a, b), v in UTILITY.items()},
            "folds": FOLDS,
            "l2": l2,
        },
    )
    calibration.save(DEFAULT_PATH)
    print(f"Trainingsfragen: {len(examples)} (zwei Fragen in einer, übersprungen: {skipped})")
    print(f"Beantwortbar mit einem richtigen Kandidaten: {reachable}/{answerable}")
    print(f"Schwellen: antworten ≥ {answer:.3f}, nachfragen ≥ {ask:.3f}, knapp < {close:.2f}")
    print(f"Kreuzvalidiert ({FOLDS} Falten, L2 {l2}):")
    for key, n in sorted(results.items()):
        print(f"  {key:40} {n}")
    print(f"Geschrieben: {DEFAULT_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
