"""What users type into the dialogue, and what the parsers make of it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.drafts import (
    AmountReading,
    ParseError,
    PayGroup,
    clean_text,
    parse_amount,
    parse_date,
    parse_date_detailed,
    parse_email,
    parse_pay_group,
    parse_phone,
    parse_plz,
    parse_share,
    parse_tvl_group,
    parse_year,
    parse_yes_no,
    plz_in_saxony,
    read_amount,
    read_share,
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
        ("eine Stelle und ein bisschen", "0,5 oder 50 %"),
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


# --- read_amount: shorthand is understood but confirmed; "keine" is zero ---------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("12,5 Tsd.", "12.500,00 €"),
        ("12,5 Tsd", "12.500,00 €"),
        ("20k", "20.000,00 €"),
        ("20K€", "20.000,00 €"),
        ("20 T€", "20.000,00 €"),
        ("20 TEUR", "20.000,00 €"),
        ("12 Tausend", "12.000,00 €"),
        ("1,2 Mio", "1.200.000,00 €"),
        ("1,25 Mio. €", "1.250.000,00 €"),
        ("12.5k", "12.500,00 €"),
    ],
)
def test_shorthand_amounts_are_read_and_must_be_confirmed(typed: str, shown: str) -> None:
    reading = read_amount(typed)
    assert reading.needs_confirmation
    assert reading.shown == shown
    assert reading.value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("typed", "value", "shown"),
    [
        ("12.500", "12500.00", "12.500,00 €"),
        ("12500 €", "12500.00", "12.500,00 €"),
        ("12.500,50", "12500.50", "12.500,50 €"),
        ("500,-", "500.00", "500,00 €"),
        ("0", "0.00", "0,00 €"),
    ],
)
def test_plain_amounts_need_no_confirmation(typed: str, value: str, shown: str) -> None:
    assert read_amount(typed) == AmountReading(Decimal(value), False, shown)


@pytest.mark.parametrize(
    "typed", ["keine", "Keine.", "kein", "nichts", "0", "-", "–", "keine Drittmittel", "null"]
)
def test_nothing_at_all_is_zero_euros(typed: str) -> None:
    reading = read_amount(typed)
    assert reading.value == Decimal("0.00")
    assert not reading.needs_confirmation
    assert parse_amount(typed) == Decimal("0.00")


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("keine Ahnung", "nur die Zahl in Euro"),
        ("-500", "ohne Minus"),
        ("1,2,3 Mio", "ganz aus"),
        ("20 Mrd", "nur die Zahl in Euro"),
        ("", "12.500,00"),
    ],
)
def test_read_amount_explains_what_is_wrong_with_an_example(typed: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        read_amount(typed)
    assert says in caught.value.message
    assert "z. B." in caught.value.message


# --- post shares in words and hours ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("halbe Stelle", "0.5"),
        ("eine halbe Stelle", "0.5"),
        ("Vollzeit", "1"),
        ("volle Stelle", "1"),
        ("Viertelstelle", "0.25"),
        ("drei Viertel", "0.75"),
        ("Dreiviertelstelle", "0.75"),
        ("3/4", "0.75"),
        ("50 %", "0.5"),
        ("50%", "0.5"),
        ("0,5", "0.5"),
        ("0.5", "0.5"),
    ],
)
def test_shares_in_words_need_no_confirmation(typed: str, expected: str) -> None:
    reading = read_share(typed)
    assert reading.value == Decimal(expected)
    assert not reading.needs_confirmation
    assert parse_share(typed) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "expected", "shown"),
    [
        ("20 Wochenstunden", "0.5", "0,5 Stelle (50 %)"),
        ("30 h", "0.75", "0,75 Stelle (75 %)"),
        ("19,5 Stunden pro Woche", "0.4875", "0,4875 Stelle (48,75 %)"),
        ("40 Std.", "1", "1 Stelle (100 %)"),
    ],
)
def test_weekly_hours_are_read_against_40_and_confirmed(
    typed: str, expected: str, shown: str
) -> None:
    reading = read_share(typed)
    assert reading.value == Decimal(expected)
    assert reading.needs_confirmation
    assert reading.shown == f"{shown} bei 40 Wochenstunden Vollzeit"


@pytest.mark.parametrize(
    ("typed", "says"),
    [("41 Wochenstunden", "0 und 40 Wochenstunden"), ("Teilzeit", "Teilzeitanteil")],
)
def test_impossible_hours_and_vague_words_are_refused(typed: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        read_share(typed)
    assert says in caught.value.message


# --- pay groups: TV-L and TVöD SuE -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "scale", "group", "label"),
    [
        ("EG 11", "TV-L", "11", "EG 11"),
        ("E11", "TV-L", "11", "EG 11"),
        ("Entgeltgruppe 11", "TV-L", "11", "EG 11"),
        ("TV-L 9b", "TV-L", "9b", "EG 9b"),
        ("S 11b", "TVöD SuE", "11b", "S 11b"),
        ("S11 b", "TVöD SuE", "11b", "S 11b"),
        ("S 2", "TVöD SuE", "2", "S 2"),
        ("s 18", "TVöD SuE", "18", "S 18"),
        ("SuE S 8a", "TVöD SuE", "8a", "S 8a"),
        ("TVöD SuE 11b", "TVöD SuE", "11b", "S 11b"),
        ("S 12 Stufe 4", "TVöD SuE", "12", "S 12"),
    ],
)
def test_pay_groups(typed: str, scale: str, group: str, label: str) -> None:
    parsed = parse_pay_group(typed)
    assert parsed == PayGroup.model_validate({"scale": scale, "group": group})
    assert parsed.label == label


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("S 11", "Meinten Sie S 11a oder S 11b?"),
        ("S 8", "Meinten Sie S 8a oder S 8b?"),
        ("S 5", "gibt es im TVöD SuE nicht"),
        ("S 19", "gibt es im TVöD SuE nicht"),
        ("S 13Ü", "Überleitungsgruppen"),
        ("EG 11b", "nur bei EG 9"),
        ("TVöD E 11", "Entgeltgruppen des TV-L"),
        ("Beamter A 13", "z. B. S 11b"),
    ],
)
def test_unknown_pay_groups_are_refused_with_a_pointer(typed: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_pay_group(typed)
    assert says in caught.value.message


def test_parse_tvl_group_still_answers_old_callers_with_a_number() -> None:
    assert parse_tvl_group("TV-L 9b") == 9
    with pytest.raises(ParseError, match="TVöD SuE"):
        parse_tvl_group("S 11b")


# --- invisible characters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Jugend\u200bclub", "Jugendclub"),
        ("\ufeffSicher im Park", "Sicher im Park"),
        ("Park\u202e\u202c", "Park"),
        ("\u2066Markt 1\u2069", "Markt 1"),
        ("Ger\u0061\u0308t", "Gerät"),  # a + combining diaeresis, as macOS sends it
        ("  Zeile 1\nZeile 2  ", "  Zeile 1\nZeile 2  "),
    ],
)
def test_clean_text_drops_invisible_characters(typed: str, stored: str) -> None:
    assert clean_text(typed) == stored


def test_parsers_ignore_invisible_characters() -> None:
    assert parse_amount("12.500\u200b €") == Decimal("12500.00")
    assert parse_date("\u200e15.10.2026") == date(2026, 10, 15)
    assert parse_pay_group("S\u200b 11b").label == "S 11b"
