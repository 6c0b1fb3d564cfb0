"""Small SQL helpers the repositories share: insert-if-absent and counted bulk statements."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Executable
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.dml import ReturningInsert

from bot.storage.tables import Base


def insert_unless_present(
    session: Session,
    model: type[Base],
    *,
    key: InstrumentedAttribute[int] | InstrumentedAttribute[str | None],
    values: dict[str, Any],
) -> bool:
    """Insert one row unless its `key` is taken already; True when a row was inserted.

    One statement, so that two processes recording the same key at once cannot race:
    the database decides, not an earlier SELECT.
    """
    dialect = session.get_bind().dialect.name
    statement: ReturningInsert[tuple[int]]
    if dialect == "sqlite":
        statement = (
            sqlite.insert(model)
            .values(values)
            .on_conflict_do_nothing(index_elements=[key])
            .returning(key)
        )
    elif dialect == "postgresql":
        statement = (
            postgresql.insert(model)
            .values(values)
            .on_conflict_do_nothing(index_elements=[key])
            .returning(key)
        )
    else:
        raise NotImplementedError(f"no ON CONFLICT DO NOTHING for dialect {dialect!r}")
    return session.execute(statement).first() is not None


def count_affected(session: Session, statement: Executable) -> int:
    """Run a bulk UPDATE or DELETE and return how many rows it touched.

    The session's default synchronisation keeps objects already loaded in step with it.
    """
    result = session.execute(statement)
    return int(cast(CursorResult[Any], result).rowcount)
