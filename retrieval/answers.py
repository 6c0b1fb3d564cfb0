"""Answer values the library hands out: text, sources, and how it was made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
class Answer:
    question: str
    answered: bool
    text: str  # what the user reads, without the source line
    sources: tuple[Source, ...] = ()
    kind: str = "extract"  # faq | extract | generated | declined | invalid
    evidence: tuple[str, ...] = field(default=(), repr=False)  # cited text, for number checks
    confidence: float = 0.0

    def source_line(self) -> str:
        if not self.sources:
            return ""
        prefix = "Quelle" if len(self.sources) == 1 else "Quellen"
        return f"{prefix}: " + "; ".join(s.label() for s in self.sources)

    def render(self) -> str:
        line = self.source_line()
        return f"{self.text}\n\n{line}" if line else self.text
