"""Each funding rule, with a draft that passes it and one that breaks it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.drafts import (
    SUE_COMPARABLE_EG,
    ApplicantKind,
    Draft,
    Finding,
    Forwarding,
    MaterialItem,
    PersonnelItem,
    Qualification,
    YearCosts,
    check,
    parse_pay_group,
)
from bot.drafts.models import SUE_GROUPS
from tests.drafts.factories import TODAY, codes, only


def findings_of(draft: Draft, today: date = TODAY) -> list[Finding]:
    return check(draft, today=today)


def set_financing(draft: Draft, own: str, in_kind: str, third: str, grant: str) -> None:
    draft.financing.own_money = Decimal(own)
    draft.financing.own_in_kind = Decimal(in_kind)
    draft.financing.third_party = Decimal(third)
    draft.financing.grant = Decimal(grant)


def test_an_empty_draft_raises_nothing() -> None:
    assert check(Draft(), today=TODAY) == []


def test_the_good_draft_has_only_hints(good_draft: Draft) -> None:
    assert {f.level for f in findings_of(good_draft)} <= {"hinweis"}


def test_every_message_names_its_fundstelle(good_draft: Draft) -> None:
    good_draft.applicant.kind = ApplicantKind.VEREIN
    good_draft.project.in_saxony = False
    set_financing(good_draft, "0", "0", "0", "39000")
    findings = findings_of(good_draft)
    assert len(findings) >= 5
    assert all(f.section in f.message for f in findings)


def test_errors_come_first(good_draft: Draft) -> None:
    good_draft.financing.grant = Decimal("8000")  # small grant: warning, hint and imbalance
    levels = [f.level for f in findings_of(good_draft)]
    assert levels == sorted(levels, key=["fehler", "warnung", "hinweis"].index)
    assert levels[0] == "fehler"


# --- money: 90 %, own share, balance ---------------------------------------------------------


def test_grant_above_90_percent_is_an_error_naming_the_maximum(good_draft: Draft) -> None:
    set_financing(good_draft, "2000", "0", "0", "38000")  # 95 % of 40.000 €
    f = only(findings_of(good_draft), "grant_above_90_percent")
    assert f.level == "fehler"
    assert "Ziffer V Nr. 2" in f.section
    assert "36.000,00 €" in f.message


def test_grant_of_exactly_90_percent_is_fine(good_draft: Draft) -> None:
    assert "grant_above_90_percent" not in codes(findings_of(good_draft))


def test_no_own_share_at_all_is_an_error(good_draft: Draft) -> None:
    set_financing(good_draft, "0", "0", "0", "36000")
    f = only(findings_of(good_draft), "own_share_missing")
    assert f.level == "fehler"
    assert "Ziffer V Nr. 5" in f.section


def test_own_share_covered_only_by_third_party_funds_is_a_question(good_draft: Draft) -> None:
    set_financing(good_draft, "0", "0", "4000", "36000")
    f = only(findings_of(good_draft), "own_share_only_third_party")
    assert f.level == "warnung"
    assert "own_share_missing" not in codes(findings_of(good_draft))


def test_own_share_in_kind_counts(good_draft: Draft) -> None:
    set_financing(good_draft, "0", "4000", "0", "36000")
    assert not codes(findings_of(good_draft)) & {"own_share_missing", "own_share_below_10_percent"}


def test_own_share_below_10_percent_is_a_warning_from_asskomm(good_draft: Draft) -> None:
    set_financing(good_draft, "2000", "0", "2000", "36000")  # own share 5 %
    f = only(findings_of(good_draft), "own_share_below_10_percent")
    assert f.level == "warnung"
    assert "ASSKomm" in f.section
    assert "5,0 %" in f.message


def test_own_share_of_10_percent_is_fine(good_draft: Draft) -> None:
    assert "own_share_below_10_percent" not in codes(findings_of(good_draft))


def test_unbalanced_financing_states_the_gap(good_draft: Draft) -> None:
    set_financing(good_draft, "3000", "1000", "0", "31000")  # 35.000 € for 40.000 € costs
    f = only(findings_of(good_draft), "financing_unbalanced")
    assert f.level == "fehler"
    assert "5.000,00 €" in f.message
    assert "Es fehlen" in f.message


def test_overfinanced_plan_states_the_surplus(good_draft: Draft) -> None:
    set_financing(good_draft, "3000", "1000", "2500", "36000")
    f = only(findings_of(good_draft), "financing_unbalanced")
    assert "2.500,00 € zu viel" in f.message


def test_half_filled_financing_is_not_summed_up(good_draft: Draft) -> None:
    good_draft.financing.third_party = None
    good_draft.financing.grant = Decimal("1000")
    assert "financing_unbalanced" not in codes(findings_of(good_draft))


# --- small grants and payment ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("grant", "warned"), [("8000", True), ("10000", True), ("10000.01", False)]
)
def test_grant_up_to_10000_needs_a_reason(good_draft: Draft, grant: str, warned: bool) -> None:
    good_draft.financing.grant = Decimal(grant)
    found = findings_of(good_draft)
    assert ("small_grant_without_reason" in codes(found)) is warned
    if warned:
        f = only(found, "small_grant_without_reason")
        assert f.level == "warnung"
        assert "Ziffer V Nr. 6" in f.section
        assert "VVK Nr. 1.1" in f.section


def test_small_grant_with_a_reason_is_fine(good_draft: Draft) -> None:
    good_draft.financing.grant = Decimal("8000")
    good_draft.exception_reason = "Kurzfristige Reaktion auf eine Serie von Einbrüchen."
    assert "small_grant_without_reason" not in codes(findings_of(good_draft))


@pytest.mark.parametrize(("grant", "hinted"), [("19999.99", True), ("20000", False)])
def test_small_single_projects_are_reimbursed(good_draft: Draft, grant: str, hinted: bool) -> None:
    good_draft.financing.grant = Decimal(grant)
    found = findings_of(good_draft)
    assert ("reimbursement_procedure" in codes(found)) is hinted
    if hinted:
        f = only(found, "reimbursement_procedure")
        assert f.level == "hinweis"
        assert "Vorfinanzierung" in f.message
        assert "Ziffer VI Nr. 6" in f.section


# --- costs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qualification", "group", "too_high"),
    [
        (Qualification.BERUFSAUSBILDUNG, 7, False),
        (Qualification.BERUFSAUSBILDUNG, 8, True),
        (Qualification.FACHHOCHSCHULE, 11, False),
        (Qualification.FACHHOCHSCHULE, 12, True),
        (Qualification.HOCHSCHULE, 14, False),
        (Qualification.HOCHSCHULE, 15, True),
        (Qualification.HOCHSCHULE_FUEHRUNG, 15, False),
    ],
)
def test_tvl_caps_per_qualification(
    good_draft: Draft, qualification: Qualification, group: int, too_high: bool
) -> None:
    post = good_draft.cost_plan[0].personnel[0]
    post.qualification = qualification
    post.tvl_group = group
    found = findings_of(good_draft)
    assert ("personnel_above_tvl_cap" in codes(found)) is too_high
    if too_high:
        f = only(found, "personnel_above_tvl_cap")
        assert f.level == "fehler"
        assert "Ziffer V Nr. 4" in f.section
        assert "nicht zuwendungsfähig" in f.message
        assert f.field == "cost_plan[0].personnel[0].pay_group"


@pytest.mark.parametrize(
    "item",
    [
        "Dienstfahrzeug",
        "Neues Auto für die Streife",
        "PKW-Leasing",
        "Videokamera",
        "Videoüberwachung am Bahnhof",
        "Umbau Jugendraum",
        "Baumaßnahmen am Spielplatz",
        "Straßenbeleuchtung",
        "Anschaffung Laptop",
        "Büromöbel",
        "Geräte für den Jugendclub",
        "Ausstattung Beratungsraum",
    ],
)
def test_investive_looking_items_are_flagged_for_the_consultation(
    good_draft: Draft, item: str
) -> None:
    good_draft.cost_plan[0].material[1].item = item
    f = only(findings_of(good_draft), "investive_item")
    assert f.level == "warnung"
    assert "Beratung" in f.message
    assert "Ziffer V Nr. 4" in f.section
    assert f.field == "cost_plan[0].material[1].item"


@pytest.mark.parametrize(
    "item",
    [
        "Honorar Referentin",
        "Druck von Flyern",
        "Aufbau des Präventionsrates",
        "Autorenhonorar Broschüre",
        "Fahrtkosten",
        "Bürgerbefragung",
    ],
)
def test_ordinary_material_costs_are_not_flagged(good_draft: Draft, item: str) -> None:
    good_draft.cost_plan[0].material[1].item = item
    assert "investive_item" not in codes(findings_of(good_draft))


def _post() -> PersonnelItem:
    return PersonnelItem(
        role="Koordination",
        qualification=Qualification.FACHHOCHSCHULE,
        tvl_group=11,
        share=Decimal("0.5"),
        amount=Decimal("30000"),
    )


def test_personnel_over_three_years_warns_about_the_50_percent_year(good_draft: Draft) -> None:
    good_draft.cost_plan = [YearCosts(year=y, personnel=[_post()]) for y in (2027, 2028, 2029)]
    f = only(findings_of(good_draft), "degressive_personnel")
    assert f.level == "warnung"
    assert "50 %" in f.message
    assert "2029" in f.message
    assert "nicht in der RL" in f.section


def test_personnel_in_one_year_gets_the_degression_as_a_hint(good_draft: Draft) -> None:
    f = only(findings_of(good_draft), "degressive_personnel")
    assert f.level == "hinweis"
    assert "Beratung" in f.message


def test_material_only_plans_say_nothing_about_personnel(good_draft: Draft) -> None:
    good_draft.cost_plan = [
        YearCosts(year=2027, material=[MaterialItem(item="Honorare", amount=Decimal("40000"))])
    ]
    assert not codes(findings_of(good_draft)) & {"degressive_personnel", "education_proof"}


# --- who, where, when ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ApplicantKind.VEREIN, ApplicantKind.SONSTIGE])
def test_clubs_and_others_cannot_apply_themselves(good_draft: Draft, kind: ApplicantKind) -> None:
    good_draft.applicant.kind = kind
    f = only(findings_of(good_draft), "applicant_not_municipal")
    assert f.level == "fehler"
    assert f.section == "RL KommPräv Ziffer III"
    assert "weiterleiten" in f.message


@pytest.mark.parametrize("kind", [ApplicantKind.VERWALTUNGSVERBAND, ApplicantKind.ZWECKVERBAND])
def test_associations_are_to_be_clarified(good_draft: Draft, kind: ApplicantKind) -> None:
    good_draft.applicant.kind = kind
    f = only(findings_of(good_draft), "applicant_association")
    assert f.level == "warnung"
    assert "klären" in f.message


@pytest.mark.parametrize(
    "kind",
    [
        ApplicantKind.GEMEINDE,
        ApplicantKind.STADT,
        ApplicantKind.LANDKREIS,
        ApplicantKind.EIGENBETRIEB,
    ],
)
def test_municipal_bodies_may_apply(good_draft: Draft, kind: ApplicantKind) -> None:
    good_draft.applicant.kind = kind
    assert not codes(findings_of(good_draft)) & {"applicant_not_municipal", "applicant_association"}


def test_a_postcode_outside_saxony_is_questioned(good_draft: Draft) -> None:
    good_draft.applicant.address.plz = "10115"
    assert only(findings_of(good_draft), "applicant_plz_outside_saxony").level == "hinweis"


def test_project_outside_saxony_is_an_error(good_draft: Draft) -> None:
    good_draft.project.in_saxony = False
    f = only(findings_of(good_draft), "project_outside_saxony")
    assert f.level == "fehler"
    assert "Ziffer IV Nr. 1" in f.section


def test_unanswered_saxony_question_is_no_error(good_draft: Draft) -> None:
    good_draft.project.in_saxony = None
    assert "project_outside_saxony" not in codes(findings_of(good_draft))


def test_end_before_start_is_an_error(good_draft: Draft) -> None:
    good_draft.project.end = date(2026, 12, 31)
    f = only(findings_of(good_draft), "end_before_start")
    assert f.level == "fehler"
    assert "31.12.2026" in f.message


def test_a_project_already_begun_is_fatal(good_draft: Draft) -> None:
    good_draft.already_begun = True
    f = only(findings_of(good_draft), "project_already_begun")
    assert f.level == "fehler"
    assert "förderschädlich" in f.message
    assert f.section == "VVK Nr. 1.3"


def test_a_start_before_the_submission_is_fatal(good_draft: Draft) -> None:
    good_draft.project.start = date(2026, 9, 1)
    f = only(findings_of(good_draft), "start_before_submission")
    assert f.level == "fehler"
    assert "15.09.2026" in f.message


@pytest.mark.parametrize(
    ("held_on", "requested", "code", "level"),
    [
        (None, False, "consultation_missing", "fehler"),
        (None, True, "consultation_pending", "warnung"),
        (date(2026, 9, 20), None, "consultation_after_submission", "fehler"),
    ],
)
def test_mandatory_consultation(
    good_draft: Draft, held_on: date | None, requested: bool | None, code: str, level: str
) -> None:
    good_draft.consultation.held_on = held_on
    good_draft.consultation.requested = requested
    f = only(findings_of(good_draft), code)
    assert f.level == level
    assert "Ziffer IV Nr. 2" in f.section


def test_missing_consultation_asks_to_catch_up(good_draft: Draft) -> None:
    good_draft.consultation.held_on = None
    good_draft.consultation.requested = False
    assert "nachholen" in only(findings_of(good_draft), "consultation_missing").message


def test_unanswered_consultation_question_is_no_error(good_draft: Draft) -> None:
    good_draft.consultation.held_on = None
    assert not any(f.field == "consultation" for f in findings_of(good_draft))


@pytest.mark.parametrize("submitted", [date(2026, 8, 31), date(2026, 10, 15)])
def test_submission_inside_the_window_is_fine(good_draft: Draft, submitted: date) -> None:
    good_draft.planned_submission = submitted
    good_draft.consultation.held_on = date(2026, 8, 1)
    assert not any(f.field == "planned_submission" for f in findings_of(good_draft))


def test_submission_before_the_window_is_too_early(good_draft: Draft) -> None:
    good_draft.planned_submission = date(2026, 8, 30)
    f = only(findings_of(good_draft), "submission_too_early")
    assert f.level == "warnung"
    assert "31.08.2026" in f.message
    assert "Ziffer VI Nr. 2" in f.section


def test_late_submission_asks_for_a_reason(good_draft: Draft) -> None:
    good_draft.planned_submission = date(2026, 11, 2)
    f = only(findings_of(good_draft), "submission_late")
    assert f.level == "warnung"
    assert "begründen" in f.message
    good_draft.late_reason = "Ratsbeschluss erst im Oktober"
    assert "begründen" not in only(findings_of(good_draft), "submission_late").message


def test_late_submission_less_than_six_weeks_before_start_is_an_error(good_draft: Draft) -> None:
    good_draft.planned_submission = date(2026, 12, 1)
    good_draft.late_reason = "Ratsbeschluss erst im November"
    f = only(findings_of(good_draft), "submission_too_late")
    assert f.level == "fehler"
    assert "20.11.2026" in f.message  # six weeks before 01.01.2027


def test_without_a_planned_date_today_is_the_submission_date(good_draft: Draft) -> None:
    good_draft.planned_submission = None
    assert "submission_late" in codes(findings_of(good_draft, today=date(2026, 11, 2)))
    assert "submission_late" not in codes(findings_of(good_draft, today=date(2026, 10, 1)))


def test_forwarding_to_a_club_comes_with_its_conditions(good_draft: Draft) -> None:
    good_draft.project.forwarding = Forwarding(recipient="Jugendclub e. V.", amount=Decimal("5000"))
    f = only(findings_of(good_draft), "forwarding")
    assert f.level == "hinweis"
    assert "Zuwendungsbescheid" in f.message
    assert "forwarding_above_grant" not in codes(findings_of(good_draft))


def test_forwarding_more_than_the_grant_is_questioned(good_draft: Draft) -> None:
    good_draft.project.forwarding = Forwarding(recipient="Verein", amount=Decimal("50000"))
    assert only(findings_of(good_draft), "forwarding_above_grant").level == "warnung"


# --- TVöD SuE posts against the TV-L caps ----------------------------------------------------


@pytest.mark.parametrize(
    ("qualification", "typed", "code", "level", "says"),
    [
        (Qualification.FACHHOCHSCHULE, "S 11b", "personnel_sue_within_cap", "hinweis", "EG 9b–10"),
        (Qualification.FACHHOCHSCHULE, "S 17", "personnel_sue_within_cap", "hinweis", "EG 11"),
        (Qualification.FACHHOCHSCHULE, "S 18", "personnel_sue_above_cap", "warnung", "darüber"),
        (Qualification.BERUFSAUSBILDUNG, "S 4", "personnel_sue_within_cap", "hinweis", "EG 6–7"),
        (Qualification.BERUFSAUSBILDUNG, "S 7", "personnel_sue_above_cap", "warnung", "könnte"),
        (Qualification.BERUFSAUSBILDUNG, "S 8a", "personnel_sue_above_cap", "warnung", "EG 8"),
        (Qualification.HOCHSCHULE, "S 18", "personnel_sue_within_cap", "hinweis", "EG 14"),
    ],
)
def test_sue_groups_are_compared_approximately_never_as_an_error(
    good_draft: Draft,
    qualification: Qualification,
    typed: str,
    code: str,
    level: str,
    says: str,
) -> None:
    post = good_draft.cost_plan[0].personnel[0]
    post.qualification = qualification
    post.pay_group = parse_pay_group(typed)
    found = findings_of(good_draft)
    f = only(found, code)
    assert f.level == level
    assert says in f.message
    assert "Zuordnung TVöD SuE → TV-L ist eine Näherung; bitte in der Beratung klären" in f.message
    assert "Ziffer V Nr. 4" in f.section
    assert "personnel_above_tvl_cap" not in codes(found)


def test_every_sue_group_has_a_comparable_tvl_group() -> None:
    assert set(SUE_COMPARABLE_EG) == set(SUE_GROUPS)


# --- input tax (Vorsteuer) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deduction", "code", "level"),
    [(True, "input_tax_net", "warnung"), (None, "input_tax_unanswered", "hinweis")],
)
def test_input_tax_deduction_asks_for_net_amounts(
    good_draft: Draft, deduction: bool | None, code: str, level: str
) -> None:
    good_draft.input_tax_deduction = deduction
    f = only(findings_of(good_draft), code)
    assert f.level == level
    assert "VVK Nr. 2.6" in f.section
    assert "netto" in f.message.lower()


def test_no_input_tax_deduction_is_fine(good_draft: Draft) -> None:
    good_draft.input_tax_deduction = False
    assert not codes(findings_of(good_draft)) & {"input_tax_net", "input_tax_unanswered"}


# --- consultation date and the planned submission --------------------------------------------


def test_a_consultation_held_in_the_future_is_an_error(good_draft: Draft) -> None:
    good_draft.planned_submission = None
    good_draft.consultation.held_on = date(2026, 9, 10)  # TODAY is 01.09.2026
    f = only(findings_of(good_draft), "consultation_in_future")
    assert f.level == "fehler"
    assert "Zukunft" in f.message
    assert "Ziffer IV Nr. 2" in f.section


def test_without_a_planned_date_the_finding_says_it_counts_from_today(good_draft: Draft) -> None:
    good_draft.planned_submission = None
    f = only(findings_of(good_draft, today=date(2026, 11, 2)), "submission_late")
    assert "gerechnet ist mit heute, dem 02.11.2026" in f.message


def test_with_a_planned_date_nothing_is_said_about_today(good_draft: Draft) -> None:
    good_draft.planned_submission = date(2026, 11, 2)
    assert "heute" not in only(findings_of(good_draft), "submission_late").message


def test_drafting_before_the_window_is_only_a_hint_when_no_date_is_planned(
    good_draft: Draft,
) -> None:
    good_draft.planned_submission = None
    good_draft.consultation.held_on = date(2026, 3, 1)
    f = only(findings_of(good_draft, today=date(2026, 4, 1)), "submission_window_ahead")
    assert f.level == "hinweis"
    assert "31.08.2026 bis 15.10.2026" in f.message


@pytest.mark.parametrize(
    ("reason", "field", "says"),
    [
        (None, "late_reason", "Bitte begründen Sie"),
        ("Ratsbeschluss erst im Oktober", "planned_submission", "Ihre Begründung liegt vor"),
    ],
)
def test_late_submission_stays_a_warning_and_asks_for_a_reason(
    good_draft: Draft, reason: str | None, field: str, says: str
) -> None:
    good_draft.planned_submission = date(2026, 11, 2)
    good_draft.late_reason = reason
    f = only(findings_of(good_draft), "submission_late")
    assert (f.level, f.field) == ("warnung", field)
    assert says in f.message


def test_a_start_in_the_past_without_a_planned_date_counts_from_today(good_draft: Draft) -> None:
    good_draft.planned_submission = None
    good_draft.project.start = date(2026, 8, 1)
    f = only(findings_of(good_draft), "start_before_submission")
    assert "01.09.2026" in f.message
    assert "gerechnet ist mit heute" in f.message


def test_already_begun_and_a_past_start_are_two_separate_errors(good_draft: Draft) -> None:
    good_draft.already_begun = True
    good_draft.project.start = date(2026, 9, 1)
    assert {"project_already_begun", "start_before_submission"} <= codes(findings_of(good_draft))


def test_invisible_characters_do_not_hide_an_investment(good_draft: Draft) -> None:
    good_draft.cost_plan[0].material[1].item = "Video\u200bkamera"
    assert only(findings_of(good_draft), "investive_item").level == "warnung"
