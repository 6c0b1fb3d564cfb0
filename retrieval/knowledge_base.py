"""Hybrid search over the live index generation: dense (Chroma) + BM25, fused, plus FAQ match."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrieval.catalog import Catalog, SentenceRef, generation_dir, load_catalog, read_pointer
from retrieval.chunking import Chunk
from retrieval.documents import FaqEntry
from retrieval.embeddings import E5Embeddings
from retrieval.fusion import reciprocal_rank_fusion
from retrieval.german import fold, tokens
from retrieval.lexical import LexicalIndex
from retrieval.vectors import open_client

CANDIDATES = 12
# FAQ order: phrasing similarity, plus this much for sharing the question's specific words
# ("brauchen wir einen KPR" is the entry on whether a KPR is required, not on what it is).
FAQ_WORDS_WEIGHT = 0.2
# Title words that name no particular guideline.
_GENERIC = frozenset(
    tokens(
        "Richtlinie Förderrichtlinie Förderung Projekte Maßnahmen Freistaat "
        "Sachsen Sächsischen Staatsministeriums Innern zur von und der des"
    )
)
# "Schritt 7", "Ziffer V", "Nr. 2": a question that names a part of a document means that part.
_REFERENCE = re.compile(r"\b(schritt|ziffer|nr\.?|nummer)\s*([0-9]{1,2}|[ivx]{1,4})\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_GUIDELINE_WORD = re.compile(r"\b(richtlinie|frl|rl|forderrichtlinie)\b|richtlinie")


class IndexMissing(Exception):
    """No usable index yet; the message says how to build one."""


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    dense: float  # cosine similarity, 0 when the chunk was found only lexically
    lexical: float  # raw BM25 score
    fused: float


@dataclass(frozen=True)
class FaqHit:
    entry: FaqEntry
    dense: float  # best cosine over the entry's question and phrasings
    lexical: float  # IDF-weighted share of the question's words in its phrasings


@dataclass(frozen=True)
class Scope:
    guidelines: tuple[str, ...]
    named: bool  # True when the question itself named them

    def allows(self, guideline: str) -> bool:
        return guideline == "" or guideline in self.guidelines


@dataclass(frozen=True)
class SearchResult:
    question: str
    vector: NDArray[np.float32]
    scope: Scope
    passages: list[Hit]
    faq: list[FaqHit]


class KnowledgeBase:
    """Read side of the index; reloads by itself when a new generation goes live."""

    def __init__(
        self,
        *,
        index_dir: Path,
        chroma_url: str = "",
        embeddings: E5Embeddings | None = None,
        default_guideline: str = "RL KommPräv",
    ) -> None:
        self.index_dir = index_dir
        self.chroma_url = chroma_url
        self.embeddings = embeddings or E5Embeddings()
        self.default_guideline = default_guideline
        self._lock = threading.Lock()
        self._generation = ""
        self._pointer_stamp = 0
        self._load()

    # -- loading ---------------------------------------------------------------------------
    def _load(self) -> None:
        pointer = read_pointer(self.index_dir)
        if pointer is None:
            raise IndexMissing(
                "Es gibt noch keinen Suchindex. Bitte zuerst `kommpraev index` ausführen."
            )
        try:
            catalog, vectors = load_catalog(generation_dir(self.index_dir, pointer.generation))
            client = open_client(self.index_dir, self.chroma_url)
            collection = client.get_collection(pointer.collection)
        except Exception as exc:
            raise IndexMissing(
                "Der Suchindex ist unvollständig. Bitte `kommpraev index` erneut ausführen."
            ) from exc
        self._install(pointer.generation, catalog, vectors, collection)

    def _install(
        self, generation: str, catalog: Catalog, vectors: NDArray[np.float32], collection: Any
    ) -> None:
        self.catalog = catalog
        self.collection = collection
        self.chunks: dict[str, Chunk] = {c.id: c for c in catalog.chunks}
        self._chunk_list = catalog.chunks
        self.lexical = LexicalIndex([f"{c.heading} {c.text}" for c in catalog.chunks])
        self.faq: dict[str, FaqEntry] = {f.id: f for f in catalog.faq}
        self._faq_list = catalog.faq
        self.faq_lexical = LexicalIndex([" ".join((f.question, *f.phrasings)) for f in catalog.faq])
        self._chunk_index = {c.id: i for i, c in enumerate(catalog.chunks)}
        self._faq_index = {f.id: i for i, f in enumerate(catalog.faq)}
        self.sentence_vectors = vectors
        self.sentences_by_chunk: dict[str, list[tuple[SentenceRef, int]]] = {}
        for i, ref in enumerate(catalog.sentences):
            self.sentences_by_chunk.setdefault(ref.chunk_id, []).append((ref, i))
        self.guideline_names = self._guideline_names()
        # One question is measured against many FAQ entries and sentences: strip names once.
        self._topic = lru_cache(maxsize=256)(self._without_guideline_names)
        corpus = " ".join([*(c.text for c in catalog.chunks), *(f.answer for f in catalog.faq)])
        self._years = set(_YEAR.findall(corpus))
        self._generation = generation

    def refresh_if_changed(self) -> bool:
        """Pick up a new generation written by `index` or the staff workspace, without restart.

        Runs before every search, so it only stats the pointer file unless that changed.
        """
        try:
            stamp = (self.index_dir / "current.json").stat().st_mtime_ns
        except OSError:
            return False
        if stamp == self._pointer_stamp:
            return False
        self._pointer_stamp = stamp
        pointer = read_pointer(self.index_dir)
        if pointer is None or pointer.generation == self._generation:
            return False
        with self._lock:
            if pointer.generation != self._generation:
                self._load()
        return True

    @property
    def generation(self) -> str:
        return self._generation

    # -- scope ------------------------------------------------------------------------------
    def _guideline_names(self) -> dict[str, tuple[set[str], set[str]]]:
        """Per guideline: folded names users may type, and title words no other guideline has."""
        titles: dict[str, set[str]] = {}
        names: dict[str, set[str]] = {}
        for doc in self.catalog.documents:
            if not doc.guideline:
                continue
            names.setdefault(doc.guideline, set()).update(
                fold(n) for n in (doc.guideline, *doc.aliases) if len(n) >= 4
            )
            titles.setdefault(doc.guideline, set()).update(set(tokens(doc.title)) - _GENERIC)
        out: dict[str, tuple[set[str], set[str]]] = {}
        for key, words in titles.items():
            others = set().union(*(w for k, w in titles.items() if k != key))
            out[key] = (names[key], {w for w in words - others if len(w) >= 4})
        return out

    def scope_for(self, question: str) -> Scope:
        """The guidelines a question is about: those it names, else the default one."""
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
            return Scope(tuple(named), named=True)
        known = set(self.guideline_names)
        if self.default_guideline in known or not known:
            return Scope((self.default_guideline,), named=False)
        return Scope(tuple(sorted(known)), named=False)

    # -- search -----------------------------------------------------------------------------
    def search(self, question: str, *, scope: Scope | None = None) -> SearchResult:
        self.refresh_if_changed()
        scope = scope or self.scope_for(question)
        vector = self.embeddings.query(question)
        allowed = [*scope.guidelines, ""]
        dense = self._dense(
            vector, {"$and": [{"kind": "passage"}, {"guideline": {"$in": allowed}}]}
        )
        dense_ids = [i for i, _ in dense]
        dense_score = dict(dense)
        scores = self.lexical.scores(question)
        mask = np.array([scope.allows(c.guideline) for c in self._chunk_list], dtype=bool)
        masked = np.where(mask, scores, 0.0)
        order = [int(i) for i in np.argsort(-masked)[:CANDIDATES] if masked[int(i)] > 0]
        lexical_ids = [self._chunk_list[i].id for i in order]
        lexical_score = {self._chunk_list[i].id: float(masked[i]) for i in order}
        fused = reciprocal_rank_fusion([dense_ids, lexical_ids])
        passages = [
            Hit(self.chunks[cid], dense_score.get(cid, 0.0), lexical_score.get(cid, 0.0), score)
            for cid, score in fused
            if cid in self.chunks
        ]
        refs = _references(question)
        if refs:
            seen = {h.chunk.id for h in passages}
            passages += [
                Hit(c, 0.0, 0.0, 0.0)
                for c in self._chunk_list
                if c.id not in seen and scope.allows(c.guideline) and refs & _references(c.section)
            ]
            matching = [h for h in passages if refs & _references(h.chunk.section)]
            passages = matching or passages
        faq = self._faq_hits(question, vector, scope)
        return SearchResult(question, vector, scope, passages, faq)

    def _dense(self, vector: NDArray[np.float32], where: dict[str, Any]) -> list[tuple[str, float]]:
        got = self.collection.query(
            query_embeddings=[vector.tolist()],
            n_results=CANDIDATES,
            where=where,
            include=["distances", "metadatas"],
        )
        ids = got["ids"][0] if got["ids"] else []
        distances = got["distances"][0] if got["distances"] else []
        metas = got["metadatas"][0] if got["metadatas"] else []
        return [
            (str(m.get("faq_id")) if m and m.get("kind") == "faq" else i, 1.0 - float(d))
            for i, d, m in zip(ids, distances, metas, strict=False)
        ]

    def _faq_hits(self, question: str, vector: NDArray[np.float32], scope: Scope) -> list[FaqHit]:
        if not self._faq_list:
            return []
        allowed = [*scope.guidelines, ""]
        best: dict[str, float] = {}
        for fid, sim in self._dense(
            vector, {"$and": [{"kind": "faq"}, {"guideline": {"$in": allowed}}]}
        ):
            best[fid] = max(best.get(fid, 0.0), sim)
        hits = []
        for fid, sim in best.items():
            entry = self.faq.get(fid)
            if entry is None:
                continue
            hits.append(FaqHit(entry, sim, self.faq_words(question, entry)))
        return sorted(hits, key=lambda h: h.dense + FAQ_WORDS_WEIGHT * h.lexical, reverse=True)

    def faq_words(self, question: str, entry: FaqEntry) -> float:
        """IDF-weighted share of the question's words in an FAQ entry's phrasings."""
        return self.faq_lexical.weighted_coverage(self._topic(question), self._faq_index[entry.id])

    def passage_words(self, question: str, chunk: Chunk) -> float:
        """IDF-weighted share of the question's words in a passage (heading included)."""
        return self.lexical.weighted_coverage(self._topic(question), self._chunk_index[chunk.id])

    def text_words(self, question: str, text: str) -> float:
        """IDF-weighted share of the question's words in a text (an extracted answer)."""
        return self.lexical.weighted_coverage_of(self._topic(question), set(tokens(text)))

    def _without_guideline_names(self, question: str) -> str:
        """The question without the guideline names it uses: the scope already took care of
        "nach der Sportrichtlinie", so those words must not count as unanswered."""
        folded = stripped = fold(question)
        for names, _ in self.guideline_names.values():
            for name in names:
                stripped = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", stripped)
        return question if stripped == folded else stripped

    def unknown_years(self, question: str) -> set[str]:
        """Years in the question that no indexed text mentions (2027 when the texts end in 2025)."""
        return {y for y in _YEAR.findall(question) if y not in self._years}

    def sentences_of(self, chunk_id: str) -> list[tuple[str, NDArray[np.float32]]]:
        return [
            (ref.text, self.sentence_vectors[i])
            for ref, i in self.sentences_by_chunk.get(chunk_id, [])
        ]

    def evidence_for(self, document: str, section: str) -> list[Chunk]:
        """Chunks of a cited section (its subsections included), to check an FAQ answer against."""
        return [
            c
            for c in self._chunk_list
            if c.document == document
            and (c.section == section or c.section.startswith(section + " › "))
        ]


def _references(text: str) -> set[tuple[str, str]]:
    """Structural references in a text: {("schritt", "7")}; "Nr." and "Nummer" are one kind."""
    out = set()
    for kind, value in _REFERENCE.findall(text):
        kind = kind.lower().rstrip(".")
        out.add(("nr" if kind in ("nr", "nummer") else kind, value.upper()))
    return out
