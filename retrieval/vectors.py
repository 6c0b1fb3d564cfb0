"""Chroma, embedded under DATA_DIR or a server at CHROMA_URL; telemetry off, no default embedder.

Chroma's default embedding function downloads a model; we always pass our own embedder
(langchain-chroma creates collections with embedding_function=None) and query by vector.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

COLLECTION_METADATA = {"hnsw:space": "cosine"}


def open_client(index_dir: Path, chroma_url: str = "") -> Any:
    """A Chroma client: HTTP when a URL is configured, else persistent files in index_dir."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        url = urlparse(chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    path = index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def store(client: Any, name: str, embeddings: Embeddings) -> Chroma:
    return Chroma(
        collection_name=name,
        embedding_function=embeddings,
        client=client,
        collection_metadata=COLLECTION_METADATA,
    )


def collection_names(client: Any) -> list[str]:
    return [c if isinstance(c, str) else c.name for c in client.list_collections()]


def drop(client: Any, name: str) -> None:
    if name in collection_names(client):
        client.delete_collection(name)
