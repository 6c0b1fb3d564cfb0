"""The command line as an office user or a script calls it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _run(
    args: list[str], data_dir: Path, stdin: str = "", **env_overrides: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "KNOWLEDGE_DIR": str(ROOT / "knowledge"),
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def _copy_index(shipped_settings: Settings, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(shipped_settings.data_dir, data)
    return data


def test_ask_jsonl_answers_each_line_in_order(shipped_settings: Settings, tmp_path: Path) -> None:
    data = _copy_index(shipped_settings, tmp_path)
    questions = [
        "Bis wann muss der Antrag eingehen?",
        "Wer gewinnt die Bundesliga?",
        "Zählt Eigenleistung?",
    ]
    result = _run(["ask", "--jsonl"], data, "\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions
    assert rows[0]["answered"] is True and "15. Oktober" in rows[0]["answer"]
    assert rows[0]["sources"] and {"document", "section"} <= rows[0]["sources"][0].keys()
    assert "Quelle" not in rows[0]["answer"]
    assert rows[1]["answered"] is False and rows[1]["sources"] == []
    assert all(isinstance(r["ms"], int) for r in rows)


def test_ask_prints_answer_with_source_line(shipped_settings: Settings, tmp_path: Path) -> None:
    result = _run(["ask", "Ist das ein Kredit?"], _copy_index(shipped_settings, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "rückzahlbar" in result.stdout
    assert "Quelle" in result.stdout


def test_ask_builds_a_missing_index_first(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "frist.md").write_text(
        "---\ntitle: Merkblatt\n---\n# Merkblatt\n\n## Frist\n\nDie Frist endet am 1. März.\n",
        encoding="utf-8",
    )
    result = _run(["ask", "Wann endet die Frist?"], tmp_path / "data", KNOWLEDGE_DIR=str(knowledge))
    assert result.returncode == 0, result.stderr
    assert "1. März" in result.stdout


def test_bad_arguments_and_config_get_german_messages(tmp_path: Path) -> None:
    unknown = _run(["frag", "x"], tmp_path)
    assert (
        unknown.returncode == 2 and "Fehler" in unknown.stderr and "Traceback" not in unknown.stderr
    )

    bad_config = _run(["ask", "x"], tmp_path, LLM_TIMEOUT_S="schnell")
    assert bad_config.returncode == 2
    assert "Konfiguration" in bad_config.stderr and "LLM_TIMEOUT_S" in bad_config.stderr
    assert "Traceback" not in bad_config.stderr

    missing = _run(["index"], tmp_path, KNOWLEDGE_DIR=str(tmp_path / "fehlt"))
    assert missing.returncode == 1 and "existiert nicht" in missing.stderr

    no_token = _run(["bot"], tmp_path, TELEGRAM_BOT_TOKEN="")
    assert no_token.returncode == 2 and "TELEGRAM_BOT_TOKEN" in no_token.stderr
