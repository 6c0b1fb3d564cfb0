"""One index generation, loaded whole and never changed: what every search of a question reads.

A new generation becomes a new snapshot; `KnowledgeBase` swaps its one reference, so a search
sees one generation from start to end, never half of two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrieval.catalog import Catalog, Vectors
from retrieval.chunking import Chunk
from retrieval.documents import DocumentInfo, FaqEntry
from retrieval.german import fold, tokens
from retrieval.lexical import LexicalIndex

# Title words that name no particular guideline.
_GENERIC = frozenset(
    tokens(
        "Richtlinie Förderrichtlinie Förderung Projekte Maßnahmen Freistaat "
        "Sachsen Sächsischen Staatsministeriums Innern zur von und der des im durch"
    )
)
_GUIDELINE_WORD = re.compile(r"\b(richtlinie|frl|rl|forderrichtlinie)\b|richtlinie")
_GUIDELINE_COMPOUND = re.compile(r"\b\w*richtlinie\w*\b")
_SUMMARY = re.compile(r"\s*\(Zusammenfassung\)$")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
OFFICIAL_KINDS = frozenset({"pdf", "docx"})
# A word found in one guideline's text only routes a question there if it is this specific:
# at least this long as a stem, so "sport" or "fan" alone route nothing.
_TOPIC_MIN_LEN = 6


@dataclass(frozen=True)
class Scope:
    guidelines: tuple[str, ...]
    how: str  # "named" (the question names it), "topic" (only it covers a word), "default"

    def allows(self, guideline: str) -> bool:
        return guideline == "" or guideline in self.guidelines


class Snapshot:
    """Catalog, lexical indexes and every vector of one generation, for in-memory scoring."""

    def __init__(
        self, generation: str, catalog: Catalog, vectors: Vectors, collection: Any
    ) -> None:
        self.generation = generation
        self.catalog = catalog
        self.collection = collection  # the Chroma collection of this generation
        self.chunks: tuple[Chunk, ...] = tuple(catalog.chunks)
        self.chunk_by_id = {c.id: c for c in self.chunks}
        self.chunk_pos = {c.id: i for i, c in enumerate(self.chunks)}
        self.faq: tuple[FaqEntry, ...] = tuple(catalog.faq)
        self.documents: tuple[DocumentInfo, ...] = tuple(catalog.documents)
        self.doc_kind = {d.title: d.kind for d in self.documents}
        self.lexical = LexicalIndex([f"{c.heading} {c.text}" for c in self.chunks])
        self.faq_lexical = LexicalIndex([" ".join((f.question, *f.phrasings)) for f in self.faq])
        self.chunk_vectors = vectors["chunks"]
        self.answer_vectors = vectors["answers"]
        self.phrasing_vectors = vectors["phrasings"]
        self.phrasing_owner = np.array([i for i, _ in catalog.phrasings()], dtype=np.int64)
        self.smalltalk_vectors = vectors["smalltalk"]
        self.smalltalk_keys = tuple(k for k, _ in catalog.smalltalk)
        self.sentence_vectors = vectors["sentences"]
        by_chunk: dict[str, list[int]] = {}
        for i, ref in enumerate(catalog.sentences):
            by_chunk.setdefault(ref.chunk_id, []).append(i)
        self.sentences_by_chunk = {k: tuple(v) for k, v in by_chunk.items()}
        self.sentence_text = tuple(ref.text for ref in catalog.sentences)
        self.chunk_guideline = np.array([c.guideline for c in self.chunks], dtype=object)
        self.faq_guideline = np.array([f.guideline for f in self.faq], dtype=object)
        corpus = " ".join([*(c.text for c in self.chunks), *(f.answer for f in self.faq)])
        self.years = frozenset(_YEAR.findall(corpus))

    @cached_property
    def all_stems(self) -> frozenset[str]:
        """Every word stem of the indexed texts and FAQ phrasings."""
        return self.lexical.vocabulary.stems | self.faq_lexical.vocabulary.stems

    # -- documents and guidelines ----------------------------------------------------------
    @cached_property
    def guideline_names(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """Per guideline: folded names users may type, and title words no other guideline has."""
        titles: dict[str, set[str]] = {}
        names: dict[str, set[str]] = {}
        for doc in self.documents:
            if not doc.guideline:
                continue
            names.setdefault(doc.guideline, set()).update(
                fold(n) for n in (doc.guideline, *doc.aliases) if len(n) >= 4
            )
            titles.setdefault(doc.guideline, set()).update(set(tokens(doc.title)) - _GENERIC)
        out: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        for key in sorted(titles):
            others = set().union(*(w for k, w in titles.items() if k != key))
            distinctive = {w for w in titles[key] - others if len(w) >= 4}
            out[key] = (frozenset(names[key]), frozenset(distinctive))
        return out

    @cached_property
    def topic_words(self) -> dict[str, str]:
        """Stem -> the one guideline whose texts use it, for stems no other text uses.

        With the sport guideline indexed beside RL KommPräv, "fanprojekt" occurs only in the
        sport guideline, so "Wer fördert Fanprojekte?" is about that guideline.
        """
        owners: dict[str, set[str]] = {}
        # Only guideline texts count: general material may mention another programme's topic
        # ("Fanprojekte fördert die Sportrichtlinie") without covering it.
        for c in self.chunks:
            if c.guideline:
                for t in set(tokens(f"{c.heading} {c.text}")):
                    owners.setdefault(t, set()).add(c.guideline)
        return {
            t: next(iter(g))
            for t, g in sorted(owners.items())
            if len(g) == 1 and len(t) >= _TOPIC_MIN_LEN
        }

    def scope_for(self, question: str, default: str) -> Scope:
        """The guidelines a question is about: those it names, else the one its topic belongs
        to, else the default one."""
        folded = fold(question)
        stems = set(tokens(question))
        says_guideline = bool(_GUIDELINE_WORD.search(folded))
        named = []
        for key, (names, distinctive) in self.guideline_names.items():
            if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", folded) for n in names) or (
                says_guideline and stems & distinctive
            ):
                named.append(key)
        if named:
            return Scope(tuple(named), "named")
        known = set(self.guideline_names)
        if len(known) > 1:
            # The question's own words (not typo or compound expansions): the guideline most of
            # its specific words belong to, if it beats every other.
            votes: dict[str, int] = {}
            for t in stems:
                if t in self.topic_words:
                    votes[self.topic_words[t]] = votes.get(self.topic_words[t], 0) + 1
            ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
            if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                return Scope((ranked[0][0],), "topic")
        if default in known or not known:
            return Scope((default,), "default")
        return Scope(tuple(sorted(known)), "default")

    def without_guideline_names(self, question: str) -> str:
        """The question without the guideline names it uses: the scope took care of
        "nach der Sportrichtlinie", so those words must not count as unanswered."""
        folded = stripped = fold(question)
        for names, _ in self.guideline_names.values():
            for name in sorted(names, key=len, reverse=True):
                stripped = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", stripped)
        # "nach der Sportrichtlinie": which guideline is the scope's business, not the topic's.
        stripped = _GUIDELINE_COMPOUND.sub(" ", stripped)
        return question if stripped == folded else stripped

    def document_labels(self) -> list[str]:
        """Short names of what is indexed, for decline and help texts."""
        labels: list[str] = []

        # The guidelines themselves first, then what belongs to them, then general material.
        def order(d: DocumentInfo) -> tuple[bool, bool, str]:
            return (d.guideline == "", not d.title.startswith(d.guideline), d.title)

        for doc in sorted(self.documents, key=order):
            label = _SUMMARY.sub("", doc.title)  # "RL KommPräv (Zusammenfassung)" -> "RL KommPräv"
            if label not in labels:
                labels.append(label)
        return labels

    def is_official(self, document: str) -> bool:
        return self.doc_kind.get(document, "") in OFFICIAL_KINDS

    def unknown_years(self, question: str) -> frozenset[str]:
        return frozenset(y for y in _YEAR.findall(question) if y not in self.years)

    # -- vector access ---------------------------------------------------------------------
    def dense_passages(
        self, vector: NDArray[np.float32], guidelines: list[str], n: int
    ) -> list[tuple[str, float]]:
        """Nearest passages by the Chroma index, limited to the allowed guidelines."""
        got = self.collection.query(
            query_embeddings=[vector.tolist()],
            n_results=n,
            where={"$and": [{"kind": "passage"}, {"guideline": {"$in": guidelines}}]},
            include=["distances"],
        )
        ids = got["ids"][0] if got["ids"] else []
        distances = got["distances"][0] if got["distances"] else []
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=False)]

    def sentences_of(self, chunk_id: str) -> tuple[int, ...]:
        return self.sentences_by_chunk.get(chunk_id, ())

    def evidence_for(self, document: str, section: str) -> list[Chunk]:
        """Chunks of a cited section (its subsections included), to check an FAQ answer against."""
        return [
            c
            for c in self.chunks
            if c.document == document
            and (c.section == section or c.section.startswith(section + " › "))
        ]
