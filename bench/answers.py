"""Benchmark of the answers: speed (bench.load: index build, start-up, memory, latency idle and
under load), then quality against a plain baseline.

Prints figures; asserts nothing. Run: .venv/bin/python -m bench.answers
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.load import (
    QUESTIONS,
    ROOT,
    bench_env,
    conditions,
    latency,
    print_latency,
    print_system,
    system_figures,
)

BUSY = 2  # CPU-bound processes beside the latency measurement, as in the issue


def main() -> int:
    from bot import wiring
    from bot.settings import Settings
    from retrieval import E5Embeddings
    from retrieval.evaluation import Baseline, evaluate, load_questions, ours

    print(conditions(BUSY))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        figures = system_figures(data)
        lat, peak = latency(bench_env(data), rounds=2, n_busy=BUSY)
        if peak > figures.peak_mb:
            figures.peak_mb, figures.peak_of = peak, "Antworten"
        print_system([("KommPräv-Lotse", figures)])
        print_latency([("KommPräv-Lotse", lat)], BUSY)

        settings = Settings(_env_file=None, data_dir=data, knowledge_dir=ROOT / "knowledge")
        embeddings = E5Embeddings()
        answerer = wiring.answerer(settings, wiring.knowledge_base(settings, embeddings))
        questions = load_questions(QUESTIONS)
        ours_result = evaluate("KommPräv-Lotse", questions, ours(answerer))
        base_result = evaluate("Baseline", questions, Baseline(ROOT / "knowledge", embeddings).ask)

    print(f"\n{'Kennzahl':40} {'KommPräv-Lotse':>16} {'Baseline':>12}")
    for (label, a), (_, b) in zip(ours_result.rows(), base_result.rows(), strict=True):
        if label.startswith("Latenz"):
            continue  # measured above without the extra ranking search of ours()
        print(f"{label:40} {a:>16} {b:>12}")
    if ours_result.failures:
        print("\nNicht getroffen:")
        for f in ours_result.failures:
            print(f"  - {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
