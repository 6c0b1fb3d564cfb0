"""German formatting of amounts and dates, and a plain-text summary of a draft."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from bot.drafts.beccaria import BECCARIA_STEPS

if TYPE_CHECKING:
    from bot.drafts.models import Draft, YearCosts


def format_amount(value: Decimal) -> str:
    """German money format: Decimal("12500.5") -> "12.500,50 €"; negatives keep their sign."""
    cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    english = f"{abs(cents):,.2f}"  # "12,500.50"
    german = english.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{sign}{german} €"


def format_date(value: date) -> str:
    """German date format: date(2026, 10, 15) -> "15.10.2026"."""
    return value.strftime("%d.%m.%Y")


def format_percent(value: Decimal) -> str:
    """A ratio as German percent with one decimal: Decimal("0.125") -> "12,5 %"."""
    percent = (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{percent:f}".replace(".", ",") + " %"


def format_share(value: Decimal) -> str:
    """A post share the way staff say it: Decimal("0.5") -> "0,5 Stelle (50 %)"."""
    share = f"{value.normalize():f}".replace(".", ",")
    percent = f"{(value * 100).normalize():f}".replace(".", ",")
    return f"{share} Stelle ({percent} %)"


def _yes_no(value: bool) -> str:
    return "ja" if value else "nein"


def _lines(pairs: list[tuple[str, str | None]]) -> list[str]:
    return [f"{label}: {value}" for label, value in pairs if value]


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format_amount(value)


def _date(value: date | None) -> str | None:
    return None if value is None else format_date(value)


def _flag(value: bool | None) -> str | None:
    return None if value is None else _yes_no(value)


SECTION_TITLES: dict[str, str] = {
    "applicant": "Antragsteller",
    "contact": "Ansprechperson",
    "consultation": "Beratung durch die Geschäftsstelle",
    "project": "Vorhaben",
    "description": "Projektbeschreibung (Beccaria-Schritte)",
    "cost_plan": "Ausgabenplan",
    "financing": "Finanzierungsplan",
}


def render_summary(draft: Draft) -> str:
    """Everything filled in so far, in dialogue order, as plain text for any channel.

    Empty fields are left out, so the summary grows with the dialogue; adapters escape it.
    """
    text = "\n\n".join(b for b in render_blocks(draft) if b)
    return text or "Noch keine Angaben erfasst."


def render_blocks(draft: Draft) -> list[str]:
    """One text per section, in dialogue order ("" for a section without any entry)."""
    return [render_section(draft, key) for key in SECTION_TITLES]


def render_section(draft: Draft, key: str) -> str:
    """One section with its title; "" while it has no entry."""
    lines = _SECTION_LINES[key](draft)
    return _block(SECTION_TITLES[key], lines)


def _block(title: str, lines: list[str]) -> str:
    return "\n".join([title, *lines]) if lines else ""


def _applicant(draft: Draft) -> list[str]:
    a = draft.applicant
    place = " ".join(p for p in (a.address.plz, a.address.city) if p)
    address = ", ".join(p for p in (a.address.street, place) if p)
    return _lines(
        [
            ("Name", a.name),
            ("Art", a.kind.value if a.kind else None),
            ("Landkreis", a.landkreis),
            ("Anschrift", address),
        ]
    )


def _contact(draft: Draft) -> list[str]:
    c = draft.contact
    return _lines(
        [("Name", c.name), ("Funktion", c.function), ("E-Mail", c.email), ("Telefon", c.phone)]
    )


def _consultation(draft: Draft) -> list[str]:
    c = draft.consultation
    requested = "ja, Termin gewünscht" if c.requested else None
    return _lines([("Beratung am", _date(c.held_on)), ("Beratungstermin", requested)])


def _project(draft: Draft) -> list[str]:
    p = draft.project
    lines = _lines(
        [
            ("Titel", p.title),
            ("Ort", p.place),
            ("In Sachsen", _flag(p.in_saxony)),
            ("Beginn", _date(p.start)),
            ("Ende", _date(p.end)),
            ("Beteiligung des KPR", p.kpr_involvement),
            ("Kooperationspartner", p.partners),
        ]
    )
    if p.forwarding and (p.forwarding.recipient or p.forwarding.amount is not None):
        parts = [p.forwarding.recipient or "", _amount(p.forwarding.amount) or ""]
        lines.append("Weiterleitung an: " + ", ".join(x for x in parts if x))
    return lines + _lines(
        [
            ("Geplanter Antragseingang", _date(draft.planned_submission)),
            ("Begründung für späten Antrag", draft.late_reason),
            ("Vorhaben bereits begonnen", _flag(draft.already_begun)),
        ]
    )


def _description(draft: Draft) -> list[str]:
    return [
        f"{step.title}:\n{text}"
        for step in BECCARIA_STEPS
        if (text := draft.description.text(step.number))
    ]


def _costs(draft: Draft) -> list[str]:
    lines: list[str] = []
    for year in draft.cost_plan:
        lines.extend(_year(year))
    if (total := draft.total_costs) is not None:
        lines.append(f"Gesamtausgaben: {format_amount(total)}")
    return lines


def _year(year: YearCosts) -> list[str]:
    lines = [f"{year.year}:"]
    for item in year.personnel:
        details = [
            item.qualification.value if item.qualification else None,
            item.pay_group.label if item.pay_group is not None else None,
            format_share(item.share) if item.share is not None else None,
            _amount(item.amount),
        ]
        role = item.role or "Stelle ohne Bezeichnung"
        lines.append(f"  • Personal: {role} – " + ", ".join(d for d in details if d))
    for m in year.material:
        name, amount = m.item or "ohne Bezeichnung", _amount(m.amount) or "Betrag fehlt"
        lines.append(f"  • Sachausgabe: {name} – {amount}")
    lines.append(f"  Summe {year.year}: {format_amount(year.total)}")
    return lines


def _financing(draft: Draft) -> list[str]:
    f = draft.financing
    lines = _lines(
        [
            ("Eigenmittel (Geld)", _amount(f.own_money)),
            ("Eigenleistung (bewertet)", _amount(f.own_in_kind)),
            ("Drittmittel", _amount(f.third_party)),
            ("Beantragte Zuwendung", _amount(f.grant)),
        ]
    )
    total = draft.total_costs
    if f.grant is not None and total:
        lines.append(f"Anteil der Zuwendung an den Ausgaben: {format_percent(f.grant / total)}")
    return lines + _lines([("Begründung Ausnahme ≤ 10.000 €", draft.exception_reason)])


_SECTION_LINES = {
    "applicant": _applicant,
    "contact": _contact,
    "consultation": _consultation,
    "project": _project,
    "description": _description,
    "cost_plan": _costs,
    "financing": _financing,
}
