"""Speed on a busy machine: answer latency idle and beside CPU-bound processes, `ask` start-up,
full index build, peak memory. Prints figures; asserts nothing.

Run: .venv/bin/python -m bench.load [--busy 2] [--rounds 2] [--compare-defaults]

Every figure comes from a child process with a fresh DATA_DIR, so the thread policy that
`retrieval` sets on import (retrieval/threads.py) is the one measured. `--compare-defaults` runs
the latency and the index build once more with the libraries' own defaults (libgomp spins
~300,000 rounds before a waiting thread sleeps; OpenBLAS uses one thread per core).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "bench" / "dev_questions.yaml"
CLI = [sys.executable, "-m", "bot.cli"]

# The libraries' defaults, spelled out: an explicit GOMP_SPINCOUNT overrides the wait policy in
# libgomp, and 300,000 is its default when OMP_WAIT_POLICY is not set.
LIBRARY_DEFAULTS = {"GOMP_SPINCOUNT": "300000", "OPENBLAS_NUM_THREADS": str(os.cpu_count() or 1)}
POLICY_VARS = ("OMP_WAIT_POLICY", "OMP_NUM_THREADS", "GOMP_SPINCOUNT", "OPENBLAS_NUM_THREADS")


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    cpu_s: float  # user + system: what the run costs whatever else the machine is doing
    peak_mb: float
    stdout: str


def run_child(args: Sequence[str], env: Mapping[str, str]) -> ChildRun:
    """Wall time, CPU time and peak RSS of this one child (os.wait4 reports its own rusage)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[2:])} endete mit {proc.returncode}:\n{text[-2000:]}")
    return ChildRun(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


@contextmanager
def busy(n: int) -> Iterator[None]:
    """`n` CPU-bound processes (`while True: pass`) beside the measurement."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        time.sleep(0.5 if n else 0)  # let them reach the loop
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def progress(what: str) -> None:
    print(f"… {what}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank: percentile([10, 20, 30, 40], 0.95) == 40; (…, 0.5) == 20."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def bench_env(data_dir: Path, policy: Mapping[str, str] | None = None) -> dict[str, str]:
    """The bench's environment for a child: its DATA_DIR, and `policy` instead of any
    thread setting this shell has (None: whatever `retrieval` sets itself)."""
    env = {k: v for k, v in os.environ.items() if k not in POLICY_VARS}
    env |= {"DATA_DIR": str(data_dir), "KNOWLEDGE_DIR": str(ROOT / "knowledge")}
    env |= {"ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(ROOT)}
    return env | dict(policy or {})


# --- the latency worker: a child that answers the question set, idle and under load ---------


def worker(rounds: int, n_busy: int) -> int:
    from bot import wiring
    from bot.settings import Settings
    from retrieval import E5Embeddings
    from retrieval.evaluation import load_questions

    questions = [q.question for q in load_questions(QUESTIONS)]
    settings = Settings(_env_file=None)
    embeddings = E5Embeddings()
    answerer = wiring.answerer(settings, wiring.knowledge_base(settings, embeddings))
    for q in questions:  # warm-up: model load and first-touch caches are start-up, and both
        answerer.answer(q)  # conditions below then see the same warm caches
    figures: dict[str, dict[str, float]] = {}
    for label, n in (("idle", 0), ("busy", n_busy)):
        answer_ms: list[float] = []
        embed_ms: list[float] = []
        with busy(n):
            for q in questions * rounds:
                started = time.perf_counter()
                embeddings.embed_query(q)
                embed_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                answerer.answer(q)
                answer_ms.append((time.perf_counter() - started) * 1000)
        figures[label] = {
            "n": len(answer_ms),
            "p50": statistics.median(answer_ms),
            "p95": percentile(answer_ms, 0.95),
            "max": max(answer_ms),
            "embed_p50": statistics.median(embed_ms),
            "embed_p95": percentile(embed_ms, 0.95),
        }
    print(json.dumps(figures))
    return 0


def latency(env: Mapping[str, str], rounds: int, n_busy: int) -> tuple[dict[str, Any], float]:
    progress(f"Antwortlatenz: {rounds} Durchgänge, ruhig und neben {n_busy} Lastprozessen")
    cmd = [sys.executable, "-m", "bench.load", "--worker", f"--rounds={rounds}", f"--busy={n_busy}"]
    run = run_child(cmd, env)
    report = [line for line in run.stdout.splitlines() if line.startswith("{")][-1]
    return json.loads(report), run.peak_mb


# --- the report -------------------------------------------------------------------------------


@dataclass
class Figures:
    index_s: float = 0.0
    index_cpu_s: float = 0.0
    reindex_s: float = 0.0
    startup_s: float = 0.0
    peak_mb: float = 0.0
    peak_of: str = ""


def system_figures(data_dir: Path, policy: Mapping[str, str] | None = None) -> Figures:
    """Full index into an empty `data_dir`, the same again, `ask` start-up (median of 5)."""
    env = bench_env(data_dir, policy)
    progress("vollständiger Index, Index unverändert, 5 × ask")
    f = Figures()
    peaks: dict[str, float] = {}
    first = run_child([*CLI, "index"], env)
    f.index_s, f.index_cpu_s, peaks["index"] = first.seconds, first.cpu_s, first.peak_mb
    f.reindex_s = run_child([*CLI, "index"], env).seconds
    asks = [run_child([*CLI, "ask", "Bis wann muss der Antrag da sein?"], env) for _ in range(5)]
    f.startup_s = statistics.median(r.seconds for r in asks)
    peaks["ask"] = max(r.peak_mb for r in asks)
    f.peak_of, f.peak_mb = max(peaks.items(), key=lambda kv: kv[1])
    return f


def print_latency(rows: list[tuple[str, dict[str, Any]]], n_busy: int) -> None:
    print(f"\n{'Antwortlatenz (ms)':34} {'p50':>7} {'p95':>7} {'max':>7}   Einbettung p50/p95")
    for policy, figures in rows:
        for label, key in (("ruhig", "idle"), (f"{n_busy} Lastprozesse", "busy")):
            x = figures[key]
            print(
                f"{policy + ', ' + label:34} {x['p50']:7.1f} {x['p95']:7.1f} {x['max']:7.1f}"
                f"   {x['embed_p50']:6.1f} / {x['embed_p95']:.1f}"
            )
    print("Ziel: p50 ≤ 50 ms; p95 ≤ 150 ms ruhig, ≤ 300 ms unter Last")


def print_system(rows: list[tuple[str, Figures]]) -> None:
    print(
        f"\n{'':22} {'Index neu (CPU)':>17} {'unverändert':>12} {'ask-Start':>10} {'Speicher':>9}"
    )
    for policy, f in rows:
        print(
            f"{policy:22} {f.index_s:7.1f} s ({f.index_cpu_s:4.0f} s)"
            f" {f.reindex_s:10.1f} s {f.startup_s:8.2f} s {f.peak_mb:6.0f} MB ({f.peak_of})"
        )
    print("Ziel: Index ≤ 30 s auf 2 Kernen; ask-Start ≤ 2 s; Speicher ≤ 600 MB")


def conditions(n_busy: int) -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs, Lastmittel vorher {load[0]:.1f} (1 min) / {load[1]:.1f} (5 min); "
        f"unter Last: {n_busy} Prozesse `while True: pass`"
    )


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    p.add_argument("--busy", type=int, default=2, help="CPU-bound processes beside it (2)")
    p.add_argument("--rounds", type=int, default=2, help="passes over the question set (2)")
    p.add_argument("--compare-defaults", action="store_true", help="also the libraries' defaults")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        return worker(args.rounds, args.busy)

    print(conditions(args.busy))
    policies: list[tuple[str, dict[str, str] | None]] = [("Produkt (threads.py)", None)]
    if args.compare_defaults:
        policies.append(("Bibliotheksvorgaben", LIBRARY_DEFAULTS))
    system: list[tuple[str, Figures]] = []
    latencies: list[tuple[str, dict[str, Any]]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for i, (name, policy) in enumerate(policies):
                progress(name)
                data_dir = Path(tmp) / f"data{i}"
                figures = system_figures(data_dir, policy)
                lat, peak = latency(bench_env(data_dir, policy), args.rounds, args.busy)
                if peak > figures.peak_mb:
                    figures.peak_mb, figures.peak_of = peak, "Antworten"
                system.append((name, figures))
                latencies.append((name, lat))
    finally:  # a failing run still shows what was measured before it
        if system:
            print_system(system)
            print_latency(latencies, args.busy)
        print(conditions(args.busy).split(";")[0].replace("vorher", "nachher"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
