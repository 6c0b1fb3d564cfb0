"""Amounts of money and shares of a post, read the way people type them ("20k", "halbe Stelle").

Loose forms are understood but flagged for confirmation, so nothing is multiplied silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.drafts.parsing import SPACES, ParseError, clean_text
from bot.drafts.summary import format_amount, format_share

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
    if _NOTHING.fullmatch(SPACES.sub(" ", cleaned.lower())):  # "keine", "null Euro", "–"
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
    number = SPACES.sub(" ", cleaned).removesuffix(".")  # a full stop ends the sentence
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
    compact = SPACES.sub("", number)
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
    low = SPACES.sub(" ", raw.lower()).strip().rstrip(".")
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
