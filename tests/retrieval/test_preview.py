"""Staff see which answers a change would alter before it goes live; nothing live is touched."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.settings import Settings
from retrieval import Answerer, E5Embeddings, IndexMissing, KnowledgeBase
from retrieval.indexer import copy_index, index_status
from retrieval.preview import preview_change
from tests.retrieval.shipped import (
    NEW_RATE_ANSWER,
    OTHER_QUESTIONS,
    RATE_QUESTION,
    edited_faq,
    shipped_copy,
    tree,
)


def test_a_changed_faq_answer_shows_for_its_question_only(
    shipped_settings: Settings, tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = shipped_copy(shipped_settings, tmp_path, embeddings)
    before = tree(knowledge, index)
    new_faq = edited_faq(knowledge / "faq.yaml", answers={"foerdersatz": NEW_RATE_ANSWER})

    started = time.perf_counter()
    changes = preview_change(
        knowledge_dir=knowledge,
        index_dir=index,
        changed={"faq.yaml": new_faq},
        questions=[RATE_QUESTION, *OTHER_QUESTIONS],
        embeddings=embeddings,
    )
    seconds = time.perf_counter() - started
    print(f"\npreview of {1 + len(OTHER_QUESTIONS)} questions: {seconds:.2f} s")

    assert [c.question for c in changes] == [RATE_QUESTION]
    (change,) = changes
    assert NEW_RATE_ANSWER not in change.old_text and "90 %" in change.old_text
    assert NEW_RATE_ANSWER in change.new_text
    assert change.old_sources == change.new_sources != ()
    # Neither the live index nor the knowledge folder changed, and the index is still current.
    assert tree(knowledge, index) == before
    assert index_status(knowledge, index).current


def test_no_change_changes_nothing_and_a_removed_file_shows(
    shipped_settings: Settings, tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = shipped_copy(shipped_settings, tmp_path, embeddings)
    before = tree(knowledge, index)
    questions = [RATE_QUESTION, *OTHER_QUESTIONS]

    same = (knowledge / "faq.yaml").read_bytes()
    unchanged = preview_change(
        knowledge_dir=knowledge,
        index_dir=index,
        changed={"faq.yaml": same},
        questions=questions,
        embeddings=embeddings,
    )
    assert unchanged == []

    # Without the FAQ file every answer comes from the documents themselves.
    changes = preview_change(
        knowledge_dir=knowledge,
        index_dir=index,
        changed={"faq.yaml": None},
        questions=questions,
        embeddings=embeddings,
    )
    assert [c.question for c in changes] == questions
    assert all(c.old_text != c.new_text for c in changes)
    assert tree(knowledge, index) == before


@pytest.mark.parametrize("path", ["../faq.yaml", "/etc/passwd", "", "sub/../../x.md"])
def test_paths_outside_the_knowledge_folder_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match="innerhalb des Wissensordners"):
        preview_change(
            knowledge_dir=tmp_path,
            index_dir=tmp_path / "index",
            changed={path: b"x"},
            questions=["Wie hoch ist der Fördersatz?"],
        )


def test_without_an_index_there_is_nothing_to_compare(tmp_path: Path) -> None:
    (tmp_path / "knowledge").mkdir()
    with pytest.raises(IndexMissing, match="kommpraev index"):
        preview_change(
            knowledge_dir=tmp_path / "knowledge",
            index_dir=tmp_path / "index",
            changed={},
            questions=["Wie hoch ist der Fördersatz?"],
        )
    assert not (tmp_path / "index").exists()


def test_the_copy_of_the_live_index_answers_as_the_live_one(
    shipped_settings: Settings, tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = shipped_copy(shipped_settings, tmp_path, embeddings)
    before = tree(knowledge, index)
    copy_index(source=index, target=tmp_path / "kopie")
    assert tree(knowledge, index) == before

    live = Answerer(KnowledgeBase(index_dir=index, embeddings=embeddings))
    copy = Answerer(KnowledgeBase(index_dir=tmp_path / "kopie", embeddings=embeddings))
    for question in [RATE_QUESTION, *OTHER_QUESTIONS, "Was ist förderfähig?"]:
        assert copy.answer(question) == live.answer(question)
