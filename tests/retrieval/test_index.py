"""The office edits, adds and deletes files; `index` follows, and a crash never breaks search."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from retrieval import Answerer, E5Embeddings, KnowledgeBase, build_index
from tests.retrieval.corpus import GUIDELINE_A, GUIDELINE_B, cited, write_pdf


def _knowledge(tmp_path: Path, **files: str) -> tuple[Path, Path]:
    """A knowledge folder with the given Markdown files, and where its index goes."""
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for name, text in files.items():
        (knowledge / f"{name}.md").write_text(text, encoding="utf-8")
    return knowledge, tmp_path / "index"


def _kb(index_dir: Path, embeddings: E5Embeddings) -> KnowledgeBase:
    return KnowledgeBase(index_dir=index_dir, embeddings=embeddings, default_guideline="RL Alpha")


def test_incremental_reindex_after_edit_add_and_delete(
    tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = _knowledge(tmp_path, alpha=GUIDELINE_A, beta=GUIDELINE_B)
    first = build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)
    assert first.files_total == 2 and first.chunks > 0

    again = build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)
    assert again.up_to_date and again.embedded == 0

    kb = _kb(index, embeddings)
    answerer = Answerer(kb)
    assert "15. Oktober" in cited(answerer.answer("Bis wann muss der Antrag eingehen?")).text

    (knowledge / "alpha.md").write_text(
        GUIDELINE_A.replace("15. Oktober", "31. Oktober"), encoding="utf-8"
    )
    write_pdf(
        knowledge / "merkblatt.pdf",
        "Merkblatt Kassenprüfung",
        [["Die Kasse wird jährlich im Mai geprüft."]],
    )
    (knowledge / "beta.md").unlink()
    edited = build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)
    assert edited.files_changed == ["alpha.md", "merkblatt.pdf"]
    assert edited.files_removed == ["beta.md"]
    # Only the edited section and the new file were embedded again, not the whole corpus.
    assert 0 < edited.embedded < first.embedded

    # The running knowledge base picks up the new generation without a restart.
    answer = cited(answerer.answer("Bis wann muss der Antrag eingehen?"))
    assert "31. Oktober" in answer.text and "15. Oktober" not in answer.text
    assert {c.document for c in kb.catalog.chunks} == {"RL Alpha", "Merkblatt Kassenprüfung"}
    pdf_answer = cited(answerer.answer("Wann wird die Kasse geprüft?"))
    assert pdf_answer.sources[0].page == 1


class Exploding(E5Embeddings):
    """Dies after some texts, like a process killed in the middle of indexing."""

    def __init__(self, base: E5Embeddings, budget: int) -> None:
        super().__init__()
        self.base, self.budget = base, budget

    def passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.budget -= len(texts)
        if self.budget < 0:
            raise KeyboardInterrupt("simulated crash")
        return self.base.passages(texts)

    def query(self, text: str) -> NDArray[np.float32]:
        return self.base.query(text)


def test_crash_during_indexing_leaves_previous_index_usable(
    tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = _knowledge(tmp_path, alpha=GUIDELINE_A)
    build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)

    (knowledge / "alpha.md").write_text(GUIDELINE_A.replace("90 %", "80 %"), encoding="utf-8")
    (knowledge / "beta.md").write_text(GUIDELINE_B * 3, encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        build_index(knowledge_dir=knowledge, index_dir=index, embeddings=Exploding(embeddings, 2))

    answer = cited(Answerer(_kb(index, embeddings)).answer("Wie hoch ist der Fördersatz?"))
    assert answer.answered and "90 %" in answer.text

    build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)
    answer = cited(Answerer(_kb(index, embeddings)).answer("Wie hoch ist der Fördersatz?"))
    assert "80 %" in answer.text
    assert len(list(index.glob("gen-*"))) == 1  # the half-built generation was cleaned up


def test_unreadable_file_is_reported_and_the_rest_indexed(
    tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = _knowledge(tmp_path, alpha=GUIDELINE_A)
    write_pdf(knowledge / "geheim.pdf", "Geheim", [["x"]], password="pw")
    report = build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)
    assert "geheim.pdf" in report.file_errors
    assert (
        "Passwort" in report.file_errors["geheim.pdf"]
        or "verschlüsselt" in report.file_errors["geheim.pdf"]
    )
    assert report.chunks > 0


def test_two_guidelines_with_conflicting_numbers_stay_apart(
    tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = _knowledge(tmp_path, alpha=GUIDELINE_A, beta=GUIDELINE_B)
    build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)
    answerer = Answerer(_kb(index, embeddings))

    # Every candidate for a question that names the sport guideline comes from it alone.
    (found,) = answerer.candidates("Wie hoch ist der Fördersatz nach der Sportrichtlinie?")
    assert found.scope.guidelines == ("RL Beta",)
    assert "50 %" in found.items[0].text
    assert not any("90 %" in c.text for c in found.items)
    assert {s.document for c in found.items for s in c.sources} == {"RL Beta Sport"}

    beta_deadline = cited(answerer.answer("Antragsfrist RL Beta?"))
    assert "30. September" in beta_deadline.text
    assert {s.document for s in beta_deadline.sources} == {"RL Beta Sport"}

    alpha = cited(answerer.answer("Wie hoch ist der Fördersatz nach der RL Alpha?"))
    assert "90 %" in alpha.text and "50 %" not in alpha.text
    assert {s.document for s in alpha.sources} == {"RL Alpha"}

    # Naming no guideline means the default one, and the source says which.
    unnamed = cited(answerer.answer("Bis wann muss der Antrag eingehen?"))
    assert "15. Oktober" in unnamed.text
    assert unnamed.sources[0].document == "RL Alpha"
