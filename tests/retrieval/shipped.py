"""A private copy of the shipped knowledge base and its session-cached index, and FAQ edits."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import yaml

from bot.settings import Settings
from retrieval import E5Embeddings, build_index

ROOT = Path(__file__).resolve().parents[2]

# Keeps the 90 % (the composer checks an FAQ answer's numbers against its cited section).
NEW_RATE_ANSWER = (
    "Bis zu 90 % der zuwendungsfähigen Ausgaben; so steht es in der geänderten Fassung dieser "
    "Antwort. Den konkreten Fördersatz legt der Zuwendungsbescheid fest."
)
RATE_QUESTION = "Wie viel Prozent der Ausgaben werden gefördert?"
# Answered from other FAQ entries; a change of the `foerdersatz` entry must not touch them.
OTHER_QUESTIONS = (
    "Ist die Förderung ein Kredit?",
    "Bis wann muss der Antrag eingehen?",
    "Was sind die Beccaria-Standards?",
)


def shipped_copy(
    shipped_settings: Settings, tmp_path: Path, embeddings: E5Embeddings
) -> tuple[Path, Path]:
    """(knowledge folder, index folder): copies of the shipped ones, the index current.

    The session's index was built from knowledge/ as it was then; if someone edited a file
    since, the copy catches up (only the edited texts are embedded).
    """
    knowledge, index = tmp_path / "knowledge", tmp_path / "index"
    shutil.copytree(ROOT / "knowledge", knowledge)
    shutil.copytree(shipped_settings.index_dir, index)
    build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)
    return knowledge, index


def tree(*roots: Path) -> dict[str, str]:
    """Every file under the roots with a digest of its content: equal means nothing changed."""
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for root in roots
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def edited_faq(
    faq: Path,
    *,
    answers: dict[str, str] | None = None,
    add: tuple[dict[str, Any], ...] = (),
    retire: tuple[str, ...] = (),
) -> bytes:
    """faq.yaml with entries' answers replaced, entries added or retired.

    Written back by PyYAML, so every byte of the file differs in layout; the texts of the
    untouched entries stay the same, and that is what the index goes by.
    """
    entries: list[dict[str, Any]] = yaml.safe_load(faq.read_text(encoding="utf-8"))
    entries = [e for e in entries if e["id"] not in retire]
    for entry in entries:
        if entry["id"] in (answers or {}):
            entry["antwort"] = (answers or {})[entry["id"]]
    text = yaml.safe_dump([*entries, *add], allow_unicode=True, sort_keys=False, width=100)
    return text.encode("utf-8")
