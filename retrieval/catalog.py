"""The on-disk state of one index generation: what was indexed, readable without Chroma.

Layout under DATA_DIR/index:
  current.json           pointer to the live generation (replaced atomically)
  gen-<id>/catalog.json  chunks, FAQ entries, documents, sentences of that generation
  gen-<id>/vectors.npz   vectors of sentences, chunks, FAQ phrasings and answers, small talk,
                         each in catalog order (the snapshot scores candidates in memory)
  chroma/                the embedded Chroma store (one collection per generation)
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrieval.chunking import Chunk
from retrieval.documents import DocumentInfo, FaqEntry

FORMAT_VERSION = 3


@dataclass(frozen=True)
class Pointer:
    generation: str
    collection: str
    files: dict[str, str]  # relative path -> sha256
    built_at: str


@dataclass(frozen=True)
class SentenceRef:
    chunk_id: str
    text: str


@dataclass
class Catalog:
    documents: list[DocumentInfo] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    faq: list[FaqEntry] = field(default_factory=list)
    sentences: list[SentenceRef] = field(default_factory=list)
    file_errors: dict[str, str] = field(default_factory=dict)
    smalltalk: list[tuple[str, str]] = field(default_factory=list)  # (intent, example)

    def phrasings(self) -> list[tuple[int, str]]:
        """(FAQ position, text) of every FAQ question and phrasing, in vector order."""
        return [(i, t) for i, f in enumerate(self.faq) for t in (f.question, *f.phrasings)]


Vectors = dict[str, NDArray[np.float32]]
VECTOR_KINDS = ("sentences", "chunks", "phrasings", "answers", "smalltalk")


def write_json_atomic(path: Path, data: Any) -> None:
    """Write-then-rename: a reader sees the old file or the new one, never half of one."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_pointer(index_dir: Path) -> Pointer | None:
    path = index_dir / "current.json"
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT_VERSION:
            return None
        return Pointer(raw["generation"], raw["collection"], dict(raw["files"]), raw["built_at"])
    except (ValueError, KeyError, TypeError):
        return None


def write_pointer(index_dir: Path, pointer: Pointer) -> None:
    write_json_atomic(index_dir / "current.json", {"format": FORMAT_VERSION, **asdict(pointer)})


def generation_dir(index_dir: Path, generation: str) -> Path:
    return index_dir / f"gen-{generation}"


def save_catalog(directory: Path, catalog: Catalog, vectors: Vectors) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "vectors.npz").open("wb") as fh:
        arrays: dict[str, Any] = {k: vectors[k] for k in VECTOR_KINDS}
        np.savez(fh, **arrays)
    data = {
        "documents": [asdict(d) for d in catalog.documents],
        "chunks": [asdict(c) for c in catalog.chunks],
        "faq": [asdict(f) for f in catalog.faq],
        "sentences": [asdict(s) for s in catalog.sentences],
        "file_errors": catalog.file_errors,
        "smalltalk": catalog.smalltalk,
    }
    write_json_atomic(directory / "catalog.json", data)


def load_catalog(directory: Path) -> tuple[Catalog, Vectors]:
    raw = json.loads((directory / "catalog.json").read_text(encoding="utf-8"))
    catalog = Catalog(
        documents=[
            DocumentInfo(**{**d, "aliases": tuple(d.get("aliases", ()))}) for d in raw["documents"]
        ],
        chunks=[Chunk(**c) for c in raw["chunks"]],
        faq=[FaqEntry(**{**f, "phrasings": tuple(f["phrasings"])}) for f in raw["faq"]],
        sentences=[SentenceRef(**s) for s in raw["sentences"]],
        file_errors=dict(raw.get("file_errors", {})),
        smalltalk=[(str(k), str(t)) for k, t in raw.get("smalltalk", [])],
    )
    with np.load(directory / "vectors.npz") as data:
        vectors = {k: np.asarray(data[k], dtype=np.float32) for k in VECTOR_KINDS}
    return catalog, vectors
