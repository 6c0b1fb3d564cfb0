"""`index_status`: is the index behind the knowledge folder? Answered without writing a byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval import E5Embeddings, LoaderError, build_index
from retrieval.catalog import generation_dir, read_pointer
from retrieval.indexer import index_status
from tests.retrieval.corpus import GUIDELINE_A, GUIDELINE_B
from tests.retrieval.shipped import tree


def _built(tmp_path: Path, embeddings: E5Embeddings) -> tuple[Path, Path]:
    knowledge = tmp_path / "knowledge"
    (knowledge / "sub").mkdir(parents=True)
    (knowledge / "alpha.md").write_text(GUIDELINE_A, encoding="utf-8")
    (knowledge / "sub" / "beta.md").write_text(GUIDELINE_B, encoding="utf-8")
    (knowledge / ".faq.lock").write_text("", encoding="utf-8")  # hidden: never indexed
    index = tmp_path / "index"
    build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)
    return knowledge, index


def test_current_index(tmp_path: Path, embeddings: E5Embeddings) -> None:
    knowledge, index = _built(tmp_path, embeddings)
    before = tree(knowledge, index)

    status = index_status(knowledge, index)

    assert status.exists and status.current
    assert (status.changed, status.added, status.removed) == ((), (), ())
    assert status.files_total == 2
    pointer = read_pointer(index)
    assert pointer is not None
    assert (status.generation, status.built_at) == (pointer.generation, pointer.built_at)
    assert tree(knowledge, index) == before


def test_edited_added_and_removed_files_are_named(tmp_path: Path, embeddings: E5Embeddings) -> None:
    knowledge, index = _built(tmp_path, embeddings)
    (knowledge / "alpha.md").write_text(GUIDELINE_A.replace("90 %", "80 %"), encoding="utf-8")
    (knowledge / "sub" / "beta.md").unlink()
    (knowledge / "neu.md").write_text(GUIDELINE_B, encoding="utf-8")
    (knowledge / "notizen.txt.bak").write_text("kein Wissen", encoding="utf-8")  # not indexable
    (knowledge / "~$alpha.md").write_text("Sperrdatei von Word", encoding="utf-8")
    before = tree(knowledge, index)

    status = index_status(knowledge, index)

    assert status.exists and not status.current
    assert status.changed == ("alpha.md",)
    assert status.added == ("neu.md",)
    assert status.removed == ("sub/beta.md",)
    assert tree(knowledge, index) == before

    # The same comparison drives the build: it re-reads what the check named, and then the
    # check finds the index current.
    report = build_index(knowledge_dir=knowledge, index_dir=index, embeddings=embeddings)
    assert report.files_changed == ["alpha.md", "neu.md"]
    assert report.files_removed == ["sub/beta.md"]
    assert index_status(knowledge, index).current


def test_touching_a_file_without_changing_it_keeps_the_index_current(
    tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = _built(tmp_path, embeddings)
    alpha = knowledge / "alpha.md"
    alpha.write_bytes(alpha.read_bytes())  # new mtime, same content
    assert index_status(knowledge, index).current


def test_no_index_or_a_half_removed_one_is_missing(
    tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = _built(tmp_path, embeddings)

    nowhere = tmp_path / "noch-kein-index"
    status = index_status(knowledge, nowhere)
    assert not status.exists and not status.current
    assert status.added == ("alpha.md", "sub/beta.md")
    assert not nowhere.exists()

    pointer = read_pointer(index)
    assert pointer is not None
    shutil.rmtree(generation_dir(index, pointer.generation))
    assert not index_status(knowledge, index).exists


def test_missing_knowledge_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="KNOWLEDGE_DIR"):
        index_status(tmp_path / "fehlt", tmp_path / "index")
