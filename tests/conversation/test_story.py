"""A municipality fills in a whole draft, asks in between, corrects, checks and submits it."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import Conversation
from bot.drafts import Draft
from bot.settings import Settings
from bot.storage import DraftStatus, drafts_repo
from retrieval import Answerer
from tests.conversation.conftest import NOW, User, fill_applicant_and_contact


def test_a_user_fills_checks_and_submits_a_complete_draft(
    erika: User,
    sessions: sessionmaker[Session],
    shipped_answerer: Answerer,
    settings: Settings,
) -> None:
    erika.says("/start")
    assert "/antrag" in erika.text() and "/loeschen" in erika.text()

    erika.says("/antrag")
    assert "Datenschutzhinweise" in erika.text()
    assert erika.buttons() == ["Verstanden, weiter"]
    fill_applicant_and_contact_after_gate(erika)

    erika.presses("Ja")  # consultation held
    erika.says("12.05.2026")
    erika.says("Sicher im Quartier")
    erika.says("Pirna-Copitz")
    erika.presses("Ja")  # in Saxony
    erika.says("01.03.2027")

    # A question instead of the end date: answered with its source, then the same step again.
    erika.says("Welche Ausgaben sind förderfähig?")
    assert "Quelle" in erika.text()
    assert erika.last[-1].text == "Wann soll es enden?"

    # A restart: a new Conversation on the same database continues at the same step.
    restarted = User(
        Conversation(
            sessions=sessions, answerer=shipped_answerer, clock=lambda: NOW, settings=settings
        ),
        erika.user_id,
    )
    restarted.says("31.12.2027")
    assert "Kommunale Präventionsrat" in restarted.text()
    erika = restarted

    erika.says("Der KPR hat das Vorhaben beschlossen und begleitet es.")
    erika.presses("überspringen")  # partners
    erika.presses("Nein")  # no forwarding
    for number in range(1, 8):
        assert f"Schritt {number}" in erika.text()
        assert "•" in erika.text()  # the step's guiding questions
        erika.says(f"Unser Text zu Schritt {number}: " + "Das Problem ist belegt. " * 10)

    erika.says("2027")
    erika.presses("Ja")
    erika.says("Präventionskoordination")
    erika.presses("Hochschule")
    erika.says("EG 11")
    erika.says("0,5")
    erika.says("30.000")
    erika.presses("Nein")  # no further post
    erika.presses("Ja")
    erika.says("Honorare Workshops")
    erika.says("6.000,00 €")
    erika.presses("Nein")  # no further item
    erika.presses("Nein")  # no further year
    erika.says("3.600")
    erika.says("0")
    erika.says("0")
    erika.says("32.400")  # above 10 000 €: no exception reason is asked
    assert "Vorsteuerabzug" in erika.text()
    erika.presses("Nein")
    assert "begonnen" in erika.text()
    erika.presses("Nein")
    assert "förmlichen Antrag" in erika.text()
    erika.says("30.09.2026")  # inside the deadline: no reason asked
    assert "alle Fragen sind beantwortet" in erika.text()
    assert "Sicher im Quartier" in erika.text()

    # Change one field from the summary and come back to the summary.
    erika.presses("ändern: Vorhaben")
    erika.presses("Titel")
    assert "Titel" in erika.text()
    erika.says("Sicher in Copitz")
    assert "Geändert" in erika.text() and "Sicher in Copitz" in erika.text()

    erika.says("/pruefen")
    assert "Vorprüfung" in erika.text()
    assert "bereit für die Übergabe" in erika.text(), erika.text()

    erika.says("/einreichen")
    assert "Sicher in Copitz" in erika.text() and "Vorprüfung" in erika.text()
    replies = erika.presses("Ja, einreichen")
    staff = [r for r in replies if r.to_staff]
    assert len(staff) == 1
    assert "Stadt Pirna" in staff[0].text and "32.400,00 €" in staff[0].text
    assert "Vorprüfung" in staff[0].text  # the office sees the same report as the applicant
    assert "Eingereicht" in erika.text()

    with sessions.begin() as session:
        (row,) = drafts_repo.list_for_owner(session, owner_id=erika.user_id)
        assert row.status == DraftStatus.EINGEREICHT
        draft = Draft.model_validate(row.data)
        assert drafts_repo.list_versions(session, owner_id=erika.user_id, draft_id=row.id)
    assert draft.project.title == "Sicher in Copitz"
    assert draft.contact.email == "e.muster@pirna.de"
    assert draft.cost_plan[0].personnel[0].tvl_group == 11
    assert draft.total_costs is not None and int(draft.total_costs) == 36_000

    # After submission the draft can still be read; a change starts version 2.
    erika.says("/entwurf")
    assert "eingereicht" in erika.text()
    erika.presses("ändern: Finanzierung")
    erika.presses("Drittmittel")
    assert "Version 2" in erika.text()
    erika.says("1.000")
    with sessions.begin() as session:
        (row,) = drafts_repo.list_for_owner(session, owner_id=erika.user_id)
        assert (row.version, row.status) == (2, DraftStatus.ENTWURF)


def fill_applicant_and_contact_after_gate(user: User) -> None:
    user.presses("Verstanden, weiter")
    assert "Wie heißt die antragstellende Kommune" in user.text()
    user.says("Stadt Pirna")
    user.presses("Stadt")
    for answer in ("Sächsische Schweiz-Osterzgebirge", "Am Markt 1", "01796", "Pirna"):
        user.says(answer)
    for answer in ("Erika Muster", "Sachgebietsleitung Ordnungsamt", "e.muster@pirna.de"):
        user.says(answer)
    user.says("03501 556-0")
    assert "Pflichtberatung" in user.text()


def test_abbrechen_keeps_the_draft_and_antrag_offers_to_continue(erika: User) -> None:
    fill_applicant_and_contact(erika)
    erika.says("/abbrechen")
    assert "bleibt gespeichert" in erika.text()
    erika.says("Wo liegt Pirna")  # no open step: a question for the knowledge base
    assert "Pflichtberatung" not in erika.text()

    erika.says("/antrag")
    assert "unfertigen Antragsentwurf" in erika.text()
    assert "Stadt Pirna" in erika.text()
    erika.presses("Weiter ausfüllen")
    assert "Pflichtberatung" in erika.text()


def test_zurueck_returns_to_the_previous_question(erika: User) -> None:
    fill_applicant_and_contact(erika)
    erika.presses("zurück")
    assert "Telefonnummer" in erika.text()
    erika.says("0351 1234567")
    assert "Pflichtberatung" in erika.text()


def test_small_grant_asks_for_the_exception_reason(erika: User) -> None:
    fill_applicant_and_contact(erika)
    erika.presses("Nein")
    erika.presses("Ja")  # asks for an appointment
    assert "Titel" in erika.text()
    erika.says("/abbrechen")
    erika.presses_data("edit:financing.grant")
    erika.says("8.000")
    assert "ausnahmsweise" in erika.text()
    erika.says("Ein kleines, aber wichtiges Vorhaben.")
    assert "Geändert" in erika.text()
    assert "Begründung Ausnahme" in erika.text()


def test_help_names_the_documents_that_are_indexed(erika: User) -> None:
    erika.says("/hilfe")
    text = erika.text()
    assert "RL KommPräv" in text and "Beccaria-Standards" in text
    assert "/antrag" in text
