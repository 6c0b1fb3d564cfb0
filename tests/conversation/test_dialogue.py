"""What a clerk trips over in the guided draft, each through the pure dialogue core.

Every test here failed on the dialogue before the typed-state rewrite (issue 6).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tests.conversation.clerk import Clerk
from tests.fakes.answerer import PreparedAnswerer, cited

PROTECTIVE = cited(
    "was ist mit Schutzfaktoren gemeint?",
    "Schutzfaktoren sind Bedingungen, die das Risiko mindern.",
    "Beccaria Schritt 2",
)


def _to_the_costs(clerk: Clerk) -> None:
    """Applicant, contact, consultation, project and description, the short way."""
    clerk.fills_applicant_and_contact()
    clerk.presses("Ja")
    clerk.says("12.05.2026")
    clerk.says("Sicher im Quartier")
    clerk.says("Kleinstadt")
    clerk.presses("Ja")
    clerk.says("01.03.2027")
    clerk.says("31.12.2027")
    clerk.presses("überspringen")
    clerk.presses("überspringen")
    clerk.presses("Nein")
    for _ in range(7):
        clerk.presses("überspringen")


def _with_a_cost_plan(clerk: Clerk) -> None:
    _to_the_costs(clerk)
    clerk.says("2027")
    clerk.presses("Ja")
    clerk.says("Präventionskoordination")
    clerk.presses("Hochschule")
    clerk.says("EG 11")
    clerk.says("0,5")
    clerk.says("30.000")
    clerk.presses("Nein")
    clerk.presses("Ja")
    clerk.says("Honorare Workshops")
    clerk.says("6.000")
    clerk.presses("Nein")
    clerk.presses("Nein")


# -- 1. nothing typed is lost ----------------------------------------------------------------


def test_one_cost_item_is_changed_and_the_rest_of_the_plan_stays() -> None:
    clerk = Clerk()
    _with_a_cost_plan(clerk)
    clerk.says("/entwurf")
    clerk.presses("ändern: Ausgabenplan")
    assert "2027: Präventionskoordination" in clerk.buttons()
    clerk.presses("2027: Honorare Workshops")
    assert "Betrag: 6.000,00 €" in clerk.text()
    clerk.presses("Betrag ändern")
    assert "Bisher gespeichert: 6.000,00 €" in clerk.text()
    clerk.says("7.500")

    year = clerk.draft.cost_plan[0]
    assert [m.amount for m in year.material] == [Decimal("7500.00")]
    assert [p.amount for p in year.personnel] == [Decimal("30000.00")]
    # After the change the plan is shown, not the whole draft.
    assert "Ausgabenplan" in clerk.text() and "Antragsteller" not in clerk.text()


def test_cancelling_a_cost_item_change_keeps_the_old_value() -> None:
    clerk = Clerk()
    _with_a_cost_plan(clerk)
    clerk.says("/entwurf")
    clerk.presses("ändern: Ausgabenplan")
    clerk.presses("2027: Präventionskoordination")
    clerk.presses("Betrag ändern")
    clerk.says("/abbrechen")
    assert clerk.draft.cost_plan[0].personnel[0].amount == Decimal("30000.00")
    assert len(clerk.draft.cost_plan[0].material) == 1


def test_a_cost_item_is_deleted_only_after_confirmation() -> None:
    clerk = Clerk()
    _with_a_cost_plan(clerk)
    clerk.says("/entwurf")
    clerk.presses("ändern: Ausgabenplan")
    clerk.presses("2027: Honorare Workshops")
    clerk.presses("Posten löschen")
    assert len(clerk.draft.cost_plan[0].material) == 1  # not yet
    clerk.presses("Nein, behalten")
    assert len(clerk.draft.cost_plan[0].material) == 1
    clerk.presses("2027: Honorare Workshops")
    clerk.presses("Posten löschen")
    clerk.presses("Ja, löschen")
    assert clerk.draft.cost_plan[0].material == []
    assert len(clerk.draft.cost_plan[0].personnel) == 1


def test_a_material_item_is_added_to_an_existing_year() -> None:
    clerk = Clerk()
    _with_a_cost_plan(clerk)
    clerk.says("/entwurf")
    clerk.presses("ändern: Ausgabenplan")
    clerk.presses("+ Sachausgabe 2027")
    clerk.says("Flyer")
    clerk.says("800")
    assert [m.item for m in clerk.draft.cost_plan[0].material] == ["Honorare Workshops", "Flyer"]
    assert "2027: Flyer" in clerk.buttons()


# -- 2. questions are not stored as answers -----------------------------------------------------


def test_a_question_at_a_description_step_is_answered_not_saved() -> None:
    clerk = Clerk(PreparedAnswerer({PROTECTIVE.question: PROTECTIVE}))
    _to_the_costs(clerk)
    clerk.says("/entwurf")
    clerk.presses("ändern: Beschreibung")
    clerk.presses("Schritt 2")
    clerk.says("was ist mit Schutzfaktoren gemeint?")
    assert "als Antwort speichern oder als Frage beantworten" in clerk.text()
    clerk.presses("Als Frage beantworten")
    assert "Schutzfaktoren sind Bedingungen" in clerk.text()
    assert clerk.draft.description.step2 is None
    assert "Schritt 2" in clerk.last[-1].text  # the same step is open again


def test_a_title_ending_in_a_question_mark_can_be_saved() -> None:
    clerk = Clerk()
    clerk.fills_applicant_and_contact()
    clerk.presses("Ja")
    clerk.says("12.05.2026")
    clerk.says("Wie sicher ist unser Bahnhof?")
    clerk.presses("Als Antwort speichern")
    assert clerk.draft.project.title == "Wie sicher ist unser Bahnhof?"
    assert "Wo findet das Vorhaben statt" in clerk.text()


def test_frage_stellen_makes_the_next_text_a_question() -> None:
    clerk = Clerk(PreparedAnswerer({"Schutzfaktoren": PROTECTIVE}))
    clerk.fills_applicant_and_contact()
    clerk.presses("Ja")
    clerk.says("12.05.2026")
    clerk.presses("Frage stellen")
    clerk.says("Schutzfaktoren")
    assert clerk.draft.project.title is None
    assert "Titel des Vorhabens" in clerk.last[-1].text


# -- 3. typed button words -------------------------------------------------------------------


def test_typed_zurueck_goes_back_instead_of_becoming_the_name() -> None:
    clerk = Clerk()
    clerk.starts_a_draft()
    clerk.says("Gemeinde Kleinstadt")
    clerk.says("zurück")
    assert clerk.draft.applicant.name == "Gemeinde Kleinstadt"
    assert "Wie heißt die antragstellende Kommune" in clerk.text()


def test_typed_ja_confirms_the_open_delete_question() -> None:
    clerk = Clerk()
    clerk.starts_a_draft()
    clerk.says("Gemeinde Kleinstadt")
    clerk.says("/loeschen")
    clerk.says("ja")
    assert clerk.store.deleted


# -- 4. promises kept ------------------------------------------------------------------------


def test_a_requested_consultation_appointment_reaches_the_office() -> None:
    clerk = Clerk()
    clerk.fills_applicant_and_contact()
    clerk.presses("Nein")  # no consultation yet
    clerk.presses("Ja")  # request an appointment
    assert "Terminanfrage ist an die Geschäftsstelle des Landes" in clerk.text()
    assert len(clerk.staff) == 1
    assert "e.muster@kleinstadt.de" in clerk.staff[0].text


def test_without_a_staff_chat_the_appointment_request_says_the_truth() -> None:
    clerk = Clerk(can_reach_staff=False)
    clerk.fills_applicant_and_contact()
    clerk.presses("Nein")
    clerk.presses("Ja")
    assert clerk.staff == []
    assert "nicht automatisch weitergeben" in clerk.text()
    assert "lpr@example.org" in clerk.text()


# -- 5. late application and the meaning of /einreichen -----------------------------------------


def test_submit_says_it_is_the_hand_over_for_the_consultation_not_the_application() -> None:
    clerk = Clerk()
    clerk.starts_a_draft()
    clerk.says("Gemeinde Kleinstadt")
    clerk.says("/einreichen")
    assert "noch nicht der förmliche Antrag" in clerk.text()


def test_without_a_staff_chat_submitting_says_the_office_was_not_told() -> None:
    clerk = Clerk(can_reach_staff=False)
    clerk.starts_a_draft()
    clerk.says("Gemeinde Kleinstadt")
    clerk.says("/einreichen")
    clerk.presses("Ja, einreichen")
    assert clerk.staff == []
    assert "nicht automatisch benachrichtigt" in clerk.text()
    assert "lpr@example.org" in clerk.text()


# -- 7. edits show the current value and can go back -------------------------------------------


def test_a_re_asked_field_shows_its_value_and_back_leaves_it_unchanged() -> None:
    clerk = Clerk()
    clerk.fills_applicant_and_contact()
    clerk.says("/entwurf")
    clerk.presses("ändern: Ansprechperson")
    clerk.presses("E-Mail")
    assert "Bisher gespeichert: e.muster@kleinstadt.de" in clerk.text()
    clerk.presses("zurück")
    assert clerk.draft.contact.email == "e.muster@kleinstadt.de"
    assert "Ansprechperson" in clerk.text()


# -- 8. what people type ---------------------------------------------------------------------


def test_20k_is_confirmed_with_a_button_not_retyped() -> None:
    clerk = Clerk()
    _with_a_cost_plan(clerk)
    clerk.says("16.000")  # own money; with 20.000 € grant the plan of 36.000 € balances
    clerk.says("keine")  # Eigenleistung: "keine" means 0
    assert clerk.draft.financing.own_in_kind == Decimal("0")
    clerk.says("0")
    clerk.says("20k")
    assert "20.000,00 €" in clerk.text()
    assert clerk.draft.financing.grant is None
    clerk.presses("Ja, 20.000,00 €")
    assert clerk.draft.financing.grant == Decimal("20000")


def test_half_a_post_and_a_tvoed_sue_group_are_understood() -> None:
    clerk = Clerk()
    _to_the_costs(clerk)
    clerk.says("2027")
    clerk.presses("Ja")
    clerk.says("Schulsozialarbeit")
    clerk.presses("Hochschule")
    clerk.says("S 11b")
    clerk.says("halbe Stelle")
    post = clerk.draft.cost_plan[0].personnel[0]
    assert post.share == Decimal("0.5")
    assert "11b" in str(post.pay_group)


def test_the_input_tax_declaration_is_asked() -> None:
    clerk = Clerk()
    _with_a_cost_plan(clerk)
    for amount in ("3.600", "0", "0", "32.400"):
        clerk.says(amount)
    assert "Vorsteuerabzug" in clerk.text()
    clerk.presses("Nein")
    assert clerk.draft.input_tax_deduction is False


# -- 9. confirmations and several drafts -------------------------------------------------------


def test_a_question_during_the_delete_confirmation_keeps_its_buttons_working() -> None:
    clerk = Clerk()
    clerk.starts_a_draft()
    clerk.says("Gemeinde Kleinstadt")
    clerk.says("/loeschen")
    clerk.says("Was passiert mit eingereichten Anträgen?")  # declined: offers the office
    assert "Ja, alles löschen" in clerk.buttons()
    clerk.presses("Ja, alles löschen")
    assert clerk.store.deleted


def test_a_new_draft_keeps_the_old_one_reachable() -> None:
    clerk = Clerk()
    clerk.starts_a_draft()
    clerk.says("Gemeinde Alt")
    clerk.says("/antrag")
    clerk.presses("Neuen Entwurf beginnen")
    clerk.says("Gemeinde Neu")
    clerk.says("/entwuerfe")
    assert "Gemeinde Alt" in clerk.text() and "Gemeinde Neu" in clerk.text()
    clerk.presses("Zu Nr. 1: Gemeinde Alt")
    assert clerk.state.draft_id == 1
    assert clerk.draft.applicant.name == "Gemeinde Alt"


# -- 6. checks at the moment of entry ----------------------------------------------------------


def test_a_verein_learns_at_once_that_the_kommune_applies() -> None:
    clerk = Clerk()
    clerk.starts_a_draft()
    clerk.says("Jugendhilfe e. V.")
    clerk.presses("Verein/freier Träger")
    assert "RL KommPräv Ziffer III" in clerk.text()
    assert clerk.draft.applicant.kind is None
    assert "Welche Art von Körperschaft" in clerk.last[-1].text


def test_an_end_before_the_start_is_refused_when_typed() -> None:
    clerk = Clerk()
    clerk.fills_applicant_and_contact()
    clerk.presses("Ja")
    clerk.says("12.05.2026")
    clerk.says("Sicher im Quartier")
    clerk.says("Kleinstadt")
    clerk.presses("Ja")
    clerk.says("01.03.2027")
    clerk.says("01.01.2027")
    assert clerk.draft.project.end is None
    assert "Wann soll es enden?" in clerk.last[-1].text


def test_a_consultation_in_the_future_is_refused_when_typed() -> None:
    clerk = Clerk()
    clerk.fills_applicant_and_contact()
    clerk.presses("Ja")
    clerk.says("01.12.2026")  # after today, 15.09.2026
    assert clerk.draft.consultation.held_on is None
    assert "An welchem Tag war die Beratung?" in clerk.last[-1].text


def test_an_unbalanced_financing_plan_is_reported_with_the_gap_when_the_grant_is_typed() -> None:
    clerk = Clerk()
    _with_a_cost_plan(clerk)  # 36.000 € of costs
    for amount in ("3.600", "0", "0"):
        clerk.says(amount)
    clerk.says("31.400")  # 1.000 € short
    assert "1.000,00 €" in clerk.text()
    assert clerk.draft.financing.grant is None
    clerk.says("32.400")
    assert clerk.draft.financing.grant is not None


def test_more_than_90_percent_funding_is_refused_when_typed() -> None:
    clerk = Clerk()
    _with_a_cost_plan(clerk)
    for amount in ("1.800", "0", "0"):
        clerk.says(amount)
    clerk.says("34.200")  # 95 % of 36.000 €
    assert "90" in clerk.text()
    assert clerk.draft.financing.grant is None


# -- 5. a late application gets its reason ------------------------------------------------------


def test_a_late_planned_submission_asks_for_the_reason() -> None:
    clerk = Clerk()
    _with_a_cost_plan(clerk)  # project starts 01.03.2027: deadline 15.10.2026
    for amount in ("3.600", "0", "0", "32.400"):
        clerk.says(amount)
    clerk.presses("Nein")  # no input tax deduction
    clerk.presses("Nein")  # not begun
    assert "förmlichen Antrag" in clerk.text()
    clerk.says("02.11.2026")
    assert "Warum kann der Antrag nicht fristgerecht eingehen?" in clerk.text()
    clerk.says("Der Stadtrat tagt erst am 28. Oktober.")
    assert clerk.draft.late_reason == "Der Stadtrat tagt erst am 28. Oktober."
    assert "alle Fragen sind beantwortet" in clerk.text()


def test_a_pay_group_above_the_cap_of_the_qualification_is_reported_when_typed() -> None:
    clerk = Clerk()
    _to_the_costs(clerk)
    clerk.says("2027")
    clerk.presses("Ja")
    clerk.says("Streetwork")
    clerk.presses("Berufsausbildung")
    clerk.says("EG 12")
    assert "höchstens EG 7" in clerk.text() and "RL KommPräv Ziffer V Nr. 4" in clerk.text()
    assert clerk.draft.cost_plan[0].personnel[0].pay_group is None
    assert "Entgeltgruppe" in clerk.last[-1].text


# -- throttles (issue 7) -----------------------------------------------------------------------


def test_forwarding_more_than_five_questions_an_hour_points_to_e_mail() -> None:
    clerk = Clerk()
    for n in range(6):
        clerk.says(f"Wie viele Anträge gab es im Jahr 20{10 + n}?")  # declined: forward offered
        clerk.presses("An die Geschäftsstelle weitergeben")
    assert len(clerk.staff) == 5
    assert "lpr@example.org" in clerk.text() and "mehrere Fragen" in clerk.text()

    clerk.now += timedelta(hours=1)
    clerk.says("Wie viele Anträge gab es 2030?")
    clerk.presses("An die Geschäftsstelle weitergeben")
    assert len(clerk.staff) == 6


def test_a_fourth_version_on_one_day_is_not_handed_in() -> None:
    clerk = Clerk()
    clerk.starts_a_draft()
    clerk.says("Gemeinde Kleinstadt")
    for n in range(4):
        if n:
            clerk.says("/entwurf")
            clerk.presses("ändern: Antragsteller")
            clerk.presses("Name")
            clerk.says(f"Gemeinde Kleinstadt {n}")
        clerk.says("/einreichen")
        clerk.presses("Ja, einreichen")
    assert len(clerk.staff) == 3
    assert "Heute sind schon 3 Fassungen eingereicht" in clerk.text()


def test_a_forgotten_submit_question_does_not_come_back_once_the_form_goes_on() -> None:
    clerk = Clerk()
    clerk.starts_a_draft()
    clerk.says("Gemeinde Kleinstadt")
    clerk.says("/einreichen")  # not answered
    clerk.says("/antrag")
    clerk.presses("Weiter ausfüllen")
    clerk.says("Wie hoch ist der Eigenanteil?")  # a question, then the open step again
    assert "Welche Art von Körperschaft" in clerk.last[-1].text
    clerk.says("ja")  # not a submission: "ja" is no answer to this step
    assert clerk.store.get(1) is not None and clerk.store.get(1).editable  # type: ignore[union-attr]


def test_the_privacy_notice_names_the_retention_of_drafts_never_submitted() -> None:
    clerk = Clerk()
    clerk.says("/datenschutz")
    assert "Nie eingereichte Entwürfe lösche ich 180 Tage nach der letzten Änderung" in clerk.text()
