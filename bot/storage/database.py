"""Engines, sessions and schema migrations for SQLite files and PostgreSQL, built from a URL."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Any constant works; it only has to be the same for every process that migrates.
_PG_MIGRATION_LOCK = 0x4B50_4C4F  # "KPLO"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL and foreign keys, PostgreSQL pre-pinged connections."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _create_parent_dir(parsed)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose rows stay readable after commit (callers render them afterwards)."""
    return sessionmaker(engine, expire_on_commit=False)


def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema; a no-op when it is already there."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                # sqlite3 would run each CREATE outside any transaction; an explicit BEGIN
                # makes the whole upgrade atomic, and IMMEDIATE makes a second process that
                # migrates at the same time wait and then find nothing left to do.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
    finally:
        engine.dispose()
    log.info("storage.migrated backend=%s", make_url(url).get_backend_name())


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations shipped in this package; no ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _create_parent_dir(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # busy_timeout first, so that switching to WAL waits for other connections' locks.
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA journal_mode = WAL")
        # Safe with WAL (a power cut may lose the last commits, never corrupts the file).
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, in the table and in freed pages, instead
        # of lingering in free space until reused: /loeschen must erase, not just unlink.
        # The WAL still holds older page images; `erase_after_commit` truncates it.
        cursor.execute("PRAGMA secure_delete = ON")
    finally:
        cursor.close()


def erase_after_commit(session: Session) -> None:
    """Have the files forget deleted personal data once this session's transaction commits.

    Repositories call this when they delete personal data; callers need not know the backend.
    With SQLite, `secure_delete` zeroes the deleted content in the database file, but the WAL
    still holds the pages as they were, until a checkpoint copies the log back and truncates
    it. A checkpoint cannot run inside the deleting transaction (and a rolled-back deletion
    needs none), so it runs after the commit, on a connection of its own. On PostgreSQL the
    rows are gone at commit; the dead tuples are VACUUM's business (see README, Datenschutz).
    """
    # After a rollback the request stays: one checkpoint too many later costs milliseconds,
    # and telling a savepoint's rollback from the outer one's is not worth the risk.
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "after_commit", _erase_if_asked)
    session.info[_ERASE_REQUESTED] = True


def checkpoint(engine: Engine) -> bool:
    """Copy SQLite's WAL into the database file and truncate it; True when it all went back.

    False when another connection was still reading an older snapshot (after waiting up to
    busy_timeout): then the log keeps those pages until a later checkpoint overwrites them.
    No-op (True) on other backends.
    """
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        row = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    busy = bool(row[0])
    if busy:
        log.warning("storage.checkpoint_incomplete busy=1 wal_frames=%s", row[1])
    return not busy


_LISTENING = "kommpraev.erase_listening"
_ERASE_REQUESTED = "kommpraev.erase_requested"


def _erase_if_asked(session: Session) -> None:
    if not session.info.pop(_ERASE_REQUESTED, False):
        return
    bind = session.get_bind()
    try:
        checkpoint(bind.engine)
    except SQLAlchemyError as exc:
        # The deletion is committed; a failed clean-up must not turn it into an error reply.
        log.warning("storage.checkpoint_failed error=%s", type(exc).__name__)
