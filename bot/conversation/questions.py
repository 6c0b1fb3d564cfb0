"""Questions typed during the dialogue: the cited answer, an ask-back, or the office."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from bot.conversation import asking, texts
from bot.conversation.messages import Reply
from bot.conversation.prompts import PRIVACY, open_prompt
from bot.conversation.state import AwaitForward, Offered
from bot.conversation.turn import Turn
from retrieval import Answer

log = logging.getLogger(__name__)

FORWARDS_PER_HOUR = 5
"""More questions an hour than an office can take from one person: the rest goes by e-mail."""
FORWARD_WINDOW = timedelta(hours=1)


def question(turn: Turn, text: str) -> list[Reply]:
    """Answer from the documents, then what was open before, which stays open.

    After an ask-back the suggestions are the open prompt, so that a typed "2" picks one; the
    open step follows once one was picked.
    """
    answer = turn.answer(text)
    offered = asking.offered_by(answer)
    turn.state.offered = offered
    reply = _answer_reply(turn, answer, offered, question=text)
    return [reply] if offered else [reply, *again(turn)]


def pick(turn: Turn, key: str) -> list[Reply]:
    """A suggestion of an ask-back was chosen: its cited answer, then the open step again."""
    answer = turn.ctx.answerer.resolve(key)
    if answer is None:  # e.g. the knowledge base changed since the suggestion was shown
        log.info("conversation.suggestion_stale owner_id=%s", turn.ctx.owner_id)
        return [Reply(texts.SUGGESTION_STALE), *again(turn)]
    reply = _answer_reply(turn, answer, (), question=answer.question)
    return [reply, *again(turn)]


def again(turn: Turn) -> list[Reply]:
    """The open prompt after an answer, introduced unless it is the privacy gate."""
    return open_prompt(turn, intro=turn.state.step != PRIVACY)


def _answer_reply(
    turn: Turn, answer: Answer, offered: Sequence[Offered], *, question: str
) -> Reply:
    forward = asking.needs_office(answer) and turn.ctx.can_reach_staff
    if forward:
        turn.state.wait_for(AwaitForward(question=question))
    return asking.answer_reply(answer, offered, forward=forward)


def forward(turn: Turn) -> list[Reply]:
    """The user asked to pass an unanswered question to the LPR office (once per question)."""
    waiting = turn.state.waiting_for("forward")
    if not isinstance(waiting, AwaitForward):
        return []
    turn.state.resolve("forward")
    ctx = turn.ctx
    recent = turn.state.recent(turn.state.forwarded, ctx.now, FORWARD_WINDOW)
    if len(recent) >= FORWARDS_PER_HOUR:
        log.info("conversation.forward_throttled owner_id=%s", ctx.owner_id)
        text = texts.FORWARD_THROTTLED.format(email=ctx.office_email, phone=ctx.office_phone)
        return [Reply(text), *open_prompt(turn)]
    turn.state.forwarded = [*recent, ctx.now]
    record = turn.active()
    email = record.draft.contact.email if record else None
    reply_to = (
        texts.FORWARD_REPLY_TO_DRAFT
        if email
        else texts.FORWARD_REPLY_UNKNOWN.format(email=ctx.office_email, phone=ctx.office_phone)
    )
    request_id = turn.store.request(
        "frage", question=waiting.question, draft_id=record.id if record else None
    )
    to_staff = texts.STAFF_QUESTION.format(
        owner_id=ctx.owner_id, question=waiting.question, reply_to=email or "keine E-Mail angegeben"
    )
    if ctx.review_url:
        to_staff += "\n" + texts.STAFF_LINK.format(url=f"{ctx.review_url}/anfragen/{request_id}")
    log.info("conversation.question_forwarded owner_id=%s request_id=%s", ctx.owner_id, request_id)
    return [
        Reply(texts.FORWARDED.format(reply_to=reply_to)),
        Reply(to_staff, to_staff=True),
        *open_prompt(turn),
    ]
