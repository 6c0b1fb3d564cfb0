"""Optional generative phrasing through any OpenAI-compatible server, kept on a short leash.

The model reads the top candidates the search found (FAQ answers and passages, each with its
citation), judges which of them answers the question and phrases the answer; every number it
writes must occur in the cited texts; if it is unreachable, slow or breaks a rule, the extractive
answer stands. Meant for local servers: llama.cpp's `llama-server`, vLLM, Ollama (all speak the
OpenAI chat API).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from retrieval.answers import Answer, Source
from retrieval.candidates import MAX_ANSWER_CHARS, Candidate, _fit

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?")

SYSTEM_PROMPT = (
    "Du bist KommPräv-Lotse, ein Assistent der Geschäftsstelle des Landespräventionsrates "
    "Sachsen für die Vorberatung zur Richtlinie Kommunale Prävention. Prüfe, welcher der "
    "nummerierten Auszüge unten die Frage beantwortet, und beantworte sie ausschließlich damit. "
    "Beginne die Antwort mit der Nummer des Auszugs in eckigen Klammern, z. B. [2]. Erfinde "
    "keine Zahlen, Daten oder Regeln. Wenn kein Auszug die Frage beantwortet, antworte genau "
    "mit: NICHT_BELEGT. Antworte auf Deutsch, höchstens drei kurze Sätze, direkt zur Sache."
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
        self, question: str, candidates: Sequence[Candidate], *, fallback: Answer
    ) -> Answer | None:
        """The model's answer from the candidates, or None to keep the extractive one."""
        items = [c for c in candidates if c.kind != "smalltalk"]
        if not items:
            return None
        context = "\n\n".join(
            f"[{i}] {_label(c)}:\n{' '.join(c.evidence) if c.kind == 'passage' else c.text}"
            for i, c in enumerate(items, 1)
        )
        try:
            reply = self.llm.invoke(
                [("system", SYSTEM_PROMPT), ("human", f"Auszüge:\n{context}\n\nFrage: {question}")]
            )
        except Exception as exc:  # unreachable, slow, or a broken server: the extract stands
            log.warning("llm.failed error=%s", exc.__class__.__name__)
            return None
        text = str(reply.content).strip()
        if not text or "NICHT_BELEGT" in text:
            return None
        picked = _picked(text, items)
        text = _CHOICE.sub("", text).strip()
        evidence = [e for c in picked for e in (c.text, *c.evidence)]
        bad = unsupported_numbers(text, evidence)
        if bad:
            log.info("llm.rejected reason=unsupported_numbers count=%d", len(bad))
            return None
        sources: list[Source] = []
        for c in picked:
            for src in c.sources:
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


_CHOICE = re.compile(r"^\s*(?:\[\d+\]\s*)+")


def _label(c: Candidate) -> str:
    return "; ".join(s.label() for s in c.sources) or c.title


def _picked(text: str, items: Sequence[Candidate]) -> list[Candidate]:
    """The excerpts the model says it used ("[2] …"); all of them if it names none."""
    m = _CHOICE.match(text)
    chosen = [int(n) for n in re.findall(r"\d+", m.group(0))] if m else []
    picked = [items[n - 1] for n in chosen if 1 <= n <= len(items)]
    return picked or list(items)
