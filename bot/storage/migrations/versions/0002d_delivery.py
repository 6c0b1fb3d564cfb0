"""Delivery state of outbox rows: a dedupe key, and refusals (dead letters) with their retry.

Revision ID: 0002d
Revises: 0001
Create Date: 2026-12-02

Self-contained on purpose: it must keep producing this schema when the models move on.
Columns are only added (no table is copied on SQLite); batch mode keeps it SQLite-safe.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002d"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("dedupe_key", sa.String(length=100), nullable=True))
        batch.add_column(
            sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("error", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(op.f("ix_outbox_dedupe_key"), ["dedupe_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index(op.f("ix_outbox_dedupe_key"))
        batch.drop_column("retry_at")
        batch.drop_column("error")
        batch.drop_column("failed_at")
        batch.drop_column("attempts")
        batch.drop_column("dedupe_key")
