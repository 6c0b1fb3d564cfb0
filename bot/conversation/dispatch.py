"""One user action: decode it against the open prompt, run its handler, return the replies.

`handle(state, incoming, ctx, store) -> Outcome` knows no database and no channel: the
conversation core feeds it a SQL store, unit tests an in-memory one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.conversation import asking, drafting, form, items, office, questions, texts
from bot.conversation.actions import (
    Action,
    AddItem,
    AskInstead,
    AskMode,
    Back,
    Choose,
    Confirm,
    DeleteItem,
    EditGroup,
    EditItemField,
    Export,
    Forward,
    NewDraft,
    NotifyMe,
    Pick,
    PrivacyOk,
    Rate,
    Resume,
    Revise,
    RunCommand,
    SaveAnswer,
    ShowItem,
    ShowSection,
    Skip,
    SlotReply,
    Submit,
    Switch,
    decode,
)
from bot.conversation.messages import Incoming, Reply
from bot.conversation.prompts import PRIVACY, open_buttons, open_prompt
from bot.conversation.state import DialogueState
from bot.conversation.steps import BY_KEY
from bot.conversation.store import Store
from bot.conversation.turn import Context, Turn
from bot.drafts.parsing import fold_text

log = logging.getLogger(__name__)

Handler = Callable[[Turn, Any], list[Reply] | None]
"""A handler returns None when its button no longer fits (an old message was tapped)."""


@dataclass(frozen=True)
class Outcome:
    state: DialogueState
    replies: list[Reply]
    deleted: bool


def handle(state: DialogueState, incoming: Incoming, ctx: Context, store: Store) -> Outcome:
    turn = Turn(state=state.model_copy(deep=True), store=store, ctx=ctx)
    offered = turn.state.offered
    turn.state.offered = ()  # suggestions are valid for the very next action only
    replies = _run(turn, incoming, offered)
    return Outcome(state=turn.state, replies=replies, deleted=turn.deleted)


def _run(turn: Turn, incoming: Incoming, offered: tuple[Any, ...]) -> list[Reply]:
    if incoming.kind == "command":
        return command(turn, incoming.command or "")
    if incoming.kind == "button":
        return button(turn, decode(incoming.button or ""))
    if incoming.kind == "text":
        return text(turn, incoming.text or "", offered)
    return [Reply(texts.ONLY_TEXT), *open_prompt(turn)]


def text(turn: Turn, typed: str, offered: tuple[Any, ...] = ()) -> list[Reply]:
    """Typed text: a suggestion's number, an open button's label, the answer, or a question."""
    if not typed.strip():
        return [Reply(texts.EMPTY), *open_prompt(turn)]
    picked = asking.typed_pick(typed, offered)
    if picked is not None:
        return questions.pick(turn, picked.key)
    pressed = typed_button(turn, typed)
    if pressed is not None:
        return button(turn, pressed)
    if turn.state.step is None or turn.state.step == PRIVACY:
        return questions.question(turn, typed)
    return form.typed(turn, typed)


_WORDS = frozenset({"ja", "nein", "zuruck", "uberspringen"})


def typed_button(turn: Turn, typed: str) -> Action | None:
    """The open prompt's button the text names: its label, or its first word ("ja", "zurück").

    So "zurück" typed at the first question goes back instead of becoming the name, in every
    channel, and "ja" confirms "Ja, alles löschen".
    """
    wanted = _fold(typed)
    buttons = open_buttons(turn)
    for b in buttons:
        if wanted == _fold(b.label):
            return decode(b.data)
    if wanted in _WORDS:
        for b in buttons:
            first = _fold(b.label.replace(",", " ").split()[0]) if b.label.strip() else ""
            if first == wanted:
                return decode(b.data)
    return None


def _fold(text: str) -> str:
    return " ".join(fold_text(text).replace("?", " ").replace("!", " ").replace(".", " ").split())


def foreseen_question(turn: Turn, typed: str) -> str | None:
    """The text, when `text()` will answer it as a question: computed before the write lock."""
    if not typed.strip() or asking.typed_pick(typed, turn.state.offered):
        return None
    if typed_button(turn, typed):
        return None
    state = turn.state
    if state.step is None or state.step == PRIVACY or state.asking:
        return typed
    step = BY_KEY.get(state.step)
    return typed if step is not None and form.is_question_at(step, typed) else None


# -- commands -------------------------------------------------------------------------------

_INFO: dict[str, Callable[[Turn], list[Reply]]] = {
    "start": lambda t: [Reply(texts.GREETING)],
    "hilfe": lambda t: [Reply(texts.help_text(t.ctx.answerer.document_labels()))],
    "help": lambda t: [Reply(texts.help_text(t.ctx.answerer.document_labels()))],
    "datenschutz": lambda t: [Reply(texts.privacy(t.ctx.retention_days))],
    "meine_daten": drafting.my_data,
    "entwurf": drafting.show,
    "pruefen": drafting.check,
    "entwuerfe": drafting.list_drafts,
}
_ACTIONS: dict[str, Callable[[Turn], list[Reply]]] = {
    "antrag": drafting.start_or_resume,
    "abbrechen": drafting.cancel,
    "einreichen": drafting.ask_submit,
    "loeschen": drafting.ask_delete,
    "export": drafting.export,
}


def command(turn: Turn, name: str) -> list[Reply]:
    """Informational commands show the open prompt again; actions replace it."""
    if name in _INFO:
        return [*_INFO[name](turn), *open_prompt(turn, intro=True)]
    if name in _ACTIONS:
        return _ACTIONS[name](turn)
    return [Reply(texts.UNKNOWN_COMMAND.format(name=name)), *open_prompt(turn)]


# -- buttons --------------------------------------------------------------------------------

_CONFIRMS: dict[str, Callable[[Turn, bool], list[Reply] | None]] = {
    "delete": drafting.confirm_delete,
    "submit": lambda t, yes: None if yes else drafting.cancel_submit(t),
    "value": form.confirm_value,
    "item_delete": items.confirm_delete,
}


def _new_draft(turn: Turn, _action: NewDraft) -> list[Reply] | None:
    return drafting.new_draft(turn) if turn.state.waiting_for("resume") else None


BUTTONS: dict[type[Action], Handler] = {
    Choose: form.choose,
    Skip: form.skip,
    Back: form.back,
    PrivacyOk: lambda t, _a: form.privacy_ok(t),
    SaveAnswer: lambda t, _a: form.save_answer(t),
    AskInstead: lambda t, _a: form.ask_instead(t),
    AskMode: lambda t, _a: form.ask_mode(t),
    RunCommand: lambda t, a: command(t, a.name),
    Pick: lambda t, a: questions.pick(t, a.key),
    Forward: lambda t, _a: questions.forward(t) or None,
    Revise: office.revise,
    Rate: questions.rate,
    NotifyMe: questions.notify_me,
    SlotReply: office.slot_reply,
    ShowSection: drafting.show_section,
    EditGroup: drafting.edit_group,
    ShowItem: items.show_item,
    EditItemField: items.edit_field,
    DeleteItem: items.ask_delete,
    AddItem: items.add,
    Resume: drafting.resume,
    NewDraft: _new_draft,
    Switch: drafting.switch,
    Submit: drafting.submit,
    Export: drafting.export,
    Confirm: lambda t, a: _CONFIRMS[a.what](t, a.yes) if a.what in _CONFIRMS else None,
}


def button(turn: Turn, action: Action) -> list[Reply]:
    handler = BUTTONS.get(type(action))
    replies = handler(turn, action) if handler else None
    if replies is None:
        log.info("conversation.old_button owner_id=%s", turn.ctx.owner_id)
        return [Reply(texts.OLD_BUTTON), *open_prompt(turn)]
    return replies
