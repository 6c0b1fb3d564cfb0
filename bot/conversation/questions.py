"""Questions typed during the dialogue: the cited answer, an ask-back, or the office."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import timedelta

from bot.conversation import asking, texts
from bot.conversation.actions import NotifyMe, Rate, encode
from bot.conversation.messages import Button, Reply
from bot.conversation.prompts import PRIVACY, open_prompt
from bot.conversation.state import AwaitForward, Offered, RatedAnswer
from bot.conversation.turn import Turn
from retrieval import Answer

log = logging.getLogger(__name__)

FORWARDS_PER_HOUR = 5
"""More questions an hour than an office can take from one person: the rest goes by e-mail."""
FORWARD_WINDOW = timedelta(hours=1)

OUTCOME_OF = {"declined": "abgelehnt", "ask_back": "nachgefragt"}
"""Answers the office should see in its list of unanswered questions."""
RATED = frozenset({"faq", "extract", "generated", "multi"})
"""Answers from the documents, which get 👍/👎 (small talk and refusals do not)."""


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
    """The answer with what the user can do next: rate it, or, when the documents could not
    answer, pass it to the office or ask to be told once the office has an answer."""
    forward = asking.needs_office(answer) and turn.ctx.can_reach_staff
    if forward:
        turn.state.wait_for(AwaitForward(question=question))
    reply = asking.answer_reply(answer, offered, forward=forward)
    outcome = OUTCOME_OF.get(answer.kind)
    if outcome is not None:
        log_id = turn.store.log_question(question, outcome=outcome, ref=None)
        turn.state.rated = None
        if answer.kind != "declined":  # an ask-back's buttons are the suggestions
            return reply
        notify = Button(texts.NOTIFY_ME_LABEL, encode(NotifyMe(log_id=log_id)))
        return Reply(reply.text, [*reply.buttons, [notify]])
    if answer.kind not in RATED:
        return reply
    ref = "; ".join(f"{s.document} › {s.section}" for s in answer.sources)[:300]
    token = hashlib.sha256(f"{question}\n{turn.ctx.now.isoformat()}".encode()).hexdigest()[:10]
    turn.state.rated = RatedAnswer(token=token, question=question, ref=ref)
    rating = [
        Button(texts.RATE_GOOD_LABEL, encode(Rate(token=token, good=True))),
        Button(texts.RATE_BAD_LABEL, encode(Rate(token=token, good=False))),
    ]
    return Reply(reply.text, [*reply.buttons, rating])


def rate(turn: Turn, action: Rate) -> list[Reply] | None:
    """👍/👎 under the last answer; the question is kept without the asker, for the office."""
    rated = turn.state.rated
    if rated is None or rated.token != action.token:
        return None
    turn.state.rated = None
    outcome = "gut" if action.good else "schlecht"
    log_id = turn.store.log_question(rated.question, outcome=outcome, ref=rated.ref)
    log.info("conversation.rated owner_id=%s good=%s", turn.ctx.owner_id, action.good)
    if action.good:
        return [Reply(texts.RATED_GOOD)]
    notify = Button(texts.NOTIFY_ME_LABEL, encode(NotifyMe(log_id=log_id)))
    return [Reply(texts.RATED_BAD, [[notify]])]


def notify_me(turn: Turn, action: NotifyMe) -> list[Reply] | None:
    """Consent to be told the office's answer to this question, in this chat."""
    if not turn.store.want_answer(action.log_id):
        return None
    log.info("conversation.notify_requested owner_id=%s", turn.ctx.owner_id)
    return [Reply(texts.NOTIFY_ME_OK)]


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
