"""The form steps as a dialogue: ask, read the answer, check it at once, write it, move on.

Pure over the state and the store: no session, no clock (today comes in the context).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from pydantic import ValidationError

from bot.conversation import texts, views
from bot.conversation.actions import Back, Choose, Skip
from bot.conversation.messages import Reply
from bot.conversation.prompts import PRIVACY, ask_to_confirm, privacy_gate, step_prompt
from bot.conversation.questions import question
from bot.conversation.state import AwaitSaveOrAsk, AwaitValue, Editing
from bot.conversation.steps import BY_KEY, FIRST, Step, match_choice, next_key
from bot.conversation.turn import Turn
from bot.drafts import Draft, Finding, ParseError, entry_findings

log = logging.getLogger(__name__)


def ask(turn: Turn, key: str) -> list[Reply]:
    """Open step `key`; behind the privacy gate when it is the first personal question."""
    step = BY_KEY[key]
    state = turn.state
    # Opening a step leaves every other confirmation behind (a forgotten "Soll ich einreichen?"
    # must not come back as the open question); only the offer to forward stays valid.
    state.awaiting = [a for a in state.awaiting if a.kind == "forward"]
    if step.personal and not turn.store.privacy_seen():
        state.step = PRIVACY
        state.after_privacy = key
        return [privacy_gate(turn)]
    state.step = key
    if state.draft_id is not None and state.editing is None:
        state.last_step[state.draft_id] = key
    return [step_prompt(turn, step)]


def privacy_ok(turn: Turn) -> list[Reply] | None:
    if turn.state.step != PRIVACY:
        return None
    turn.store.mark_privacy_seen()
    key = turn.state.after_privacy or FIRST
    turn.state.after_privacy = None
    return ask(turn, key)


def typed(turn: Turn, text: str) -> list[Reply]:
    """Text at an open step: the answer if it reads as one, else the question it is.

    At a free-text step anything is an answer, so a message that reads like a question is
    put back to the user: save it, or answer it? Nothing typed is lost either way.
    """
    state = turn.state
    assert state.step is not None
    step = BY_KEY[state.step]
    if state.asking:
        state.asking = False
        return question(turn, text)
    if step.text_step:
        if looks_like_question(text):
            return [ask_to_confirm(turn, AwaitSaveOrAsk(step=step.key, text=text))]
        return _parse_and_accept(turn, step, text)
    try:
        value = read(step, text)
    except ParseError as exc:
        if looks_like_question(text):
            log.info(
                "conversation.question_in_step owner_id=%s step=%s", turn.ctx.owner_id, step.key
            )
            return question(turn, text)
        return [Reply(exc.message), step_prompt(turn, step)]
    shown = step.confirm(text) if step.confirm else None
    if shown is not None:
        return [ask_to_confirm(turn, AwaitValue(step=step.key, raw=text, shown=shown))]
    return accept(turn, step, value)


def read(step: Step, text: str) -> Any:
    """The answer `text` gives to `step`: a choice by label or number, else parsed."""
    return match_choice(step, text) if step.choices else step.parse(text)


def is_question_at(step: Step, text: str) -> bool:
    """At a structured step, text that is no valid answer but reads as a question is one."""
    if step.text_step or not looks_like_question(text):
        return False
    try:
        read(step, text)
    except ParseError:
        return True
    return False


def _parse_and_accept(turn: Turn, step: Step, text: str) -> list[Reply]:
    try:
        value = read(step, text)
    except ParseError as exc:
        return [Reply(exc.message), step_prompt(turn, step)]
    return accept(turn, step, value)


def save_answer(turn: Turn) -> list[Reply] | None:
    waiting = turn.state.waiting_for("save_or_ask")
    if not isinstance(waiting, AwaitSaveOrAsk) or waiting.step != turn.state.step:
        return None
    turn.state.resolve("save_or_ask")
    return _parse_and_accept(turn, BY_KEY[waiting.step], waiting.text)


def ask_instead(turn: Turn) -> list[Reply] | None:
    waiting = turn.state.waiting_for("save_or_ask")
    if not isinstance(waiting, AwaitSaveOrAsk):
        return None
    turn.state.resolve("save_or_ask")
    return question(turn, waiting.text)


def ask_mode(turn: Turn) -> list[Reply]:
    turn.state.asking = True
    return [Reply(texts.ASK_MODE)]


def confirm_value(turn: Turn, yes: bool) -> list[Reply] | None:
    """ "Ja, 12.500,00 €" takes the loosely typed amount; "Nein" asks the step again."""
    waiting = turn.state.waiting_for("value")
    if not isinstance(waiting, AwaitValue) or waiting.step != turn.state.step:
        return None
    turn.state.resolve("value")
    step = BY_KEY[waiting.step]
    if not yes:
        return [Reply(texts.CONFIRM_VALUE_AGAIN), step_prompt(turn, step)]
    return accept(turn, step, step.parse(waiting.raw))


def choose(turn: Turn, action: Choose) -> list[Reply] | None:
    step = _open(turn, action.step)
    if step is None or not 0 <= action.index < len(step.choices):
        return None
    return accept(turn, step, step.choices[action.index].value)


def skip(turn: Turn, action: Skip) -> list[Reply] | None:
    step = _open(turn, action.step)
    if step is None or not step.skippable:
        return None
    return accept(turn, step, None, skipped=True)


def back(turn: Turn, action: Back) -> list[Reply] | None:
    """One step back; while changing an answer, back to the section it came from."""
    step = _open(turn, action.step)
    if step is None:
        return None
    state = turn.state
    if state.history:
        return ask(turn, state.history.pop())
    if state.editing is not None:
        return _finish_edit(turn, state.editing, texts.EDIT_LEFT)
    return None


def _open(turn: Turn, key: str) -> Step | None:
    """The step a button belongs to, if it is still the open one."""
    return BY_KEY.get(key) if key == turn.state.step else None


def accept(turn: Turn, step: Step, value: Any, *, skipped: bool = False) -> list[Reply]:
    """Check the answer at once, write it, move on; an error leaves the draft unchanged."""
    state = turn.state
    record = turn.active()
    if record is None:
        state.step = None
        return [Reply(texts.NO_DRAFT)]
    if not record.editable:
        state.step = None
        return [Reply(texts.ALREADY_SUBMITTED.format(draft_id=record.id, version=record.version))]
    draft = record.draft.model_copy(deep=True)
    cursor = state.cursor.model_copy()
    notes: list[Reply] = []
    if not skipped:
        try:
            step.apply(draft, value, cursor)
            draft = Draft.model_validate(draft.model_dump())
        except (ValidationError, ValueError) as exc:
            log.info("conversation.invalid owner_id=%s step=%s", turn.ctx.owner_id, step.key)
            return [Reply(_validation_message(exc)), step_prompt(turn, step)]
        post = (
            (cursor.year, cursor.personnel)
            if step.section == "cost_plan" and cursor.year and cursor.personnel is not None
            else None
        )
        findings = entry_findings(draft, step.checks or step.key, today=turn.ctx.today, post=post)
        if draft.planned_submission is None:
            # Not asked yet: a deadline counted from today would warn about an answer not given.
            findings = [f for f in findings if f.field not in ("planned_submission", "late_reason")]
        errors = [f for f in findings if f.level == "fehler"]
        if errors:
            return [Reply(_findings_text(errors, stop=True)), step_prompt(turn, step)]
        if findings:
            notes.append(Reply(_findings_text(findings, stop=False)))
        turn.store.save(record.id, draft)
        state.cursor = cursor
    notes += _effects(turn, step, value, draft)
    state.history.append(step.key)
    following = next_key(step, draft, value, today=turn.ctx.today, skipped=skipped)
    editing = state.editing
    if editing and (
        editing.single or following is None or not within(BY_KEY[following].group, editing.group)
    ):
        return [*notes, *_finish_edit(turn, editing, texts.EDIT_DONE)]
    if following is None:
        state.step = None
        state.history = []
        return [*notes, *views.overview(turn.active() or record, intro=texts.ALL_ANSWERED)]
    return [*notes, *ask(turn, following)]


def within(group: str, edited: str) -> bool:
    """ "cost.person" lies within "cost" (adding a year asks for posts too); "costx" does not."""
    return group == edited or group.startswith(edited + ".")


def _finish_edit(turn: Turn, editing: Editing, intro: str) -> list[Reply]:
    """After a change: that section, not the whole draft (a wall of text on a phone)."""
    state = turn.state
    state.editing = None
    state.history = []
    state.step = None
    record = turn.active()
    if record is None:
        return [Reply(texts.NO_DRAFT)]
    return [views.section_view(record, editing.section, intro=intro)]


def _effects(turn: Turn, step: Step, value: Any, draft: Draft) -> list[Reply]:
    """What an answer promises beyond the draft, kept here: a requested appointment."""
    if step.effect != "appointment" or value is not True:
        return []
    ctx = turn.ctx
    log.info("conversation.appointment_requested owner_id=%s", ctx.owner_id)
    if not ctx.can_reach_staff:
        return [
            Reply(texts.APPOINTMENT_NO_STAFF.format(email=ctx.office_email, phone=ctx.office_phone))
        ]
    request_id = turn.store.request("termin", question=None, draft_id=turn.state.draft_id)
    contact = draft.contact
    staff = texts.STAFF_APPOINTMENT.format(
        owner_id=ctx.owner_id,
        applicant=draft.applicant.name or "–",
        contact=contact.name or "–",
        email=contact.email or "–",
        phone=contact.phone or "–",
    )
    if ctx.review_url:
        staff += "\n" + texts.STAFF_LINK.format(url=f"{ctx.review_url}/anfragen/{request_id}")
    return [Reply(texts.APPOINTMENT_SENT), Reply(staff, to_staff=True)]


def _findings_text(findings: list[Finding], *, stop: bool) -> str:
    head = texts.ENTRY_ERROR if stop else texts.ENTRY_WARNING
    marks = {"fehler": "❌", "warnung": "⚠️", "hinweis": "ℹ️"}
    return "\n".join([head, *(f"{marks[f.level]} {f.message}" for f in findings)])


_QUESTION_START = re.compile(
    r"^(was|wie|wann|wer|wen|wem|wo|woher|wohin|welche[rsmn]?|warum|wieso|weshalb|wozu|"
    r"darf|dürfen|kann|können|muss|müssen|gibt|gilt|brauche|brauchen|bis wann|ab wann)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """ "Was ist förderfähig?" or "wie hoch darf ..." -> True; "Stadt Pirna" -> False."""
    stripped = text.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))


def _validation_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        message = str(first.get("msg", "")).removeprefix("Value error, ")
        return f"Diese Angabe passt nicht: {message}"
    return f"Diese Angabe passt nicht: {exc}"
