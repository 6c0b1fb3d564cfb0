"""Shared fixtures: one embedder per test run, texts embedded once, the shipped index built once."""

from __future__ import annotations

import os
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
    tmp_path_factory: pytest.TempPathFactory, embeddings: E5Embeddings
) -> Settings:
    """Settings whose DATA_DIR holds an index of the shipped knowledge base."""
    data = tmp_path_factory.mktemp("shipped-data")
    settings = Settings(_env_file=None, data_dir=data, knowledge_dir=ROOT / "knowledge")  # type: ignore[call-arg]
    build_index(
        knowledge_dir=settings.knowledge_dir, index_dir=settings.index_dir, embeddings=embeddings
    )
    return settings


@pytest.fixture(scope="session")
def shipped_answerer(shipped_settings: Settings, embeddings: E5Embeddings) -> Answerer:
    kb = KnowledgeBase(index_dir=shipped_settings.index_dir, embeddings=embeddings)
    return Answerer(kb)
