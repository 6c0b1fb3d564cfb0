"""A draft application as JSON: the raw data for the office's systems, with documented fields.

The DOCX/PDF export is for people; this one is for programs that take a draft over into the
LPR office's own records. Its shape is a contract, so it is built field by field here rather
than dumped from the pydantic model: renaming a model field must not silently rename a key.

Conventions (schema "kommpraev-draft/1"):
- Keys are English snake_case, grouped in the sections of the printout (`SECTION_TITLES`).
  Every key, including the object and list keys, is listed in `FIELDS`; "[]" in a name marks
  the elements of a list. Every key is always present; an unanswered field is `null`.
- Amounts are strings with exactly two decimals ("1234.50"), never floats, so no cent is lost
  on the way; computed sums are marked "berechnet" in `FIELDS`. Post shares are decimal
  strings as entered ("0.5"). Dates are ISO 8601 ("2027-01-01"), timestamps too.
- The counterparts in the XFLB/XFörderung funding-data standard are aligned by concept, not
  validated against the XML schema: they name the XFLB concept (e.g. "Zuwendungsempfänger –
  Name"), not an element, and need checking before any XFLB mapping is built on them.
- The Finanzierungsart (Anteil-, Fehlbedarfs-, Festbetragsfinanzierung) is not part of a
  draft: the RL grants an Anteilfinanzierung as a rule and the Bescheid decides, so only the
  requested grant and its rate of the total costs are exported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bot.drafts.beccaria import BECCARIA_STEPS
from bot.drafts.models import Draft, MaterialItem, PersonnelItem, YearCosts, to_cents

SCHEMA = "kommpraev-draft/1"

# Worked example, abridged (draft_json_bytes sorts the keys; this shows the dict):
#   {"schema": "kommpraev-draft/1",
#    "meta": {"draft_id": 42, "version": 3, "status": "eingereicht",
#             "submitted_at": "2026-09-14T09:30:00+02:00", "exported_at": "..."},
#    "applicant": {"name": "Große Kreisstadt Musterstadt", "kind": "Stadt", ...},
#    "cost_plan": {"years": [{"year": 2027, "personnel": [...],
#                             "material": [{"item": "Druck von Flyern", "amount": "1234.50"}],
#                             "personnel_total": "0.00", "material_total": "1234.50",
#                             "total": "1234.50"}],
#                  "total_costs": "1234.50"},
#    "financing": {"grant": "1000.00", "grant_rate_percent": "81.00", "total": null, ...}}
# The draft held Decimal("1234.5") for the flyers; 1000 / 1234.50 = 81.004 % -> "81.00";
# `total` is null because not all four financing lines were answered.


@dataclass(frozen=True)
class JsonMeta:
    """What the draft itself does not know: storage id, version, status and timestamps."""

    draft_id: int
    version: int
    status: str  # the stored status, e.g. "entwurf" or "eingereicht"
    submitted_at: datetime | None
    exported_at: datetime


@dataclass(frozen=True)
class FieldDoc:
    """One documented key: its dotted path, German meaning and XFLB concept (if any)."""

    name: str
    description: str
    xflb: str | None = None


_CALC = " (berechnet)"

FIELDS: tuple[FieldDoc, ...] = (
    FieldDoc("schema", "Kennung und Version dieses Formats: „kommpraev-draft/1“"),
    FieldDoc("meta", "Verwaltungsangaben zum Entwurf (Objekt)"),
    FieldDoc("meta.draft_id", "Nummer des Entwurfs im KommPräv-Lotsen"),
    FieldDoc("meta.version", "Version des Entwurfs (zählt bei jeder Neufassung hoch)"),
    FieldDoc("meta.status", "Bearbeitungsstand, z. B. „entwurf“ oder „eingereicht“"),
    FieldDoc("meta.submitted_at", "Zeitpunkt der Übergabe an die Geschäftsstelle (ISO 8601)"),
    FieldDoc("meta.exported_at", "Zeitpunkt dieses Exports (ISO 8601)"),
    FieldDoc("applicant", "Antragsteller (Objekt)", "Antragsteller/Zuwendungsempfänger"),
    FieldDoc("applicant.name", "Name des Antragstellers", "Zuwendungsempfänger – Name"),
    FieldDoc(
        "applicant.kind", "Art, z. B. „Stadt“, „Landkreis“", "Zuwendungsempfänger – Rechtsform"
    ),
    FieldDoc("applicant.landkreis", "Landkreis bzw. Kreisfreie Stadt"),
    FieldDoc("applicant.address", "Anschrift (Objekt)", "Zuwendungsempfänger – Anschrift"),
    FieldDoc("applicant.address.street", "Straße und Hausnummer", "Anschrift – Straße, Hausnummer"),
    FieldDoc("applicant.address.plz", "Postleitzahl (fünfstellig)", "Anschrift – Postleitzahl"),
    FieldDoc("applicant.address.city", "Ort", "Anschrift – Ort"),
    FieldDoc("contact", "Ansprechperson (Objekt)", "Ansprechpartner"),
    FieldDoc("contact.name", "Name der Ansprechperson", "Ansprechpartner – Name"),
    FieldDoc("contact.function", "Funktion der Ansprechperson", "Ansprechpartner – Funktion"),
    FieldDoc("contact.email", "E-Mail-Adresse", "Ansprechpartner – E-Mail"),
    FieldDoc("contact.phone", "Telefonnummer wie eingegeben", "Ansprechpartner – Telefon"),
    FieldDoc("consultation", "Beratung durch die Geschäftsstelle (Objekt)"),
    FieldDoc("consultation.held_on", "Datum der Beratung (ISO 8601)"),
    FieldDoc("consultation.requested", "Beratungstermin gewünscht (true/false)"),
    FieldDoc("project", "Vorhaben (Objekt)", "Vorhaben"),
    FieldDoc("project.title", "Titel des Vorhabens", "Vorhabenbezeichnung"),
    FieldDoc("project.place", "Ort der Durchführung", "Vorhaben – Durchführungsort"),
    FieldDoc("project.in_saxony", "Durchführung in Sachsen (true/false)"),
    FieldDoc("project.start", "Beginn (ISO 8601)", "Durchführungszeitraum – Beginn"),
    FieldDoc("project.end", "Ende (ISO 8601)", "Durchführungszeitraum – Ende"),
    FieldDoc("project.kpr_involvement", "Beteiligung des Kommunalen Präventionsrates"),
    FieldDoc("project.partners", "Kooperationspartner"),
    FieldDoc("project.forwarding", "Weiterleitung an Dritte (Objekt)", "Weiterleitung"),
    FieldDoc("project.forwarding.recipient", "Empfänger der Weiterleitung", "Letztempfänger"),
    FieldDoc("project.forwarding.amount", "Weitergeleiteter Betrag in Euro"),
    FieldDoc("project.planned_submission", "Geplanter Antragseingang (ISO 8601)"),
    FieldDoc("project.late_reason", "Begründung für einen Antrag nach dem 15. Oktober"),
    FieldDoc(
        "project.already_begun",
        "Vorhaben bereits begonnen (true/false)",
        "Erklärung zum Vorhabenbeginn",
    ),
    FieldDoc("description", "Projektbeschreibung nach den Beccaria-Schritten (Objekt)"),
    *(FieldDoc(f"description.{s.key}", f"Freitext zu {s.title}") for s in BECCARIA_STEPS),
    FieldDoc("cost_plan", "Ausgabenplan (Objekt)", "Ausgabenplan"),
    FieldDoc("cost_plan.years", "Haushaltsjahre, aufsteigend (Liste)"),
    FieldDoc("cost_plan.years[].year", "Haushaltsjahr", "Ausgabenplan – Haushaltsjahr"),
    FieldDoc("cost_plan.years[].personnel", "Personalausgaben, je Stelle ein Eintrag (Liste)"),
    FieldDoc("cost_plan.years[].personnel[].role", "Bezeichnung der Stelle"),
    FieldDoc("cost_plan.years[].personnel[].qualification", "Qualifikation"),
    FieldDoc("cost_plan.years[].personnel[].pay_scale", "Tarif: „TV-L“ oder „TVöD SuE“"),
    FieldDoc("cost_plan.years[].personnel[].pay_group", "Entgeltgruppe, z. B. „11“, „9b“"),
    FieldDoc("cost_plan.years[].personnel[].share", "Stellenanteil, z. B. „0.5“"),
    FieldDoc("cost_plan.years[].personnel[].amount", "Betrag in Euro", "Personalausgaben"),
    FieldDoc("cost_plan.years[].material", "Sachausgaben, je Posten ein Eintrag (Liste)"),
    FieldDoc("cost_plan.years[].material[].item", "Bezeichnung des Postens"),
    FieldDoc("cost_plan.years[].material[].amount", "Betrag in Euro", "Sachausgaben"),
    FieldDoc("cost_plan.years[].personnel_total", "Summe Personalausgaben des Jahres" + _CALC),
    FieldDoc("cost_plan.years[].material_total", "Summe Sachausgaben des Jahres" + _CALC),
    FieldDoc("cost_plan.years[].total", "Ausgaben des Jahres" + _CALC),
    FieldDoc("cost_plan.total_costs", "Gesamtausgaben" + _CALC, "Gesamtausgaben"),
    FieldDoc("financing", "Finanzierungsplan (Objekt)", "Finanzierungsplan"),
    FieldDoc("financing.own_money", "Eigenmittel (Geld) in Euro", "Eigenmittel"),
    FieldDoc(
        "financing.own_in_kind", "Eigenleistung (bewertet) in Euro", "Eigenmittel (Eigenleistung)"
    ),
    FieldDoc("financing.third_party", "Drittmittel in Euro", "Drittmittel"),
    FieldDoc("financing.grant", "Beantragte Zuwendung in Euro", "Beantragte Zuwendung"),
    FieldDoc("financing.own_share", "Eigenmittel und Eigenleistung" + _CALC, "Eigenmittel"),
    FieldDoc("financing.total", "Summe der Finanzierung, nur wenn vollständig" + _CALC),
    FieldDoc(
        "financing.grant_rate_percent",
        "Zuwendung je Gesamtausgaben in Prozent, z. B. „90.00“" + _CALC,
        "Finanzierungsart Anteilfinanzierung – Fördersatz",
    ),
    FieldDoc("financing.exception_reason", "Begründung Ausnahme (Zuwendung bis 10.000 €)"),
    FieldDoc(
        "financing.input_tax_deduction",
        "Zum Vorsteuerabzug berechtigt (true/false)",
        "Vorsteuerabzugsberechtigung",
    ),
)


def field_table_markdown() -> str:
    """`FIELDS` as a Markdown table for the README; "–" where XFLB has no counterpart."""
    lines = ["| Feld | Bedeutung | XFLB-Entsprechung (Konzept) |", "| --- | --- | --- |"]
    for f in FIELDS:
        cells = (f"`{f.name}`", f.description, f.xflb or "–")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _money(value: Decimal | None) -> str | None:
    # Money is quantized on input already; quantizing again covers computed sums, and ":f"
    # never falls into exponent notation ("1E+3") the way str(Decimal) can.
    return None if value is None else f"{to_cents(value):f}"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _personnel(item: PersonnelItem) -> dict[str, Any]:
    group = item.pay_group
    return {
        "role": item.role,
        "qualification": item.qualification.value if item.qualification else None,
        "pay_scale": group.scale if group is not None else None,
        "pay_group": group.group if group is not None else None,
        # As entered ("0.5" stays "0.5"): a share is no amount and has no fixed decimals.
        "share": None if item.share is None else f"{item.share:f}",
        "amount": _money(item.amount),
    }


def _material(item: MaterialItem) -> dict[str, Any]:
    return {"item": item.item, "amount": _money(item.amount)}


def _year(year: YearCosts) -> dict[str, Any]:
    return {
        "year": year.year,
        "personnel": [_personnel(p) for p in year.personnel],
        "material": [_material(m) for m in year.material],
        "personnel_total": _money(year.personnel_total),
        "material_total": _money(year.material_total),
        "total": _money(year.total),
    }


def _financing(draft: Draft) -> dict[str, Any]:
    f, costs = draft.financing, draft.total_costs
    rate = None
    if f.grant is not None and costs:
        rate = f"{(f.grant * 100 / costs).quantize(Decimal('0.01'), ROUND_HALF_UP):f}"
    own_answered = f.own_money is not None or f.own_in_kind is not None
    return {
        "own_money": _money(f.own_money),
        "own_in_kind": _money(f.own_in_kind),
        "third_party": _money(f.third_party),
        "grant": _money(f.grant),
        "own_share": _money(f.own_share) if own_answered else None,
        # Like the printout: the sum of a half-answered plan would look final, so it stays null.
        "total": _money(f.total) if f.is_complete else None,
        "grant_rate_percent": rate,
        "exception_reason": draft.exception_reason,
        "input_tax_deduction": draft.input_tax_deduction,
    }


def draft_json(draft: Draft, meta: JsonMeta) -> dict[str, Any]:
    """The draft as a JSON-ready dict of str, int, bool, None, lists and dicts (see `FIELDS`)."""
    a, c, k, p = draft.applicant, draft.contact, draft.consultation, draft.project
    fwd = p.forwarding
    submitted = meta.submitted_at.isoformat() if meta.submitted_at is not None else None
    return {
        "schema": SCHEMA,
        "meta": {
            "draft_id": meta.draft_id,
            "version": meta.version,
            "status": meta.status,
            "submitted_at": submitted,
            "exported_at": meta.exported_at.isoformat(),
        },
        "applicant": {
            "name": a.name,
            "kind": a.kind.value if a.kind else None,
            "landkreis": a.landkreis,
            "address": {"street": a.address.street, "plz": a.address.plz, "city": a.address.city},
        },
        "contact": {"name": c.name, "function": c.function, "email": c.email, "phone": c.phone},
        "consultation": {"held_on": _day(k.held_on), "requested": k.requested},
        "project": {
            "title": p.title,
            "place": p.place,
            "in_saxony": p.in_saxony,
            "start": _day(p.start),
            "end": _day(p.end),
            "kpr_involvement": p.kpr_involvement,
            "partners": p.partners,
            # Always an object, so a reader need not tell "no forwarding" from a missing key.
            "forwarding": {
                "recipient": fwd.recipient if fwd else None,
                "amount": _money(fwd.amount if fwd else None),
            },
            "planned_submission": _day(draft.planned_submission),
            "late_reason": draft.late_reason,
            "already_begun": draft.already_begun,
        },
        "description": {s.key: draft.description.text(s.number) for s in BECCARIA_STEPS},
        "cost_plan": {
            "years": [_year(y) for y in draft.cost_plan],
            "total_costs": _money(draft.total_costs),
        },
        "financing": _financing(draft),
    }


def draft_json_bytes(draft: Draft, meta: JsonMeta) -> bytes:
    """UTF-8 JSON, indented by 2, keys sorted, umlauts as they are; ends with a newline."""
    text = json.dumps(draft_json(draft, meta), ensure_ascii=False, indent=2, sort_keys=True)
    # A lone surrogate (possible in text loaded from broken JSON) cannot be UTF-8; it becomes
    # "?" instead of failing the whole export.
    return (text + "\n").encode("utf-8", "replace")
