"""What users type into the dialogue, and what the parsers make of it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.drafts import (
    ParseError,
    parse_amount,
    parse_date,
    parse_date_detailed,
    parse_email,
    parse_phone,
    parse_plz,
    parse_share,
    parse_tvl_group,
    parse_year,
    parse_yes_no,
    plz_in_saxony,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12.500,50 €", "12500.50"),
        ("12500", "12500.00"),
        ("12 500", "12500.00"),
        ("12\u00a0500 €", "12500.00"),
        ("12.500", "12500.00"),
        ("12500,5", "12500.50"),
        ("EUR 3.000", "3000.00"),
        ("3000 Euro", "3000.00"),
        ("3000EUR", "3000.00"),
        ("€ 950", "950.00"),
        ("1.234.567,89", "1234567.89"),
        ("12,50", "12.50"),
        ("500,-", "500.00"),
        ("0", "0.00"),
        ("  7,05  ", "7.05"),
    ],
)
def test_german_amounts_are_read_exactly_to_the_cent(typed: str, expected: str) -> None:
    value = parse_amount(typed)
    assert value == Decimal(expected)
    assert value.as_tuple().exponent == -2


def test_a_dot_groups_thousands_and_a_comma_starts_the_cents() -> None:
    assert parse_amount("12.500") == Decimal("12500")
    assert parse_amount("12,50") == Decimal("12.50")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("12,5 Tsd.", "12.500,00 €"),
        ("12,5k", "12.500,00 €"),
        ("12 Tausend", "12.000,00 €"),
        ("12,5 T€", "12.500,00 €"),
        ("1,2 Mio", "1.200.000,00 €"),
    ],
)
def test_abbreviated_thousands_are_not_guessed_but_asked_back(typed: str, meant: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_amount(typed)
    assert f"Meinten Sie {meant}?" in caught.value.message
    assert "ganz aus" in caught.value.message


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("-500", "negativ"),
        ("−500", "negativ"),
        ("12,505", "zwei Stellen"),
        ("12,500", "zwei Stellen"),
        ("zwölftausend", "Zahl"),
        ("12500 Äpfel", "Zahl"),
        ("", "Betrag"),
        ("   ", "Betrag"),
        ("12.5", "Meinten Sie 12,50 €?"),
        ("1.23.4", "Komma vor den Cent"),
        ("12,50,00", "Komma vor den Cent"),
    ],
)
def test_unreadable_amounts_explain_what_to_type(typed: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_amount(typed)
    assert says in caught.value.message


def test_parse_error_is_a_value_error_so_validators_can_raise_it() -> None:
    with pytest.raises(ValueError, match="negativ"):
        parse_amount("-1")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15.10.2026", date(2026, 10, 15)),
        ("15.10.26", date(2026, 10, 15)),
        ("1.3.2027", date(2027, 3, 1)),
        ("01.03.2027", date(2027, 3, 1)),
        ("15. 10. 2026", date(2026, 10, 15)),
        ("2027-03-01", date(2027, 3, 1)),
        ("15. Oktober 2026", date(2026, 10, 15)),
        ("15.Okt.2026", date(2026, 10, 15)),
        ("1. März 2027", date(2027, 3, 1)),
        ("1. Maerz 2027", date(2027, 3, 1)),
        ("29.02.2028", date(2028, 2, 29)),
    ],
)
def test_german_dates(typed: str, expected: date) -> None:
    assert parse_date(typed) == expected
    assert parse_date_detailed(typed).assumption is None


def test_a_month_alone_means_its_first_day_and_says_so() -> None:
    parsed = parse_date_detailed("März 2027")
    assert parsed.value == date(2027, 3, 1)
    assert parsed.assumption is not None
    assert "01.03.2027" in parsed.assumption


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("31.02.2027", "Kalender"),
        ("29.02.2027", "Kalender"),
        ("32.01.2027", "Kalender"),
        ("15.10.", "Jahreszahl"),
        ("Octember 2026", "Monat"),
        ("morgen", "15.10.2026"),
        ("", "15.10.2026"),
        ("15.10.1850", "unplausibel"),
    ],
)
def test_invalid_dates_explain_what_to_type(typed: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_date(typed)
    assert says in caught.value.message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0,5", "0.5"),
        ("0.5", "0.5"),
        ("50 %", "0.5"),
        ("50%", "0.5"),
        ("50 Prozent", "0.5"),
        ("1", "1"),
        ("100 %", "1"),
        ("0,375", "0.375"),
        ("0,5 VZÄ", "0.5"),
        ("12,5 %", "0.125"),
    ],
)
def test_share_of_a_full_post(typed: str, expected: str) -> None:
    assert parse_share(typed) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("75", "Meinten Sie 75 %?"),
        ("1,5", "höchstens 1"),
        ("150 %", "höchstens 1"),
        ("0", "größer als 0"),
        ("0 %", "größer als 0"),
        ("halbe Stelle", "0,5 oder 50 %"),
        ("", "0,5 oder 50 %"),
    ],
)
def test_impossible_shares_are_refused(typed: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_share(typed)
    assert says in caught.value.message


@pytest.mark.parametrize(
    "typed", ["anna.beispiel@musterstadt.de", " ordnungsamt@stadt-x.sachsen.de ", "a@b.de"]
)
def test_plausible_email_addresses(typed: str) -> None:
    assert parse_email(typed) == typed.strip()


@pytest.mark.parametrize("typed", ["anna.beispiel", "anna@", "a b@c.de", "a@b", "@stadt.de", ""])
def test_implausible_email_addresses(typed: str) -> None:
    with pytest.raises(ParseError, match="E-Mail"):
        parse_email(typed)


@pytest.mark.parametrize(
    "typed", ["0351 564-3090", "+49 351 5643090", "03591/123456", "(0351) 564 30 90", "035156"]
)
def test_plausible_phone_numbers(typed: str) -> None:
    assert parse_phone(typed) == typed


@pytest.mark.parametrize(
    "typed", ["12345", "0351 564 3090 ext 5", "49+351 564", "1234567890123456789012", ""]
)
def test_implausible_phone_numbers(typed: str) -> None:
    with pytest.raises(ParseError, match="Telefonnummer"):
        parse_phone(typed)


@pytest.mark.parametrize(("typed", "expected"), [("01097", "01097"), (" D-04109 ", "04109")])
def test_postcodes_keep_their_leading_zero(typed: str, expected: str) -> None:
    assert parse_plz(typed) == expected


@pytest.mark.parametrize("typed", ["1097", "010970", "0109a", ""])
def test_postcodes_have_five_digits(typed: str) -> None:
    with pytest.raises(ParseError, match="fünf Ziffern"):
        parse_plz(typed)


@pytest.mark.parametrize(
    ("plz", "expected"),
    [
        ("01097", True),  # Dresden
        ("02625", True),  # Bautzen
        ("04109", True),  # Leipzig
        ("08056", True),  # Zwickau
        ("09111", True),  # Chemnitz
        ("10115", False),  # Berlin
        ("06108", False),  # Halle (Saale)
        ("99084", False),  # Erfurt
        ("04600", None),  # Altenburg (Thuringia) between Saxon places
        ("01968", None),  # Senftenberg (Brandenburg) in a Saxon postcode area
        ("abc", None),
    ],
)
def test_plz_in_saxony_is_a_plausibility_guess(plz: str, expected: bool | None) -> None:
    assert plz_in_saxony(plz) is expected


@pytest.mark.parametrize(
    ("typed", "group"),
    [
        ("EG 11", 11),
        ("E11", 11),
        ("E 11", 11),
        ("11", 11),
        ("TV-L 9b", 9),
        ("TV-L E 9a", 9),
        ("Entgeltgruppe 14", 14),
        ("EG 11 Stufe 3", 11),
        ("eg7", 7),
    ],
)
def test_tvl_groups(typed: str, group: int) -> None:
    assert parse_tvl_group(typed) == group


@pytest.mark.parametrize(
    ("typed", "says"),
    [("15Ü", "EG 15 Stufe 3"), ("16", "1 bis 15"), ("A 13", "1 bis 15"), ("", "1 bis 15")],
)
def test_impossible_tvl_groups(typed: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_tvl_group(typed)
    assert says in caught.value.message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Ja", True), ("ja.", True), ("j", True), ("Nein", False), ("noch nicht", False)],
)
def test_yes_no(typed: str, expected: bool) -> None:
    assert parse_yes_no(typed) is expected


def test_yes_no_asks_again_for_anything_else() -> None:
    with pytest.raises(ParseError, match="„ja“ oder „nein“"):
        parse_yes_no("vielleicht")


def test_years() -> None:
    assert parse_year(" 2027 ") == 2027
    with pytest.raises(ParseError, match="2027"):
        parse_year("27")
