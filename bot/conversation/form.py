"""Asking and answering the form steps: prompts, parsing, branching, edits and the privacy gate."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.conversation import texts, views
from bot.conversation.messages import Button, Reply
from bot.conversation.steps import BY_KEY, FIRST, Step, match_choice, next_key, short_text
from bot.drafts import Draft, ParseError
from bot.storage import DraftRow, DraftStatus, UserRow, users_repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.conversation.core import Conversation

log = logging.getLogger(__name__)


class Form:
    """The form half of a turn; `_Turn` in core.py provides the state attributes."""

    PRIVACY = "@datenschutz"

    conv: Conversation
    session: Session
    owner_id: int
    user: UserRow
    step: str | None
    draft_id: int | None
    pending: dict[str, Any]

    def current_draft(self) -> DraftRow | None:
        raise NotImplementedError

    def save_draft(self, draft: Draft) -> None:
        raise NotImplementedError

    def summary_reply(self, intro: str) -> Reply:
        raise NotImplementedError

    def question(self, text: str) -> list[Reply]:
        raise NotImplementedError

    def first_key(self) -> str:
        return FIRST

    # -- asking -----------------------------------------------------------------------------

    def ask(self, key: str) -> list[Reply]:
        """Open step `key`; behind the privacy gate when it is the first personal question."""
        step = BY_KEY[key]
        if step.personal and self.user.privacy_seen_at is None:
            self.step = self.PRIVACY
            self.pending["after_privacy"] = key
            return [self.privacy_gate()]
        self.step = key
        if self.draft_id is not None:
            self.pending.setdefault("last_step", {})[str(self.draft_id)] = key
        return [self.prompt(step)]

    def privacy_gate(self) -> Reply:
        text = f"{texts.PRIVACY_GATE}\n\n{texts.PRIVACY}"
        return Reply(text, [[Button(texts.PRIVACY_OK_LABEL, "privacy:ok")]])

    def prompt(self, step: Step) -> Reply:
        text = f"{step.prompt}\n\n{step.help}" if step.help else step.prompt
        choices = [Button(c.label, f"a:{step.key}:{i}") for i, c in enumerate(step.choices)]
        rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
        nav = [Button(texts.SKIP_LABEL, f"skip:{step.key}")] if step.skippable else []
        if self.pending.get("history"):
            nav.append(Button(texts.BACK_LABEL, f"back:{step.key}"))
        return Reply(text, [*rows, nav] if nav else rows)

    def reprompt(self, *, intro: bool = False) -> list[Reply]:
        """The open question again, after something else was answered in between."""
        if self.step == self.PRIVACY:
            return (
                [Reply(texts.PRIVACY_STILL_OPEN), self.privacy_gate()]
                if intro
                else [self.privacy_gate()]
            )
        if self.step not in BY_KEY:
            return []
        prompt = self.prompt(BY_KEY[self.step])
        return [Reply(texts.STEP_AGAIN), prompt] if intro else [prompt]

    def step_again(self) -> list[Reply]:
        """The open step after an answered question: a form step with "Zurück zur offenen
        Frage", the privacy gate as it is (its text already says what is open)."""
        return self.reprompt(intro=self.step != self.PRIVACY)

    # -- answering --------------------------------------------------------------------------

    def typed_answer(self, text: str) -> list[Reply]:
        assert self.step is not None
        step = BY_KEY[self.step]
        if not step.free_text and looks_like_question(text):
            value, error = self._parse(step, text)
            if step.parse is short_text or error is not None:
                log.info(
                    "conversation.question_in_step owner_id=%s step=%s", self.owner_id, step.key
                )
                return self.question(text)
        value, error = self._parse(step, text)
        if error is not None:
            return [Reply(error), self.prompt(step)]
        return self.accept(step, value)

    def _parse(self, step: Step, text: str) -> tuple[Any, str | None]:
        try:
            return (match_choice(step, text) if step.choices else step.parse(text)), None
        except ParseError as exc:
            return None, exc.message

    def accept(self, step: Step, value: Any, *, skipped: bool = False) -> list[Reply]:
        """Write the answer into the draft and move on; nothing changes if it does not fit."""
        row = self.current_draft()
        if row is None or row.id != self.draft_id:
            self.step = None
            return [Reply(texts.NO_DRAFT)]
        if row.status != DraftStatus.ENTWURF:
            self.step = None
            return [Reply(texts.ALREADY_SUBMITTED.format(draft_id=row.id, version=row.version))]
        draft = views.load_draft(row)
        if not skipped:
            try:
                step.apply(draft, value, self.pending)
                draft = Draft.model_validate(draft.model_dump())
            except (ValidationError, ValueError) as exc:
                log.info("conversation.invalid owner_id=%s step=%s", self.owner_id, step.key)
                return [Reply(_validation_message(exc)), self.prompt(step)]
            self.save_draft(draft)
        self.pending.setdefault("history", []).append(step.key)
        following = next_key(step, draft, value, skipped=skipped)
        editing = self.pending.get("edit")
        if editing and (following is None or BY_KEY[following].group != editing):
            self.pending.pop("edit", None)
            self.step = None
            return [self.summary_reply(texts.EDIT_DONE)]
        if following is None:
            self.step = None
            return [self.summary_reply(texts.ALL_ANSWERED)]
        return self.ask(following)

    def form_button(self, head: str, rest: str) -> list[Reply] | None:
        """Buttons of the form; None for a button that no longer fits the open step."""
        if head == "privacy":
            if self.step != self.PRIVACY:
                return None
            self.user = users_repo.mark_privacy_seen(self.session, owner_id=self.owner_id)
            return self.ask(str(self.pending.pop("after_privacy", FIRST)))
        key, _, index = rest.partition(":")
        if key != self.step or key not in BY_KEY:
            return None
        step = BY_KEY[key]
        if head == "a" and index.isdigit() and int(index) < len(step.choices):
            return self.accept(step, step.choices[int(index)].value)
        if head == "skip" and step.skippable:
            return self.accept(step, None, skipped=True)
        if head == "back" and self.pending.get("history"):
            return self.ask(self.pending["history"].pop())
        return None


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
