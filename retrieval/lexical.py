"""BM25 (bm25s) over German-normalised tokens, with typo and compound expansion of queries."""

from __future__ import annotations

import logging
from collections.abc import Sequence

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
            for t in set(doc):
                df[t] = df.get(t, 0) + 1
        n = max(1, len(self.doc_tokens))
        self.idf = {t: float(np.log(1 + n / d)) for t, d in df.items()}
        self.max_idf = float(np.log(1 + n))
        self._bm25: bm25s.BM25 | None = None
        if self.doc_tokens:
            self._bm25 = bm25s.BM25()
            # An empty document would break bm25s; a placeholder token keeps ids aligned.
            self._bm25.index([d or ["\u2205"] for d in self.doc_tokens], show_progress=False)

    def query_tokens(self, query: str) -> list[str]:
        return [t for t in self.vocabulary.expand(tokens(query)) if t in self.vocabulary.stems]

    def scores(self, query: str) -> NDArray[np.float64]:
        q = self.query_tokens(query)
        if not q or self._bm25 is None:
            return np.zeros(len(self.doc_tokens))
        return np.asarray(self._bm25.get_scores(q), dtype=np.float64)

    def weighted_coverage(self, query: str, doc_index: int) -> float:
        """Like coverage, but rare words weigh more and words the corpus never uses weigh most.

        "Wie beantrage ich Wohngeld?" against an FAQ on applications: "beantrag" is common
        (low weight) and "wohngeld" unknown (highest weight), so coverage stays low.
        """
        return self.weighted_coverage_of(query, set(self.doc_tokens[doc_index]))

    def weighted_coverage_of(self, query: str, doc: set[str]) -> float:
        """The same for any token set, e.g. the sentences an answer was built from."""
        # Numbers ("20.10.", "2024") say when, not what: they neither help nor hurt the match.
        q = list(dict.fromkeys(t for t in tokens(query) if not any(ch.isdigit() for ch in t)))
        if not q:
            return 0.0
        total = hit = 0.0
        for t in q:
            variants = {t, *self.vocabulary.expand([t])}
            known = [self.idf[v] for v in variants if v in self.idf]
            weight = min(known) if known else self.max_idf
            total += weight
            if t in doc or (t not in self.idf and set(self.vocabulary.near(t)) & doc):
                hit += weight  # the word itself, or the known word a typo stands for
            elif variants & doc or (len(t) >= 4 and any(d.endswith(t) for d in doc)):
                # Only part of a compound on one side: "partner" ~ "Kooperationspartner".
                hit += weight / 2
        return hit / total
