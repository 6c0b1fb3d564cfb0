"""The staff side: accounts, sessions, login failures, reviews, notes, requests, audit, mail.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Self-contained on purpose: it must keep producing this schema when the models move on.
Only new tables; nothing existing is copied.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, *, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        _at("created_at", nullable=False),
        _at("disabled_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_accounts")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_accounts_email")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        _at("created_at", nullable=False),
        _at("seen_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["staff_accounts.id"], ondelete="CASCADE",
            name=op.f("fk_staff_sessions_account_id_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
    )  # fmt: skip
    op.create_index(op.f("ix_staff_sessions_account_id"), "staff_sessions", ["account_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        _at("at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    for column in ("email", "address", "at"):
        op.create_index(op.f(f"ix_login_failures_{column}"), "login_failures", [column])
    op.create_table(
        "reviews",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        _at("first_submitted_at", nullable=False),
        _at("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], ondelete="CASCADE", name=op.f("fk_reviews_draft_id_drafts")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["staff_accounts.id"], ondelete="SET NULL",
            name=op.f("fk_reviews_assignee_id_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("draft_id", name=op.f("pk_reviews")),
    )  # fmt: skip
    op.create_table(
        "review_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _at("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], ondelete="CASCADE",
            name=op.f("fk_review_notes_draft_id_drafts"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["staff_accounts.id"], ondelete="SET NULL",
            name=op.f("fk_review_notes_account_id_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_notes")),
    )  # fmt: skip
    op.create_index(op.f("ix_review_notes_draft_id"), "review_notes", ["draft_id"])
    op.create_table(
        "staff_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        _at("proposed_for"),
        _at("created_at", nullable=False),
        _at("handled_at"),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], ondelete="CASCADE",
            name=op.f("fk_staff_requests_owner_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], ondelete="SET NULL",
            name=op.f("fk_staff_requests_draft_id_drafts"),
        ),
        sa.ForeignKeyConstraint(
            ["handled_by"], ["staff_accounts.id"], ondelete="SET NULL",
            name=op.f("fk_staff_requests_handled_by_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_requests")),
    )  # fmt: skip
    op.create_index(op.f("ix_staff_requests_owner_id"), "staff_requests", ["owner_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        _at("at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_subject_subject_id"), "audit_log", ["subject", "subject_id"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _at("created_at", nullable=False),
        _at("claimed_at"),
        _at("sent_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_mail_outbox_dedupe_key")),
    )
    op.create_index(op.f("ix_mail_outbox_sent_at"), "mail_outbox", ["sent_at"])


def downgrade() -> None:
    for table in (
        "mail_outbox", "audit_log", "staff_requests", "review_notes", "reviews",
        "login_failures", "staff_sessions", "staff_accounts",
    ):  # fmt: skip
        op.drop_table(table)
