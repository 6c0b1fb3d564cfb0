"""Join the delivery (0002d) and retention (0002r) branches into one head again.

Revision ID: 0003
Revises: 0002d, 0002r
Create Date: 2026-11-29

Both branches were written side by side and touch different tables; nothing to do but join.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0003"
down_revision: str | Sequence[str] | None = ("0002d", "0002r")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
