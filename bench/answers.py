"""Benchmark of issue 2: quality against a plain baseline, latency, start-up, index build, memory.

Prints figures; asserts nothing. Run: .venv/bin/python -m bench.answers
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "bench" / "dev_questions.yaml"


def _child_run(args: list[str], env: dict[str, str], stdin: str = "") -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(args, input=stdin, env=env, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) // 1024


def main() -> int:
    from bot.settings import Settings
    from retrieval import Answerer, E5Embeddings, KnowledgeBase
    from retrieval.evaluation import Baseline, evaluate, load_questions, ours

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        settings = Settings(_env_file=None, data_dir=data, knowledge_dir=ROOT / "knowledge")  # type: ignore[call-arg]
        env = {**os.environ, "DATA_DIR": str(data), "KNOWLEDGE_DIR": str(ROOT / "knowledge")}
        cli = [sys.executable, "-m", "bot.cli"]

        seconds, _ = _child_run([*cli, "index"], env)
        print(f"Indexbau (vollständig, ausgelieferte Wissensbasis): {seconds:.1f} s  (Ziel ≤ 30 s)")
        seconds, _ = _child_run([*cli, "index"], env)
        print(f"Index erneut, nichts geändert:                     {seconds:.1f} s")

        starts = sorted(_child_run([*cli, "ask", "Antragsfrist?"], env)[0] for _ in range(3))
        print(f"Start + eine Antwort mit `ask` (Median von 3):     {starts[1]:.2f} s  (Ziel ≤ 2 s)")
        questions = load_questions(QUESTIONS)
        stdin = "\n".join(q.question for q in questions) + "\n"
        _, peak = _child_run([*cli, "ask", "--jsonl"], env, stdin)
        print(
            f"Spitzenspeicher `ask --jsonl` ({len(questions)} Fragen): {peak} MB  (Ziel ≤ 600 MB)"
        )

        embeddings = E5Embeddings()
        kb = KnowledgeBase(index_dir=settings.index_dir, embeddings=embeddings)
        answerer = Answerer(kb)
        for q in questions[:5]:  # warm-up
            answerer.answer(q.question)
        ours_result = evaluate("KommPräv-Lotse", questions, ours(answerer))
        # Latency of the answer alone (ours() also runs a second search for ranking figures).
        times = []
        for q in questions * 3:
            started = time.perf_counter()
            answerer.answer(q.question)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
        base = Baseline(ROOT / "knowledge", embeddings)
        base_result = evaluate("Baseline", questions, base.ask)

    print(f"\nAntwortlatenz ohne LLM: p50 {p50:.1f} ms, p95 {p95:.1f} ms  (Ziel ≤ 50 / ≤ 150 ms)")
    print(f"\n{'Kennzahl':40} {'KommPräv-Lotse':>16} {'Baseline':>12}")
    for (label, a), (_, b) in zip(ours_result.rows(), base_result.rows(), strict=True):
        if label.startswith("Latenz"):
            continue
        print(f"{label:40} {a:>16} {b:>12}")
    if ours_result.failures:
        print("\nNicht getroffen:")
        for f in ours_result.failures:
            print(f"  - {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
