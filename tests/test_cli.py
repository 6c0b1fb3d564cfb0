"""The command line as an office user or a script calls it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.settings import Settings
from retrieval import E5Embeddings, build_index
from tests.retrieval.shipped import tree

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
    # `make run` in the wrong folder: the start says what is missing, without a traceback.
    start = _run(["start"], tmp_path, KNOWLEDGE_DIR=str(tmp_path / "fehlt"), TELEGRAM_BOT_TOKEN="")
    assert start.returncode == 2 and "Wissensordner" in start.stderr
    assert "Traceback" not in start.stderr

    no_token = _run(["bot"], tmp_path, TELEGRAM_BOT_TOKEN="")
    assert no_token.returncode == 2 and "TELEGRAM_BOT_TOKEN" in no_token.stderr


def test_bad_config_values_stop_the_start_with_one_german_line_each(tmp_path: Path) -> None:
    result = _run(
        ["start"],
        tmp_path,
        TELEGRAM_WEBHOOK_PORT="abc",
        DRAFT_RETENTION_DAYS="-1",
        TELEGRAM_BOT_TOKEN="123456:GEHEIM",
    )
    assert result.returncode == 2
    assert "TELEGRAM_WEBHOOK_PORT: „abc“ ist keine ganze Zahl" in result.stderr
    assert "DRAFT_RETENTION_DAYS: „-1“ muss mindestens 1 sein" in result.stderr
    for leak in ("Traceback", "Input should", "GEHEIM"):
        assert leak not in result.stderr


# argparse's own English words; none of them may reach a user ("Argumente" may).
ARGPARSE_ENGLISH = re.compile(
    r"\b(usage|options|positional|arguments?|show|help message|exit|required|invalid"
    r"|choose from|expected|error|unrecognized|ambiguous)\b",
    re.IGNORECASE,
)
COMMANDS = ("index", "ask", "chat", "eval", "bot", "start")


def _help(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_help_is_german_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    overview = _help(["--help"], capsys)
    assert overview.startswith("Aufruf: kommpraev")
    assert "Optionen:" in overview and "diese Hilfe anzeigen und beenden" in overview
    assert "Befehle:" in overview and all(name in overview for name in COMMANDS)

    for name in COMMANDS:
        text = _help([name, "--help"], capsys)
        assert text.startswith(f"Aufruf: kommpraev {name}")
        for page in (overview, text):
            english = ARGPARSE_ENGLISH.findall(page)
            assert english == [], f"kommpraev {name} --help: {english}"


@pytest.mark.parametrize(
    "args",
    [["frag"], ["ask", "--jsonl=ja"], ["--ne"], ["index", "zu", "viel"], ["eval", "--schnell"]],
)
def test_mistyped_commands_get_german_errors(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    said = capsys.readouterr().err
    assert said.startswith("Aufruf: kommpraev") and "\nFehler: " in said and "--help" in said
    assert ARGPARSE_ENGLISH.findall(said) == []


def test_index_in_a_pipe_says_what_it_is_doing(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for name, text in (("frist", "Die Frist endet am 1. März."), ("satz", "Gefördert wird 80 %.")):
        (knowledge / f"{name}.md").write_text(
            f"---\ntitle: {name}\n---\n# {name}\n\n## Regel\n\n{text}\n", encoding="utf-8"
        )

    first = _run(["index"], tmp_path / "data", KNOWLEDGE_DIR=str(knowledge))  # stderr: a pipe

    assert first.returncode == 0, first.stderr
    lines = first.stderr.splitlines()
    assert lines[0] == "Wissensbasis wird eingelesen: 2 Dateien …"
    stage = next(line for line in lines if line.startswith("Texte werden eingebettet: "))
    total = stage.removeprefix("Texte werden eingebettet: ").removesuffix(" …")
    assert int(total) > 0
    assert f"… {total}/{total} Texte eingebettet" in lines
    assert lines[-1].startswith("Index gebaut: 2 Dateien, 2 geändert")

    again = _run(["index"], tmp_path / "data", KNOWLEDGE_DIR=str(knowledge))
    assert again.returncode == 0
    assert again.stderr.splitlines()[-1].startswith("Index ist aktuell")


def test_index_check_says_whether_the_index_is_current_and_changes_nothing(
    tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, data = tmp_path / "knowledge", tmp_path / "data"
    knowledge.mkdir()
    for name, text in (("frist", "Die Frist endet am 1. März."), ("satz", "Gefördert wird 80 %.")):
        (knowledge / f"{name}.md").write_text(
            f"---\ntitle: {name}\n---\n# {name}\n\n## Regel\n\n{text}\n", encoding="utf-8"
        )
    build_index(knowledge_dir=knowledge, index_dir=data / "index", embeddings=embeddings)
    index_files = tree(data)

    current = _run(["index", "--check"], data, KNOWLEDGE_DIR=str(knowledge))
    assert current.returncode == 0, current.stderr
    assert current.stdout.startswith("Index ist aktuell: 2 Dateien, gebaut am ")

    frist = knowledge / "frist.md"
    frist.write_text(frist.read_text("utf-8").replace("1. März", "1. April"), encoding="utf-8")
    (knowledge / "satz.md").unlink()
    (knowledge / "neu.md").write_text("---\ntitle: neu\n---\n# neu\n\nNeu.\n", "utf-8")
    knowledge_files = tree(knowledge)

    stale = _run(["index", "--check"], data, KNOWLEDGE_DIR=str(knowledge))
    assert stale.returncode == 1, stale.stderr
    said = stale.stdout.splitlines()
    assert said[0].startswith("Index ist nicht aktuell (gebaut am ")
    assert said[1:] == [
        "  geändert: frist.md",
        "  neu: neu.md",
        "  entfernt: satz.md",
        "Neu einlesen mit: kommpraev index",
    ]
    assert tree(data) == index_files and tree(knowledge) == knowledge_files  # nothing written

    nowhere = tmp_path / "leer"
    missing = _run(["index", "--check"], nowhere, KNOWLEDGE_DIR=str(knowledge))
    assert missing.returncode == 1, missing.stderr
    assert "noch keinen Suchindex" in missing.stdout and "`kommpraev index`" in missing.stdout
    assert not nowhere.exists()

    no_folder = _run(["index", "--check"], data, KNOWLEDGE_DIR=str(tmp_path / "fehlt"))
    assert no_folder.returncode == 2 and "KNOWLEDGE_DIR" in no_folder.stderr


def test_same_answers_under_any_hash_seed(shipped_settings: Settings, tmp_path: Path) -> None:
    """Three processes with different PYTHONHASHSEED give byte-identical answers and choices."""
    data = _copy_index(shipped_settings, tmp_path)
    questions = [
        q["frage"]
        for q in yaml.safe_load((ROOT / "bench" / "train_questions.yaml").read_text("utf-8"))
    ][::6]
    outputs = []
    for seed in ("0", "1", "4242"):
        done = _run(["ask", "--jsonl"], data, "\n".join(questions) + "\n", PYTHONHASHSEED=seed)
        assert done.returncode == 0, done.stderr
        rows = [json.loads(line) for line in done.stdout.splitlines()]
        for row in rows:
            row.pop("ms")
        outputs.append(rows)
    assert len(outputs[0]) == len(questions)
    assert outputs[0] == outputs[1] == outputs[2]


def test_ask_jsonl_carries_suggestions_when_it_asks_back(
    shipped_settings: Settings, tmp_path: Path
) -> None:
    data = _copy_index(shipped_settings, tmp_path)
    done = _run(["ask", "--jsonl"], data, "Was ist förderfähig?\n")
    row = json.loads(done.stdout)
    assert row["kind"] == "ask_back" and row["answered"] is False
    assert 1 <= len(row["suggestions"]) <= 3
    for suggestion in row["suggestions"]:
        assert suggestion["question"] and suggestion["answer"]
        assert suggestion["sources"] and suggestion["sources"][0]["document"]
