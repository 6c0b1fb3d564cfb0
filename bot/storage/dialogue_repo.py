"""Where each user stands in the dialogue: the open step, the draft at hand, confirmations.

Saved in the same transaction as the replies, so the step is in SQL before a reply goes out.
"""

from __future__ import annotations

import copy
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.storage import drafts_repo
from bot.storage._sql import count_affected
from bot.storage.columns import JsonDict, utcnow
from bot.storage.errors import DraftNotFound
from bot.storage.tables import DialogueRow


def get(session: Session, *, owner_id: int) -> DialogueRow | None:
    """The user's dialogue state, or None when they have none (a fresh start)."""
    return session.get(DialogueRow, owner_id)


def save(
    session: Session,
    *,
    owner_id: int,
    step: str | None,
    draft_id: int | None,
    pending: JsonDict,
    now: datetime | None = None,
) -> DialogueRow:
    """Replace the user's whole dialogue state. `draft_id` must be one of their own drafts."""
    if (
        draft_id is not None
        and drafts_repo.get(session, owner_id=owner_id, draft_id=draft_id) is None
    ):
        raise DraftNotFound(draft_id=draft_id)
    state = session.get(DialogueRow, owner_id)
    if state is None:
        state = DialogueRow(owner_id=owner_id)
        session.add(state)
    state.step = step
    state.draft_id = draft_id
    state.pending = copy.deepcopy(pending)
    state.updated_at = now or utcnow()
    session.flush()
    return state


def clear(session: Session, *, owner_id: int) -> bool:
    """Forget the user's dialogue state; False when there was none."""
    return bool(
        count_affected(session, delete(DialogueRow).where(DialogueRow.owner_id == owner_id))
    )
