"""What a change to the knowledge files would do to the answers, before it goes live.

`preview_change` builds two throwaway indexes in a temporary folder: a copy of the live
generation (filled from its stored vectors, see `indexer.copy_index`) and one of the knowledge
files with the change applied, seeded from that copy, so only the changed texts are embedded
(after one FAQ entry changed: that entry's question, phrasings and answer). Each question is
embedded once and answered by both; the questions whose answer differs come back.

The live index and the knowledge folder are only read: the live generation's pointer, catalog
and vectors, never its Chroma store, and the indexable files of the knowledge folder.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
from numpy.typing import NDArray

from retrieval.answering import Answerer
from retrieval.answers import Answer, Source
from retrieval.documents import LoaderError
from retrieval.embeddings import E5Embeddings
from retrieval.indexer import build_index, copy_index, knowledge_files
from retrieval.knowledge_base import KnowledgeBase
from retrieval.query import normalise

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerChange:
    """One question whose answer the change would alter.

    The texts are what a user reads: the answer, and for an ask-back each suggestion with its
    answer (a changed FAQ answer may only show there). Sources are the answer's own.
    """

    question: str
    old_text: str
    new_text: str
    old_sources: tuple[Source, ...]
    new_sources: tuple[Source, ...]


def preview_change(
    *,
    knowledge_dir: Path,
    index_dir: Path,
    changed: Mapping[str, bytes | None],
    questions: Sequence[str],
    embeddings: E5Embeddings | None = None,
    default_guideline: str = "RL KommPräv",
    make_answerer: Callable[[KnowledgeBase], Answerer] = Answerer,
) -> list[AnswerChange]:
    """The questions whose answer would change if the files in `changed` (path relative to
    knowledge_dir -> new content, None: removed) replaced those in knowledge_dir.

    Compared with the live index in index_dir as it is; if that is behind the files
    (`indexer.index_status`), changes nobody has indexed yet show up too. `make_answerer`
    builds both answerers (without an LLM generator, so answers stay comparable). Raises
    ValueError for a path outside knowledge_dir, LoaderError when knowledge_dir does not
    exist, IndexMissing when there is no index.
    """
    started = time.perf_counter()
    changes = {_relative(rel): content for rel, content in changed.items()}
    if not knowledge_dir.is_dir():
        raise LoaderError(f"Der Wissensordner {knowledge_dir} existiert nicht.")
    queries = _OncePerQuestion(embeddings or E5Embeddings())
    with tempfile.TemporaryDirectory(prefix="kommpraev-preview-") as tmp:
        root = Path(tmp)
        old_index, new_index, new_knowledge = root / "alt", root / "neu", root / "wissen"
        try:
            copy_index(source=index_dir, target=old_index)
            _copy_knowledge(knowledge_dir, new_knowledge, changes)
            report = build_index(
                knowledge_dir=new_knowledge,
                index_dir=new_index,
                embeddings=queries,
                seed_index=old_index,
            )
            queries.prefetch(_query_texts(questions))
            old = make_answerer(_kb(old_index, queries, default_guideline))
            new = make_answerer(_kb(new_index, queries, default_guideline))
            found = []
            for question in questions:
                before, after = old.answer(question), new.answer(question)
                change = AnswerChange(
                    question, _readable(before), _readable(after), before.sources, after.sources
                )
                if (change.old_text, change.old_sources) != (change.new_text, change.new_sources):
                    found.append(change)
        finally:
            for index in (old_index, new_index):
                _release_chroma(index)
    log.info(
        "preview.done files=%d questions=%d changed=%d embedded=%d seconds=%.1f",
        len(changes),
        len(questions),
        len(found),
        report.embedded,
        time.perf_counter() - started,
    )
    return found


def _relative(rel: str) -> str:
    """A path inside the knowledge folder, as the indexer names it ("sub/faq.yaml")."""
    path = PurePosixPath(rel.replace("\\", "/"))
    if not rel or path.is_absolute() or ".." in path.parts or path == PurePosixPath("."):
        raise ValueError(f"Kein Pfad innerhalb des Wissensordners: {rel!r}")
    return path.as_posix()


def _copy_knowledge(source: Path, target: Path, changes: Mapping[str, bytes | None]) -> None:
    """The indexable files of `source` in `target`, with the changes applied."""
    target.mkdir(parents=True)
    for path in knowledge_files(source):
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    for rel, content in changes.items():
        path = target / rel
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


def _query_texts(questions: Sequence[str]) -> list[str]:
    """The texts `Answerer` will embed for these questions (a guess that may miss some: those
    are embedded when asked for)."""
    texts = []
    for question in questions:
        for part in normalise(" ".join(question.split())).parts:
            texts.append(part.text)
            if part.context:
                texts.append(part.context)
    return texts


def _kb(index_dir: Path, embeddings: E5Embeddings, default_guideline: str) -> KnowledgeBase:
    return KnowledgeBase(
        index_dir=index_dir, embeddings=embeddings, default_guideline=default_guideline
    )


def _readable(answer: Answer) -> str:
    """What a user reads of an answer, suggestions with their answers included (no sources)."""
    text = answer.text
    for i, suggestion in enumerate(answer.suggestions, 1):
        text += f"\n\n{i}. {suggestion.question}\n{suggestion.answer.render()}"
    return text


class _OncePerQuestion(E5Embeddings):
    """Passes passages through; embeds each query text once for both indexes."""

    def __init__(self, base: E5Embeddings) -> None:
        super().__init__(base.batch_size)
        self.base = base
        self._queries: dict[str, NDArray[np.float32]] = {}

    def passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self.base.passages(texts)

    def query(self, text: str) -> NDArray[np.float32]:
        vector = self._queries.get(text)
        if vector is None:
            vector = self._queries[text] = self.base.query(text)
        return vector

    def prefetch(self, texts: Sequence[str]) -> None:
        """Embed many query texts in the model's batches: about three times faster per text
        than one by one, with the same vectors. Only for the plain model; an embedder with its
        own `query` is asked text by text, on use."""
        if type(self.base).query is not E5Embeddings.query:
            return
        model = self.base._get()
        missing = [t for t in dict.fromkeys(texts) if t not in self._queries]
        for i in range(0, len(missing), self.batch_size):
            batch = missing[i : i + self.batch_size]
            vectors = np.asarray(model.query(batch), dtype=np.float32)  # type: ignore[attr-defined]
            for text, vector in zip(batch, vectors, strict=True):
                self._queries[text] = vector


def _release_chroma(index_dir: Path) -> None:
    """Stop the embedded Chroma system of a throwaway index.

    Chroma keeps one system per folder for the life of the process; a long-running workspace
    that previews often would otherwise keep every deleted temporary store open. Best effort:
    it reaches into Chroma's client cache, so a Chroma without it just keeps the system.
    """
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
    except ImportError:  # pragma: no cover - another Chroma layout
        return
    key = str(index_dir / "chroma")
    systems = getattr(SharedSystemClient, "_identifier_to_system", {})
    counts = getattr(SharedSystemClient, "_identifier_to_refcount", {})
    system = systems.pop(key, None)
    counts.pop(key, None)
    if system is not None:
        system.stop()
