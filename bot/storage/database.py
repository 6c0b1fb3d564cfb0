"""Engines, sessions and schema migrations for SQLite files and PostgreSQL, built from a URL."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
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
    finally:
        cursor.close()
