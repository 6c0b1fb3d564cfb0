"""The live index: one immutable snapshot, swapped whole when a new generation goes live."""

from __future__ import annotations

import threading
from pathlib import Path

from retrieval.catalog import Catalog, generation_dir, load_catalog, read_pointer
from retrieval.embeddings import E5Embeddings
from retrieval.snapshot import Snapshot
from retrieval.vectors import open_client


class IndexMissing(Exception):
    """No usable index yet; the message says how to build one."""


class KnowledgeBase:
    """Hands out the current snapshot; reloads by itself when `index` (or the staff workspace)
    has made a new generation live, without a restart."""

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
        self._pointer_stamp = 0
        self._snapshot = self._load()

    def _load(self) -> Snapshot:
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
        return Snapshot(pointer.generation, catalog, vectors, collection)

    def snapshot(self) -> Snapshot:
        """The live generation; a question keeps the snapshot it started with.

        Called once per question, so it only stats the pointer file unless that changed.
        """
        try:
            stamp = (self.index_dir / "current.json").stat().st_mtime_ns
        except OSError:
            return self._snapshot
        if stamp == self._pointer_stamp:
            return self._snapshot
        with self._lock:
            if stamp != self._pointer_stamp:
                pointer = read_pointer(self.index_dir)
                if pointer is not None and pointer.generation != self._snapshot.generation:
                    self._snapshot = self._load()
                self._pointer_stamp = stamp
        return self._snapshot

    @property
    def generation(self) -> str:
        return self.snapshot().generation

    @property
    def catalog(self) -> Catalog:
        return self.snapshot().catalog
