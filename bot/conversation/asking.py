"""Questions to the documents: what the core needs from the answerer, and answers as replies."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from bot.conversation import texts
from bot.conversation.actions import Forward, encode
from bot.conversation.messages import Button, Reply
from bot.conversation.state import Offered
from retrieval import Answer

log = logging.getLogger(__name__)

CALLBACK_LIMIT = 64
"""Bytes of a button's callback data, Telegram's limit."""


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
        rows.append([Button(texts.FORWARD_LABEL, encode(Forward()))])
    return Reply(text, rows)


def typed_pick(text: str, offered: Sequence[Offered]) -> Offered | None:
    """The suggestion typed as its number ("2"), its button label or its question."""
    wanted = " ".join(text.split()).casefold()
    for number, item in enumerate(offered, start=1):
        names = (str(number), item.label.casefold(), " ".join(item.question.split()).casefold())
        if wanted in names:
            return item
    return None
