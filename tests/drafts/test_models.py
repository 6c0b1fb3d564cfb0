"""The draft model: filled step by step, stored as JSON, and never inexact about money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from bot.drafts import (
    BECCARIA_STEPS,
    BeccariaDescription,
    Draft,
    MaterialItem,
    PersonnelItem,
    YearCosts,
)


def test_json_round_trip_keeps_every_value(good_draft: Draft) -> None:
    stored = good_draft.model_dump(mode="json")
    assert stored["financing"]["grant"] == "36000.00"  # exact, not a float
    assert Draft.model_validate(stored) == good_draft


def test_amounts_are_kept_in_cents() -> None:
    item = MaterialItem(item="Flyer", amount=Decimal("12.5"))
    assert item.amount is not None
    assert item.amount.as_tuple().exponent == -2
    item.amount = Decimal("0.125")  # assignments are validated too
    assert item.amount == Decimal("0.13")


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": "-1"},
        {"share": "0"},
        {"share": "1.5"},
        {"tvl_group": 16},
        {"amount": "NaN"},
    ],
)
def test_impossible_values_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PersonnelItem.model_validate(bad)


def test_a_year_appears_once_in_the_cost_plan() -> None:
    with pytest.raises(ValidationError, match="nur einmal"):
        Draft(cost_plan=[YearCosts(year=2027), YearCosts(year=2027)])


def test_cost_plan_is_kept_in_year_order() -> None:
    draft = Draft(cost_plan=[YearCosts(year=2028), YearCosts(year=2027)])
    assert [y.year for y in draft.cost_plan] == [2027, 2028]


def test_unknown_keys_fail_loudly() -> None:
    with pytest.raises(ValidationError):
        Draft.model_validate({"financing": {"zuschuss": "100"}})


def test_postcode_must_have_five_digits() -> None:
    with pytest.raises(ValidationError):
        Draft.model_validate({"applicant": {"address": {"plz": "1097"}}})


def test_totals(good_draft: Draft) -> None:
    assert good_draft.total_costs == Decimal("40000.00")
    assert good_draft.cost_plan[0].personnel_total == Decimal("30000.00")
    assert good_draft.financing.own_share == Decimal("4000.00")
    assert Draft().total_costs is None


def test_beccaria_steps_match_the_description_fields() -> None:
    assert [s.number for s in BECCARIA_STEPS] == list(range(1, 8))
    assert [s.key for s in BECCARIA_STEPS] == list(BeccariaDescription.model_fields)
    assert all(2 <= len(s.questions) <= 4 for s in BECCARIA_STEPS)
    assert BECCARIA_STEPS[6].name == "Schlussfolgerungen und Dokumentation"
