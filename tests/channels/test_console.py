"""The terminal chat, run as `python -m bot.cli chat` with a scripted user on stdin."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = "\n".join(
    [
        "/start",
        "Was ist förderfähig?",
        "/antrag",
        "#1",  # privacy notice understood
        "Stadt <b>Pirna</b>",
        "Stadt",  # a button pressed by typing its label
        "/abbrechen",
        "/antrag",
        "Weiter ausfüllen",
        "/entwurf",
        "/ende",
        "this line is never read",
    ]
)


def run_chat(data_dir: Path, script: str) -> str:
    env = {**os.environ, "DATA_DIR": str(data_dir), "KNOWLEDGE_DIR": str(ROOT / "knowledge")}
    env.update({"ANONYMIZED_TELEMETRY": "False", "TELEGRAM_BOT_TOKEN": "", "LLM_BASE_URL": ""})
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input=script + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
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

    # A second run on the same DATA_DIR continues where the first one stopped.
    again = run_chat(tmp_path, "/antrag\n#1\nSächsische Schweiz-Osterzgebirge\n/ende")
    assert "Stadt <b>Pirna</b>" in again
    assert "Anschrift: Straße und Hausnummer?" in again
