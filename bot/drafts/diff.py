"""What changed between two versions of a draft, field by field, as a clerk reads it.

When a municipality hands in a new version, the office wants to see only what is new, in
the words of the printout: the section and field labels of the DOCX/PDF export and values in
German form ("12.345,67 €", "01.03.2027", "ja"/"nein", "0,5 Stelle (50 %)"). An unanswered
field shows "–", like in the printout, so "– → 5.000,00 €" reads as "newly entered".

Cost items are compared by position within their year: "Sachausgabe 2" of 2027 in the old
version against "Sachausgabe 2" of 2027 in the new one; an item or year that exists on one
side only shows "–" on the other. Years are matched by their number, not by position: the
year is what identifies them (a draft holds each year once), and matching by position would
report every item as changed when an earlier year is removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.drafts.beccaria import BECCARIA_STEPS
from bot.drafts.export_layout import (
    EMPTY,
    amount_or_dash,
    clean_text,
    date_or_dash,
    flag_or_dash,
    project_rows,
    text_or_dash,
)
from bot.drafts.models import Draft, MaterialItem, PersonnelItem, YearCosts
from bot.drafts.summary import (
    SECTION_TITLES,
    format_amount,
    format_percent,
    format_share,
)

# Worked example: the grant went from 36.000 € to 35.000 € and a year 2028 with one
# material item of 500 € was added; field_changes(old, new) then gives, in printout order:
#   FieldChange("Ausgabenplan", "Haushaltsjahr 2028", "–",
#               "Sachausgabe: Flyer, 500,00 €\nAusgaben 2028: 500,00 €")
#   FieldChange("Ausgabenplan", "Gesamtausgaben", "40.000,00 €", "40.500,00 €")
#   FieldChange("Finanzierungsplan", "Beantragte Zuwendung", "36.000,00 €", "35.000,00 €")
#   FieldChange("Finanzierungsplan", "Summe", "40.000,00 €", "39.000,00 €")
#   FieldChange("Finanzierungsplan", "Förderquote (Zuwendung je Gesamtausgaben)",
#               "90,0 %", "86,4 %")


@dataclass(frozen=True)
class FieldChange:
    """One changed field: where it is in the printout, and its old and new value as shown."""

    section: str
    label: str
    old: str
    new: str


Rows = list[tuple[str, str]]  # (label, value) in printout order


def _applicant(draft: Draft) -> Rows:
    a = draft.applicant
    place = " ".join(clean_text(p) for p in (a.address.plz, a.address.city) if p)
    # One line rather than the printout's two: a change list reads better without breaks.
    address = ", ".join(p for p in (clean_text(a.address.street or ""), place) if p)
    return [
        ("Name", text_or_dash(a.name)),
        ("Art", a.kind.value if a.kind else EMPTY),
        ("Landkreis", text_or_dash(a.landkreis)),
        ("Anschrift", address or EMPTY),
    ]


def _contact(draft: Draft) -> Rows:
    c = draft.contact
    return [
        ("Name", text_or_dash(c.name)),
        ("Funktion", text_or_dash(c.function)),
        ("E-Mail", text_or_dash(c.email)),
        ("Telefon", text_or_dash(c.phone)),
    ]


def _consultation(draft: Draft) -> Rows:
    k = draft.consultation
    return [
        ("Beratung am", date_or_dash(k.held_on)),
        ("Beratungstermin gewünscht", flag_or_dash(k.requested)),
    ]


def _project(draft: Draft) -> Rows:
    return list(project_rows(draft))


def _description(draft: Draft) -> Rows:
    return [(s.title, text_or_dash(draft.description.text(s.number))) for s in BECCARIA_STEPS]


def _financing(draft: Draft) -> Rows:
    f, costs = draft.financing, draft.total_costs
    return [
        ("Eigenmittel (Geld)", amount_or_dash(f.own_money)),
        ("Eigenleistung (bewertet)", amount_or_dash(f.own_in_kind)),
        ("Drittmittel", amount_or_dash(f.third_party)),
        ("Beantragte Zuwendung", amount_or_dash(f.grant)),
        # Summed only when complete, as in the printout, so a half plan shows no false total.
        ("Summe", format_amount(f.total) if f.is_complete else EMPTY),
        (
            "Förderquote (Zuwendung je Gesamtausgaben)",
            EMPTY if f.grant is None or not costs else format_percent(f.grant / costs),
        ),
        ("Begründung Ausnahme (Zuwendung bis 10.000 €)", text_or_dash(draft.exception_reason)),
        # Not in the printout, but asked in the dialogue's financing part and it decides
        # whether costs count net or gross, so a change must not go unnoticed.
        ("Vorsteuerabzug", flag_or_dash(draft.input_tax_deduction)),
    ]


def _personnel_line(item: PersonnelItem) -> str:
    # The cells of the printout's personnel table, in its column order, on one line.
    cells = (
        text_or_dash(item.role),
        item.qualification.value if item.qualification else EMPTY,
        EMPTY if item.pay_group is None else item.pay_group.label,
        EMPTY if item.share is None else format_share(item.share),
        amount_or_dash(item.amount),
    )
    return ", ".join(cells)


def _material_line(item: MaterialItem) -> str:
    return f"{text_or_dash(item.item)}, {amount_or_dash(item.amount)}"


def _year_text(year: YearCosts | None) -> str:
    """A whole year, one line per cost item, for a year that exists on one side only."""
    if year is None:
        return EMPTY
    lines = [f"Personalausgabe: {_personnel_line(p)}" for p in year.personnel]
    lines += [f"Sachausgabe: {_material_line(m)}" for m in year.material]
    lines.append(f"Ausgaben {year.year}: {format_amount(year.total)}")
    return "\n".join(lines)


def _by_position(section: str, label: str, old: list[str], new: list[str]) -> list[FieldChange]:
    """Item i against item i; "Sachausgabe 3" exists on one side only -> "–" on the other."""
    changes = []
    for i in range(max(len(old), len(new))):
        before = old[i] if i < len(old) else EMPTY
        after = new[i] if i < len(new) else EMPTY
        if before != after:
            changes.append(FieldChange(section, f"{label} {i + 1}", before, after))
    return changes


def _cost_plan(old: Draft, new: Draft) -> list[FieldChange]:
    section = SECTION_TITLES["cost_plan"]
    old_years = {y.year: y for y in old.cost_plan}
    new_years = {y.year: y for y in new.cost_plan}
    changes: list[FieldChange] = []
    for number in sorted(old_years.keys() | new_years.keys()):
        a, b = old_years.get(number), new_years.get(number)
        if a is None or b is None:
            changes.append(
                FieldChange(section, f"Haushaltsjahr {number}", _year_text(a), _year_text(b))
            )
            continue
        prefix = f"Haushaltsjahr {number} – "
        changes += _by_position(
            section,
            prefix + "Personalausgabe",
            [_personnel_line(p) for p in a.personnel],
            [_personnel_line(p) for p in b.personnel],
        )
        changes += _by_position(
            section,
            prefix + "Sachausgabe",
            [_material_line(m) for m in a.material],
            [_material_line(m) for m in b.material],
        )
        if a.total != b.total:
            label = f"Ausgaben {number}"
            changes.append(
                FieldChange(section, label, format_amount(a.total), format_amount(b.total))
            )
    before, after = amount_or_dash(old.total_costs), amount_or_dash(new.total_costs)
    if before != after:
        changes.append(FieldChange(section, "Gesamtausgaben", before, after))
    return changes


# Sections with a fixed set of fields, in printout order; the cost plan sits between
# the description and the financing plan and is compared on its own.
_FIXED: tuple[tuple[str, Callable[[Draft], Rows]], ...] = (
    ("applicant", _applicant),
    ("contact", _contact),
    ("consultation", _consultation),
    ("project", _project),
    ("description", _description),
)


def _fixed(key: str, rows: Callable[[Draft], Rows], old: Draft, new: Draft) -> list[FieldChange]:
    section = SECTION_TITLES[key]
    pairs = zip(rows(old), rows(new), strict=True)
    return [FieldChange(section, label, a, b) for (label, a), (_, b) in pairs if a != b]


def field_changes(old: Draft, new: Draft) -> list[FieldChange]:
    """Every field whose shown value differs, in printout order; [] when nothing changed."""
    changes = [c for key, rows in _FIXED for c in _fixed(key, rows, old, new)]
    changes += _cost_plan(old, new)
    return changes + _fixed("financing", _financing, old, new)
