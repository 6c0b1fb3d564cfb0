"""Official guideline PDFs dropped beside our summaries: named from the document, routed by topic,
cited with their page, and preferred where they cover the same clause."""

from __future__ import annotations

import shutil

import pytest

from bot.settings import Settings
from retrieval import Answerer, E5Embeddings, KnowledgeBase, build_index
from tests.conftest import ROOT
from tests.retrieval.official_pdfs import EXPECTED, write_official_pdfs

RL_FILE, FRL_FILE = sorted(EXPECTED)[0], sorted(EXPECTED)[1]


@pytest.fixture(scope="module")
def answerer(
    tmp_path_factory: pytest.TempPathFactory, embeddings: E5Embeddings, shipped_settings: Settings
) -> Answerer:
    root = tmp_path_factory.mktemp("official")
    knowledge = root / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    write_official_pdfs(knowledge)
    # PDFs added to an index of the shipped files, as an operator adds them: the build carries
    # the unchanged files over and embeds only the PDFs (a minute less than from scratch).
    shutil.copytree(shipped_settings.index_dir, root / "index")
    build_index(knowledge_dir=knowledge, index_dir=root / "index", embeddings=embeddings)
    return Answerer(KnowledgeBase(index_dir=root / "index", embeddings=embeddings))


def _page(file: str, fact: str) -> int:
    return int(EXPECTED[file]["fakten"][fact]["seite"])


def test_documents_are_named_by_the_abbreviation_on_their_title_page(answerer: Answerer) -> None:
    docs = {d.path: d for d in answerer.kb.catalog.documents}
    assert docs[RL_FILE].title == "RL KommPräv" and docs[RL_FILE].guideline == "RL KommPräv"
    assert docs[FRL_FILE].title == "FRL PrävSiSpo"
    assert "Förderrichtlinie Prävention im Sport" in docs[FRL_FILE].aliases
    labels = answerer.document_labels()
    assert "FRL PrävSiSpo" in labels and "RL KommPräv" in labels
    assert "FRL PrävSiSpo" in answerer.decline_text()


@pytest.mark.parametrize(
    ("question", "guideline"),
    [
        ("Wer fördert Fanprojekte?", "FRL PrävSiSpo"),
        ("Werden Schiedsrichter-Schulungen bezahlt?", "FRL PrävSiSpo"),
        ("Wie hoch ist der Fördersatz nach der Sportrichtlinie FRL PrävSiSpo?", "FRL PrävSiSpo"),
        ("Wie hoch ist der Fördersatz nach der Richtlinie Kommunale Prävention?", "RL KommPräv"),
        ("Bis wann muss der Antrag eingehen?", "RL KommPräv"),
    ],
)
def test_a_question_goes_to_the_guideline_it_is_about(
    answerer: Answerer, question: str, guideline: str
) -> None:
    (found,) = answerer.candidates(question)
    assert found.scope.guidelines == (guideline,)
    assert all(c.guideline in (guideline, "") for c in found.items)


def test_conflicting_rates_stay_apart_and_carry_their_page(answerer: Answerer) -> None:
    (found,) = answerer.candidates("Wie hoch ist der Fördersatz nach der FRL PrävSiSpo?")
    assert not any("90 Prozent" in c.text or "90 %" in c.text for c in found.items)
    rate = next(c for c in found.items if "80 Prozent" in c.text)
    assert rate.sources[0].document == "FRL PrävSiSpo"
    assert rate.sources[0].page == _page(FRL_FILE, "foerdersatz_80")


def test_the_official_text_is_cited_first_where_it_covers_the_clause(answerer: Answerer) -> None:
    answer = answerer.answer("Wie viel Prozent der Kosten werden gefördert?")
    assert answer.answered, answer.text
    assert "90" in answer.text
    first = answer.sources[0]
    assert (first.document, first.page) == ("RL KommPräv", _page(RL_FILE, "foerdersatz_90"))
    assert any(s.document == "RL KommPräv (Zusammenfassung)" for s in answer.sources[1:])
