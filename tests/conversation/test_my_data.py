"""Privacy: the notice comes first, users see and delete their data, and only their own."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.storage import drafts_repo, question_log, review_repo, users_repo, utcnow
from tests.conversation.conftest import User, fill_applicant_and_contact


def test_no_personal_question_before_the_privacy_notice(erika: User) -> None:
    erika.says("/antrag")
    assert "Datenschutzhinweise" in erika.text()
    assert "Wie heißt" not in erika.text()
    erika.says("Stadt Pirna")  # typed instead of pressing: not stored as an answer
    assert "Datenschutzhinweise" in erika.text()
    erika.presses("Verstanden, weiter")
    assert "Wie heißt die antragstellende Kommune" in erika.text()


def test_privacy_notice_says_what_why_how_long_who_and_how_to_delete(erika: User) -> None:
    erika.says("/datenschutz")
    text = erika.text()
    for part in (
        "Was wird gespeichert",
        "Wozu",
        "Wie lange",
        "Wer sieht",
        "/meine_daten",
        "/loeschen",
    ):
        assert part in text


def test_meine_daten_shows_what_is_stored(erika: User) -> None:
    fill_applicant_and_contact(erika)
    erika.says("/meine_daten")
    text = erika.text()
    assert "Stadt Pirna" in text and "e.muster@pirna.de" in text and "Entwurf Nr." in text
    assert "Pflichtberatung" in erika.last[-1].text  # and the open question again


def test_meine_daten_shows_questions_passed_on_and_answers_waited_for(
    erika: User, sessions: sessionmaker[Session]
) -> None:
    fill_applicant_and_contact(erika)
    with sessions.begin() as session:
        review_repo.create_request(
            session,
            kind="frage",
            owner_id=erika.user_id,
            question="Gilt die Frist auch für Landkreise?",
        )
        log_id = question_log.record(
            session, question="Auto für Streetworker?", outcome="abgelehnt", ref=None, now=utcnow()
        )
        question_log.subscribe(session, log_id=log_id, owner_id=erika.user_id)
    erika.says("/meine_daten")
    text = erika.text()
    assert "Frage an die Geschäftsstelle vom" in text and "Frist auch für Landkreise" in text
    assert "Sie warten auf eine Antwort der Geschäftsstelle zu: „Auto für Streetworker?“" in text

    erika.says("/loeschen")
    erika.presses("Ja, alles löschen")
    with sessions() as session:
        assert question_log.unanswered(session)[0].notify_owner_id is None  # anonymous again


def test_loeschen_after_confirmation_deletes_everything(
    erika: User, sessions: sessionmaker[Session]
) -> None:
    fill_applicant_and_contact(erika)
    erika.says("/loeschen")
    erika.presses("Nein, behalten")
    assert "Nichts gelöscht" in erika.text()
    erika.says("/loeschen")
    erika.presses("Ja, alles löschen")
    assert "gelöscht" in erika.text()
    with sessions.begin() as session:
        assert users_repo.get(session, owner_id=erika.user_id) is None
        assert drafts_repo.list_for_owner(session, owner_id=erika.user_id) == []
    erika.says("/entwurf")
    assert "noch keinen Antragsentwurf" in erika.text()


def test_another_users_draft_is_never_visible(erika: User, max_: User) -> None:
    fill_applicant_and_contact(erika, name="Gemeinde Geheimhausen")
    max_.says("/entwurf")
    assert "noch keinen Antragsentwurf" in max_.text()
    max_.says("/meine_daten")
    assert "Geheimhausen" not in max_.text()
    erika.says("/entwurf")
    section_buttons = erika.button_data()
    max_.presses_data(section_buttons[0])
    max_.presses_data("edit:applicant.name")
    assert "Geheimhausen" not in max_.text()
    max_.says("/antrag")
    assert "Geheimhausen" not in max_.text()
