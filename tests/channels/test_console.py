"""The terminal chat, run as `python -m bot.cli chat` with a scripted user on stdin."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = "\n".join(
    [
        "/start",
        "Wie viel Prozent der Kosten werden gefördert?",
        "/antrag",
        "#1",  # privacy notice understood
        "Stadt <b>Pirna</b>",
        "Stadt",  # a button pressed by typing its label
        "/abbrechen",
        "/antrag",
        "Weiter ausfüllen",
        "/entwurf",
        "/export",
        "/ende",
        "this line is never read",
    ]
)


GOODBYE = "Auf Wiedersehen!"


def chat_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "KNOWLEDGE_DIR": str(ROOT / "knowledge")}
    env.update({"ANONYMIZED_TELEMETRY": "False", "TELEGRAM_BOT_TOKEN": "", "LLM_BASE_URL": ""})
    return env


def run_chat(data_dir: Path, script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input=script + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=chat_env(data_dir),
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Stadt <b>Pirna</b>" not in done.stderr  # logs carry ids, never what users typed
    return done.stdout


def test_console_chat_answers_and_keeps_the_draft_across_runs(
    tmp_path: Path, shipped_settings: Settings
) -> None:
    shutil.copytree(shipped_settings.index_dir, tmp_path / "index")

    transcript = run_chat(tmp_path, SCRIPT)

    assert "Willkommen beim KommPräv-Lotsen" in transcript
    assert "Quelle" in transcript
    assert "[#1 Verstanden, weiter]" in transcript
    assert "Welche Art von Körperschaft" in transcript
    assert "[#2 Stadt]" in transcript
    assert "In welchem Landkreis" in transcript
    assert "Name: Stadt <b>Pirna</b>" in transcript
    assert "Art: Stadt" in transcript
    assert (tmp_path / "kommpraev.db").exists()
    # /export leaves the draft as a Word file the user can open.
    exported = tmp_path / "exports" / "KommPraev-Entwurf-1-v1.docx"
    assert f"[Datei gespeichert: {exported}]" in transcript
    document = docx.Document(str(exported))
    assert any(
        "Stadt <b>Pirna</b>" in cell.text
        for t in document.tables
        for row in t.rows
        for cell in row.cells
    ) or "Stadt <b>Pirna</b>" in "\n".join(p.text for p in document.paragraphs)

    # A second run on the same DATA_DIR continues where the first one stopped.
    again = run_chat(tmp_path, "/antrag\n#1\nSächsische Schweiz-Osterzgebirge\n/ende")
    assert "Stadt <b>Pirna</b>" in again
    assert "Anschrift: Straße und Hausnummer?" in again


@pytest.mark.parametrize(
    ("how", "script"),
    [
        ("end of input (Ctrl-D)", "Wie viel Prozent der Kosten werden gefördert?"),
        ("a word", "Was ist förderfähig?\nTschüss\n/start"),
    ],
)
def test_leaving_the_chat_says_goodbye(
    how: str, script: str, tmp_path: Path, shipped_settings: Settings
) -> None:
    shutil.copytree(shipped_settings.index_dir, tmp_path / "index")

    transcript = run_chat(tmp_path, script)  # exits 0, or run_chat fails

    intro, *replies, goodbye = transcript.strip().split("\n\n")
    assert intro.startswith("KommPräv-Lotse im Terminal"), how
    assert replies, how  # the question is answered before the chat ends
    assert goodbye.startswith(GOODBYE), how
    assert "Willkommen beim KommPräv-Lotsen" not in transcript  # nothing read after "Tschüss"


def test_ctrl_c_ends_the_chat_with_a_goodbye(tmp_path: Path, shipped_settings: Settings) -> None:
    shutil.copytree(shipped_settings.index_dir, tmp_path / "index")
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=chat_env(tmp_path),
    )
    try:
        assert chat.stdout is not None and chat.stderr is not None
        intro = chat.stdout.readline()  # written when the chat starts waiting for input
        assert intro.startswith("KommPräv-Lotse im Terminal"), chat.stderr.read()[-2000:]
        chat.send_signal(signal.SIGINT)
        chat.wait(timeout=60)  # stdin still open: only Ctrl-C can have ended it
        out, err = chat.stdout.read(), chat.stderr.read()
    finally:
        chat.kill()
        chat.communicate()

    assert chat.returncode == 0, err[-2000:]
    assert "Bereit." in err and "Traceback" not in err
    assert GOODBYE in out
