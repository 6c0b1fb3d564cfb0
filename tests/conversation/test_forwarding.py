"""A question the documents cannot answer can be passed on to the LPR office with one tap."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import Conversation, texts
from bot.conversation.actions import Forward, encode
from bot.settings import Settings
from retrieval import Answerer
from tests.conversation.conftest import NOW, User, fill_applicant_and_contact

UNANSWERABLE = "Wie viele Anträge wurden im Landkreis Görlitz abgelehnt und warum genau?"


def _user(
    sessions: sessionmaker[Session],
    answerer: Answerer,
    settings: Settings,
    staff: int | None,
    *,
    workspace: bool = True,
) -> User:
    conversation = Conversation(
        sessions=sessions,
        answerer=answerer,
        clock=lambda: NOW,
        settings=settings.model_copy(update={"staff_chat_id": staff, "review_enabled": workspace}),
    )
    return User(conversation, 3003)


def test_declined_question_goes_to_the_office_with_the_reply_address(
    sessions: sessionmaker[Session], shipped_answerer: Answerer, settings: Settings
) -> None:
    user = _user(sessions, shipped_answerer, settings, staff=-100)
    fill_applicant_and_contact(user)
    user.says(UNANSWERABLE)
    assert "nichts in den Unterlagen" in user.text()
    assert "An die Geschäftsstelle weitergeben" in user.buttons()

    user.presses("An die Geschäftsstelle weitergeben")
    staff = [r for r in user.last if r.to_staff]
    assert len(staff) == 1
    assert UNANSWERABLE in staff[0].text and "e.muster@pirna.de" in staff[0].text
    assert "weitergegeben" in user.text()
    assert "Pflichtberatung" in user.text()  # the open draft step is asked again

    user.presses_data(encode(Forward()))  # the same tap again forwards nothing twice
    assert not [r for r in user.last if r.to_staff]


def test_no_forward_offer_when_neither_workspace_nor_staff_chat_is_there(
    sessions: sessionmaker[Session], shipped_answerer: Answerer, settings: Settings
) -> None:
    user = _user(sessions, shipped_answerer, settings, staff=None, workspace=False)
    user.says(UNANSWERABLE)
    assert "nichts in den Unterlagen" in user.text()
    assert "lpr@smi.sachsen.de" in user.text()
    assert "An die Geschäftsstelle weitergeben" not in user.buttons()


def test_answered_questions_offer_no_forwarding(
    sessions: sessionmaker[Session], shipped_answerer: Answerer, settings: Settings
) -> None:
    user = _user(sessions, shipped_answerer, settings, staff=-100)
    user.says("Bis wann muss der Antrag eingegangen sein?")
    assert "15. Oktober" in user.text()
    assert user.buttons() == [texts.RATE_GOOD_LABEL, texts.RATE_BAD_LABEL]  # no forwarding
