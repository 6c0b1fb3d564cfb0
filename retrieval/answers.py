"""Answer values the library hands out: text, sources, and how it was made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# faq | extract | generated: answered from the documents.
# ask_back: several candidates were close; `suggestions` holds them, each with its cited answer.
# declined: the documents do not answer; smalltalk: greeting/thanks, answered with a hint.
# invalid: the input itself was unusable (empty, too long, unreadable).
AnswerKind = Literal[
    "faq", "extract", "generated", "ask_back", "declined", "smalltalk", "invalid", "multi"
]


@dataclass(frozen=True)
class Source:
    document: str
    section: str
    page: int | None = None

    def label(self) -> str:
        parts = [self.document]
        if self.section:
            parts.append(self.section)
        if self.page is not None:
            parts.append(f"S. {self.page}")
        return ", ".join(parts)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"document": self.document, "section": self.section}
        if self.page is not None:
            out["page"] = self.page
        return out


@dataclass(frozen=True)
class Suggestion:
    """One "Meinen Sie …?" option: the question we think was meant and its cited answer.

    `key` is short (≤ 40 characters) and stable within an index generation, so a chat button
    can carry it and `Answerer.resolve(key)` gives the same answer back after a restart.
    """

    key: str
    question: str
    answer: Answer

    def as_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer.text,
            "sources": [s.as_json() for s in self.answer.sources],
        }


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    text: str  # what the user reads, without the source line
    sources: tuple[Source, ...] = ()
    kind: AnswerKind = "extract"
    evidence: tuple[str, ...] = field(default=(), repr=False)  # cited text, for number checks
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()  # filled for kind == "ask_back"
    parts: tuple[Answer, ...] = ()  # kind == "multi": one answer per question in the message
    note: str = ""  # a line before the answer, e.g. that an English question got German text

    def source_line(self) -> str:
        if not self.sources:
            return ""
        prefix = "Quelle" if len(self.sources) == 1 else "Quellen"
        return f"{prefix}: " + "; ".join(s.label() for s in self.sources)

    def render(self) -> str:
        """Plain text for a terminal or a chat message (adapters escape it for their markup)."""
        if self.parts:
            body = "\n\n".join(f"{i}. {p.render()}" for i, p in enumerate(self.parts, 1))
            return f"{self.note}\n\n{body}" if self.note else body
        line = self.source_line()
        text = f"{self.text}\n\n{line}" if line else self.text
        return f"{self.note}\n\n{text}" if self.note else text

    def as_json(self) -> dict[str, Any]:
        """The `ask --jsonl` shape: suggestions and parts included when there are any."""
        out: dict[str, Any] = {
            "question": self.question,
            "answered": self.answered,
            "kind": self.kind,
            "answer": self.text if not self.parts else self.render(),
            "sources": [s.as_json() for s in self.sources],
        }
        if self.suggestions:
            out["suggestions"] = [s.as_json() for s in self.suggestions]
        if self.parts:
            out["parts"] = [p.as_json() for p in self.parts]
        if self.note:
            out["note"] = self.note
        return out
