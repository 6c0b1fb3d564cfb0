"""Drafts remember when their owner was reminded of the coming deletion (`retention.sweep`).

Revision ID: 0002r
Revises: 0001
Create Date: 2026-11-26

A branch of its own beside other 0002 revisions; `migrate()` upgrades to all heads.
Plain ALTER TABLE on every backend: adding a nullable column needs no table copy on SQLite,
and dropping one is native there since SQLite 3.35 (a batch copy of `drafts` would cascade
the delete of the old table into `draft_versions`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002r"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("drafts", sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("drafts", "reminded_at")
