"""Engines and migrations: a fresh file gets the models' schema, and again is a no-op."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from bot.storage import Base, inbox_repo, make_engine, migrate, users_repo
from bot.storage.database import alembic_config
from tests.storage.conftest import sqlite_url

# The models' tables: every branch of the schema adds its own, and the migrations must match.
TABLES = set(Base.metadata.tables)


def _heads(engine: Engine) -> set[str]:
    """The revisions the database is at (one per unmerged branch of the schema)."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def _shipped_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_migrate_creates_every_table_on_a_fresh_database(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
    assert {"users", "dialogues", "drafts", "draft_versions", "inbox", "outbox"} <= TABLES
    assert _heads(engine) == _shipped_heads()


def test_migrations_produce_exactly_the_models_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrating_twice_changes_nothing_and_keeps_the_data(
    database_url: str, engine: Engine
) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO users (id, channel, created_at) VALUES (7, 'console', '2026-01-01')"
        )

    migrate(database_url)

    assert _heads(engine) == _shipped_heads()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM users").scalar() == 1


def test_downgrade_to_base_and_back_up(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}


def test_sqlite_file_gets_its_folder_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "kommpraev.db"
    url = sqlite_url(path)

    migrate(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert pragma("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()

    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    assert path.exists()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "kommpraev.db")
    migrate(url)
    engine = make_engine(url)
    with engine.begin() as connection, pytest.raises(Exception, match="FOREIGN KEY"):
        connection.exec_driver_sql(
            "INSERT INTO dialogues (owner_id, pending, updated_at) VALUES (99, '{}', '2026-01-01')"
        )
    engine.dispose()


def test_two_engines_on_one_file_see_each_others_commits(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "kommpraev.db")
    migrate(url)
    bot_engine, web_engine = make_engine(url), make_engine(url)
    with Session(bot_engine) as session, session.begin():
        users_repo.get_or_create(session, owner_id=5, channel="telegram")
    with Session(web_engine) as session:
        assert users_repo.get(session, owner_id=5) is not None
    bot_engine.dispose()
    web_engine.dispose()


def test_replies_queued_before_the_delivery_migration_are_still_sent(database_url: str) -> None:
    """0001 -> 0002d on a database in use: the waiting outbox row keeps its place and text."""
    engine = make_engine(database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.exec_driver_sql(
            "INSERT INTO outbox (chat_id, payload, seq, created_at) "
            "VALUES (7, '{\"text\": \"Hallo\"}', 0, '2026-01-01')"
        )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002d")
    with Session(engine) as session:
        (row,) = inbox_repo.unsent(session)
        assert (row.payload, row.attempts, row.failed_at, row.dedupe_key) == (
            {"text": "Hallo"}, 0, None, None,
        )  # fmt: skip
    engine.dispose()


def test_the_retention_migration_keeps_drafts_and_their_versions_both_ways(
    database_url: str,
) -> None:
    """0001 -> 0002r -> 0001: `reminded_at` comes and goes, no draft or frozen version with it."""
    engine = make_engine(database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        for statement in (
            "INSERT INTO users (id, channel, created_at) VALUES (7, 'telegram', '2026-01-01')",
            "INSERT INTO drafts (id, owner_id, status, version, data, created_at, updated_at) "
            "VALUES (1, 7, 'eingereicht', 1, '{}', '2026-01-01', '2026-01-01')",
            "INSERT INTO draft_versions (draft_id, version, data, frozen_at) "
            "VALUES (1, 1, '{}', '2026-01-01')",
        ):
            connection.exec_driver_sql(statement)
    for step, revision, has_column in (
        (command.upgrade, "0002r", True),
        (command.downgrade, "0001", False),
    ):
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("drafts")}
            assert ("reminded_at" in columns) == has_column
            for table in ("drafts", "draft_versions"):
                count = connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
                assert count == 1, table
    engine.dispose()
