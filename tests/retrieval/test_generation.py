"""With an LLM configured, answers are phrased by it, but never beyond the retrieved text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from retrieval import Answerer, LlmGenerator
from tests.fakes.openai_api import FakeOpenAI

# A question the documents answer; with an LLM configured, the model reads the candidates.
PASSAGE_QUESTION = "Wie viel Prozent der Kosten werden gefördert?"


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def _answerer(shipped_answerer: Answerer, llm: FakeOpenAI, timeout: float = 5.0) -> Answerer:
    generator = LlmGenerator(base_url=llm.base_url, model="m", api_key="", timeout_s=timeout)
    return Answerer(shipped_answerer.kb, generator=generator)


def test_llm_answer_keeps_citations_and_sees_only_retrieved_text(
    shipped_answerer: Answerer, llm: FakeOpenAI
) -> None:
    llm.reply_with("[1] Gefördert werden bis zu 90 % der zuwendungsfähigen Ausgaben.")
    answerer = _answerer(shipped_answerer, llm)
    answer = answerer.answer(PASSAGE_QUESTION)
    assert answer.kind == "generated", answer
    assert answer.text.startswith("Gefördert werden bis zu 90 %")  # the choice marker is gone
    assert answer.sources and answer.sources[0].document.startswith("RL KommPräv")
    assert answer.sources[0].section.startswith("Ziffer V")
    prompt = llm.prompt_text()
    assert "Ziffer V" in prompt and "ausschließlich" in prompt


def test_llm_number_not_in_sources_falls_back_to_extract(
    shipped_answerer: Answerer, llm: FakeOpenAI
) -> None:
    llm.reply_with("Die Beratung dauert 17 Stunden und kostet 300 Euro.")
    answerer = _answerer(shipped_answerer, llm)
    answer = answerer.answer(PASSAGE_QUESTION)
    assert answer.answered and answer.kind != "generated"
    assert "17" not in answer.text


def test_slow_or_broken_llm_falls_back(shipped_answerer: Answerer, llm: FakeOpenAI) -> None:
    llm.delay(3)
    answerer = _answerer(shipped_answerer, llm, timeout=0.5)
    assert answerer.answer(PASSAGE_QUESTION).kind in ("faq", "extract")
    llm.delay(0)
    llm.fail_with(500)
    assert answerer.answer(PASSAGE_QUESTION).kind in ("faq", "extract")


def test_unreachable_llm_falls_back(shipped_answerer: Answerer) -> None:
    generator = LlmGenerator(base_url="http://127.0.0.1:9/v1", model="m", api_key="", timeout_s=1)
    answer = Answerer(shipped_answerer.kb, generator=generator).answer(PASSAGE_QUESTION)
    assert answer.answered and answer.kind in ("faq", "extract")
