"""Pure parsers for what users type: German amounts, dates, post shares and contact details."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.drafts.models import SUE_GROUPS, PayGroup
from bot.drafts.summary import format_amount, format_date, format_share


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


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY = re.compile(r"€|eur(?:os?)?", re.IGNORECASE)
# "12,5 Tsd." / "12,5k" / "20 T€" / "12 Tausend" / "1,2 Mio": understood, but to be confirmed.
_ABBREVIATED = re.compile(
    r"^(?P<num>[\d.,\s]+?)\s*(?P<unit>tsd\.?|tausend|t|k|mio\.?|million(en)?)$", re.IGNORECASE
)
_GROUPED = r"\d{1,3}(?:[. ]\d{3})+"  # 12.500 / 1.234.567 / 12 500
# Eigenmittel, Eigenleistung, Drittmittel: "keine", "nichts" or a dash mean nothing at all.
_NOTHING = re.compile(
    r"(kein[es]?|nichts|null|[-–—]{1,2}|-,-)(\s+(eigenmittel|eigenleistung(en)?|drittmittel|"
    r"mittel|geld))?\.?",
)
_AMOUNT_HINT = "z. B. 12.500,00 oder 12500"
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class AmountReading:
    """An amount as understood, and whether the user must confirm it before it is stored.

    `shown` is the German form to echo back: "20k" -> value 20000.00, needs_confirmation True,
    shown "20.000,00 €"; "12.500" -> 12500.00, False, "12.500,00 €".
    """

    value: Decimal
    needs_confirmation: bool
    shown: str


def read_amount(text: str) -> AmountReading:
    """Read a euro amount the way Germans type it, exact to the cent.

    Plain forms need no confirmation: "12.500,50 €" -> 12500.50; "12.500" -> 12500 (the dot
    groups thousands); "12,50" -> 12.50; "500,-" -> 500.00; "keine", "nichts", "-" -> 0.00.
    Shorthand is multiplied out but must be confirmed: "12,5 Tsd." -> 12.500,00 €,
    "20k" / "20 T€" -> 20.000,00 €, "1,2 Mio" -> 1.200.000,00 €.
    """
    raw = clean_text(text).strip()
    if not raw:
        raise ParseError(f"Bitte geben Sie einen Betrag in Euro ein, {_AMOUNT_HINT}.")
    cleaned = _CURRENCY.sub(" ", raw).strip()
    if _NOTHING.fullmatch(_SPACES.sub(" ", cleaned.lower())):  # "keine", "null Euro", "–"
        return _reading(Decimal("0.00"), confirm=False)
    if cleaned.startswith(("-", "−", "–")):
        raise ParseError(
            f"Beträge können nicht negativ sein. Bitte ohne Minus eingeben, {_AMOUNT_HINT}; "
            "für „nichts“ genügt 0."
        )
    abbreviated = _ABBREVIATED.match(cleaned)
    if abbreviated:
        unit = abbreviated["unit"].lower()
        factor = Decimal(1_000_000) if unit.startswith("mi") else Decimal(1000)
        value = _shorthand_number(abbreviated["num"], raw) * factor
        if value != value.quantize(_CENT):
            raise ParseError(
                f"„{raw}“ ergibt Bruchteile eines Cents. Bitte schreiben Sie den Betrag ganz "
                "aus, z. B. 1.234.567,89."
            )
        return _reading(value, confirm=True)
    number = _SPACES.sub(" ", cleaned).removesuffix(".")  # a full stop ends the sentence
    number = re.sub(r",[-–]{1,2}$", ",00", number)  # "500,-" means whole euros
    return _reading(_german_number(number, raw), confirm=False)


def parse_amount(text: str) -> Decimal:
    """Like `read_amount`, for callers that cannot ask back: shorthand is refused, not guessed.

    "12.500,50 €" -> 12500.50; "12,5 Tsd." -> ParseError "Meinten Sie 12.500,00 €? Bitte
    schreiben Sie den Betrag ganz aus, z. B. 12.500."
    """
    reading = read_amount(text)
    if reading.needs_confirmation:
        whole = reading.shown.removesuffix(" €").removesuffix(",00")
        raise ParseError(
            f"Meinten Sie {reading.shown}? Bitte schreiben Sie den Betrag ganz aus, z. B. {whole}."
        )
    return reading.value


def _reading(value: Decimal, *, confirm: bool) -> AmountReading:
    cents = value.quantize(_CENT)
    return AmountReading(value=cents, needs_confirmation=confirm, shown=format_amount(cents))


def _shorthand_number(number: str, raw: str) -> Decimal:
    """The number before "Tsd."/"k"/"Mio": a comma or a lone dot marks decimals.

    Example: "12,5" -> 12.5; "12.5" -> 12.5; "1.500" -> 1500 (a group of three); "1,25" -> 1.25.
    """
    compact = _SPACES.sub("", number)
    if re.fullmatch(rf"\d+|{_GROUPED}", compact):
        value = Decimal(compact.replace(".", ""))
    elif re.fullmatch(r"\d+[.,]\d+", compact):
        value = Decimal(compact.replace(",", "."))
    else:
        raise ParseError(
            f"„{raw}“ kann ich nicht als Betrag lesen. Bitte schreiben Sie den Betrag ganz aus, "
            "z. B. 12.500."
        )
    return value


def _german_number(number: str, raw: str) -> Decimal:
    if re.fullmatch(rf"(\d+|{_GROUPED})(,\d{{1,2}})?", number):
        return Decimal(number.replace(".", "").replace(" ", "").replace(",", ".")).quantize(_CENT)
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
    raw = clean_text(text).strip()
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


@dataclass(frozen=True)
class ShareReading:
    """A post share as understood; weekly hours are read against 40 h and must be confirmed.

    "20 Wochenstunden" -> value 0.5, needs_confirmation True, shown "0,5 Stelle (50 %) bei
    40 Wochenstunden Vollzeit"; "halbe Stelle" -> 0.5, False, "0,5 Stelle (50 %)".
    """

    value: Decimal
    needs_confirmation: bool
    shown: str


FULL_TIME_HOURS = Decimal(40)  # TV-L Sachsen; TVöD staff may have 39 h, hence the confirmation
_SHARE_WORDS: dict[str, Decimal] = {
    "vollzeit": Decimal(1), "volle": Decimal(1), "ganze": Decimal(1), "eine": Decimal(1),
    "halbe": Decimal("0.5"), "halbtags": Decimal("0.5"), "halbtagsstelle": Decimal("0.5"),
    "eine halbe": Decimal("0.5"), "viertel": Decimal("0.25"), "eine viertel": Decimal("0.25"),
    "viertelstelle": Decimal("0.25"), "drei viertel": Decimal("0.75"),
    "dreiviertel": Decimal("0.75"), "dreiviertelstelle": Decimal("0.75"),
    "vollzeitstelle": Decimal(1), "½": Decimal("0.5"), "¼": Decimal("0.25"), "¾": Decimal("0.75"),
}  # fmt: skip
_HOURS = re.compile(
    r"(\d{1,2}(?:[.,]\d{1,2})?)\s?(h|std\.?|stunden|wochenstunden|wstd\.?)"
    r"(\s?(pro|je|in der|/)\s?woche)?"
)
_SHARE_HINT = (
    "Bitte als Zahl oder Prozent eingeben, z. B. 0,5 oder 50 % für eine halbe Stelle, "
    "oder in Wochenstunden, z. B. 20 Wochenstunden."
)


def read_share(text: str) -> ShareReading:
    """Read the share of a full-time post as people say it; see `parse_share` for the forms.

    Weekly hours are divided by 40 and need confirmation, because TVöD posts may have 39 h:
    "20 Wochenstunden" -> 0.5 to confirm; "30 h" -> 0.75 to confirm.
    """
    raw = clean_text(text).strip()
    low = _SPACES.sub(" ", raw.lower()).strip().rstrip(".")
    low = re.sub(r"[\s-]*(vzä|vollzeitäquivalente?|stellen?)$", "", low).strip()
    if hours := _HOURS.fullmatch(low):
        value = Decimal(hours[1].replace(",", ".")) / FULL_TIME_HOURS
        if not 0 < value <= 1:
            raise ParseError(
                f"„{raw}“: Eine Stelle hat zwischen 0 und 40 Wochenstunden. Mehrere Stellen "
                "erfassen Sie bitte einzeln."
            )
        shown = f"{format_share(_tidy(value))} bei 40 Wochenstunden Vollzeit"
        return ShareReading(value=_tidy(value), needs_confirmation=True, shown=shown)
    value = _share_value(low, raw)
    return ShareReading(value=value, needs_confirmation=False, shown=format_share(value))


def parse_share(text: str) -> Decimal:
    """Read the share of a full-time post: "0,5", "0.5", "50 %", "50 Prozent", "1", "halbe
    Stelle", "Vollzeit", "volle Stelle", "Viertelstelle", "drei Viertel", "3/4", or weekly
    hours ("20 Wochenstunden" -> 0.5 of 40 h; `read_share` says it needs confirming).

    Plain numbers are fractions of one post, so "75" is refused with the hint "75 %".
    Up to four decimals are kept (0,375 = 15 of 40 hours).
    """
    return read_share(text).value


def _share_value(low: str, raw: str) -> Decimal:
    word = _SHARE_WORDS.get(low)
    percent = re.fullmatch(r"(\d{1,3}(?:[.,]\d{1,2})?)\s?(%|prozent)", low)
    plain = re.fullmatch(r"\d+(?:[.,]\d{1,4})?", low)
    fraction = re.fullmatch(r"(\d)\s?/\s?(\d)", low)
    if word is not None:
        return word
    if percent:
        value = Decimal(percent[1].replace(",", ".")) / 100
    elif plain:
        value = Decimal(low.replace(",", "."))
    elif fraction and int(fraction[2]) in (2, 4, 8):  # 1/2, 3/4, 3/8: exact in four decimals
        value = Decimal(fraction[1]) / Decimal(fraction[2])
    elif low == "teilzeit":
        raise ParseError(f"Wie groß ist der Teilzeitanteil? {_SHARE_HINT}")
    else:
        raise ParseError(f"„{raw}“ kann ich nicht als Stellenanteil lesen. {_SHARE_HINT}")
    if plain and value == value.to_integral() and 1 < value <= 100:
        raise ParseError(
            f"Meinten Sie {low} %? Eine volle Stelle ist 1 (100 %), eine halbe 0,5 (50 %)."
        )
    if not 0 < value <= 1:
        raise ParseError(
            "Der Stellenanteil muss größer als 0 und höchstens 1 (100 %) sein. Mehrere Stellen "
            "erfassen Sie bitte einzeln."
        )
    return _tidy(value)


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros: 0.50 -> 0.5, 1.00 -> 1; keeps what a person would write."""
    return value.normalize() if value != value.to_integral() else Decimal(int(value))


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
    value = _SPACES.sub(" ", clean_text(text).strip())
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
    low = _SPACES.sub(" ", raw.lower())
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
