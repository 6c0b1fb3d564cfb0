"""Knowledge upkeep: the log of unanswered or rated questions, and the knowledge change history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

Self-contained on purpose: it must keep producing this schema when the models move on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("answer_ref", sa.String(length=300), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notify_owner_id", sa.BigInteger(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_faq", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["notify_owner_id"],
            ["users.id"],
            ondelete="SET NULL",
            name=op.f("fk_question_log_notify_owner_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_log")),
    )
    op.create_index(op.f("ix_question_log_notify_owner_id"), "question_log", ["notify_owner_id"])
    op.create_index(
        op.f("ix_question_log_outcome_asked_at"), "question_log", ["outcome", "asked_at"]
    )
    op.create_table(
        "knowledge_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_changes")),
    )
    op.create_index(op.f("ix_knowledge_changes_kind_key"), "knowledge_changes", ["kind", "key"])


def downgrade() -> None:
    op.drop_table("knowledge_changes")
    op.drop_table("question_log")
