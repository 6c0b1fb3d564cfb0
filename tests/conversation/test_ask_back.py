"""When the documents fit more than one question, the user picks one; greetings and double
questions get their own kind of reply. The answerer is prepared; the core and SQLite are real."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import Conversation, texts
from bot.settings import Settings
from retrieval import Answer, Suggestion
from tests.conversation.conftest import NOW, User
from tests.fakes.answerer import LEAD_IN, PreparedAnswerer, ask_back, cited, declined

STAFF = -100
FORWARD = "An die Geschäftsstelle weitergeben"
STALE = "Diese Auswahl ist nicht mehr aktuell. Bitte stellen Sie Ihre Frage noch einmal."

OWN_SHARE = cited(
    "Wie hoch ist der Eigenanteil?",
    "Die Kommune trägt einen Eigenanteil an den zuwendungsfähigen Ausgaben.",
    "Ziffer V Nr. 2",
)
IN_KIND = cited(
    "Darf der Eigenanteil auch als Sach- oder Arbeitsleistung erbracht werden?",
    "Bewertete Eigenleistungen können auf den Eigenanteil angerechnet werden.",
    "Ziffer V Nr. 3",
)
VAGUE = "Was ist mit dem Eigenanteil?"
IN_KIND_LABEL = "Darf der Eigenanteil auch als Sach…"  # cut at a word, within 40
GREETING = Answer(
    "Hallo!",
    False,
    "Guten Tag! Fragen Sie mich etwas zur RL KommPräv, z. B. „Bis wann muss der Antrag da sein?“",
    kind="smalltalk",
)
DEADLINE = cited(
    "Bis wann muss der Antrag da sein?",
    "Anträge gehen bis zum 15. Oktober bei der Bewilligungsbehörde ein.",
    "Ziffer VII Nr. 1",
)
TWO_QUESTIONS = "Bis wann muss der Antrag da sein? Und wie viele Anträge wurden abgelehnt?"


@pytest.fixture
def answerer() -> PreparedAnswerer:
    return PreparedAnswerer(
        {
            VAGUE: ask_back(
                VAGUE,
                Suggestion("faq:eigenanteil", OWN_SHARE.question, OWN_SHARE),
                Suggestion("faq:eigenleistung", IN_KIND.question, IN_KIND),
            ),
            "Hallo!": GREETING,
            TWO_QUESTIONS: Answer(
                TWO_QUESTIONS,
                False,
                "",
                kind="multi",
                parts=(DEADLINE, declined("Wie viele Anträge wurden abgelehnt?")),
            ),
        }
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """No index needed: the answers are prepared. A staff chat is set, so forwarding is offered."""
    return Settings(_env_file=None, data_dir=tmp_path, staff_chat_id=STAFF)


@pytest.fixture
def conversation(
    sessions: sessionmaker[Session], answerer: PreparedAnswerer, settings: Settings
) -> Conversation:
    return Conversation(sessions=sessions, answerer=answerer, clock=lambda: NOW, settings=settings)


@pytest.fixture
def user(conversation: Conversation) -> User:
    return User(conversation, 5005)


def test_a_vague_question_offers_the_close_questions_as_buttons(user: User) -> None:
    user.says(VAGUE)
    assert user.text() == (
        f"{LEAD_IN}\n\n"
        "1. Wie hoch ist der Eigenanteil?\n"
        "2. Darf der Eigenanteil auch als Sach- oder Arbeitsleistung erbracht werden?"
    )
    assert user.buttons() == ["Wie hoch ist der Eigenanteil?", IN_KIND_LABEL, FORWARD]
    assert all(len(label) <= 40 for label in user.buttons())
    assert user.button_data()[:2] == ["s:faq:eigenanteil", "s:faq:eigenleistung"]


def test_tapping_a_suggestion_gives_its_cited_answer(user: User) -> None:
    user.says(VAGUE)
    user.presses(IN_KIND_LABEL)
    assert user.text() == (
        "Bewertete Eigenleistungen können auf den Eigenanteil angerechnet werden.\n\n"
        "Quelle: RL KommPräv, Ziffer V Nr. 3"
    )
    assert user.buttons() == [texts.RATE_GOOD_LABEL, texts.RATE_BAD_LABEL]  # no forwarding


def test_typing_the_number_picks_that_suggestion_even_after_a_restart(
    user: User, sessions: sessionmaker[Session], answerer: PreparedAnswerer, settings: Settings
) -> None:
    user.says(VAGUE)
    restarted = User(
        Conversation(sessions=sessions, answerer=answerer, clock=lambda: NOW, settings=settings),
        user.user_id,
    )
    restarted.says("2")
    assert "Bewertete Eigenleistungen" in restarted.text()
    assert "Ziffer V Nr. 3" in restarted.text()
    assert answerer.asked == [VAGUE]  # "2" was not taken for a question


def test_typing_a_label_in_other_case_and_spacing_picks_it(user: User) -> None:
    user.says(VAGUE)
    user.says("  wie hoch  ist der EIGENANTEIL? ")
    assert "Ziffer V Nr. 2" in user.text()


def test_a_number_is_a_choice_only_right_after_the_ask_back(
    user: User, answerer: PreparedAnswerer
) -> None:
    user.says(VAGUE)
    user.says("Hallo!")
    user.says("2")
    assert answerer.asked == [VAGUE, "Hallo!", "2"]
    assert "nichts in den Unterlagen" in user.text()


def test_a_suggestion_from_an_older_index_asks_for_the_question_again(
    user: User, answerer: PreparedAnswerer
) -> None:
    user.says(VAGUE)
    answerer.forget()  # the knowledge base was rebuilt in between
    user.presses("Wie hoch ist der Eigenanteil?")
    assert user.text() == STALE
    user.says(VAGUE)
    user.says("1")
    assert user.text() == STALE


def test_after_the_choice_the_open_draft_step_is_asked_again(user: User) -> None:
    user.says("/antrag")
    user.presses("Verstanden, weiter")
    user.says(VAGUE)  # a question instead of the municipality's name
    user.presses("Als Frage beantworten")  # any text could be a name: the user says which
    assert [r.text for r in user.last][-1].startswith(LEAD_IN)  # the choice waits, not the step
    user.says("1")
    texts = [r.text for r in user.last]
    assert "Ziffer V Nr. 2" in texts[0]
    assert texts[1:] == [
        "Zurück zur offenen Frage:",
        "Wie heißt die antragstellende Kommune oder Körperschaft?",
    ]
    user.says("Stadt Pirna")
    assert "Welche Art von Körperschaft" in user.text()


def test_the_ask_back_can_go_to_the_office_instead(user: User) -> None:
    user.says(VAGUE)
    user.presses(FORWARD)
    (staff,) = [r for r in user.last if r.to_staff]
    assert VAGUE in staff.text
    assert "weitergegeben" in user.text()


def test_a_greeting_is_answered_without_a_forward_offer(user: User) -> None:
    user.says("Hallo!")
    assert user.text().startswith("Guten Tag!")
    assert user.buttons() == []  # small talk: nothing to forward or rate


def test_two_questions_in_one_message_are_answered_both(user: User) -> None:
    user.says(TWO_QUESTIONS)
    text = user.text()
    assert text.startswith("1. Anträge gehen bis zum 15. Oktober")
    assert "Quelle: RL KommPräv, Ziffer VII Nr. 1" in text
    assert "\n\n2. Dazu steht nichts in den Unterlagen" in text
    # Forwarding once, for the part the documents do not answer; the answered part is rated.
    assert user.buttons() == [FORWARD, texts.RATE_GOOD_LABEL, texts.RATE_BAD_LABEL]

    user.presses(FORWARD)
    (staff,) = [r for r in user.last if r.to_staff]
    assert TWO_QUESTIONS in staff.text
