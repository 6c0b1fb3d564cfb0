"""Incremental, crash-safe index build: re-embed changed files only, then swap atomically.

Every run builds a new generation (new Chroma collection + catalog) from the files as they are,
reusing vectors of unchanged text from the live generation. Only when the new generation is
complete does `current.json` move to it; a crash before that leaves the old one live.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from retrieval import smalltalk
from retrieval.catalog import (
    Catalog,
    Pointer,
    SentenceRef,
    Vectors,
    generation_dir,
    load_catalog,
    read_pointer,
    save_catalog,
    write_pointer,
)
from retrieval.chunking import Chunk, chunk_section, sentences
from retrieval.documents import DocumentInfo, FaqEntry, LoaderError
from retrieval.embeddings import E5Embeddings, ReusingEmbeddings, text_key
from retrieval.loaders import SUPPORTED, load_file
from retrieval.vectors import collection_names, drop, open_client, store

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
BATCH = 64


@dataclass
class IndexReport:
    """What an index run did, for the command line and the staff workspace."""

    files_total: int = 0
    files_changed: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    file_errors: dict[str, str] = field(default_factory=dict)
    chunks: int = 0
    faq_entries: int = 0
    embedded: int = 0
    seconds: float = 0.0
    up_to_date: bool = False


def knowledge_files(root: Path) -> Iterator[Path]:
    """Supported files anywhere under root, hidden files and folders skipped, stable order."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in SUPPORTED:
            yield path


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _previous(
    index_dir: Path, client: Any
) -> tuple[Pointer | None, Catalog | None, dict[str, list[float]]]:
    """The live generation and every vector it holds, keyed by text."""
    pointer = read_pointer(index_dir)
    if pointer is None or pointer.collection not in collection_names(client):
        return None, None, {}
    try:
        catalog, vectors = load_catalog(generation_dir(index_dir, pointer.generation))
    except (OSError, ValueError, KeyError, TypeError):
        return None, None, {}
    known: dict[str, list[float]] = {}
    got = client.get_collection(pointer.collection).get(include=["documents", "embeddings"])
    for text, vec in zip(
        got["documents"] or [],
        got["embeddings"] if got["embeddings"] is not None else [],
        strict=False,
    ):
        known[text_key(text)] = list(map(float, vec))
    for kind, texts in _vector_texts(catalog).items():
        for text, vec in zip(texts, vectors[kind], strict=False):
            known[text_key(text)] = vec.tolist()
    return pointer, catalog, known


def _carry_over(old: Catalog, new: Catalog, rel: str) -> bool:
    """Copy what an unchanged file contributed last time, without parsing it again."""
    docs = [d for d in old.documents if d.path == rel]
    faq = [f for f in old.faq if f.path == rel]
    if not docs and not faq:
        return False
    new.documents.extend(docs)
    new.chunks.extend(c for c in old.chunks if c.path == rel)
    new.faq.extend(faq)
    return True


def build_index(
    *,
    knowledge_dir: Path,
    index_dir: Path,
    chroma_url: str = "",
    embeddings: E5Embeddings | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> IndexReport:
    """Bring the index in line with the files under knowledge_dir."""
    started = time.perf_counter()
    report = IndexReport()
    if not knowledge_dir.is_dir():
        raise LoaderError(
            f"Der Wissensordner {knowledge_dir} existiert nicht. "
            "Bitte KNOWLEDGE_DIR auf den Ordner mit den Dokumenten setzen."
        )
    index_dir.mkdir(parents=True, exist_ok=True)
    client = open_client(index_dir, chroma_url)
    pointer, old_catalog, known = _previous(index_dir, client)

    files = {p.relative_to(knowledge_dir).as_posix(): p for p in knowledge_files(knowledge_dir)}
    hashes = {rel: file_hash(p) for rel, p in files.items()}
    report.files_total = len(files)
    old_files = pointer.files if pointer else {}
    report.files_changed = [r for r in files if old_files.get(r) != hashes[r]]
    report.files_removed = [r for r in old_files if r not in files]
    if pointer and not force and not report.files_changed and not report.files_removed:
        report.up_to_date = True
        report.chunks = len(old_catalog.chunks) if old_catalog else 0
        report.faq_entries = len(old_catalog.faq) if old_catalog else 0
        report.file_errors = dict(old_catalog.file_errors) if old_catalog else {}
        report.seconds = time.perf_counter() - started
        return report

    catalog = Catalog()
    for rel, path in files.items():
        unchanged = rel not in report.files_changed and not force
        if unchanged and old_catalog is not None:
            if rel in old_catalog.file_errors:
                catalog.file_errors[rel] = old_catalog.file_errors[rel]
                continue
            if _carry_over(old_catalog, catalog, rel):
                continue
        try:
            loaded = load_file(path, knowledge_dir)
        except LoaderError as exc:
            catalog.file_errors[rel] = str(exc)
            continue
        except Exception as exc:  # a broken file must never stop the whole index
            log.warning("index.file_failed path=%s error=%s", rel, exc.__class__.__name__)
            catalog.file_errors[rel] = f"{rel}: Die Datei konnte nicht gelesen werden."
            continue
        docs: dict[str, DocumentInfo] = {s.doc.path: s.doc for s in loaded.sections}
        catalog.documents.extend(docs.values())
        for ordinal, section in enumerate(loaded.sections):
            catalog.chunks.extend(chunk_section(section, ordinal))
        catalog.faq.extend(loaded.faq)
    catalog.faq = _resolve_faq_guidelines(catalog)
    catalog.sentences = [
        SentenceRef(c.id, s) for c in catalog.chunks for s in sentences(c.text) if len(s) > 12
    ]
    report.file_errors = dict(catalog.file_errors)

    generation = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    name = f"kb-{generation}"
    catalog.smalltalk = smalltalk.examples()
    total = len(catalog.chunks) + 2 * len(catalog.phrasings())
    total += len(catalog.sentences) + len(catalog.faq) + len(catalog.smalltalk)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("Einbetten", done, total)

    embedder = ReusingEmbeddings(embeddings or E5Embeddings(), known)
    vs = store(client, name, embedder)
    items = _vector_items(catalog)
    for i in range(0, len(items), BATCH):
        batch = items[i : i + BATCH]
        vs.add_texts(
            [t for _, t, _ in batch],
            metadatas=[m for _, _, m in batch],
            ids=[k for k, _, _ in batch],
        )
        advance(len(batch))
    vectors: Vectors = {}
    for kind, texts in _vector_texts(catalog).items():
        parts = [np.zeros((0, 384), dtype=np.float32)]
        for i in range(0, len(texts), BATCH):
            chunk_of_texts = texts[i : i + BATCH]
            parts.append(np.asarray(embedder.embed_documents(chunk_of_texts), dtype=np.float32))
            if kind != "chunks":  # chunk texts were embedded (and counted) for Chroma above
                advance(len(chunk_of_texts))
        vectors[kind] = np.vstack(parts)
    save_catalog(generation_dir(index_dir, generation), catalog, vectors)
    write_pointer(
        index_dir,
        Pointer(generation, name, hashes, datetime.now(UTC).isoformat(timespec="seconds")),
    )
    _remove_stale(index_dir, client, keep_generation=generation, keep_collection=name)
    report.chunks = len(catalog.chunks)
    report.faq_entries = len(catalog.faq)
    report.embedded = embedder.embedded
    report.seconds = time.perf_counter() - started
    log.info(
        "index.built generation=%s chunks=%d faq=%d embedded=%d",
        generation,
        report.chunks,
        report.faq_entries,
        report.embedded,
    )
    return report


def _resolve_faq_guidelines(catalog: Catalog) -> list[FaqEntry]:
    """An FAQ entry belongs to the guideline of the document it cites."""
    by_title = {d.title: d.guideline for d in catalog.documents}
    out = []
    for f in catalog.faq:
        guideline = f.guideline or by_title.get(f.document, "")
        out.append(FaqEntry(**{**f.__dict__, "guideline": guideline}))
    return out


def _vector_items(catalog: Catalog) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, text to embed, metadata) for every chunk and every FAQ phrasing."""
    items: list[tuple[str, str, dict[str, Any]]] = []
    for c in catalog.chunks:
        items.append((c.id, c.embed_text, _meta(c)))
    for f in catalog.faq:
        for j, phrase in enumerate((f.question, *f.phrasings)):
            meta = {"kind": "faq", "faq_id": f.id, "guideline": f.guideline}
            items.append((f"faq:{f.path}:{f.id}:{j}", phrase, meta))
    return items


def _vector_texts(catalog: Catalog) -> dict[str, list[str]]:
    """The passage-side texts behind each vector kind of a generation, in catalog order."""
    return {
        "sentences": [s.text for s in catalog.sentences],
        "chunks": [c.embed_text for c in catalog.chunks],
        "phrasings": [t for _, t in catalog.phrasings()],
        "answers": [f.answer for f in catalog.faq],
        "smalltalk": [t for _, t in catalog.smalltalk],
    }


def _meta(c: Chunk) -> dict[str, Any]:
    return {"kind": "passage", "guideline": c.guideline, "path": c.path}


def _remove_stale(
    index_dir: Path, client: Any, *, keep_generation: str, keep_collection: str
) -> None:
    """Drop earlier generations, including half-built ones a crash left behind."""
    for name in collection_names(client):
        if name.startswith("kb-") and name != keep_collection:
            drop(client, name)
    for path in index_dir.glob("gen-*"):
        if path.name != f"gen-{keep_generation}":
            shutil.rmtree(path, ignore_errors=True)
