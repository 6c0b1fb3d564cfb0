"""Changing the cost plan item by item: show, change one field, delete, add.

Nothing is removed before the user confirmed it; a changed field replaces only that field.
"""

from __future__ import annotations

import logging

from bot.conversation import texts, views
from bot.conversation.actions import AddItem, DeleteItem, EditItemField, ShowItem
from bot.conversation.form import ask
from bot.conversation.messages import Reply
from bot.conversation.prompts import ask_to_confirm
from bot.conversation.state import AwaitItemDelete, CostCursor, Editing, ItemRef
from bot.conversation.steps import EDIT_STEPS
from bot.conversation.store import DraftRecord
from bot.conversation.turn import Turn
from bot.storage import DraftStatus

log = logging.getLogger(__name__)


def show_item(turn: Turn, action: ShowItem) -> list[Reply] | None:
    record = turn.active()
    if record is None:
        return None
    return _item_or_gone(turn, record, action.year, action.kind, action.index)


def _item_or_gone(turn: Turn, record: DraftRecord, year: int, kind: str, index: int) -> list[Reply]:
    reply = views.item_view(record.draft, year, "p" if kind == "p" else "m", index)
    if reply is None:
        return [Reply(texts.ITEM_GONE), views.section_view(record, "cost_plan")]
    return [reply]


def edit_field(turn: Turn, action: EditItemField) -> list[Reply] | None:
    """Ask one field of one item again, showing what is stored now."""
    step = EDIT_STEPS.get(action.step)
    record = turn.active()
    if step is None or record is None:
        return None
    if views.find_item(record.draft, action.year, action.kind, action.index) is None:
        return _item_or_gone(turn, record, action.year, action.kind, action.index)
    if record.status == DraftStatus.ANGENOMMEN:  # the office's decision stands as it is
        return [Reply(texts.ACCEPTED_LOCKED.format(draft_id=record.id))]
    intro = _reopened(turn, record)
    state = turn.state
    state.cursor = CostCursor(
        year=action.year,
        personnel=action.index if action.kind == "p" else None,
        material=action.index if action.kind == "m" else None,
    )
    state.editing = Editing(group=step.group, section="cost_plan", single=True)
    state.history = []
    return [*intro, *ask(turn, step.key)]


def _reopened(turn: Turn, record: DraftRecord) -> list[Reply]:
    if record.editable:
        return []
    reopened = turn.store.reopen(record.id)
    return [Reply(texts.NEW_VERSION.format(version=reopened.version))]


def ask_delete(turn: Turn, action: DeleteItem) -> list[Reply] | None:
    record = turn.active()
    if record is None:
        return None
    if views.find_item(record.draft, action.year, action.kind, action.index) is None:
        return _item_or_gone(turn, record, action.year, action.kind, action.index)
    item = ItemRef(year=action.year, kind=action.kind, index=action.index)
    return [ask_to_confirm(turn, AwaitItemDelete(item=item))]


def confirm_delete(turn: Turn, yes: bool) -> list[Reply] | None:
    waiting = turn.state.waiting_for("item_delete")
    record = turn.active()
    if not isinstance(waiting, AwaitItemDelete) or record is None:
        return None
    turn.state.resolve("item_delete")
    if not yes:
        return [Reply(texts.ITEM_KEPT), views.section_view(record, "cost_plan")]
    if record.status == DraftStatus.ANGENOMMEN:  # the office's decision stands as it is
        return [Reply(texts.ACCEPTED_LOCKED.format(draft_id=record.id))]
    intro = _reopened(turn, record)
    record = turn.active() or record
    item = waiting.item
    draft = record.draft.model_copy(deep=True)
    for entry in draft.cost_plan:
        if entry.year == item.year:
            items = entry.personnel if item.kind == "p" else entry.material
            if 0 <= item.index < len(items):
                del items[item.index]
    draft.cost_plan = [e for e in draft.cost_plan if e.personnel or e.material]
    turn.store.save(record.id, draft)
    log.info("conversation.item_deleted owner_id=%s", turn.ctx.owner_id)
    updated = turn.active() or record
    return [*intro, views.section_view(updated, "cost_plan", intro=texts.ITEM_DELETED)]


def add(turn: Turn, action: AddItem) -> list[Reply] | None:
    """A post or material item for a year, or a whole new year, then back to the plan."""
    record = turn.active()
    if record is None:
        return None
    if record.status == DraftStatus.ANGENOMMEN:  # the office's decision stands as it is
        return [Reply(texts.ACCEPTED_LOCKED.format(draft_id=record.id))]
    intro = _reopened(turn, record)
    state = turn.state
    state.history = []
    if action.kind == "y":
        state.cursor = CostCursor()
        state.editing = Editing(group="cost", section="cost_plan")
        return [*intro, *ask(turn, "cost.year")]
    state.cursor = CostCursor(year=action.year)
    if action.kind == "p":
        state.editing = Editing(group="cost.person", section="cost_plan")
        return [*intro, *ask(turn, "cost.role")]
    state.editing = Editing(group="cost.material", section="cost_plan")
    return [*intro, *ask(turn, "cost.item")]
