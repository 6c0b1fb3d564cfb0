"""Builds the services from the settings: the only place that picks implementations.

`build_services` runs once per process (migrations included) and hands channels a ready
`Services`; `conversation` is the one place that constructs a `Conversation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.settings import Settings
from retrieval import Answerer, E5Embeddings, KnowledgeBase, LlmGenerator, build_index
from retrieval.indexer import IndexReport, Progress

if TYPE_CHECKING:  # `kommpraev ask` needs neither database nor dialogue: keep its start quick
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from bot.conversation import Clock, Conversation

__all__ = [
    "Answerer",
    "Services",
    "answerer",
    "build_services",
    "conversation",
    "ensure_index",
    "knowledge_base",
    "load_model",
]


@dataclass(frozen=True)
class Services:
    """What a channel needs, built once: database, knowledge base and answerer.

    The process that built it owns it and calls `close()` when the channel has stopped.
    """

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    knowledge_base: KnowledgeBase
    answerer: Answerer

    def conversation(self, channel: str, *, clock: Clock | None = None) -> Conversation:
        """The conversation core for `channel` ("telegram", "console"); see `conversation`."""
        return conversation(self, channel, clock=clock)

    def close(self) -> None:
        """Release the database connections (an SQLite WAL is checkpointed on the last one)."""
        self.engine.dispose()


def build_services(settings: Settings) -> Services:
    """Open the knowledge base, migrate the database to the newest schema, build the rest.

    Raises `retrieval.IndexMissing` before touching the database when there is no index yet
    (the caller builds it and tries again).
    """
    from bot.storage import make_engine, make_sessionmaker, migrate

    kb = knowledge_base(settings)
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    return Services(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        knowledge_base=kb,
        answerer=answerer(settings, kb),
    )


def open_database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """The database alone, migrated: for the workspace and `kommpraev staff`, which need no
    knowledge base. The caller disposes of the engine."""
    from bot.storage import make_engine, make_sessionmaker, migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    return engine, make_sessionmaker(engine)


def conversation(services: Services, channel: str, *, clock: Clock | None = None) -> Conversation:
    """The one place a `Conversation` is constructed; `clock` defaults to the real UTC time."""
    from bot.conversation import Conversation

    return Conversation(
        sessions=services.sessions,
        answerer=services.answerer,
        clock=clock or _utcnow,
        settings=services.settings,
        channel=channel,
    )


def _utcnow() -> datetime:
    return datetime.now(UTC)


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
            api_key=settings.llm_api_key.get_secret_value(),
            timeout_s=settings.llm_timeout_s,
        )
    return Answerer(
        kb,
        office_email=settings.office_email,
        office_phone=settings.office_phone,
        generator=generator,
    )
