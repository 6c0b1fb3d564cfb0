"""German formatting and the summary a user reads before handing the draft over."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.drafts import Draft, format_amount, format_date, format_percent, render_summary


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("12500.5", "12.500,50 €"),
        ("0", "0,00 €"),
        ("7.05", "7,05 €"),
        ("999.99", "999,99 €"),
        ("1000", "1.000,00 €"),
        ("1234567.89", "1.234.567,89 €"),
        ("-5000", "-5.000,00 €"),
        ("0.005", "0,01 €"),
    ],
)
def test_amounts_in_german(value: str, shown: str) -> None:
    assert format_amount(Decimal(value)) == shown


def test_dates_in_german() -> None:
    assert format_date(date(2026, 10, 5)) == "05.10.2026"


def test_percent_in_german() -> None:
    assert format_percent(Decimal("0.125")) == "12,5 %"
    assert format_percent(Decimal("0.9")) == "90,0 %"


def test_an_empty_draft_says_so() -> None:
    assert "Noch keine Angaben" in render_summary(Draft())


def test_summary_shows_german_amounts_and_dates(good_draft: Draft) -> None:
    text = render_summary(good_draft)
    assert "30.000,00 €" in text
    assert "Gesamtausgaben: 40.000,00 €" in text
    assert "01.01.2027" in text
    assert "2027-01-01" not in text
    assert "30000.00" not in text


def test_summary_contains_what_was_typed(good_draft: Draft) -> None:
    text = render_summary(good_draft)
    assert "Große Kreisstadt Musterstadt" in text
    assert "02625 Musterstadt" in text
    assert "Schritt 6" in text
    assert "EG 11" in text
    assert "0,5 Stelle (50 %)" in text
    assert "90,0 %" in text


def test_summary_leaves_out_what_is_still_empty(good_draft: Draft) -> None:
    good_draft.financing.third_party = None
    good_draft.description.step7 = None
    text = render_summary(good_draft)
    assert "Drittmittel" not in text
    assert "Schritt 7" not in text


def test_summary_of_a_first_answer_only() -> None:
    draft = Draft()
    draft.applicant.name = "Gemeinde Beispielsdorf"
    assert render_summary(draft).splitlines() == ["Antragsteller", "Name: Gemeinde Beispielsdorf"]
