"""An in-memory `Store`: the dialogue's unit tests run on it without any database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.conversation.store import DraftRecord
from bot.drafts import Draft
from bot.storage import DraftStatus


class MemoryStore:
    """One user's drafts in a dict; submitting freezes nothing but the status and version."""

    def __init__(self) -> None:
        self.records: dict[int, DraftRecord] = {}
        self.seen_privacy = False
        self.deleted = False
        self._next = 1
        self.requests: list[tuple[str, str | None, int | None]] = []
        self.slots: dict[int, datetime] = {}  # appointments the office proposed, by request
        self.slot_answers: dict[int, bool] = {}
        self.question_log: list[tuple[str, str, str | None]] = []
        self.subscribed: set[int] = set()

    def privacy_seen(self) -> bool:
        return self.seen_privacy

    def mark_privacy_seen(self) -> None:
        self.seen_privacy = True

    def get(self, draft_id: int) -> DraftRecord | None:
        return self.records.get(draft_id)

    def all(self) -> list[DraftRecord]:
        return list(self.records.values())

    def create(self, draft: Draft) -> DraftRecord:
        record = DraftRecord(id=self._next, status=DraftStatus.ENTWURF, version=1, draft=draft)
        self.records[record.id] = record
        self._next += 1
        return record

    def save(self, draft_id: int, draft: Draft) -> None:
        self.records[draft_id] = replace(self.records[draft_id], draft=draft.model_copy(deep=True))

    def submit(self, draft_id: int) -> DraftRecord:
        record = replace(self.records[draft_id], status=DraftStatus.EINGEREICHT)
        self.records[draft_id] = record
        return record

    def reopen(self, draft_id: int) -> DraftRecord:
        old = self.records[draft_id]
        record = replace(old, status=DraftStatus.ENTWURF, version=old.version + 1)
        self.records[draft_id] = record
        return record

    def request(self, kind: str, *, question: str | None, draft_id: int | None) -> int:
        self.requests.append((kind, question, draft_id))
        return len(self.requests)

    def answer_slot(self, request_id: int, *, accept: bool) -> datetime | None:
        moment = self.slots.pop(request_id, None)
        if moment is not None:
            self.slot_answers[request_id] = accept
        return moment

    def log_question(self, question: str, *, outcome: str, ref: str | None) -> int:
        self.question_log.append((question, outcome, ref))
        return len(self.question_log)

    def want_answer(self, log_id: int) -> bool:
        if not 1 <= log_id <= len(self.question_log):
            return False
        self.subscribed.add(log_id)
        return True

    def export_all(self) -> dict[str, Any]:
        return {"user": None}

    def delete_all(self) -> None:
        self.records.clear()
        self.deleted = True
