"""BM25 (bm25s) over German-normalised tokens, with typo and compound expansion of queries."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache

import bm25s
import numpy as np
from numpy.typing import NDArray

from retrieval.german import Vocabulary, tokens

logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    """Scores every document of a small corpus for a query; callers mask and rank."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.doc_tokens = [tokens(t) for t in texts]
        self.vocabulary = Vocabulary(self.doc_tokens)
        df: dict[str, int] = {}
        for doc in self.doc_tokens:
            for t in dict.fromkeys(doc):  # not set(doc): `idf` keeps first-seen order
                df[t] = df.get(t, 0) + 1
        n = max(1, len(self.doc_tokens))
        self.idf = {t: float(np.log(1 + n / d)) for t, d in df.items()}
        self.max_idf = float(np.log(1 + n))
        self._bm25: bm25s.BM25 | None = None
        if self.doc_tokens:
            # An empty document would break bm25s; a placeholder token keeps ids aligned.
            docs = [d or ["\u2205"] for d in self.doc_tokens]
            # Our own token ids, in sorted order: bm25s would number them in set order, which
            # changes with the hash seed.
            ids = {t: i for i, t in enumerate(sorted({t for d in docs for t in d}))}
            self._bm25 = bm25s.BM25()
            self._bm25.index(([[ids[t] for t in d] for d in docs], ids), show_progress=False)
        self._terms = lru_cache(maxsize=256)(self._query_terms)

    def query_tokens(self, query: str) -> list[str]:
        """The query's known stems, typos repaired and compounds split: what BM25 looks for."""
        return [t for t in self.vocabulary.expand(tokens(query)) if t in self.vocabulary.stems]

    def scores(self, query: str) -> NDArray[np.float64]:
        """BM25 score of every document, in corpus order; all zero if no query word is known."""
        q = self.query_tokens(query)
        if not q or self._bm25 is None:
            return np.zeros(len(self.doc_tokens))
        return np.asarray(self._bm25.get_scores(q), dtype=np.float64)

    def weighted_coverage(self, query: str, doc_index: int) -> float:
        """Share of the query's words found in one document; rare words weigh more, words
        the corpus never uses weigh most.

        "Wie beantrage ich Wohngeld?" against an FAQ on applications: "beantrag" is common
        (low weight) and "wohngeld" unknown (highest weight), so coverage stays low.
        """
        return self.weighted_coverage_of(query, set(self.doc_tokens[doc_index]))

    def weighted_coverage_of(self, query: str, doc: AbstractSet[str]) -> float:
        """The same for any token set (set or frozenset), e.g. the sentences of an answer."""
        terms = self._terms(query)
        total = hit = 0.0
        for token, exact, related, weight in terms:
            total += weight
            if exact & doc:
                hit += weight  # the word itself, or the known word a typo stands for
            elif related & doc or (len(token) >= 4 and any(d.endswith(token) for d in doc)):
                # Only part of a compound on one side: "partner" ~ "Kooperationspartner".
                hit += weight / 2
        return hit / total if total else 0.0

    def _query_terms(
        self, query: str
    ) -> tuple[tuple[str, frozenset[str], frozenset[str], float], ...]:
        """Per query word: stems that count fully, stems that count half, and its weight.

        Answering scores dozens of sentences against one question; this analysis (typo search
        included) is done once per question, not once per sentence (see `_terms`).
        """
        # Numbers ("20.10.", "2024") say when, not what: they neither help nor hurt the match.
        words = dict.fromkeys(t for t in tokens(query) if not any(ch.isdigit() for ch in t))
        terms = []
        for t in words:
            variants = frozenset({t, *self.vocabulary.expand([t])})
            known = [self.idf[v] for v in variants if v in self.idf]
            exact = {t} if t in self.idf else {t, *self.vocabulary.near(t)}
            terms.append((t, frozenset(exact), variants, min(known) if known else self.max_idf))
        return tuple(terms)
