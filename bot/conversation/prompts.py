"""The open prompt: what the user is being asked right now, with its buttons.

Shown after a step is opened and again after a question in between; the dispatcher matches
typed text against exactly these buttons before it reads the text as an answer or a question.
"""

from __future__ import annotations

from bot.conversation import texts
from bot.conversation.actions import (
    AskInstead,
    AskMode,
    Back,
    Choose,
    Confirm,
    NewDraft,
    PrivacyOk,
    Resume,
    SaveAnswer,
    Skip,
    Submit,
    encode,
)
from bot.conversation.messages import Button, Reply
from bot.conversation.state import (
    AwaitDelete,
    Awaiting,
    AwaitItemDelete,
    AwaitResume,
    AwaitSaveOrAsk,
    AwaitSubmit,
    AwaitValue,
)
from bot.conversation.steps import BY_KEY, Step, display
from bot.conversation.turn import Turn

PRIVACY = "@datenschutz"
"""The pseudo-step of the privacy gate before the first personal question."""


def step_prompt(turn: Turn, step: Step) -> Reply:
    """The question of a step; when changing an answer, what is stored now."""
    text = f"{step.prompt}\n\n{step.help}" if step.help else step.prompt
    current = _current(turn, step)
    if current is not None:
        text += "\n\n" + texts.CURRENT_VALUE.format(value=current)
    choices = [
        Button(c.label, encode(Choose(step=step.key, index=i))) for i, c in enumerate(step.choices)
    ]
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    nav: list[Button] = []
    if step.skippable:
        nav.append(Button(texts.SKIP_LABEL, encode(Skip(step=step.key))))
    if turn.state.history or turn.state.editing:
        nav.append(Button(texts.BACK_LABEL, encode(Back(step=step.key))))
    if step.text_step:
        nav.append(Button(texts.ASK_MODE_LABEL, encode(AskMode())))
    return Reply(text, [*rows, nav] if nav else rows)


def _current(turn: Turn, step: Step) -> str | None:
    record = turn.active()
    if record is None or turn.state.editing is None:
        return None
    try:
        value = step.apply.read(record.draft, turn.state.cursor.model_copy())
    except ValueError:
        return None
    return display(value, step) if value not in (None, "") else None


def privacy_gate(turn: Turn) -> Reply:
    text = f"{texts.PRIVACY_GATE}\n\n{texts.privacy(turn.ctx.retention_days)}"
    return Reply(text, [[Button(texts.PRIVACY_OK_LABEL, encode(PrivacyOk()))]])


def confirmation(awaiting: Awaiting) -> Reply | None:
    """The question of an open confirmation, to show again; None for offers not worth it."""
    if isinstance(awaiting, AwaitDelete):
        return Reply(texts.DELETE_CONFIRM, [yes_no("delete", texts.DELETE_YES, texts.DELETE_NO)])
    if isinstance(awaiting, AwaitSubmit):
        yes = Button(
            texts.SUBMIT_YES,
            encode(Submit(draft_id=awaiting.draft_id, version=awaiting.version)),
        )
        no = Button(texts.SUBMIT_NO, encode(Confirm(what="submit", yes=False)))
        return Reply(texts.SUBMIT_STILL_OPEN.format(version=awaiting.version), [[yes, no]])
    if isinstance(awaiting, AwaitResume):
        return Reply(
            texts.RESUME_STILL_OPEN.format(draft_id=awaiting.draft_id),
            [
                [Button(texts.RESUME_LABEL, encode(Resume(draft_id=awaiting.draft_id)))],
                [Button(texts.NEW_DRAFT_LABEL, encode(NewDraft()))],
            ],
        )
    if isinstance(awaiting, AwaitValue):
        return Reply(
            texts.CONFIRM_VALUE.format(value=awaiting.shown),
            [yes_no("value", texts.CONFIRM_VALUE_YES.format(value=awaiting.shown),
                    texts.CONFIRM_VALUE_NO)],
        )  # fmt: skip
    if isinstance(awaiting, AwaitSaveOrAsk):
        return Reply(
            texts.SAVE_OR_ASK.format(text=_quote(awaiting.text)),
            [[Button(texts.SAVE_LABEL, encode(SaveAnswer())),
              Button(texts.ASK_LABEL, encode(AskInstead()))]],
        )  # fmt: skip
    if isinstance(awaiting, AwaitItemDelete):
        return Reply(
            texts.ITEM_DELETE_CONFIRM,
            [yes_no("item_delete", texts.ITEM_DELETE_YES, texts.ITEM_DELETE_NO)],
        )
    return None


def ask_to_confirm(turn: Turn, awaiting: Awaiting) -> Reply:
    """Open a confirmation and return its question (every kind opened here has one)."""
    turn.state.wait_for(awaiting)
    reply = confirmation(awaiting)
    assert reply is not None, awaiting.kind
    return reply


def yes_no(what: str, yes: str, no: str) -> list[Button]:
    return [
        Button(yes, encode(Confirm(what=what, yes=True))),
        Button(no, encode(Confirm(what=what, yes=False))),
    ]


def _quote(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def open_prompt(turn: Turn, *, intro: bool = False) -> list[Reply]:
    """What is open now: the newest confirmation, else the privacy gate, else the step."""
    for awaiting in reversed(turn.state.awaiting):
        reply = confirmation(awaiting)
        if reply is not None:
            return [reply]
    step = turn.state.step
    if step == PRIVACY:
        return (
            [Reply(texts.PRIVACY_STILL_OPEN), privacy_gate(turn)] if intro else [privacy_gate(turn)]
        )
    if step not in BY_KEY:
        return []
    prompt = step_prompt(turn, BY_KEY[step])
    return [Reply(texts.STEP_AGAIN), prompt] if intro else [prompt]


def open_buttons(turn: Turn) -> list[Button]:
    return [b for reply in open_prompt(turn) for row in reply.buttons for b in row]
