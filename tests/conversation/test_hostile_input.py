"""Odd and hostile input: markup, overlong text, empty messages, stale buttons, stickers."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import looks_like_question
from bot.drafts import Draft
from bot.storage import dialogue_repo, drafts_repo
from tests.conversation.conftest import User


def stored_draft(sessions: sessionmaker[Session], owner_id: int) -> Draft:
    with sessions.begin() as session:
        (row,) = drafts_repo.list_for_owner(session, owner_id=owner_id)
        return Draft.model_validate(row.data)


def step_of(sessions: sessionmaker[Session], owner_id: int) -> str | None:
    with sessions.begin() as session:
        row = dialogue_repo.get(session, owner_id=owner_id)
        return row.step if row else None


def test_html_and_markdown_are_stored_verbatim(
    erika: User, sessions: sessionmaker[Session]
) -> None:
    erika.says("/antrag")
    erika.presses("Verstanden, weiter")
    erika.says("<b>x</b> *Stadt* _Pirna_ [link](http://x)")
    assert stored_draft(sessions, erika.user_id).applicant.name == (
        "<b>x</b> *Stadt* _Pirna_ [link](http://x)"
    )
    erika.says("/entwurf")
    assert "<b>x</b> *Stadt*" in erika.text()  # plain text; the Telegram adapter escapes


def test_an_overlong_answer_to_a_short_field_is_refused(
    erika: User, sessions: sessionmaker[Session]
) -> None:
    erika.says("/antrag")
    erika.presses("Verstanden, weiter")
    erika.says("A" * 5000)
    assert "zu lang" in erika.text() and "5000 Zeichen" in erika.text()
    assert erika.last[-1].text.startswith("Wie heißt die antragstellende Kommune")
    assert stored_draft(sessions, erika.user_id).applicant.name is None


def test_invalid_input_shows_the_german_error_and_the_step_again(
    erika: User, sessions: sessionmaker[Session]
) -> None:
    erika.says("/antrag")
    erika.presses("Verstanden, weiter")
    erika.says("Stadt Pirna")
    erika.presses("Stadt")
    erika.says("Sächsische Schweiz-Osterzgebirge")
    erika.says("Am Markt 1")
    erika.says("1796")
    assert "keine Postleitzahl" in erika.text()
    assert erika.last[-1].text == "Postleitzahl?"
    assert step_of(sessions, erika.user_id) == "applicant.plz"


def test_empty_text_unknown_command_and_sticker_get_clear_answers(erika: User) -> None:
    erika.says("   ")
    assert "leer" in erika.text()
    erika.says("/gibtsnicht")
    assert "/gibtsnicht" in erika.text() and "/hilfe" in erika.text()
    erika.sends_sticker()
    assert "Ich verstehe nur Text" in erika.text()


def test_an_old_button_changes_nothing(erika: User, sessions: sessionmaker[Session]) -> None:
    erika.says("/antrag")
    erika.presses("Verstanden, weiter")
    erika.says("Stadt Pirna")
    kind_buttons = erika.button_data()
    erika.presses("Stadt")
    erika.presses_data(kind_buttons[0])  # "Gemeinde" from the earlier message
    assert "früheren Nachricht" in erika.text()
    assert "Landkreis" in erika.last[-1].text  # the open step again
    assert stored_draft(sessions, erika.user_id).applicant.kind == "Stadt"
    erika.presses_data("delete:yes")  # no confirmation was asked for
    assert "früheren Nachricht" in erika.text()
    erika.presses_data("völlig:unbekannt")
    assert "früheren Nachricht" in erika.text()
    assert stored_draft(sessions, erika.user_id).applicant.name == "Stadt Pirna"


def test_a_question_in_a_free_text_beccaria_step_is_kept_as_text() -> None:
    assert looks_like_question("Wie hoch ist die Förderung?")
    assert looks_like_question("welche Unterlagen brauche ich")
    assert not looks_like_question("Stadt Pirna")
    assert not looks_like_question("Der KPR plant das Vorhaben.")
