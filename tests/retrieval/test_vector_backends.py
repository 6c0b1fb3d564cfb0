"""The index works with a Chroma server (CHROMA_URL) and survives `kommpraev index` being killed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from retrieval import Answerer, E5Embeddings, KnowledgeBase, build_index
from tests.retrieval.corpus import GUIDELINE_A, cited

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server (the `chroma` CLI that ships with chromadb) on 127.0.0.1."""
    port = _free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(tmp_path / "srv"),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("Chroma-Server ist nicht gestartet")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def test_index_and_answer_through_a_chroma_server(
    tmp_path: Path, chroma_server: str, embeddings: E5Embeddings
) -> None:
    knowledge, index = tmp_path / "knowledge", tmp_path / "index"
    knowledge.mkdir()
    (knowledge / "alpha.md").write_text(GUIDELINE_A, encoding="utf-8")
    build_index(
        knowledge_dir=knowledge, index_dir=index, chroma_url=chroma_server, embeddings=embeddings
    )
    assert not (index / "chroma").exists()  # nothing embedded locally: the server holds the vectors
    kb = KnowledgeBase(
        index_dir=index,
        chroma_url=chroma_server,
        embeddings=embeddings,
        default_guideline="RL Alpha",
    )
    answer = cited(Answerer(kb).answer("Bis wann muss der Antrag eingehen?"))
    assert "15. Oktober" in answer.text
    assert answer.sources[0].document == "RL Alpha"


def _seen_line(stream: IO[str], marker: str, *, timeout_s: float) -> bool:
    """Wait until a line containing `marker` arrives; keep reading so the pipe never fills."""
    seen = threading.Event()

    def read() -> None:
        for line in stream:
            if marker in line:
                seen.set()

    threading.Thread(target=read, name="stderr-reader", daemon=True).start()
    return seen.wait(timeout_s)


def test_index_process_killed_midway_leaves_previous_index_usable(tmp_path: Path) -> None:
    knowledge, data = tmp_path / "knowledge", tmp_path / "data"
    knowledge.mkdir()
    (knowledge / "alpha.md").write_text(GUIDELINE_A, encoding="utf-8")
    env = {**os.environ, "DATA_DIR": str(data), "KNOWLEDGE_DIR": str(knowledge)}
    cli = [sys.executable, "-m", "bot.cli"]
    subprocess.run([*cli, "index"], env=env, check=True, capture_output=True, cwd=ROOT, timeout=120)

    # Enough new text that embedding takes a few seconds, then kill -9 in the middle of it.
    (knowledge / "alpha.md").write_text(GUIDELINE_A.replace("90 %", "80 %"), encoding="utf-8")
    for i in range(30):
        lines = [
            f"Projekt {i}-{j} fördert Prävention im Ortsteil {j} mit {i + j} Aktionen."
            for j in range(8)
        ]
        (knowledge / f"projekte-{i}.md").write_text(
            f"# Projektliste {i}\n\n## Teil {i}\n\n" + " ".join(lines), encoding="utf-8"
        )
    proc = subprocess.Popen(
        [*cli, "index"], env=env, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    # Kill once the first batch is embedded (the progress line), not after a guessed delay:
    # on a busy machine the model may still be loading after seconds, on a quiet one the
    # whole index may be done.
    assert proc.stderr is not None
    embedding = _seen_line(proc.stderr, "eingebettet", timeout_s=120)
    assert embedding, "no progress line of the embedding stage within 120 s"
    assert proc.poll() is None, "index finished before it could be killed; make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    asked = subprocess.run(
        [*cli, "ask", "Wie hoch ist der Fördersatz nach der RL Alpha?"],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert "90 %" in asked.stdout  # the previous generation answers, untouched

    rebuilt = subprocess.run(
        [*cli, "index"], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    asked = subprocess.run(
        [*cli, "ask", "Wie hoch ist der Fördersatz nach der RL Alpha?"],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert "80 %" in asked.stdout
