"""Which figures in an FAQ answer the cited section does not back up.

Staff write answers by hand; a mistyped rate or deadline is the most harmful error a curated
answer can carry, so the editor lists every figure of the answer that the cited section does
not contain. What counts as the same figure:

* Plain numbers compare by value: thousand separators (".", space) are dropped and the decimal
  comma is a point, so "10.000", "10 000" and "10000" are one number, and "1,5" is "1,50".
  This is `retrieval.generation.numbers_in`, the rule the bot applies to generated answers; the
  editor reuses it so both agree. Units are not compared: "bis zu 90 %" is backed by "bis zu 90
  Prozent" (or "90 v. H."), because the risk is an invented or mistyped figure, and the words
  around it differ between summary and answer. In the source, the number words "zwei" to
  "zwölf" and the tens count as numbers ("sechs Wochen" backs "6 Wochen").
* Dates compare by day and month: "15.10.", "15. Oktober" and "15. Okt." are one date. A date
  with a year needs a source date with that year, or a source date without a year plus the year
  elsewhere in the section. "15.10" without the closing dot is not read as a date (it could be
  a number or a paragraph), and neither is anything ambiguous like "1.5".
* References to the guideline ("Ziffer V Nr. 2", "Nr. 1.2", "§ 44 Abs. 1") count as figures
  too: an answer citing "Ziffer VI Nr. 3" for a rule of Ziffer V is wrong. A reference is
  backed when one sentence of the section (or its cited path, `section`) names all its parts:
  "Nr. 2" and "Ziffer V" are both backed by "Ziffer V › Nr. 2", and "Ziffer II Nr. 1" by
  "regelt Ziffer II … (Nr. 1 bis 5)". Letters ("Buchst. c") are not compared, since sources
  list them as "c)". The numbers inside a reference or a date are not also plain numbers.

Figures are reported as the answer spells them ("95 %", "16. Oktober", "Ziffer VI Nr. 3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.generation import numbers_in

_FULL_MONTHS = {
    "januar": 1,
    "februar": 2,
    "märz": 3,
    "maerz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}
_SHORT_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mär": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sept": 9,
    "sep": 9,
    "okt": 10,
    "nov": 11,
    "dez": 12,
}
_MONTHS = _FULL_MONTHS | _SHORT_MONTHS

# "15. Oktober 2026", "15. Okt.", "1. Januar"; abbreviations need their dot.
_WRITTEN_DATE = re.compile(
    rf"(?<![\d.,])(\d{{1,2}})\.\s*((?:{'|'.join(_FULL_MONTHS)})\b|(?:{'|'.join(_SHORT_MONTHS)})\.)"
    r"(?:\s+(\d{4})(?!\d))?",
    re.IGNORECASE,
)
# "15.10.", "15.10.2026", "1. 1. 2020", "31.12.26"; the closing dot after the month is required,
# a two-digit year must follow it directly ("15.10. 20 Personen" is no year).
_NUMERIC_DATE = re.compile(
    r"(?<![\d.,])(\d{1,2})\.\s?(\d{1,2})\.(?:\s?(\d{4})(?!\d)|(\d{2})(?![\d.,]))?"
)

_NR = r"(?:Nr\.|Nummer)\s*(\d+(?:\.\d+)*)"
_LETTER = r"(?:\s*(?:Buchst(?:abe)?\.?)\s*([a-z])\b)?"
_SEP = r"\s*(?:›|,)?\s*"
# "Ziffer V Nr. 2 Buchst. a", "Nr. 1.2", "§ 44 Abs. 1", "§§ 23, 44 und 44a"
_REFERENCE = re.compile(
    rf"(?:Ziffer|Ziff\.)\s*([IVXL]+\b|\d+(?:\.\d+)*)(?:{_SEP}{_NR})?{_LETTER}"
    rf"|(?<![\w.]){_NR}{_LETTER}"
    r"|§§\s*(\d+[a-z]?(?:\s*(?:,|und|bis|sowie)\s*\d+[a-z]?)*)"
    r"|§\s*(\d+[a-z]?)(?:\s*(?:Abs\.|Absatz)\s*(\d+))?"
)
_PARAGRAPH_LIST = re.compile(r"\d+[a-z]?")
# Where a sentence or list item ends: ". " before a capital, or a line break.
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÄÖÜ„(])|\n+")

# Plain numbers: like retrieval.generation's, but never starting or ending inside a number.
_PLAIN = re.compile(r"(?<![\d.,])\d+(?:[.\s]\d{3}(?!\d))*(?:[.,]\d+)?")
_UNIT = re.compile(r"\s?(?:%|€)|\s(?:Prozent|Euro|EUR)\b")

_NUMBER_WORDS = {
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "zwanzig": 20,
    "dreißig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
    "hundert": 100,
}
_WORDS = re.compile(rf"\b({'|'.join(_NUMBER_WORDS)})\b", re.IGNORECASE)

_Part = tuple[str, str]


@dataclass(frozen=True)
class _Date:
    day: int
    month: int
    year: int | None


@dataclass
class _Facts:
    """What a text states, each with where it starts: references, dates, plain numbers."""

    references: list[tuple[int, str, tuple[_Part, ...]]]
    dates: list[tuple[int, str, _Date]]
    numbers: list[tuple[int, str, str]]


def unsupported_numbers(answer: str, source_text: str, *, section: str = "") -> list[str]:
    """Figures of `answer` that `source_text` does not contain, as the answer spells them.

    `source_text` is the cited section's text (its heading included, where the caller has it);
    `section` is the cited path ("Ziffer V › Nr. 2"), whose references count as stated.
    """
    said = _facts(answer)
    source = _facts(f"{source_text}\n{section.replace('›', ' ')}")
    known_refs = _reference_groups(source_text, section)
    known_dates = [d for _, _, d in source.dates]
    known_numbers = {_canonical(n) for n in numbers_in(source_text)}
    known_numbers |= {n for _, _, n in source.numbers}
    known_numbers |= {str(d.year) for d in known_dates if d.year is not None}
    known_numbers |= {str(v) for v in _word_numbers(source_text)}
    found: list[tuple[int, str]] = []
    for position, spelling, parts in said.references:
        if not any(set(parts) <= group for group in known_refs):
            found.append((position, spelling))
    for position, spelling, day in said.dates:
        if not _date_backed(day, known_dates, known_numbers):
            found.append((position, spelling))
    for position, spelling, number in said.numbers:
        if number not in known_numbers:
            found.append((position, spelling))
    return list(dict.fromkeys(spelling for _, spelling in sorted(found)))


def _facts(text: str) -> _Facts:
    """References first, then dates, then the numbers left; each is blanked out once taken,
    so "Nr. 2" is not also the number 2 and "15.10.2026" not also 2026."""
    facts = _Facts([], [], [])
    rest = text
    for m in _REFERENCE.finditer(text):
        facts.references.append((m.start(), m.group(0).strip(), _parts(m)))
        rest = _blank(rest, m)
    for pattern in (_WRITTEN_DATE, _NUMERIC_DATE):
        for m in pattern.finditer(rest):
            found = _date(m, written=pattern is _WRITTEN_DATE)
            if found is not None:
                facts.dates.append((m.start(), m.group(0).strip(), found))
                rest = _blank(rest, m)
    for m in _PLAIN.finditer(rest):
        unit = _UNIT.match(rest, m.end())
        spelling = m.group(0) + (unit.group(0) if unit else "")
        facts.numbers.append((m.start(), spelling.strip(), _canonical(m.group(0))))
    return facts


def _blank(text: str, m: re.Match[str]) -> str:
    return text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]


def _parts(m: re.Match[str]) -> tuple[_Part, ...]:
    """A reference as (kind, value) pairs: "Ziffer V Nr. 2" -> (("Ziffer", "V"), ("Nr.", "2"))."""
    # Letters ("Buchst. c") are matched but not compared: sources list them as "c)".
    ziffer, ziffer_nr, _, nr, _, paragraphs, paragraph, absatz = m.groups()
    parts: list[_Part] = []
    if ziffer:
        parts.append(("Ziffer", ziffer.upper()))
        if ziffer_nr:
            parts.append(("Nr.", ziffer_nr))
    elif nr:
        parts.append(("Nr.", nr))
    elif paragraphs:  # "§§ 23, 44 und 44a" states each of them
        parts.extend(("§", p) for p in _PARAGRAPH_LIST.findall(paragraphs))
    elif paragraph:
        parts.append(("§", paragraph))
        if absatz:
            parts.append(("Abs.", absatz))
    return tuple(parts)


def _reference_groups(source_text: str, section: str) -> list[set[_Part]]:
    """The reference parts the source states together, one set per sentence.

    A reference of the answer is backed when one sentence states all its parts: "Ziffer V
    Nr. 2" by "Ziffer V Nr. 2", by "nach Ziffer V … (Nr. 2)" or by "in Ziffer V eine neue
    Nr. 2". The cited path is one more sentence, and a bare "Nr. 4" in the text of a section
    under "Ziffer V" means "Ziffer V Nr. 4", as in the guideline's own cross-references.
    """
    path = tuple(p for m in _REFERENCE.finditer(section.replace("›", " ")) for p in _parts(m))
    ziffer = next((p for p in path if p[0] == "Ziffer"), None)
    groups = [set(path)]
    for sentence in _SENTENCE.split(source_text):
        parts = {p for m in _REFERENCE.finditer(sentence) for p in _parts(m)}
        if ziffer is not None and any(kind == "Nr." for kind, _ in parts):
            parts.add(ziffer)
        groups.append(parts)
    return [g for g in groups if g]


def _date(m: re.Match[str], *, written: bool) -> _Date | None:
    day = int(m.group(1))
    month = _MONTHS[m.group(2).lower().rstrip(".")] if written else int(m.group(2))
    year_text = m.group(3) or (m.group(4) if not written else None)
    year = None
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return _Date(day, month, year)


def _date_backed(said: _Date, known: list[_Date], numbers: set[str]) -> bool:
    for d in known:
        if (d.day, d.month) != (said.day, said.month):
            continue
        if said.year is None or d.year == said.year:
            return True
        if d.year is None and str(said.year) in numbers:
            return True
    return False


def _canonical(number: str) -> str:
    """The value as `numbers_in` writes it, without trailing decimal zeros ("1,50" = "1,5")."""
    values = numbers_in(number)
    value = next(iter(values)) if len(values) == 1 else number
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value


def _word_numbers(text: str) -> set[int]:
    return {_NUMBER_WORDS[m.group(1).lower()] for m in _WORDS.finditer(text)}
