"""Pure chunking: sections become citable chunks; text becomes sentences.

Chunks never cross a heading, so every chunk has exactly one citation
("RL KommPräv, Ziffer V › Nr. 2", page for PDFs).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from retrieval.documents import Section

MAX_CHARS = 900

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """
    nr z b u a ggf bzw abs s ca vgl d h i r dr prof st eg tel inkl max min mind evtl usw sog
    bspw ziff buchst lit anl str e v gem zzgl rd jan feb mär apr jun jul aug sep sept okt nov dez
    """.split()
)
# Words that follow an ordinal ("15. Oktober", "3. Jahr"): the period there ends no sentence.
_AFTER_ORDINAL = frozenset(
    """
    januar februar märz april mai juni juli august september oktober november dezember jahr
    jahres förderjahr schritt stufe mal rate änderung quartal monat woche tag kalendertag
    fassung halbjahr
    """.split()
)
# Words before a number that make it an ordinal: "kam die 100. Kommune hinzu", "am 6. Februar".
_BEFORE_ORDINAL = frozenset(
    """
    der die das dem den des am im vom zum zur beim ab seit ein eine einer eines einem jede
    jeder jedes jeden
    """.split()
)
# A sentence ends after . ! ? or … , also behind a closing quote or bracket ("„Das geht.“ Dann").
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][“”\"»)]))\s+(?=[\"„(]?[A-ZÄÖÜ0-9•\-])")
_QUOTES = '„“”"»«()'
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+\.)\s+", re.M)


@dataclass(frozen=True)
class Chunk:
    """A retrievable unit with everything a citation needs."""

    id: str
    text: str
    document: str
    path: str
    section: str
    heading: str
    page: int | None
    guideline: str
    kind: str  # "passage" or "faq"

    @property
    def embed_text(self) -> str:
        """What the embedder sees: the heading gives short passages their topic."""
        return f"{self.document} – {self.heading}: {self.text}"


def sentences(text: str) -> list[str]:
    """Split German text into sentences without breaking "Nr. 2", "z. B." or "15. Oktober".

    >>> sentences("Frist ist der 15. Oktober. Vgl. Nr. 2 der RL. Danach nicht.")
    ['Frist ist der 15. Oktober.', 'Vgl. Nr. 2 der RL.', 'Danach nicht.']
    """
    flat = _BULLET.sub("• ", text)
    pieces: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=• )", flat):
        block = " ".join(block.split())
        if not block:
            continue
        start = 0
        for m in _SENTENCE_END.finditer(block):
            before = block[start : m.start()]
            *_, previous, last = ["", *before.lower().rsplit(" ", 2)]
            previous, last = previous.strip(_QUOTES), last.strip(_QUOTES).rstrip(".")
            following = block[m.end() :].split(" ", 1)[0].strip('„"(.,;:').lower()
            ordinal = last.isdigit() and (
                following in _AFTER_ORDINAL or (len(last) <= 3 and previous in _BEFORE_ORDINAL)
            )
            # "am 1. 10. 2024": day and month with spaces, the year still to come
            date = last.isdigit() and len(last) <= 2 and following[:1].isdigit()
            if last in _ABBREVIATIONS or ordinal or date or (len(last) == 1 and last.isalpha()):
                continue
            pieces.append(before.strip())
            start = m.end()
        pieces.append(block[start:].strip())
    return [p for p in pieces if p]


def _chunk_id(path: str, ordinal: int, index: int, text: str) -> str:
    digest = hashlib.sha1(f"{path}|{ordinal}|{index}|{text}".encode()).hexdigest()
    return digest[:20]


def chunk_section(section: Section, ordinal: int = 0, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Pack a section's sentences into chunks of at most `max_chars` characters.

    Twenty sentences of 100 characters (2 019 with the spaces) become chunks of 807, 807 and
    403 characters (8 + 8 + 4 sentences; a ninth would make 908), each cited with the same
    heading path; a 300-character section stays whole. A sentence longer than `max_chars`
    becomes a chunk of its own rather than being cut.
    """
    parts: list[str] = []
    current = ""
    for sentence in sentences(section.text):
        if current and len(current) + 1 + len(sentence) > max_chars:
            parts.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        parts.append(current)
    doc = section.doc
    return [
        Chunk(
            id=_chunk_id(doc.path, ordinal, i, text),
            text=text,
            document=doc.title,
            path=doc.path,
            section=section.section_label,
            heading=section.heading_title,
            page=section.page,
            guideline=doc.guideline,
            kind="passage",
        )
        for i, text in enumerate(parts)
    ]
