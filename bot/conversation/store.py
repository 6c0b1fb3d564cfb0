"""What the dialogue needs from storage, as a protocol, and its SQL implementation.

The dialogue functions see only `Store`, so they run in unit tests on an in-memory store and in
the product on one SQL transaction per user action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.drafts import Draft
from bot.storage import (
    DraftRow,
    DraftStatus,
    drafts_repo,
    question_log,
    review_repo,
    users_repo,
)


@dataclass(frozen=True)
class DraftRecord:
    """One of the user's drafts as the dialogue sees it."""

    id: int
    status: DraftStatus
    version: int
    draft: Draft
    updated_at: datetime | None = None

    @property
    def editable(self) -> bool:
        return self.status == DraftStatus.ENTWURF


class Store(Protocol):
    """One user's drafts and flags; every method is scoped to that user."""

    def privacy_seen(self) -> bool: ...

    def mark_privacy_seen(self) -> None: ...

    def get(self, draft_id: int) -> DraftRecord | None: ...

    def all(self) -> list[DraftRecord]: ...

    def create(self, draft: Draft) -> DraftRecord: ...

    def save(self, draft_id: int, draft: Draft) -> None: ...

    def submit(self, draft_id: int) -> DraftRecord: ...

    def reopen(self, draft_id: int) -> DraftRecord: ...

    def request(self, kind: str, *, question: str | None, draft_id: int | None) -> int:
        """Hand a question ("frage") or an appointment wish ("termin") to the office."""
        ...

    def answer_slot(self, request_id: int, *, accept: bool) -> datetime | None:
        """Take or decline a proposed appointment; its time, or None for an old button."""
        ...

    def log_question(self, question: str, *, outcome: str, ref: str | None) -> int:
        """Keep a question the documents did not answer well, without the asker."""
        ...

    def want_answer(self, log_id: int) -> bool:
        """The user asked to be told once the office answers this logged question."""
        ...

    def export_all(self) -> dict[str, Any]: ...

    def delete_all(self) -> None: ...


def record(row: DraftRow) -> DraftRecord:
    return DraftRecord(
        id=row.id,
        status=row.status,
        version=row.version,
        draft=Draft.model_validate(row.data),
        updated_at=row.updated_at,
    )


class SqlStore:
    """`Store` on one SQLAlchemy session; the caller commits."""

    def __init__(self, session: Session, *, owner_id: int, channel: str, now: datetime) -> None:
        self.session = session
        self.owner_id = owner_id
        self.channel = channel
        self.now = now

    def _user(self) -> None:
        users_repo.get_or_create(
            self.session, owner_id=self.owner_id, channel=self.channel, now=self.now
        )

    def privacy_seen(self) -> bool:
        user = users_repo.get(self.session, owner_id=self.owner_id)
        return user is not None and user.privacy_seen_at is not None

    def mark_privacy_seen(self) -> None:
        self._user()
        users_repo.mark_privacy_seen(self.session, owner_id=self.owner_id, now=self.now)

    def get(self, draft_id: int) -> DraftRecord | None:
        row = drafts_repo.get(self.session, owner_id=self.owner_id, draft_id=draft_id)
        return record(row) if row else None

    def all(self) -> list[DraftRecord]:
        return [record(r) for r in drafts_repo.list_for_owner(self.session, owner_id=self.owner_id)]

    def create(self, draft: Draft) -> DraftRecord:
        self._user()
        row = drafts_repo.create(
            self.session, owner_id=self.owner_id, data=draft.model_dump(mode="json"), now=self.now
        )
        return record(row)

    def save(self, draft_id: int, draft: Draft) -> None:
        drafts_repo.save_data(
            self.session,
            owner_id=self.owner_id,
            draft_id=draft_id,
            data=draft.model_dump(mode="json"),
            now=self.now,
        )

    def submit(self, draft_id: int) -> DraftRecord:
        frozen = drafts_repo.submit(
            self.session, owner_id=self.owner_id, draft_id=draft_id, now=self.now
        )
        # In the same transaction: the office's inbox can never miss a submission.
        review_repo.record_submission(
            self.session, draft_id=draft_id, version=frozen.version, now=self.now
        )
        found = self.get(draft_id)
        assert found is not None
        return found

    def reopen(self, draft_id: int) -> DraftRecord:
        row = drafts_repo.reopen_as_new_version(
            self.session, owner_id=self.owner_id, draft_id=draft_id, now=self.now
        )
        review_repo.record_reopened(
            self.session, draft_id=draft_id, version=row.version, now=self.now
        )
        return record(row)

    def request(self, kind: str, *, question: str | None, draft_id: int | None) -> int:
        self._user()
        row = review_repo.create_request(
            self.session, kind=kind, owner_id=self.owner_id, draft_id=draft_id,
            question=question, now=self.now,
        )  # fmt: skip
        return row.id

    def log_question(self, question: str, *, outcome: str, ref: str | None) -> int:
        return question_log.record(
            self.session, question=question, outcome=outcome, ref=ref, now=self.now
        )

    def want_answer(self, log_id: int) -> bool:
        self._user()
        return question_log.subscribe(self.session, log_id=log_id, owner_id=self.owner_id)

    def answer_slot(self, request_id: int, *, accept: bool) -> datetime | None:
        row = review_repo.confirm_slot(
            self.session, owner_id=self.owner_id, request_id=request_id, accept=accept,
            now=self.now,
        )  # fmt: skip
        return row.proposed_for if row else None

    def export_all(self) -> dict[str, Any]:
        return users_repo.export_all(self.session, owner_id=self.owner_id)

    def delete_all(self) -> None:
        users_repo.delete_all(self.session, owner_id=self.owner_id)
