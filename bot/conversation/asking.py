"""Questions to the documents: what the core needs from the answerer, and answers as replies."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from bot.conversation import texts
from bot.conversation.messages import Button, Reply
from retrieval import Answer

log = logging.getLogger(__name__)

LABEL_LIMIT = 40
"""Characters of a suggestion button: what a phone shows across its width."""
CALLBACK_LIMIT = 64
"""Bytes of a button's callback data, Telegram's limit."""
OFFER_KEY = "offered"
"""Where the dialogue state keeps the suggestions of the latest ask-back (see `take_offer`)."""


class QuestionAnswerer(Protocol):
    """The part of `retrieval.Answerer` the conversation uses; tests pass a prepared one."""

    def answer(self, question: str) -> Answer:
        """The cited answer, an ask-back with suggestions, or a decline."""
        ...

    def resolve(self, key: str) -> Answer | None:
        """The cited answer behind a suggestion key; None once the key is unknown."""
        ...

    def document_labels(self) -> list[str]:
        """Short names of the indexed documents, for the help text."""
        ...


class Offered(BaseModel):
    """One suggestion of an ask-back, as kept in the dialogue state between two actions."""

    model_config = ConfigDict(frozen=True)

    key: str
    question: str

    @property
    def label(self) -> str:
        return button_label(self.question)

    @property
    def callback(self) -> str:
        return f"s:{self.key}"


_OFFER = TypeAdapter(tuple[Offered, ...])


def button_label(question: str, limit: int = LABEL_LIMIT) -> str:
    """The question shortened at a word boundary to fit a phone button, with "…".

    Example: "Dürfen Personalausgaben für eine Präventionskoordination gefördert werden?"
    (74 characters) -> cut to 39, back to the last space, add "…" ->
    "Dürfen Personalausgaben für eine…" (33 characters).
    A single word longer than half the limit is cut inside the word instead.
    """
    text = " ".join(question.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"


def offered_by(answer: Answer) -> tuple[Offered, ...]:
    """The suggestions an answer offers: an ask-back's own, or those of a multi's ask-back parts."""
    suggestions = (*answer.suggestions, *(s for part in answer.parts for s in part.suggestions))
    offered = []
    for suggestion in suggestions:
        item = Offered(key=suggestion.key, question=suggestion.question)
        if len(item.callback.encode()) > CALLBACK_LIMIT:
            # The library promises keys of at most 40 characters; a longer one cannot be a button.
            log.warning("conversation.suggestion_key_too_long length=%s", len(suggestion.key))
            continue
        offered.append(item)
    return tuple(offered)


def needs_office(answer: Answer) -> bool:
    """Whether to offer the office: the documents declined (part of) it, or were unsure."""
    if answer.kind in ("ask_back", "declined"):
        return True
    return any(part.kind == "declined" for part in answer.parts)


def answer_reply(answer: Answer, offered: Sequence[Offered], *, forward: bool) -> Reply:
    """The answer as the user reads it; one button per suggestion, then the forward offer.

    An ask-back lists the full questions numbered like the buttons, since button labels are
    shortened and typing the number picks one too.
    """
    text = answer.render()
    if answer.suggestions and offered:
        listed = "\n".join(f"{n}. {item.question}" for n, item in enumerate(offered, start=1))
        text = f"{text}\n\n{listed}"
    rows = [[Button(item.label, item.callback)] for item in offered]
    if forward:
        rows.append([Button(texts.FORWARD_LABEL, "forward:yes")])
    return Reply(text, rows)


def typed_pick(text: str, offered: Sequence[Offered]) -> Offered | None:
    """The suggestion typed as its number ("2"), its button label or its question."""
    wanted = " ".join(text.split()).casefold()
    for number, item in enumerate(offered, start=1):
        names = (str(number), item.label.casefold(), " ".join(item.question.split()).casefold())
        if wanted in names:
            return item
    return None


def take_offer(pending: dict[str, Any]) -> tuple[Offered, ...]:
    """Remove the offer from the state and return it: it is valid for the very next action.

    A value the model rejects (written by another version) counts as no offer.
    """
    raw = pending.pop(OFFER_KEY, None)
    if raw is None:
        return ()
    try:
        return _OFFER.validate_python(raw)
    except ValidationError:
        return ()


def keep_offer(pending: dict[str, Any], offered: Sequence[Offered]) -> None:
    """Store the offer in the state, so that a typed number or label can pick from it."""
    if offered:
        pending[OFFER_KEY] = [item.model_dump() for item in offered]
