"""Search stage: one question part -> candidates (FAQ entries, passages, small talk), each carrying
every feature the later stages need, so nothing downstream calls back into the index."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from retrieval import smalltalk
from retrieval.answers import Source
from retrieval.chunking import Chunk
from retrieval.fusion import reciprocal_rank_fusion
from retrieval.german import tokens
from retrieval.query import Part
from retrieval.snapshot import Scope, Snapshot

FAQ_CANDIDATES = 6
PASSAGE_CANDIDATES = 6
DENSE_POOL = 12
MAX_ANSWER_CHARS = 600
# Sentences within this much of the best one join it in an extracted answer (cosine units).
SENTENCE_MARGIN = 0.03

FEATURES = (
    "dq",  # cosine of the question to the candidate's question side (phrasings / passage)
    "da",  # cosine of the question to the answer side (FAQ answer / best sentence)
    "lq",  # IDF-weighted share of the question's words on the question side
    "la",  # the same on the answer text
    "bm25",  # BM25 score relative to the best of its kind (1.0 = best)
    "rank",  # 1 / (1 + rank within its kind)
    "dq_margin",  # dq minus the best dq of the other candidates of its kind
    "da_margin",
    "dq_vs_other_kinds",  # dq minus the best dq of candidates of other kinds
    "words",  # log(1 + content words of the question)
    "unknown_year",  # the question names a year no indexed text mentions
    "novel",  # IDF-weighted share of the question's words that no indexed text uses
    "ref",  # the question names the candidate's part of a document ("Schritt 7", "Ziffer V")
    "english",
)
KINDS = ("faq", "passage", "smalltalk")


@dataclass(frozen=True)
class Candidate:
    key: str  # "f:<faq id>", "p:<chunk id>", "s:<intent>": stable within a generation
    kind: str  # one of KINDS
    title: str  # what a "Meinen Sie …?" button says
    text: str  # the answer this candidate would give
    sources: tuple[Source, ...]
    evidence: tuple[str, ...]
    guideline: str
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0  # probability of being right, set by the rerank stage
    vector: NDArray[np.float32] | None = field(default=None, repr=False, compare=False)

    def feature_vector(self) -> list[float]:
        return [self.features.get(name, 0.0) for name in FEATURES]


@dataclass(frozen=True)
class Candidates:
    part: Part
    scope: Scope
    items: tuple[Candidate, ...]


def search(
    snapshot: Snapshot,
    part: Part,
    vectors: Sequence[NDArray[np.float32]],
    *,
    default_guideline: str,
    english: bool,
) -> Candidates:
    """All candidates for one question part; `vectors` are its query embeddings (focus first,
    then the whole message when context was set aside): a candidate counts its best match."""
    scope = snapshot.scope_for(part.full, default_guideline)
    topic = snapshot.without_guideline_names(part.text)
    common = {
        "words": math.log1p(len(tokens(topic))),
        "unknown_year": float(bool(snapshot.unknown_years(part.full))),
        "novel": 1.0 - snapshot.lexical.weighted_coverage_of(topic, snapshot.all_stems),
        "english": float(english),
    }
    items = [
        *_faq_candidates(snapshot, part, topic, vectors, scope),
        *_passage_candidates(snapshot, part, topic, vectors, scope),
        *_smalltalk_candidates(snapshot, vectors),
    ]
    refs = references(part.full)
    if refs:
        items = [replace(c, features={**c.features, "ref": float(_cites(c, refs))}) for c in items]
    items = _relative(items)
    return Candidates(
        part, scope, tuple(replace(c, features={**c.features, **common}) for c in items)
    )


def _best(
    matrix: NDArray[np.float32], vectors: Sequence[NDArray[np.float32]]
) -> NDArray[np.float32]:
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.float32)
    sims: NDArray[np.float32] = np.max(np.stack([matrix @ v for v in vectors]), axis=0)
    return sims


def _ranked(values: NDArray[np.floating], mask: NDArray[np.bool_]) -> list[int]:
    """Indices by value, best first; ties by position so every run orders alike."""
    order = np.lexsort((np.arange(len(values)), -np.where(mask, values, -np.inf)))
    return [int(i) for i in order if mask[int(i)]]


def _faq_candidates(
    snapshot: Snapshot, part: Part, topic: str, vectors: Sequence[NDArray[np.float32]], scope: Scope
) -> list[Candidate]:
    n = len(snapshot.faq)
    if n == 0:
        return []
    mask = np.array([scope.allows(g) for g in snapshot.faq_guideline], dtype=bool)
    phr = _best(snapshot.phrasing_vectors, vectors)
    dq = np.full(n, -1.0, dtype=np.float32)
    np.maximum.at(dq, snapshot.phrasing_owner, phr)
    da = _best(snapshot.answer_vectors, vectors)
    bm25 = snapshot.faq_lexical.scores(part.full)
    top_bm25 = float(np.max(np.where(mask, bm25, 0.0))) or 1.0
    fused = reciprocal_rank_fusion(
        [_ranked(dq, mask), _ranked(da, mask), _ranked(bm25, mask & (bm25 > 0))]
    )
    out = []
    for rank, (i, _) in enumerate(fused[:FAQ_CANDIDATES]):
        entry = snapshot.faq[i]
        evidence = snapshot.evidence_for(entry.document, entry.section)
        page = evidence[0].page if evidence and evidence[0].page else None
        out.append(
            Candidate(
                key=candidate_key("f", entry.id),
                kind="faq",
                title=entry.question,
                text=entry.answer,
                sources=(Source(entry.document, entry.section, page),),
                evidence=tuple(c.text for c in evidence) or (entry.answer,),
                guideline=entry.guideline,
                features={
                    "dq": float(dq[i]),
                    "da": float(da[i]),
                    "lq": snapshot.faq_lexical.weighted_coverage(topic, i),
                    "la": snapshot.lexical.weighted_coverage_of(
                        topic, _answer_tokens(entry.answer)
                    ),
                    "bm25": float(bm25[i]) / top_bm25,
                    "rank": 1.0 / (1 + rank),
                },
                vector=snapshot.answer_vectors[i],
            )
        )
    return out


def _passage_candidates(
    snapshot: Snapshot, part: Part, topic: str, vectors: Sequence[NDArray[np.float32]], scope: Scope
) -> list[Candidate]:
    if not snapshot.chunks:
        return []
    allowed = [*scope.guidelines, ""]
    dense: dict[str, float] = {}
    for v in vectors:
        for cid, sim in snapshot.dense_passages(v, allowed, DENSE_POOL):
            dense[cid] = max(dense.get(cid, -1.0), sim)
    dense_ids = sorted(dense, key=lambda c: (-dense[c], snapshot.chunk_pos.get(c, 0)))
    mask = np.array([scope.allows(g) for g in snapshot.chunk_guideline], dtype=bool)
    bm25 = snapshot.lexical.scores(part.full)
    lexical_ids = [snapshot.chunks[i].id for i in _ranked(bm25, mask & (bm25 > 0))[:DENSE_POOL]]
    top_bm25 = float(np.max(np.where(mask, bm25, 0.0))) or 1.0
    fused = reciprocal_rank_fusion([dense_ids, lexical_ids])
    out = []
    for rank, (cid, _) in enumerate(fused[:PASSAGE_CANDIDATES]):
        pos = snapshot.chunk_pos.get(cid)
        if pos is None:
            continue
        chunk = snapshot.chunks[pos]
        text, best, lead = _extract(snapshot, chunk, topic, vectors)
        out.append(
            Candidate(
                key=candidate_key("p", chunk.id),
                kind="passage",
                title=f"{chunk.document}: {chunk.heading}",
                text=text,
                sources=(Source(chunk.document, chunk.section, chunk.page),),
                evidence=(chunk.text,),
                guideline=chunk.guideline,
                features={
                    "dq": float(max(float(snapshot.chunk_vectors[pos] @ v) for v in vectors)),
                    "da": best,
                    "lq": snapshot.lexical.weighted_coverage(topic, pos),
                    "la": snapshot.lexical.weighted_coverage_of(topic, _answer_tokens(text)),
                    "bm25": float(bm25[pos]) / top_bm25,
                    "rank": 1.0 / (1 + rank),
                },
                vector=lead,
            )
        )
    return out


def _extract(
    snapshot: Snapshot, chunk: Chunk, topic: str, vectors: Sequence[NDArray[np.float32]]
) -> tuple[str, float, NDArray[np.float32] | None]:
    """Lead with the sentence closest to the question; add close runners-up, never a repeat.

    Worked example: sentences scoring 0.86, 0.845 and 0.80 (cosine + a fifth of their word
    coverage) give the first two; the third is more than SENTENCE_MARGIN behind.
    """
    idx = snapshot.sentences_of(chunk.id)
    if not idx:
        return _fit(chunk.text), 0.0, None
    sims = _best(snapshot.sentence_vectors[list(idx)], vectors)
    scored = sorted(
        (
            (
                float(s)
                + 0.2
                * snapshot.lexical.weighted_coverage_of(
                    topic, _answer_tokens(snapshot.sentence_text[i])
                ),
                pos,
            )
            for pos, (i, s) in enumerate(zip(idx, sims, strict=True))
        ),
        key=lambda t: (-t[0], t[1]),
    )
    best_score = scored[0][0]
    chosen: list[int] = []
    length = 0
    for score, pos in scored:
        if len(chosen) == 3 or score < best_score - SENTENCE_MARGIN:
            break
        text = snapshot.sentence_text[idx[pos]]
        if length + len(text) + 1 > MAX_ANSWER_CHARS or any(
            _same(text, snapshot.sentence_text[idx[c]]) for c in chosen
        ):
            continue
        chosen.append(pos)
        length += len(text) + 1
    if not chosen:
        chosen = [scored[0][1]]
    # Keep the document's order: a rule reads better before its exception.
    chosen.sort()
    text = " ".join(snapshot.sentence_text[idx[p]].lstrip("• ") for p in chosen)
    lead = snapshot.sentence_vectors[idx[scored[0][1]]]
    return _fit(text), float(np.max(sims)), lead


def _same(a: str, b: str) -> bool:
    """Two sentences that say the same thing (one repeats the other's words)."""
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return a.strip() == b.strip()
    return len(ta & tb) / min(len(ta), len(tb)) >= 0.8


def _smalltalk_candidates(
    snapshot: Snapshot, vectors: Sequence[NDArray[np.float32]]
) -> list[Candidate]:
    if not snapshot.smalltalk_keys:
        return []
    sims = _best(snapshot.smalltalk_vectors, vectors)
    best: dict[str, float] = {}
    for key, sim in zip(snapshot.smalltalk_keys, sims, strict=True):
        best[key] = max(best.get(key, -1.0), float(sim))
    key = max(sorted(best), key=lambda k: best[k])
    intent = smalltalk.BY_KEY.get(key)
    if intent is None:
        return []
    return [
        Candidate(
            key=candidate_key("s", key),
            kind="smalltalk",
            title=intent.examples[0],
            text=intent.reply,
            sources=(),
            evidence=(),
            guideline="",
            features={"dq": best[key], "da": best[key], "rank": 1.0},
        )
    ]


def _relative(items: list[Candidate]) -> list[Candidate]:
    """Margins to the runner-up: "close to the question" means little if another is as close."""
    out = []
    for c in items:
        same = [o for o in items if o.kind == c.kind and o is not c]
        other = [o for o in items if o.kind != c.kind]
        f = dict(c.features)
        f["dq_margin"] = f.get("dq", 0.0) - max(
            (o.features.get("dq", 0.0) for o in same), default=0.0
        )
        f["da_margin"] = f.get("da", 0.0) - max(
            (o.features.get("da", 0.0) for o in same), default=0.0
        )
        f["dq_vs_other_kinds"] = f.get("dq", 0.0) - max(
            (o.features.get("dq", 0.0) for o in other), default=0.0
        )
        out.append(replace(c, features=f))
    return out


_REFERENCE = re.compile(r"\b(schritt|ziffer|nr\.?|nummer)\s*([0-9]{1,2}|[ivx]{1,4})\b", re.I)


def references(text: str) -> frozenset[tuple[str, str]]:
    """Structural references in a text: "Schritt 7" -> {("schritt", "7")}; "Nr." = "Nummer"."""
    out = set()
    for kind, value in _REFERENCE.findall(text):
        kind = kind.lower().rstrip(".")
        out.add(("nr" if kind in ("nr", "nummer") else kind, value.upper()))
    return frozenset(out)


def _cites(candidate: Candidate, refs: frozenset[tuple[str, str]]) -> bool:
    labels = " ".join(f"{s.section} {candidate.title}" for s in candidate.sources)
    return bool(refs & references(labels))


@lru_cache(maxsize=4096)
def _answer_tokens(text: str) -> frozenset[str]:
    return frozenset(tokens(text))


def candidate_key(prefix: str, ident: str) -> str:
    """Short stable key: "f:<faq id>", hashed when too long for a chat button."""
    key = f"{prefix}:{ident}"
    if len(key) <= 40:
        return key
    return f"{prefix}:{hashlib.sha1(ident.encode()).hexdigest()[:20]}"


def _fit(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """Cut at a sentence end below the limit; phone screens are small."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + " …"
