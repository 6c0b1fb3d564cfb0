"""A prepared answerer: fixed `Answer`s for fixed questions, for conversation and channel tests.

It satisfies `bot.conversation.QuestionAnswerer` the way `retrieval.Answerer` does, so a test
can put any kind of answer (ask-back, smalltalk, multi) in front of the real core and adapters.
"""

from __future__ import annotations

from collections.abc import Mapping

from retrieval import Answer, Source, Suggestion

__all__ = ["PreparedAnswerer", "ask_back", "cited", "declined"]

DECLINE = "Dazu steht nichts in den Unterlagen, die mir vorliegen."
LEAD_IN = "Meinen Sie eine dieser Fragen?"


def cited(question: str, text: str, section: str) -> Answer:
    return Answer(question, True, text, (Source("RL KommPräv", section),), kind="faq")


def declined(question: str) -> Answer:
    return Answer(question, False, DECLINE, kind="declined")


def ask_back(question: str, *suggestions: Suggestion) -> Answer:
    return Answer(question, False, LEAD_IN, kind="ask_back", suggestions=suggestions)


class PreparedAnswerer:
    """Answers the questions it was given; every other question is declined.

    Suggestion keys of the prepared answers resolve to their answers until `forget` is called,
    as after a rebuilt knowledge base.
    """

    def __init__(self, answers: Mapping[str, Answer]) -> None:
        self.answers = dict(answers)
        self.forgotten: set[str] = set()
        self.asked: list[str] = []

    def answer(self, question: str) -> Answer:
        self.asked.append(question)
        return self.answers.get(question) or declined(question)

    def resolve(self, key: str) -> Answer | None:
        if key in self.forgotten:
            return None
        return next((s.answer for s in self._suggestions() if s.key == key), None)

    def document_labels(self) -> list[str]:
        return ["RL KommPräv", "Beccaria-Standards"]

    def forget(self) -> None:
        """The knowledge base changed: no key shown so far resolves any more."""
        self.forgotten = {s.key for s in self._suggestions()}

    def _suggestions(self) -> list[Suggestion]:
        return [
            s
            for answer in self.answers.values()
            for s in (*answer.suggestions, *(s for part in answer.parts for s in part.suggestions))
        ]
