"""The office's list of questions the bot could not answer well, grouped by what they ask.

Grouping is lexical on purpose (German tokens, stems, stop words dropped): it needs no model
in the workspace process, gives the same groups every time, and "Auto für Streetworker?" and
"dürfen wir ein auto für streetworker kaufen" land together. Example: two questions sharing
half of their content words join one group (Jaccard ≥ 0.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.channels.telegram_delivery import queue_unprompted
from bot.conversation import texts
from bot.conversation.messages import Reply
from bot.storage import question_log
from bot.storage.tables import QuestionLogRow
from retrieval.german import tokens

SIMILAR = 0.5
OUTCOME_LABELS = {"abgelehnt": "abgelehnt", "nachgefragt": "nachgefragt", "schlecht": "👎"}


@dataclass
class Group:
    """Questions asking the same thing; the newest phrasing stands for the group."""

    question: str
    ids: list[int] = field(default_factory=list)
    phrasings: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    waiting: int = 0  # askers who want to be told
    words: frozenset[str] = frozenset()

    @property
    def count(self) -> int:
        return len(self.ids)


def _words(question: str) -> frozenset[str]:
    return frozenset(t for t in tokens(question) if len(t) > 2)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= SIMILAR


def groups(rows: list[QuestionLogRow]) -> list[Group]:
    """Rows newest first in, groups out: most asked first, then the most recent."""
    found: list[Group] = []
    for row in rows:
        words = _words(row.question)
        group = next((g for g in found if _similar(g.words, words)), None)
        if group is None:
            group = Group(question=row.question, words=words, last=row.asked_at)
            found.append(group)
        group.ids.append(row.id)
        if row.question not in group.phrasings:
            group.phrasings.append(row.question)
        group.outcomes[row.outcome] = group.outcomes.get(row.outcome, 0) + 1
        group.first = row.asked_at
        group.waiting += row.notify_owner_id is not None
    return sorted(found, key=lambda g: (-g.count, -(g.last.timestamp() if g.last else 0)))


def answer_group(
    session: Session, *, ids: list[int], faq_id: str, answer: str, source: str, now: datetime
) -> int:
    """Mark the questions answered by a FAQ entry and tell those who asked to be told;
    returns how many were told."""
    told = 0
    for row in question_log.resolve(session, ids=ids, faq_id=faq_id, now=now):
        if row.notify_owner_id is None:
            continue
        text = texts.OFFICE_NEW_ANSWER.format(question=row.question, answer=answer, source=source)
        queue_unprompted(session, chat_id=row.notify_owner_id, reply=Reply(text))
        row.notify_owner_id = None  # told: nothing of the asker stays with the question
        told += 1
    return told
