"""Value types that travel from loaders through the index to answers."""

from __future__ import annotations

from dataclasses import dataclass, field


class LoaderError(Exception):
    """A knowledge file could not be read; the message is German and says what to do."""


@dataclass(frozen=True)
class DocumentInfo:
    """What a citation needs to know about a document."""

    title: str
    path: str  # relative to the knowledge directory
    kind: str  # "md", "pdf", "docx", "faq"
    guideline: str = ""  # guideline key ("RL KommPräv"); "" for general material
    aliases: tuple[str, ...] = ()
    stand: str = ""


@dataclass(frozen=True)
class Section:
    """A piece of a document under one heading path, on one page for PDFs."""

    doc: DocumentInfo
    heading_path: tuple[str, ...]  # ("Ziffer V", "Nr. 2")
    heading_title: str  # the full heading text of the innermost heading
    text: str
    page: int | None = None

    @property
    def section_label(self) -> str:
        return " › ".join(self.heading_path)


@dataclass(frozen=True)
class FaqEntry:
    """A curated question with its answer and the document section it rests on."""

    id: str
    question: str
    phrasings: tuple[str, ...]
    answer: str
    document: str
    section: str
    path: str
    guideline: str = ""


@dataclass
class LoadedFile:
    """Everything one file contributed."""

    path: str
    sections: list[Section] = field(default_factory=list)
    faq: list[FaqEntry] = field(default_factory=list)
