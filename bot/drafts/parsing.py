"""Pure parsers for what users type: German amounts, dates, post shares and contact details."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.drafts.summary import format_amount, format_date


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


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY = re.compile(r"€|eur(?:os?)?", re.IGNORECASE)
# "12,5 Tsd." / "12,5k" / "12 Tausend" / "1,2 Mio": we ask instead of multiplying.
_ABBREVIATED = re.compile(
    r"^(?P<num>[\d.,\s]+?)\s*(?P<unit>tsd\.?|tausend|t|k|mio\.?|million(en)?)$", re.IGNORECASE
)
_GROUPED = r"\d{1,3}(?:[. ]\d{3})+"  # 12.500 / 1.234.567 / 12 500


def parse_amount(text: str) -> Decimal:
    """Read a euro amount the way Germans write it, exact to the cent.

    "12.500,50 €" -> 12500.50; "12.500" -> 12500 (the dot groups thousands); "12,50" -> 12.50;
    "500,-" -> 500.00. "12,5 Tsd." is not multiplied out: the user is asked to write 12.500.
    """
    raw = text.strip()
    if not raw:
        raise ParseError("Bitte geben Sie einen Betrag in Euro ein, z. B. 12.500,00.")
    cleaned = _CURRENCY.sub(" ", raw).strip()
    if cleaned.startswith(("-", "−", "–")):
        raise ParseError("Beträge können nicht negativ sein. Bitte ohne Minus eingeben.")
    abbreviated = _ABBREVIATED.match(cleaned)
    if abbreviated:
        raise ParseError(_abbreviation_hint(abbreviated["num"], abbreviated["unit"]))
    number = _SPACES.sub(" ", cleaned).removesuffix(".")  # a full stop ends the sentence
    number = re.sub(r",[-–]{1,2}$", ",00", number)  # "500,-" means whole euros
    return _german_number(number, raw)


def _abbreviation_hint(number: str, unit: str) -> str:
    factor = Decimal(1_000_000) if unit.lower().startswith("mi") else Decimal(1000)
    example = "12.500"
    try:
        value = _german_number(_SPACES.sub(" ", number.strip()), number) * factor
    except ParseError:
        return f"Bitte schreiben Sie den Betrag ganz aus, z. B. {example}."
    whole = format_amount(value).removesuffix(",00 €")
    return (
        f"Meinten Sie {format_amount(value)}? Bitte schreiben Sie den Betrag ganz aus, "
        f"z. B. {whole}."
    )


def _german_number(number: str, raw: str) -> Decimal:
    if re.fullmatch(rf"(\d+|{_GROUPED})(,\d{{1,2}})?", number):
        return Decimal(number.replace(".", "").replace(" ", "").replace(",", ".")).quantize(
            Decimal("0.01")
        )
    if re.fullmatch(rf"(\d+|{_GROUPED}),\d{{3,}}", number):
        raise ParseError(
            f"„{raw}“ hat mehr als zwei Stellen nach dem Komma. Nach dem Komma stehen nur die "
            "Cent, z. B. 12.500,50. Tausender trennen Sie mit Punkt oder gar nicht: 12.500."
        )
    if re.fullmatch(r"\d+\.\d{1,2}", number):
        suggestion = format_amount(Decimal(number))
        raise ParseError(
            f"Meinten Sie {suggestion}? Im Deutschen steht vor den Cent ein Komma, "
            f"z. B. {suggestion.removesuffix(' €')}. Ein Punkt trennt nur Tausender (12.500)."
        )
    if re.search(r"[A-Za-zÄÖÜäöüß]", number):
        raise ParseError(
            f"„{raw}“ kann ich nicht als Betrag lesen. Bitte nur die Zahl in Euro eingeben, "
            "z. B. 12.500,00 oder 3000."
        )
    raise ParseError(
        f"„{raw}“ kann ich nicht als Betrag lesen. Bitte so schreiben: 12.500,50 oder 12500,50 "
        "(Komma vor den Cent, Punkt zwischen den Tausendern)."
    )


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
    raw = text.strip()
    low = _SPACES.sub(" ", raw.lower()).strip()
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


def parse_share(text: str) -> Decimal:
    """Read the share of a full-time post: "0,5", "0.5", "50 %", "50 Prozent" or "1".

    Plain numbers are fractions of one post, so "75" is refused with the hint "75 %".
    Up to four decimals are kept (0,375 = 15 of 40 hours).
    """
    raw = text.strip()
    low = _SPACES.sub(" ", raw.lower())
    low = re.sub(r"\s*(vzä|vollzeitäquivalente?|stellen?)$", "", low).strip()
    percent = re.fullmatch(r"(\d{1,3}(?:[.,]\d{1,2})?)\s?(%|prozent)", low)
    plain = re.fullmatch(r"\d+(?:[.,]\d{1,4})?", low)
    if percent:
        value = Decimal(percent[1].replace(",", ".")) / 100
    elif plain:
        value = Decimal(low.replace(",", "."))
    else:
        raise ParseError(
            f"„{raw}“ kann ich nicht als Stellenanteil lesen. Bitte als Zahl oder Prozent "
            "eingeben, z. B. 0,5 oder 50 % für eine halbe Stelle."
        )
    if plain and value == value.to_integral() and 1 < value <= 100:
        raise ParseError(
            f"Meinten Sie {low} %? Eine volle Stelle ist 1 (100 %), eine halbe 0,5 (50 %)."
        )
    if not 0 < value <= 1:
        raise ParseError(
            "Der Stellenanteil muss größer als 0 und höchstens 1 (100 %) sein. Mehrere Stellen "
            "erfassen Sie bitte einzeln."
        )
    return value.normalize() if value == value.to_integral() else value


def parse_email(text: str) -> str:
    """A sanity check only: one @, no spaces, a dot in the domain."""
    value = text.strip().removeprefix("mailto:")
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", value):
        return value
    raise ParseError(
        f"„{text.strip()}“ sieht nicht wie eine E-Mail-Adresse aus. Bitte so eingeben: "
        "name@stadt-beispiel.de."
    )


def parse_phone(text: str) -> str:
    """Allow digits, spaces, + (leading), /, - and parentheses; 6 to 20 digits in total."""
    value = _SPACES.sub(" ", text.strip())
    digits = re.sub(r"\D", "", value)
    if re.fullmatch(r"\+?[\d /()-]+", value) and 6 <= len(digits) <= 20:
        return value
    raise ParseError(
        f"„{text.strip()}“ kann ich nicht als Telefonnummer lesen. Bitte nur Ziffern und "
        "gegebenenfalls +, /, - oder Leerzeichen verwenden, z. B. 0351 564-3090."
    )


def parse_plz(text: str) -> str:
    """A German postcode is five digits; kept as text because of the leading zero."""
    value = text.strip().removeprefix("D-").strip()
    if re.fullmatch(r"\d{5}", value):
        return value
    raise ParseError(
        f"„{text.strip()}“ ist keine Postleitzahl. Bitte fünf Ziffern eingeben, z. B. 01097."
    )


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


def parse_tvl_group(text: str) -> int:
    """Read a TV-L pay group: "EG 11", "E11", "11", "Entgeltgruppe 9", "TV-L 9b".

    Subgroups (9a, 9b, 9c) are read as their number, 9: the caps are whole groups 7/11/14/15,
    so the letter never changes the check. A step ("EG 11 Stufe 3") is ignored for the same
    reason. "15Ü" is refused: it lies above the highest cap, EG 15 Stufe 3.
    """
    raw = text.strip()
    low = _SPACES.sub(" ", raw.lower())
    low = re.sub(r",?\s*(stufe|st\.)\s*\d$", "", low).strip()
    low = re.sub(r"^(tv-?l\s*)?(entgeltgruppe|eg|e)?\s*", "", low)
    if re.fullmatch(r"15\s?(ü|ue)", low):
        raise ParseError(
            "EG 15Ü liegt über der höchsten förderfähigen Eingruppierung (EG 15 Stufe 3). "
            "Bitte klären Sie die Stelle in der Beratung."
        )
    if m := re.fullmatch(r"(\d{1,2})\s?[abc]?", low):
        group = int(m[1])
        if 1 <= group <= 15:
            return group
    raise ParseError(
        f"„{raw}“ kann ich nicht als TV-L-Entgeltgruppe lesen. Bitte die Gruppe von 1 bis 15 "
        "angeben, z. B. EG 11."
    )


_YES = {"ja", "j", "jawohl", "jo", "yes", "y", "klar", "genau", "stimmt"}
_NO = {"nein", "n", "ne", "nö", "no", "noch nicht", "nicht"}


def parse_yes_no(text: str) -> bool:
    """Read a yes/no answer such as "Ja" or "nein."."""
    value = text.strip().lower().rstrip(".!")
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ParseError("Bitte antworten Sie mit „ja“ oder „nein“.")


def parse_year(text: str) -> int:
    """A funding year such as "2027"."""
    value = text.strip()
    if re.fullmatch(r"20\d{2}", value):
        return int(value)
    raise ParseError(f"„{value}“ ist keine Jahreszahl. Bitte vierstellig eingeben, z. B. 2027.")
