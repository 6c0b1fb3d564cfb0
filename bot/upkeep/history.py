"""The change history of the knowledge base: who changed what, when, and the way back.

Every save from the web workspace is recorded in `knowledge_changes` with the entry's YAML
before and after (`faq_file.entry_yaml`), so staff can see what changed (`diff_lines`) and put
an earlier version back (`restore_faq`), which is itself recorded. Nothing is ever deleted from
the history. As in `bot.storage`, functions take a `Session` and the caller commits; the FAQ file
is written before the row is added, so a failed commit leaves a change without its record,
never a record without its change.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.tables import KnowledgeChangeRow
from bot.upkeep.faq_file import (
    Saved,
    SaveResult,
    entry_from_yaml,
    entry_stamp,
    entry_yaml,
    find_entry,
    save_entry,
)

KIND_FAQ = "faq"
KIND_DOCUMENT = "document"

ACTION_CREATED = "angelegt"
ACTION_CHANGED = "geändert"
ACTION_RETIRED = "zurückgezogen"
ACTION_RESTORED = "wiederhergestellt"


class NothingToRestore(LookupError):
    """The change or the version asked for does not exist; the message is German."""


def record_change(
    session: Session,
    *,
    kind: str,
    key: str,
    action: str,
    actor: str,
    before: str | None,
    after: str | None,
    now: datetime,
) -> KnowledgeChangeRow:
    """Add one change; `before`/`after` are the FAQ entry's YAML or a document's archive name.

    `now` must be timezone-aware (storage keeps UTC). The row is flushed, so it has its id.
    """
    row = KnowledgeChangeRow(
        kind=kind,
        key=key[:200],
        action=action[:40],
        actor=actor[:254],
        at=now,
        before=before,
        after=after,
    )
    session.add(row)
    session.flush()
    return row


def record_faq_save(
    session: Session, result: Saved, *, actor: str, now: datetime, action: str | None = None
) -> KnowledgeChangeRow | None:
    """Record what `save_entry` or `retire_entry` did; None when the save changed nothing.

    The action follows from the versions ("angelegt", "zurückgezogen", "geändert") unless given.
    """
    if not result.changed:
        return None
    before = result.before
    if action is None:
        if before is None:
            action = ACTION_CREATED
        elif result.entry.retired and not before.retired:
            action = ACTION_RETIRED
        else:
            action = ACTION_CHANGED
    return record_change(
        session,
        kind=KIND_FAQ,
        key=result.entry.id,
        action=action,
        actor=actor,
        before=entry_yaml(before) if before is not None else None,
        after=entry_yaml(result.entry),
        now=now,
    )


def changes(
    session: Session, *, kind: str | None = None, key: str | None = None, limit: int | None = None
) -> list[KnowledgeChangeRow]:
    """Recorded changes, newest first; all of them, or those of one kind and/or key."""
    query = select(KnowledgeChangeRow)
    if kind is not None:
        query = query.where(KnowledgeChangeRow.kind == kind)
    if key is not None:
        query = query.where(KnowledgeChangeRow.key == key)
    query = query.order_by(KnowledgeChangeRow.at.desc(), KnowledgeChangeRow.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def get_change(session: Session, change_id: int) -> KnowledgeChangeRow | None:
    return session.get(KnowledgeChangeRow, change_id)


def diff_lines(before: str | None, after: str | None) -> list[tuple[str, str]]:
    """A line diff for display: ("-", line) removed, ("+", line) added, (" ", line) kept.

    All lines are kept (an entry is short); a changed line shows as removed, then added.
    """
    old = (before or "").splitlines()
    new = (after or "").splitlines()
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend((" ", line) for line in old[i1:i2])
            continue
        out.extend(("-", line) for line in old[i1:i2])
        out.extend(("+", line) for line in new[j1:j2])
    return out


def restore_faq(
    session: Session,
    path: Path,
    change_id: int,
    *,
    actor: str,
    now: datetime,
    version: Literal["before", "after"] = "before",
) -> SaveResult:
    """Put an FAQ entry back as it was before (undo) or after a recorded change.

    Goes through `save_entry` against the entry's current version, so the usual lock and
    checks apply; if someone saves the entry at the same moment, the result is a `Conflict`.
    A restore that changes the file is recorded as "wiederhergestellt"; the version it
    replaced stays in the history.
    """
    row = get_change(session, change_id)
    if row is None or row.kind != KIND_FAQ:
        raise NothingToRestore("Diese Änderung an den FAQ gibt es nicht.")
    text = row.before if version == "before" else row.after
    if text is None:
        raise NothingToRestore(
            f"Vor dieser Änderung gab es die Frage „{row.key}“ noch nicht. "
            "Um sie aus den Antworten zu nehmen, bitte „Zurückziehen“ verwenden."
        )
    target = entry_from_yaml(text)
    current = find_entry(path, row.key)
    result = save_entry(
        path, target, expected_stamp=entry_stamp(current) if current is not None else None
    )
    if isinstance(result, Saved):
        record_faq_save(session, result, actor=actor, now=now, action=ACTION_RESTORED)
    return result
