"""👍/👎 under an answer, and "tell me later" under a question the documents do not answer:
what the office later finds in its list of unanswered questions."""

from __future__ import annotations

from bot.conversation import texts
from tests.conversation.clerk import Clerk
from tests.fakes.answerer import PreparedAnswerer, cited

DEADLINE = "Bis wann muss der Antrag da sein?"
UNKNOWN = "Dürfen wir mit dem Geld ein Auto für Streetworker kaufen?"


def a_clerk() -> Clerk:
    answers = {DEADLINE: cited(DEADLINE, "Bis zum 15. Oktober.", "Ziffer VII Nr. 1")}
    clerk = Clerk(PreparedAnswerer(answers))
    clerk.store.seen_privacy = True
    return clerk


def test_an_answer_can_be_rated_and_a_thumbs_down_reaches_the_office_without_the_asker() -> None:
    clerk = a_clerk()
    clerk.says(DEADLINE)
    assert texts.RATE_BAD_LABEL in clerk.buttons()

    clerk.presses(texts.RATE_BAD_LABEL)
    assert "Geschäftsstelle sieht Fragen" in clerk.text()
    assert clerk.store.question_log == [(DEADLINE, "schlecht", "RL KommPräv › Ziffer VII Nr. 1")]

    clerk.presses(texts.NOTIFY_ME_LABEL)
    assert "schicke ich Ihnen die Antwort" in clerk.text()
    assert clerk.store.subscribed == {1}


def test_a_rating_counts_once_and_only_for_the_answer_it_was_under() -> None:
    clerk = a_clerk()
    clerk.says(DEADLINE)
    first = list(clerk.last)
    clerk.presses(texts.RATE_GOOD_LABEL)
    assert clerk.text() == texts.RATED_GOOD

    clerk.last = first
    clerk.presses(texts.RATE_GOOD_LABEL)  # the same tap again
    assert texts.OLD_BUTTON in clerk.text()
    assert [outcome for _q, outcome, _r in clerk.store.question_log] == ["gut"]


def test_a_declined_question_is_kept_for_the_office_and_the_user_may_ask_to_be_told() -> None:
    clerk = a_clerk()
    clerk.says(UNKNOWN)
    assert texts.RATE_BAD_LABEL not in clerk.buttons()  # nothing to rate
    assert clerk.store.question_log == [(UNKNOWN, "abgelehnt", None)]

    clerk.presses(texts.NOTIFY_ME_LABEL)
    assert clerk.store.subscribed == {1}
