"""Compose an answer from search results: the FAQ's curated answer or extracted sentences.

Thresholds were calibrated on the development questions (`kommpraev eval`): e5 similarities
are compressed (unrelated German text still scores about 0.75), so the decision uses both
the dense similarity and how much of the question the best passage covers lexically.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from retrieval.answers import Answer, Source
from retrieval.chunking import Chunk
from retrieval.knowledge_base import FaqHit, Hit, KnowledgeBase, SearchResult
from retrieval.questions import leaves_role, problem_with

MAX_ANSWER_CHARS = 600
_TO_SETTLE = re.compile(r"Beratung\b.{0,80}\bkl[äa]ren", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on bench/dev_questions.yaml plus held-out phrasings (see `kommpraev eval`).

    `*_words` are IDF-weighted shares of the question's words found in the FAQ phrasings or the
    passage: an unknown, specific word ("Wohngeld") weighs most, so off-topic questions that
    merely sound administrative stay below them.
    """

    faq_dense: float = 0.885  # a phrasing this close is the same question ...
    faq_dense_words: float = 0.2  # ... if some of its specific words match
    faq_close: float = 0.865  # closer to the edge, most specific words must match
    faq_close_words: float = 0.45
    passage_floor: float = 0.80  # no passage below this similarity is about the question
    passage_words: float = 0.42
    passage_dense: float = 0.87  # this close, a passage answers even with other wording
    answer_words: float = 0.3  # share of the question's words the extracted sentences must hold


class Answerer:
    """Turns a question into an Answer; knows nothing of chat channels."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        office_email: str = "lpr@smi.sachsen.de",
        office_phone: str = "0351 564-3090",
        thresholds: Thresholds | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.kb = kb
        self.office = f"{office_email}, Tel. {office_phone}"
        self.t = thresholds or Thresholds()
        self.generator = generator

    def decline_text(self) -> str:
        return (
            "Dazu steht nichts in den Unterlagen, die mir vorliegen (RL KommPräv, "
            "Beccaria-Standards, Hinweisblatt). Ich möchte nichts Falsches sagen. "
            "Ich kann Ihre Frage an die Geschäftsstelle des Landespräventionsrates weitergeben; "
            f"direkt erreichen Sie sie unter {self.office}."
        )

    def answer(self, question: str) -> Answer:
        problem = problem_with(question)
        if problem:
            return Answer(question, False, problem, kind="invalid")
        question = " ".join(question.split())
        if leaves_role(question):
            return self._decline(question)
        if self.kb.unknown_years(question):
            # A year the documents never mention: whatever we said would be invented.
            return self._decline(question)
        result = self.kb.search(question)
        faq = result.faq[0] if result.faq else None
        if faq and self._faq_fits(result.question, faq):
            evidence = self.kb.evidence_for(faq.entry.document, faq.entry.section)
            page = evidence[0].page if evidence and evidence[0].page else None
            return self._with_contact(
                Answer(
                    question,
                    True,
                    _fit(faq.entry.answer),
                    (Source(faq.entry.document, faq.entry.section, page),),
                    kind="faq",
                    evidence=tuple(c.text for c in evidence) or (faq.entry.answer,),
                    confidence=faq.dense,
                )
            )
        if not result.passages or not self._answerable(result.question, result):
            return self._decline(question, confidence=_top_dense(result))
        extracted = self._extract(question, result)
        headings = " ".join(h.chunk.heading for h in result.passages[:3])
        if self.kb.text_words(question, f"{headings} {extracted.text}") < self.t.answer_words:
            # The passage was close, but no sentence taken from it speaks to the question.
            return self._decline(question, confidence=_top_dense(result))
        if self.generator is not None:
            generated = self.generator.generate(question, result.passages[:4], fallback=extracted)
            if generated is not None:
                return self._with_contact(generated)
        return self._with_contact(extracted)

    def _with_contact(self, answer: Answer) -> Answer:
        """Uncertain points go to the mandatory consultation: then say how to reach the office.

        The contact comes from the settings, so it joins the evidence the numbers are checked on.
        """
        text = answer.text
        if not _TO_SETTLE.search(text) or self.office.split(",")[0] in text:
            return answer
        addition = f" Kontakt der Geschäftsstelle: {self.office}."
        if len(text) + len(addition) > MAX_ANSWER_CHARS:
            return answer
        return replace(answer, text=text + addition, evidence=(*answer.evidence, self.office))

    def _faq_fits(self, question: str, faq: FaqHit) -> bool:
        words = self.kb.faq_words(question, faq.entry)
        return (faq.dense >= self.t.faq_dense and words >= self.t.faq_dense_words) or (
            faq.dense >= self.t.faq_close and words >= self.t.faq_close_words
        )

    def _answerable(self, question: str, result: SearchResult) -> bool:
        if _top_dense(result) < self.t.passage_floor:
            return False
        if _top_dense(result) >= self.t.passage_dense:
            return True
        return self.kb.passage_words(question, result.passages[0].chunk) >= self.t.passage_words

    def _decline(self, question: str, confidence: float = 0.0) -> Answer:
        return Answer(question, False, self.decline_text(), kind="declined", confidence=confidence)

    def _extract(self, question: str, result: SearchResult) -> Answer:
        """Lead with the sentence closest to the question, add close runners-up that fit."""
        scored: list[tuple[float, str, Chunk]] = []
        for rank, hit in enumerate(result.passages[:3]):
            for text, vec in self.kb.sentences_of(hit.chunk.id):
                words = self.kb.text_words(result.question, text)
                score = float(np.dot(result.vector, vec)) + 0.2 * words - 0.015 * rank
                scored.append((score, text, hit.chunk))
        if not scored:
            top = result.passages[0].chunk
            scored = [(0.0, top.text, top)]
        scored.sort(key=lambda s: s[0], reverse=True)
        best_score = scored[0][0]
        chosen: list[tuple[str, Chunk]] = []
        length = 0
        for score, text, chunk in scored:
            if len(chosen) == 3 or (chosen and score < best_score - 0.03):
                break
            if any(text == t for t, _ in chosen) or length + len(text) + 1 > MAX_ANSWER_CHARS:
                continue
            chosen.append((text, chunk))
            length += len(text) + 1
        if not chosen:
            text, chunk = scored[0][1], scored[0][2]
            chosen = [(_fit(text), chunk)]
        sources: list[Source] = []
        evidence: list[str] = []
        for _, chunk in chosen:
            src = Source(chunk.document, chunk.section, chunk.page)
            if src not in sources:
                sources.append(src)
                evidence.append(chunk.text)
        return Answer(
            question,
            True,
            " ".join(t.lstrip("• ") for t, _ in chosen),
            tuple(sources),
            kind="extract",
            evidence=tuple(evidence),
            confidence=_top_dense(result),
        )


class Generator(Protocol):
    """Optional generative phrasing; None means: keep the extractive answer."""

    def generate(
        self, question: str, passages: Sequence[Hit], *, fallback: Answer
    ) -> Answer | None: ...


def _top_dense(result: SearchResult) -> float:
    return max((h.dense for h in result.passages), default=0.0)


def _fit(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """Cut at a sentence end below the limit; phone screens are small."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + " …"
