"""Pure parsers for what users type: German amounts, dates, post shares and contact details."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from bot.drafts.models import SUE_GROUPS, PayGroup
from bot.drafts.summary import format_date

SPACES = re.compile(r"[\s\u00a0\u202f]+")
"""Any run of spaces, including the no-break spaces phones insert."""


class ParseError(ValueError):
    """Input we will not guess at; every parser raises it instead of returning a wrong value.

    `message` is German, says what is wrong and what to type instead, so the dialogue can show
    it unchanged. Being a ValueError, it also works inside pydantic validators.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def fold_text(text: str) -> str:
    """Lower case with umlauts made plain, so "Gerät" and "Geraet" both become "gerat".

    The same rule as `retrieval.german.fold` (tests/retrieval/test_german.py holds them equal):
    drafts may not import retrieval, which would load the whole search stack.
    """
    low = unicodedata.normalize("NFC", text.lower())
    low = low.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return low.translate(_FOLD)


# Zero-width characters (U+200B–U+200F), bidi embeddings and overrides (U+202A–U+202E),
# bidi isolates (U+2066–U+2069), the word joiner (U+2060) and the byte order mark (U+FEFF).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def clean_text(text: str) -> str:
    """Drop invisible format characters and compose umlauts, so stored text is what it shows.

    Copied text carries them (a ZWSP from a web form, an RLO that reverses what staff see, a
    BOM from Windows); they would break length limits, matching and the parsers. NFC makes an
    "a" plus combining umlaut from macOS one "ä". Example: "12.500\u200b €" -> "12.500 €";
    "Jugend\u202eclub" -> "Jugendclub". Whitespace is kept: callers strip.
    """
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", text))


MONTHS = {
    "januar": 1, "jan": 1, "jänner": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3,
    "mär": 3, "mrz": 3, "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7,
    "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12,
}  # fmt: skip
_DATE_HINT = "Bitte als Datum eingeben, z. B. 15.10.2026 oder 15. Oktober 2026."


@dataclass(frozen=True)
class ParsedDate:
    """A date plus a German note when we filled in a part the user left out."""

    value: date
    assumption: str | None = None


def parse_date(text: str) -> date:
    """Read a German date; see `parse_date_detailed` for the accepted forms."""
    return parse_date_detailed(text).value


def parse_date_detailed(text: str) -> ParsedDate:
    """Read "15.10.2026", "15.10.26", "2027-03-01", "15. Oktober 2026" or "März 2027".

    Two-digit years are 20xx ("15.10.26" -> 2026-10-15). A month without a day means its first
    day ("März 2027" -> 2027-03-01), and the returned assumption says so.
    """
    raw = clean_text(text).strip()
    low = SPACES.sub(" ", raw.lower()).strip()
    if not low:
        raise ParseError(_DATE_HINT)
    if m := re.fullmatch(r"(\d{1,2})\s?\.\s?(\d{1,2})\s?\.\s?(\d{2}|\d{4})", low):
        return ParsedDate(_make_date(int(m[3]), int(m[2]), int(m[1]), raw))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", low):
        return ParsedDate(_make_date(int(m[1]), int(m[2]), int(m[3]), raw))
    if m := re.fullmatch(r"(?:(\d{1,2})\s?\.?\s?)?([a-zäöü]+)\.?\s?(\d{2}|\d{4})", low):
        month = MONTHS.get(m[2])
        if month is None:
            raise ParseError(f"Den Monat „{m[2]}“ kenne ich nicht. {_DATE_HINT}")
        if m[1] is not None:
            return ParsedDate(_make_date(int(m[3]), month, int(m[1]), raw))
        value = _make_date(int(m[3]), month, 1, raw)
        note = f"Ohne Tagesangabe habe ich den Monatsersten angenommen: {format_date(value)}."
        return ParsedDate(value, note)
    if re.fullmatch(r"\d{1,2}\s?\.\s?\d{1,2}\s?\.?", low):
        raise ParseError(f"Bitte mit Jahreszahl eingeben, z. B. {raw.rstrip('.')}.2026.")
    raise ParseError(f"„{raw}“ kann ich nicht als Datum lesen. {_DATE_HINT}")


def _make_date(year: int, month: int, day: int, raw: str) -> date:
    if year < 100:
        year += 2000
    if not 2000 <= year <= 2100:
        raise ParseError(f"Das Jahr in „{raw}“ ist unplausibel. {_DATE_HINT}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError(
            f"„{raw}“ gibt es im Kalender nicht. Bitte prüfen Sie Tag und Monat."
        ) from None


def parse_email(text: str) -> str:
    """A sanity check only: one @, no spaces, a dot in the domain."""
    value = clean_text(text).strip().removeprefix("mailto:")
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", value):
        return value
    raise ParseError(
        f"„{value}“ sieht nicht wie eine E-Mail-Adresse aus. Bitte so eingeben: "
        "name@stadt-beispiel.de."
    )


def parse_phone(text: str) -> str:
    """Allow digits, spaces, + (leading), /, - and parentheses; 6 to 20 digits in total."""
    value = SPACES.sub(" ", clean_text(text).strip())
    digits = re.sub(r"\D", "", value)
    if re.fullmatch(r"\+?[\d /()-]+", value) and 6 <= len(digits) <= 20:
        return value
    raise ParseError(
        f"„{value}“ kann ich nicht als Telefonnummer lesen. Bitte nur Ziffern und "
        "gegebenenfalls +, /, - oder Leerzeichen verwenden, z. B. 0351 564-3090."
    )


def parse_plz(text: str) -> str:
    """A German postcode is five digits; kept as text because of the leading zero."""
    value = clean_text(text).strip().removeprefix("D-").strip()
    if re.fullmatch(r"\d{5}", value):
        return value
    raise ParseError(f"„{value}“ ist keine Postleitzahl. Bitte fünf Ziffern eingeben, z. B. 01097.")


# Postcode areas that straddle the border of Saxony; anything here may be either side.
_BORDER_PLZ = ((1930, 1999), (4600, 4639), (4890, 4999), (7900, 7999))
_SAXON_PLZ = ((1001, 1929), (2000, 2999), (4000, 4599), (4640, 4889), (8000, 9669))


def plz_in_saxony(plz: str) -> bool | None:
    """Plausibility only: True in Saxon postcode areas, False outside, None where unsure.

    Example: "01097" (Dresden) -> True; "10115" (Berlin) -> False; "04600" (Altenburg,
    Thuringia, but next to Saxon places) -> None. Never a reason for a hard error.
    """
    if not re.fullmatch(r"\d{5}", plz):
        return None
    number = int(plz)
    if any(low <= number <= high for low, high in _BORDER_PLZ):
        return None
    return any(low <= number <= high for low, high in _SAXON_PLZ)


_PAY_HINT = (
    "Bitte die TV-L-Entgeltgruppe von 1 bis 15 angeben, z. B. EG 11, oder im Sozial- und "
    "Erziehungsdienst die Gruppe des TVöD SuE, z. B. S 11b."
)
_SUE = re.compile(r"(?:tv[öo]e?d[\s-]*)?(?:sue[\s-]*)?s\s?(\d{1,2})\s?([abü]|ue)?")
_SUE_NUMBER_ONLY = re.compile(r"(?:tv[öo]e?d[\s-]*)?sue[\s-]*(\d{1,2})\s?([abü]|ue)?")


def parse_pay_group(text: str) -> PayGroup:
    """Read a pay group: TV-L "EG 11", "E11", "11", "Entgeltgruppe 9", "TV-L 9b", or TVöD SuE
    "S 11b", "S11 b", "s 2", "SuE S 8a", "TVöD SuE 11b".

    A step ("EG 11 Stufe 3") is ignored: the caps are whole groups. Examples: "E 11" ->
    PayGroup(scale="TV-L", group="11"); "S11 b" -> PayGroup(scale="TVöD SuE", group="11b").
    Groups that no longer exist get a pointed question ("S 11" -> "S 11a oder S 11b?").
    """
    raw = clean_text(text).strip()
    low = SPACES.sub(" ", raw.lower())
    low = re.sub(r",?\s*(stufe|st\.)\s*\d$", "", low).strip()
    if sue := (_SUE.fullmatch(low) or _SUE_NUMBER_ONLY.fullmatch(low)):
        return _sue_group(sue[1], (sue[2] or "").replace("ue", "ü"), raw)
    if re.match(r"tv[öo]e?d", low):
        raise ParseError(
            "Die Obergrenzen der RL sind in Entgeltgruppen des TV-L angegeben. Bitte nennen Sie "
            "die entsprechende Gruppe, z. B. EG 11 (die Zuordnung klärt die Beratung), oder im "
            "Sozial- und Erziehungsdienst die Gruppe des TVöD SuE, z. B. S 11b."
        )
    low = re.sub(r"^(tv-?l\s*)?(entgeltgruppe|eg|e)?\s*", "", low)
    if re.fullmatch(r"15\s?(ü|ue)", low):
        raise ParseError(
            "EG 15Ü liegt über der höchsten förderfähigen Eingruppierung (EG 15 Stufe 3). "
            "Bitte klären Sie die Stelle in der Beratung."
        )
    if m := re.fullmatch(r"(\d{1,2})\s?([abc])?", low):
        if m[2] and m[1] != "9":
            raise ParseError(
                f"Unterteilungen wie 9a oder 9b gibt es nur bei EG 9, nicht bei „{raw}“. "
                f"{_PAY_HINT}"
            )
        group = f"{int(m[1])}{m[2] or ''}"
        if 1 <= int(m[1]) <= 15:
            return PayGroup(scale="TV-L", group=group)
    raise ParseError(f"„{raw}“ kann ich nicht als Entgeltgruppe lesen. {_PAY_HINT}")


def _sue_group(number: str, letter: str, raw: str) -> PayGroup:
    group = f"{int(number)}{letter}"
    if group in SUE_GROUPS:
        return PayGroup(scale="TVöD SuE", group=group)
    if letter == "ü":
        raise ParseError(
            f"Überleitungsgruppen wie S {int(number)}Ü kann ich den Obergrenzen nicht "
            f"zuordnen. Bitte geben Sie die reguläre Gruppe an (z. B. S {int(number)}) und "
            "klären Sie die Stelle in der Beratung."
        )
    variants = [g for g in SUE_GROUPS if g.rstrip("ab") == str(int(number)) and g != group]
    if variants and not letter:
        options = " oder ".join(f"S {v}" for v in variants)
        raise ParseError(f"Meinten Sie {options}? S {group} ist seit 2015 geteilt.")
    known = ", ".join(f"S {g}" for g in SUE_GROUPS)
    raise ParseError(f"Die Gruppe S {group} gibt es im TVöD SuE nicht. Es gibt: {known}.")


def parse_tvl_group(text: str) -> int:
    """The TV-L group as a number, for callers that predate SuE groups: "EG 9b" -> 9.

    "S 11b" is refused here with a pointer to the TV-L group; use `parse_pay_group` for both.
    """
    group = parse_pay_group(text)
    if group.scale != "TV-L":
        raise ParseError(
            f"{group.label} ist eine Gruppe des TVöD SuE. Hier ist die TV-L-Entgeltgruppe von "
            "1 bis 15 gefragt, z. B. EG 11."
        )
    return group.number


_YES = {"ja", "j", "jawohl", "jo", "yes", "y", "klar", "genau", "stimmt"}
_NO = {"nein", "n", "ne", "nö", "no", "noch nicht", "nicht"}


def parse_yes_no(text: str) -> bool:
    """Read a yes/no answer such as "Ja" or "nein."."""
    value = clean_text(text).strip().lower().rstrip(".!")
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ParseError("Bitte antworten Sie mit „ja“ oder „nein“.")


def parse_year(text: str) -> int:
    """A funding year such as "2027"."""
    value = clean_text(text).strip()
    if re.fullmatch(r"20\d{2}", value):
        return int(value)
    raise ParseError(f"„{value}“ ist keine Jahreszahl. Bitte vierstellig eingeben, z. B. 2027.")
