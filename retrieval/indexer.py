"""Incremental, crash-safe index build: re-embed changed files only, then swap atomically.

Every run builds a new generation (new Chroma collection + catalog) from the files as they are,
reusing vectors of unchanged text from the live generation. Only when the new generation is
complete does `current.json` move to it; a crash before that leaves the old one live.

Vectors are reused by text, not by file: after one FAQ entry of faq.yaml changed, only that
entry's new texts (question, phrasings, answer) are embedded; every other text keeps the vector
the live generation stored for it in `vectors.npz`. A fresh index directory can be seeded from
another index (`seed_index`), so a temporary copy (see `retrieval.preview`) embeds only what
differs from the live one. `index_status` compares files and pointer without building anything.
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
from langchain_chroma import Chroma

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
from retrieval.knowledge_base import IndexMissing
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


@dataclass(frozen=True)
class IndexStatus:
    """How the index under index_dir stands against the files under knowledge_dir.

    `exists` is False when there is no pointer, or it names a generation whose catalog is
    gone; the check reads only `current.json` and the generation's files, never Chroma.
    File names are relative to knowledge_dir, in file order (removed ones: in index order).
    """

    exists: bool
    changed: tuple[str, ...] = ()  # indexed, but the file differs now
    added: tuple[str, ...] = ()  # not in the index yet
    removed: tuple[str, ...] = ()  # in the index, but the file is gone
    files_total: int = 0
    generation: str = ""
    built_at: str = ""

    @property
    def current(self) -> bool:
        return self.exists and not (self.changed or self.added or self.removed)


@dataclass(frozen=True)
class _Diff:
    """Files now against the file hashes a pointer recorded."""

    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def _require_dir(knowledge_dir: Path) -> None:
    if not knowledge_dir.is_dir():
        raise LoaderError(
            f"Der Wissensordner {knowledge_dir} existiert nicht. "
            "Bitte KNOWLEDGE_DIR auf den Ordner mit den Dokumenten setzen."
        )


def _scan(knowledge_dir: Path) -> tuple[dict[str, Path], dict[str, str]]:
    """Every indexable file (relative path -> path) and its content hash."""
    _require_dir(knowledge_dir)
    files = {p.relative_to(knowledge_dir).as_posix(): p for p in knowledge_files(knowledge_dir)}
    return files, {rel: file_hash(p) for rel, p in files.items()}


def _diff(hashes: dict[str, str], indexed: dict[str, str]) -> _Diff:
    return _Diff(
        changed=tuple(r for r, h in hashes.items() if r in indexed and indexed[r] != h),
        added=tuple(r for r in hashes if r not in indexed),
        removed=tuple(r for r in indexed if r not in hashes),
    )


def index_status(knowledge_dir: Path, index_dir: Path) -> IndexStatus:
    """Whether the live index matches the files under knowledge_dir; changes nothing.

    Raises LoaderError when knowledge_dir does not exist.
    """
    _, hashes = _scan(knowledge_dir)
    pointer = read_pointer(index_dir)
    if pointer is None or not _generation_files_exist(index_dir, pointer):
        return IndexStatus(exists=False, added=tuple(hashes), files_total=len(hashes))
    diff = _diff(hashes, pointer.files)
    return IndexStatus(
        exists=True,
        changed=diff.changed,
        added=diff.added,
        removed=diff.removed,
        files_total=len(hashes),
        generation=pointer.generation,
        built_at=pointer.built_at,
    )


def _generation_files_exist(index_dir: Path, pointer: Pointer) -> bool:
    directory = generation_dir(index_dir, pointer.generation)
    return (directory / "catalog.json").is_file() and (directory / "vectors.npz").is_file()


@dataclass(frozen=True)
class _Generation:
    """A generation as stored: pointer, catalog and every vector, keyed by text for reuse."""

    pointer: Pointer
    catalog: Catalog
    vectors: Vectors
    known: dict[str, list[float]]


def _read_generation(index_dir: Path) -> _Generation | None:
    """The live generation's pointer, catalog and vectors; reads no Chroma store.

    `vectors.npz` holds the vector of every text the generation embedded (its Chroma
    collection stores chunks and FAQ phrasings, both also in there), so it alone seeds reuse.
    """
    pointer = read_pointer(index_dir)
    if pointer is None:
        return None
    try:
        catalog, vectors = load_catalog(generation_dir(index_dir, pointer.generation))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    known: dict[str, list[float]] = {}
    for kind, texts in _vector_texts(catalog).items():
        if len(texts) != len(vectors[kind]):
            return None  # catalog and vectors disagree: reuse nothing rather than wrong vectors
        for text, vec in zip(texts, vectors[kind], strict=True):
            known[text_key(text)] = vec.tolist()
    return _Generation(pointer, catalog, vectors, known)


def _previous(index_dir: Path, client: Any) -> _Generation | None:
    """The live generation of index_dir, if its Chroma collection is still there."""
    pointer = read_pointer(index_dir)
    if pointer is None or pointer.collection not in collection_names(client):
        return None
    return _read_generation(index_dir)


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
    seed_index: Path | None = None,
) -> IndexReport:
    """Bring the index in line with the files under knowledge_dir.

    `seed_index`: another index directory (e.g. the live one) that stands in for the previous
    generation when index_dir has none of its own: its unchanged files are carried over and its
    vectors reused, so only texts it lacks are embedded. Only its `current.json`, catalog and
    vectors are read, never its Chroma store; nothing there is written.
    """
    started = time.perf_counter()
    report = IndexReport()
    files, hashes = _scan(knowledge_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    client = open_client(index_dir, chroma_url)
    previous = _previous(index_dir, client)
    own = previous is not None  # a generation of index_dir itself, not a seed
    if previous is None and seed_index is not None:
        previous = _read_generation(seed_index)
    old_catalog = previous.catalog if previous else None
    known = previous.known if previous else {}

    report.files_total = len(files)
    diff = _diff(hashes, previous.pointer.files if previous else {})
    report.files_changed = [r for r in files if r in diff.changed or r in diff.added]
    report.files_removed = list(diff.removed)
    if own and old_catalog is not None and not force and not diff.any:
        report.up_to_date = True
        report.chunks = len(old_catalog.chunks)
        report.faq_entries = len(old_catalog.faq)
        report.file_errors = dict(old_catalog.file_errors)
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
    _fill_collection(store(client, name, embedder), catalog, advance)
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


def copy_index(*, source: Path, target: Path) -> Pointer:
    """Copy the live generation of the index in `source` to `target`, with an embedded Chroma
    store of its own filled from the stored vectors: the copy answers as the source does.

    Reads only the source's pointer, catalog and vectors, never its Chroma store (which may be
    a server, or open in a running bot); nothing under `source` is written. Raises
    IndexMissing when the source has no usable generation.
    """
    for _ in range(3):  # a re-index elsewhere may switch generations (and delete ours) mid-read
        live = _read_generation(source)
        if live is not None:
            break
    else:
        raise IndexMissing(
            "Es gibt noch keinen Suchindex. Bitte zuerst `kommpraev index` ausführen."
        )
    target.mkdir(parents=True, exist_ok=True)
    client = open_client(target)
    embedder = ReusingEmbeddings(E5Embeddings(), live.known)  # every text is known: no model
    _fill_collection(store(client, live.pointer.collection, embedder), live.catalog)
    save_catalog(generation_dir(target, live.pointer.generation), live.catalog, live.vectors)
    write_pointer(target, live.pointer)
    return live.pointer


def _fill_collection(
    vs: Chroma, catalog: Catalog, advance: Callable[[int], None] | None = None
) -> None:
    """Every chunk and FAQ phrasing into a new collection, in catalog order."""
    items = _vector_items(catalog)
    for i in range(0, len(items), BATCH):
        batch = items[i : i + BATCH]
        vs.add_texts(
            [t for _, t, _ in batch],
            metadatas=[m for _, _, m in batch],
            ids=[k for k, _, _ in batch],
        )
        if advance:
            advance(len(batch))


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
