"""Publishing one FAQ change embeds that entry's texts only, and the running bot answers with it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bot.settings import Settings
from retrieval import Answer, Answerer, E5Embeddings, KnowledgeBase, build_index
from retrieval.indexer import index_status
from tests.retrieval.shipped import (
    NEW_RATE_ANSWER,
    OTHER_QUESTIONS,
    RATE_QUESTION,
    edited_faq,
    shipped_copy,
)

NEW_QUESTION = "Wer prüft die Vereinskasse des Präventionsrats?"
NEW_PHRASINGS = ["kassenprüfung präventionsrat", "wer prüft unsere kasse"]
NEW_ANSWER = "Die Vereinskasse des Präventionsrats prüft der Kassenprüfer einmal jährlich."
NEW_ENTRY = {
    "id": "kassenpruefung-test",
    "frage": NEW_QUESTION,
    "formulierungen": NEW_PHRASINGS,
    "antwort": NEW_ANSWER,
    "quelle": {"dokument": "RL KommPräv (Zusammenfassung)", "abschnitt": "Ziffer V › Nr. 2"},
}


class Counting(E5Embeddings):
    """The real model underneath; counts the passage texts the indexer asks it to embed."""

    def __init__(self, base: E5Embeddings) -> None:
        super().__init__()
        self.base = base
        self.texts: list[str] = []

    def passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.texts.extend(texts)
        return self.base.passages(texts)

    def query(self, text: str) -> NDArray[np.float32]:
        return self.base.query(text)


def _seen(answer: Answer) -> tuple[str, tuple[object, ...]]:
    return answer.text, answer.sources


def test_one_faq_entry_changed_added_or_retired_embeds_only_its_texts(
    shipped_settings: Settings, tmp_path: Path, embeddings: E5Embeddings
) -> None:
    knowledge, index = shipped_copy(shipped_settings, tmp_path, embeddings)
    assert index_status(knowledge, index).current
    answerer = Answerer(KnowledgeBase(index_dir=index, embeddings=embeddings))
    old_rate = answerer.answer(RATE_QUESTION)
    assert old_rate.kind == "faq" and NEW_RATE_ANSWER not in old_rate.text
    others = {q: _seen(answerer.answer(q)) for q in OTHER_QUESTIONS}
    faq = knowledge / "faq.yaml"

    # 1. One answer changed (the whole file rewritten by PyYAML: layout differs throughout).
    faq.write_bytes(edited_faq(faq, answers={"foerdersatz": NEW_RATE_ANSWER}))
    counting = Counting(embeddings)
    report = build_index(knowledge_dir=knowledge, index_dir=index, embeddings=counting)
    print(f"\none FAQ answer changed: {report.seconds:.2f} s, {report.embedded} text(s) embedded")

    assert report.files_changed == ["faq.yaml"]
    assert counting.texts == [NEW_RATE_ANSWER] and report.embedded == 1
    new_rate = answerer.answer(RATE_QUESTION)  # the running knowledge base switched by itself
    assert new_rate.kind == "faq" and NEW_RATE_ANSWER in new_rate.text
    assert new_rate.sources == old_rate.sources
    assert {q: _seen(answerer.answer(q)) for q in OTHER_QUESTIONS} == others

    # 2. One entry added: its question, phrasings and answer, nothing else.
    faq.write_bytes(edited_faq(faq, add=(NEW_ENTRY,)))
    counting = Counting(embeddings)
    report = build_index(knowledge_dir=knowledge, index_dir=index, embeddings=counting)
    print(f"one FAQ entry added: {report.seconds:.2f} s, {report.embedded} text(s) embedded")

    assert sorted(counting.texts) == sorted([NEW_QUESTION, *NEW_PHRASINGS, NEW_ANSWER])
    assert len(counting.texts) <= 30
    added = answerer.answer(NEW_QUESTION)
    assert NEW_ANSWER in added.text
    assert {q: _seen(answerer.answer(q)) for q in OTHER_QUESTIONS} == others

    # 3. One entry retired: nothing to embed, and its answer is gone.
    faq.write_bytes(edited_faq(faq, retire=("kassenpruefung-test",)))
    counting = Counting(embeddings)
    report = build_index(knowledge_dir=knowledge, index_dir=index, embeddings=counting)
    print(f"one FAQ entry retired: {report.seconds:.2f} s, {report.embedded} text(s) embedded")

    assert counting.texts == [] and report.embedded == 0
    gone = answerer.answer(NEW_QUESTION)
    assert NEW_ANSWER not in gone.text
    assert NEW_RATE_ANSWER in answerer.answer(RATE_QUESTION).text
    assert {q: _seen(answerer.answer(q)) for q in OTHER_QUESTIONS} == others
    assert index_status(knowledge, index).current
