"""Optional generative phrasing through any OpenAI-compatible server, kept on a short leash.

The LLM sees only the retrieved passages; its answer keeps their citations; every number it
writes must occur in those passages; if it is unreachable, slow or breaks a rule, the
extractive answer stands.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from retrieval.answering import MAX_ANSWER_CHARS, _fit
from retrieval.answers import Answer, Source
from retrieval.knowledge_base import Hit

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?")

SYSTEM_PROMPT = (
    "Du bist KommPräv-Lotse, ein Assistent der Geschäftsstelle des Landespräventionsrates "
    "Sachsen für die Vorberatung zur Richtlinie Kommunale Prävention. Beantworte die Frage "
    "ausschließlich mit den nummerierten Auszügen unten. Erfinde keine Zahlen, Daten oder "
    "Regeln. Wenn die Auszüge die Frage nicht beantworten, antworte genau mit: NICHT_BELEGT. "
    "Antworte auf Deutsch, höchstens drei kurze Sätze, beginne mit der direkten Antwort."
)


def numbers_in(text: str) -> set[str]:
    """Numbers with separators removed: "10.000", "10 000" and "10000" are one number."""
    return {re.sub(r"[.\s]", "", m).replace(",", ".").rstrip(".") for m in _NUMBER.findall(text)}


def unsupported_numbers(answer: str, evidence: Sequence[str]) -> set[str]:
    """Numbers in the answer that none of the cited texts contains."""
    known: set[str] = set()
    for text in evidence:
        known |= numbers_in(text)
    return {n for n in numbers_in(answer) if n not in known}


class LlmGenerator:
    """The `Generator` for an OpenAI-compatible server (vLLM, Ollama, LM Studio)."""

    def __init__(self, *, base_url: str, model: str, api_key: str, timeout_s: float) -> None:
        from langchain_openai import ChatOpenAI

        self.llm = ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=api_key or "nicht-gesetzt",
            timeout=timeout_s,
            max_retries=0,
            temperature=0,
        )

    def generate(
        self, question: str, passages: Sequence[Hit], *, fallback: Answer
    ) -> Answer | None:
        hits = list(passages)
        if not hits:
            return None
        context = "\n\n".join(
            f"[{i}] {h.chunk.document}, {h.chunk.section}:\n{h.chunk.text}"
            for i, h in enumerate(hits, 1)
        )
        try:
            reply = self.llm.invoke(
                [("system", SYSTEM_PROMPT), ("human", f"Auszüge:\n{context}\n\nFrage: {question}")]
            )
        except Exception as exc:  # unreachable, slow, or a broken server: the extract stands
            log.warning("llm.failed error=%s", exc.__class__.__name__)
            return None
        text = str(reply.content).strip()
        evidence = [h.chunk.text for h in hits]
        if not text or "NICHT_BELEGT" in text:
            return None
        bad = unsupported_numbers(text, evidence)
        if bad:
            log.info("llm.rejected reason=unsupported_numbers count=%d", len(bad))
            return None
        sources: list[Source] = []
        for h in hits:
            src = Source(h.chunk.document, h.chunk.section, h.chunk.page)
            if src not in sources:
                sources.append(src)
        return Answer(
            question,
            True,
            _fit(text, MAX_ANSWER_CHARS),
            tuple(sources[:3]),
            kind="generated",
            evidence=tuple(evidence),
            confidence=fallback.confidence,
        )
