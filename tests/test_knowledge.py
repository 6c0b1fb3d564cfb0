"""The shipped knowledge base keeps its promises: sourced FAQ answers, marked summaries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.upkeep.number_check import unsupported_numbers as editor_check
from retrieval.documents import FaqEntry
from retrieval.generation import unsupported_numbers
from retrieval.indexer import knowledge_files
from retrieval.loaders import load_file

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _loaded() -> tuple[dict[tuple[str, str], str], list[FaqEntry]]:
    sections: dict[tuple[str, str], str] = {}
    faq: list[FaqEntry] = []
    for path in knowledge_files(KNOWLEDGE):
        loaded = load_file(path, KNOWLEDGE)
        faq.extend(loaded.faq)
        for s in loaded.sections:
            key = (s.doc.title, s.section_label)
            sections[key] = f"{sections.get(key, '')} {s.heading_title} {s.text}"
    return sections, faq


SECTIONS, FAQ = _loaded()


@pytest.mark.parametrize("path", sorted(KNOWLEDGE.glob("*.md")), ids=lambda p: p.name)
def test_every_document_says_what_it_is_and_how_current(path: Path) -> None:
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    assert match, "front matter missing"
    meta = yaml.safe_load(match.group(1))
    for field in ("title", "stand", "quelle", "hinweis"):
        assert meta.get(field), f"{field} missing"
    assert "Nichtamtliche Zusammenfassung" in meta["hinweis"]


def test_the_faq_is_curated_and_large_enough() -> None:
    assert len(FAQ) >= 40
    ids = [f.id for f in FAQ]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("entry", FAQ, ids=lambda f: f.id)
def test_each_faq_answer_rests_on_a_real_section_and_states_only_its_numbers(
    entry: FaqEntry,
) -> None:
    document, section = entry.document, entry.section
    cited = " ".join(
        text for (doc, label), text in SECTIONS.items()
        if doc == document and (label == section or label.startswith(section + " › "))
    )  # fmt: skip
    assert cited, f"{document} › {section} gibt es nicht"
    answer = entry.answer
    assert len(answer) <= 600
    assert not unsupported_numbers(answer, [cited])
    # The workspace's stricter check (dates in any spelling, references) holds for ours too.
    assert not editor_check(answer, cited, section=section)
    assert len(entry.phrasings) >= 3
