"""Builds the services from the settings: the only place that picks implementations."""

from __future__ import annotations

from bot.settings import Settings
from retrieval import Answerer, E5Embeddings, KnowledgeBase, LlmGenerator, build_index

__all__ = ["Answerer", "answerer", "ensure_index", "knowledge_base", "load_model"]
from retrieval.indexer import IndexReport, Progress


def ensure_index(
    settings: Settings, progress: Progress | None = None, *, force: bool = False
) -> IndexReport:
    """Bring the index up to date; cheap when nothing changed (hashes only)."""
    return build_index(
        knowledge_dir=settings.knowledge_dir,
        index_dir=settings.index_dir,
        chroma_url=settings.chroma_url,
        progress=progress,
        force=force,
    )


def load_model() -> None:
    """Load the embedding model now; it is one per process, so every later user finds it ready."""
    E5Embeddings().embed_query("Start")  # one throwaway query also warms the first real one


def knowledge_base(settings: Settings, embeddings: E5Embeddings | None = None) -> KnowledgeBase:
    return KnowledgeBase(
        index_dir=settings.index_dir,
        chroma_url=settings.chroma_url,
        embeddings=embeddings,
        default_guideline=settings.default_guideline,
    )


def answerer(settings: Settings, kb: KnowledgeBase) -> Answerer:
    generator = None
    if settings.llm_enabled:
        generator = LlmGenerator(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            timeout_s=settings.llm_timeout_s,
        )
    return Answerer(
        kb,
        office_email=settings.office_email,
        office_phone=settings.office_phone,
        generator=generator,
    )
