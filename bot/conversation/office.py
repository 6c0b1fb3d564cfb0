"""What the LPR office sends a user, and the user's buttons under it.

The review workspace calls the `*_notice` functions to build the message (the core owns every
German text a user reads); `revise` and `slot_reply` handle the buttons in the user's turn.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.conversation import texts, views
from bot.conversation.actions import Revise, SlotReply, encode
from bot.conversation.messages import Button, Reply
from bot.conversation.turn import Turn

log = logging.getLogger(__name__)
BERLIN = ZoneInfo("Europe/Berlin")


def when(moment: datetime) -> str:
    """A proposed appointment as a German reads it: "Dienstag, 08.12.2026, 10:30 Uhr"."""
    local = moment.astimezone(BERLIN)
    return f"{texts.WEEKDAYS[local.weekday()]}, {local:%d.%m.%Y, %H:%M} Uhr"


def query_notice(*, draft_id: int, version: int, message: str) -> Reply:
    """The office asks back about a submitted version; the button opens the draft to change."""
    text = texts.OFFICE_QUERY.format(draft_id=draft_id, version=version, message=message)
    return Reply(text, [[Button(texts.OFFICE_QUERY_BUTTON, encode(Revise(draft_id=draft_id)))]])


def accepted_notice(*, draft_id: int, version: int, message: str) -> Reply:
    note = texts.OFFICE_NOTE.format(message=message) if message.strip() else ""
    return Reply(texts.OFFICE_ACCEPTED.format(draft_id=draft_id, version=version, note=note))


def rejected_notice(*, draft_id: int, version: int, message: str) -> Reply:
    """`message` is the office's reason."""
    text = texts.OFFICE_REJECTED.format(draft_id=draft_id, version=version, reason=message)
    return Reply(text, [[Button(texts.OFFICE_QUERY_BUTTON, encode(Revise(draft_id=draft_id)))]])


def answer_notice(*, question: str, answer: str) -> Reply:
    return Reply(texts.OFFICE_ANSWER.format(question=question, answer=answer))


def slot_notice(*, request_id: int, moment: datetime, message: str) -> Reply:
    note = texts.OFFICE_NOTE.format(message=message) if message.strip() else ""
    buttons = [
        [
            Button(texts.SLOT_ACCEPT, encode(SlotReply(request_id=request_id, accept=True))),
            Button(texts.SLOT_DECLINE, encode(SlotReply(request_id=request_id, accept=False))),
        ]
    ]
    return Reply(texts.OFFICE_SLOT.format(when=when(moment), note=note), buttons)


def revise(turn: Turn, action: Revise) -> list[Reply] | None:
    """Open the draft the office asked about; the first change makes it a new version."""
    record = turn.store.get(action.draft_id)
    if record is None:
        return None
    state = turn.state
    state.draft_id = record.id
    state.step = None
    state.editing = None
    state.history = []
    log.info("conversation.revise owner_id=%s draft_id=%s", turn.ctx.owner_id, record.id)
    return [Reply(texts.REVISE_OPENED.format(draft_id=record.id)), *views.overview(record)]


def slot_reply(turn: Turn, action: SlotReply) -> list[Reply] | None:
    """Take or decline the proposed appointment; the office hears of it in its chat."""
    moment = turn.store.answer_slot(action.request_id, accept=action.accept)
    if moment is None:
        return None
    log.info(
        "conversation.slot_answered owner_id=%s request_id=%s accept=%s",
        turn.ctx.owner_id,
        action.request_id,
        action.accept,
    )
    if action.accept:
        mine = texts.SLOT_CONFIRMED.format(when=when(moment))
        staff = texts.STAFF_SLOT_CONFIRMED.format(request_id=action.request_id, when=when(moment))
    else:
        mine = texts.SLOT_DECLINED.format(email=turn.ctx.office_email, phone=turn.ctx.office_phone)
        staff = texts.STAFF_SLOT_DECLINED.format(request_id=action.request_id, when=when(moment))
    return [Reply(mine), Reply(staff, to_staff=True)]
