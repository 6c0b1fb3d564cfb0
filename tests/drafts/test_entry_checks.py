"""Right after an answer: the user hears what /pruefen would say about that field, no more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from bot.drafts import (
    ENTRY_FIELDS,
    ApplicantKind,
    Draft,
    PersonnelItem,
    Qualification,
    entry_findings,
    parse_pay_group,
    readiness_report,
)
from tests.drafts.factories import TODAY, make_good_draft

Change = Callable[[Draft], None]


def kind(value: ApplicantKind) -> Change:
    def change(d: Draft) -> None:
        d.applicant.kind = value

    return change


def end(value: date) -> Change:
    def change(d: Draft) -> None:
        d.project.end = value

    return change


def start(value: date) -> Change:
    def change(d: Draft) -> None:
        d.project.start = value

    return change


def held_on(value: date) -> Change:
    def change(d: Draft) -> None:
        d.planned_submission = None
        d.consultation.held_on = value

    return change


def pay_group(typed: str) -> Change:
    def change(d: Draft) -> None:
        d.cost_plan[0].personnel[0].pay_group = parse_pay_group(typed)

    return change


def qualification(value: Qualification) -> Change:
    def change(d: Draft) -> None:
        d.cost_plan[0].personnel[0].qualification = value

    return change


def grant(value: str) -> Change:
    def change(d: Draft) -> None:
        d.financing.grant = Decimal(value)

    return change


def planned(value: date, reason: str | None = None) -> Change:
    def change(d: Draft) -> None:
        d.planned_submission = value
        d.late_reason = reason

    return change


# (what the user just typed, the field, the findings expected: code and level)
CASES: list[tuple[str, Change, str, list[tuple[str, str]]]] = [
    ("Verein", kind(ApplicantKind.VEREIN), "applicant.kind",
     [("applicant_not_municipal", "fehler")]),
    ("Zweckverband", kind(ApplicantKind.ZWECKVERBAND), "applicant.kind",
     [("applicant_association", "warnung")]),
    ("Stadt", kind(ApplicantKind.STADT), "applicant.kind", []),
    ("end 31.12.2026", end(date(2026, 12, 31)), "project.end", [("end_before_start", "fehler")]),
    ("start 01.01.2028", start(date(2028, 1, 1)), "project.start",
     [("end_before_start", "fehler"), ("submission_too_early", "warnung")]),
    ("start 01.08.2026", start(date(2026, 8, 1)), "project.start",
     [("start_before_submission", "fehler")]),
    ("Beratung 10.09.2026", held_on(date(2026, 9, 10)), "consultation.date",
     [("consultation_in_future", "fehler")]),
    ("Beratung 10.09.2026", held_on(date(2026, 9, 10)), "consultation.held_on",
     [("consultation_in_future", "fehler")]),
    ("Beratung 20.08.2026", held_on(date(2026, 8, 20)), "consultation.date", []),
    ("EG 12", pay_group("EG 12"), "cost.tvl", [("personnel_above_tvl_cap", "fehler")]),
    ("EG 11", pay_group("EG 11"), "cost.tvl", []),
    ("S 18", pay_group("S 18"), "cost.pay_group", [("personnel_sue_above_cap", "warnung")]),
    ("S 11b", pay_group("S 11b"), "cost.pay_group", [("personnel_sue_within_cap", "hinweis")]),
    ("Berufsausbildung", qualification(Qualification.BERUFSAUSBILDUNG), "cost.qualification",
     [("personnel_above_tvl_cap", "fehler")]),
    ("39.000", grant("39000"), "financing.grant",
     [("grant_above_90_percent", "fehler"), ("financing_unbalanced", "fehler")]),
    ("30.000", grant("30000"), "financing.grant", [("financing_unbalanced", "fehler")]),
    ("36.000", grant("36000"), "financing.grant", []),
    ("planned 02.11.2026", planned(date(2026, 11, 2)), "planned_submission",
     [("submission_late", "warnung")]),
    ("reason given", planned(date(2026, 11, 2), "Ratsbeschluss erst im Oktober"), "late_reason",
     [("submission_late", "warnung")]),
    ("own money 0", grant("36000"), "financing.own_money", []),
    ("an e-mail", grant("39000"), "contact.email", []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "change", "field", "expected"), CASES, ids=[f"{c[2]}={c[0]}" for c in CASES]
)
def test_entry_findings_for_the_field_just_entered(
    typed: str, change: Change, field: str, expected: list[tuple[str, str]]
) -> None:
    draft = make_good_draft()
    change(draft)
    found = entry_findings(draft, field, today=TODAY)
    assert sorted((f.code, f.level) for f in found) == sorted(expected)


@pytest.mark.parametrize(("typed", "change", "field", "_expected"), CASES)
def test_entry_findings_say_exactly_what_pruefen_says(
    typed: str, change: Change, field: str, _expected: list[tuple[str, str]]
) -> None:
    draft = make_good_draft()
    change(draft)
    report = readiness_report(draft, today=TODAY)
    assert all(f in report.findings for f in entry_findings(draft, field, today=TODAY))


def test_a_club_hears_at_once_that_the_municipality_applies_and_may_pass_money_on() -> None:
    draft = Draft()
    draft.applicant.kind = ApplicantKind.VEREIN
    (f,) = entry_findings(draft, "applicant.kind", today=TODAY)
    assert f.level == "fehler"
    assert "weiterleiten" in f.message
    assert "Den Antrag stellt dann die Kommune" in f.message
    assert f.message.endswith("(RL KommPräv Ziffer III)")


def test_the_grant_completing_the_plan_says_how_far_off_it_is() -> None:
    draft = make_good_draft()
    draft.financing.grant = Decimal("30000")
    (f,) = entry_findings(draft, "financing.grant", today=TODAY)
    assert "Es fehlen 6.000,00 €" in f.message


def test_a_small_grant_warns_and_hints_after_the_errors() -> None:
    draft = make_good_draft()
    draft.financing.grant = Decimal("8000")
    levels = [f.level for f in entry_findings(draft, "financing.grant", today=TODAY)]
    assert levels == ["fehler", "warnung", "hinweis"]  # unbalanced, small grant, reimbursement


def test_a_new_post_is_not_stopped_by_an_older_one() -> None:
    draft = make_good_draft()
    draft.cost_plan[0].personnel[0].pay_group = parse_pay_group("EG 13")  # too high for FH
    draft.cost_plan[0].personnel.append(
        PersonnelItem(
            role="Streetwork",
            qualification=Qualification.FACHHOCHSCHULE,
            pay_group=parse_pay_group("EG 10"),
        )
    )
    assert entry_findings(draft, "cost.tvl", today=TODAY, post=(2027, 1)) == []
    first = entry_findings(draft, "cost.tvl", today=TODAY, post=(2027, 0))
    assert [f.code for f in first] == ["personnel_above_tvl_cap"]
    everything = entry_findings(draft, "cost.tvl", today=TODAY)
    assert [f.field for f in everything] == ["cost_plan[0].personnel[0].pay_group"]


def test_an_empty_draft_gets_no_findings_on_any_field() -> None:
    assert all(entry_findings(Draft(), field, today=TODAY) == [] for field in ENTRY_FIELDS)


def test_the_fields_the_dialogue_asks_about_are_understood() -> None:
    assert {
        "applicant.kind",
        "project.start",
        "project.end",
        "consultation.date",
        "consultation.held_on",
        "cost.tvl",
        "cost.pay_group",
        "cost.qualification",
        "financing.grant",
        "planned_submission",
        "late_reason",
        "input_tax_deduction",
    } <= ENTRY_FIELDS
