"""The SQL tables of KommPräv-Lotse as typed SQLAlchemy models; migrations must match them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.storage.columns import JsonDict, JsonDoc, UtcDateTime, utcnow

# Named constraints, so that later migrations (SQLite batch mode included) can address them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base holding the metadata that Alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DraftStatus(StrEnum):
    """Where a draft stands. Only `entwurf` may be edited; the rest need a new version first."""

    ENTWURF = "entwurf"
    EINGEREICHT = "eingereicht"
    ZURUECKGEGEBEN = "zurueckgegeben"
    ANGENOMMEN = "angenommen"


class UserRow(Base):
    """A person talking to the bot. Deliberately no name or handle: the id is enough."""

    __tablename__ = "users"

    # Telegram user id, or an id the console channel picks (keep it clear of Telegram's).
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    privacy_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DialogueRow(Base):
    """The open step of one user's dialogue; written before the reply goes out."""

    __tablename__ = "dialogues"

    owner_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str | None] = mapped_column(String(64))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="SET NULL"))
    # Small confirmations in flight, e.g. {"confirm": "delete", "draft_id": 3}.
    pending: Mapped[JsonDict] = mapped_column(JsonDoc, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class DraftRow(Base):
    """A draft funding application; `data` is the draft model's JSON dump, opaque here."""

    __tablename__ = "drafts"
    # Never reuse an id on SQLite: an old button must not point at someone's newer draft.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DraftStatus] = mapped_column(
        Enum(
            DraftStatus,
            name="draft_status",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=lambda statuses: [status.value for status in statuses],
            validate_strings=True,
        ),
        default=DraftStatus.ENTWURF,
    )
    version: Mapped[int] = mapped_column(default=1)
    data: Mapped[JsonDict] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # When the user was told that this abandoned draft will be deleted (`retention.sweep`).
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DraftVersionRow(Base):
    """A frozen copy of a draft as it was submitted; never changed afterwards."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    version: Mapped[int]
    data: Mapped[JsonDict] = mapped_column(JsonDoc)
    frozen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class InboxRow(Base):
    """An incoming message, recorded before it is acknowledged and processed from here."""

    __tablename__ = "inbox"
    __table_args__ = (Index(None, "processed_at", "received_at"),)

    # Telegram's update id; other channels use negative ids from `inbox_repo.record_local`.
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # No foreign key: intake records before the user row necessarily exists.
    owner_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[JsonDict] = mapped_column(JsonDoc)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class OutboxRow(Base):
    """A reply to deliver, written in the same transaction as the state change it reports."""

    __tablename__ = "outbox"
    __table_args__ = (Index(None, "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("inbox.update_id"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    payload: Mapped[JsonDict] = mapped_column(JsonDoc)
    seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Delivery state (migration 0002d). A message that must reach its chat at most once (the
    # staff notification of one draft version) carries a key; the row is kept for good.
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True, index=True)
    # Refused by Telegram (blocked, not in the group, chat not found): when, why, how often.
    # `retry_at` set: a dead letter tried again then (staff chat); None: final (user chat).
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str | None] = mapped_column(String(200))
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


# --- The staff side (migration 0004): accounts, reviews, requests, audit, mail. ---


class StaffRole(StrEnum):
    """What a staff account may do: reviewers review, admins also manage accounts."""

    REVIEWER = "reviewer"
    EDITOR = "editor"  # also keeps the knowledge base current
    ADMIN = "admin"


class ReviewStatus(StrEnum):
    """Where a submitted draft stands in the office; the user's side is `DraftStatus`."""

    EINGEREICHT = "eingereicht"
    IN_PRUEFUNG = "in_pruefung"
    RUECKFRAGE = "rueckfrage"
    ANGENOMMEN = "angenommen"
    ABGELEHNT = "abgelehnt"
    ZURUECKGEZOGEN = "zurueckgezogen"


class StaffAccountRow(Base):
    """A person of the LPR office who signs in to the review workspace."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class StaffSessionRow(Base):
    """A signed-in browser. The id is the SHA-256 of the cookie value: a leaked table is no key."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LoginFailureRow(Base):
    """A failed sign-in, kept an hour for throttling (per account and per address)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class ReviewRow(Base):
    """The office's view of one submitted draft: status and assignee."""

    __tablename__ = "reviews"

    draft_id: Mapped[int] = mapped_column(
        ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    first_submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ReviewNoteRow(Base):
    """A staff text on a draft: an internal comment, or a message that went to the user."""

    __tablename__ = "review_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    # "intern" (never shown to the user), "rueckfrage", "ablehnung", "annahme".
    kind: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StaffRequestRow(Base):
    """A question a user passed to the office, or a consultation appointment they asked for."""

    __tablename__ = "staff_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "frage" | "termin"
    owner_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="SET NULL"))
    question: Mapped[str | None] = mapped_column(Text)
    # "offen", "beantwortet" (question); "offen", "vorgeschlagen", "bestaetigt", "abgesagt".
    status: Mapped[str] = mapped_column(String(20))
    answer: Mapped[str | None] = mapped_column(Text)
    proposed_for: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    handled_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )


class AuditRow(Base):
    """Who did what when; only ever inserted. No foreign keys: it outlives what it names."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "subject", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(20))  # "draft", "request", "account"
    subject_id: Mapped[int] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(254))  # a staff e-mail, "Antragsteller", "System"
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class MailRow(Base):
    """An e-mail to the office, queued in the transaction of its cause, sent once by `mailer`."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(100), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(200))


# --- Knowledge upkeep (migration 0005): what users asked in vain, and every knowledge change. ---


class QuestionLogRow(Base):
    """A question the bot declined or asked back on, or an answer rated 👍/👎.

    No asker here: `notify_owner_id` is set only when the user asked to be told of an answer,
    and is erased with the user's data.
    """

    __tablename__ = "question_log"
    __table_args__ = (Index(None, "outcome", "asked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    # "abgelehnt", "nachgefragt", "schlecht" (👎), "gut" (👍).
    outcome: Mapped[str] = mapped_column(String(20))
    answer_ref: Mapped[str | None] = mapped_column(String(300))  # what was answered, if anything
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    notify_owner_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_by_faq: Mapped[str | None] = mapped_column(String(100))


class KnowledgeChangeRow(Base):
    """One change of the knowledge base by staff: who, when, what it was and what it became."""

    __tablename__ = "knowledge_changes"
    __table_args__ = (Index(None, "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "faq" | "document"
    key: Mapped[str] = mapped_column(String(200))  # FAQ id or document file name
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # The entry's YAML (FAQ) or the archived file's name under DATA_DIR (document).
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
