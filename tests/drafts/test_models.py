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
    PayGroup,
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


def test_old_drafts_with_a_tvl_group_number_still_load(good_draft: Draft) -> None:
    stored = good_draft.model_dump(mode="json")
    post = stored["cost_plan"][0]["personnel"][0]
    assert post["pay_group"] == {"scale": "TV-L", "group": "11"}
    del post["pay_group"]
    post["tvl_group"] = 11  # how drafts were saved before TVöD SuE groups
    loaded = Draft.model_validate(stored)
    assert loaded == good_draft
    assert loaded.cost_plan[0].personnel[0].tvl_group == 11


def test_an_sue_group_is_stored_and_read_back() -> None:
    post = PersonnelItem(pay_group=PayGroup(scale="TVöD SuE", group="11b"))
    stored = post.model_dump(mode="json")
    assert stored["pay_group"] == {"scale": "TVöD SuE", "group": "11b"}
    assert PersonnelItem.model_validate(stored) == post
    assert post.tvl_group is None  # not a TV-L group


def test_setting_tvl_group_writes_a_tvl_pay_group() -> None:
    post = PersonnelItem()
    post.tvl_group = 9
    assert post.pay_group == PayGroup(scale="TV-L", group="9")
    post.tvl_group = None
    assert post.pay_group is None


@pytest.mark.parametrize(
    "group",
    [{"scale": "TVöD SuE", "group": "5"}, {"scale": "TV-L", "group": "11b"}, {"scale": "BAT"}],
)
def test_pay_groups_that_do_not_exist_are_refused(group: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        PersonnelItem.model_validate({"pay_group": group})


def test_new_fields_default_to_unanswered() -> None:
    draft = Draft.model_validate({})
    assert draft.input_tax_deduction is None
    assert draft.planned_submission is None
    assert draft.late_reason is None
