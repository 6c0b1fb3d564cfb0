"""The printed layout of a draft as typed blocks, built once so DOCX and PDF show the same."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.drafts.beccaria import BECCARIA_STEPS
from bot.drafts.findings import Finding
from bot.drafts.models import Draft, PersonnelItem, YearCosts
from bot.drafts.readiness import ReadinessReport
from bot.drafts.summary import (
    SECTION_TITLES,
    format_amount,
    format_date,
    format_percent,
    format_share,
)

EMPTY = "–"  # what an unanswered field shows, so a clerk sees it was asked and left open

NOTE = (
    "Entwurf aus der Vorberatung mit dem KommPräv-Lotsen für die Geschäftsstelle des "
    "Landespräventionsrates Sachsen – kein förmlicher Antrag."
)

# C0 controls (except tab and newline) and U+FFFE/U+FFFF are not allowed in DOCX XML and
# print as garbage in a PDF; a pasted text can carry them, e.g. a vertical tab from Word.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class ExportMeta:
    """What the draft itself does not know: its storage id, version, status and export day."""

    draft_id: int
    version: int
    status: str  # the German label the user sees, e.g. "Entwurf" or "Eingereicht"
    exported_on: date


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0 title, 1 section, 2 subsection


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False  # small print, e.g. the disclaimer under the title


@dataclass(frozen=True)
class Fields:
    """Label–value rows, like the boxes of a paper form."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # share of the text width; the columns of a table add up to 1
    numeric: bool = False  # right-aligned, so amounts line up at the decimal comma


@dataclass(frozen=True)
class Table:
    """A table; each footer row is (label over all but the last column, value in the last)."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[tuple[str, str], ...] = ()


Block = Heading | Paragraph | Fields | Table


@dataclass(frozen=True)
class Layout:
    title: str  # document metadata; no personal data, since files get forwarded
    footer: str
    exported_on: date
    blocks: tuple[Block, ...]


def clean_text(text: str) -> str:
    """Make user text safe for any output: composed umlauts, Unix newlines, no control bytes.

    Lone surrogates (possible from broken JSON) become "?", since neither format can hold them.
    Example: "Mu\u0308ller\r\nweg\x0b" -> "Müller\nweg".
    """
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _UNPRINTABLE.sub("", text).strip()


def text_or_dash(value: str | None) -> str:
    cleaned = clean_text(value) if value else ""
    return cleaned or EMPTY


def amount_or_dash(value: Decimal | None) -> str:
    return EMPTY if value is None else format_amount(value)


def date_or_dash(value: date | None) -> str:
    return EMPTY if value is None else format_date(value)


def flag_or_dash(value: bool | None) -> str:
    return EMPTY if value is None else ("ja" if value else "nein")


def build_layout(draft: Draft, meta: ExportMeta, report: ReadinessReport | None) -> Layout:
    """Lay out the draft in the order of the application a clerk files, every field shown.

    Unlike `render_summary`, empty fields stay in as "–": the printout is a form to check
    against, so a missing line must be visible rather than silently absent.
    """
    blocks: list[Block] = [
        Heading("KommPräv-Lotse – Antragsentwurf", 0),
        Paragraph(NOTE, note=True),
        Fields(
            (
                ("Entwurf Nr.", str(meta.draft_id)),
                ("Version", str(meta.version)),
                ("Status", text_or_dash(meta.status)),
                ("Stand", format_date(meta.exported_on)),
            )
        ),
        *_parties(draft),
        *_project(draft),
        Heading(SECTION_TITLES["description"], 1),
    ]
    for step in BECCARIA_STEPS:
        blocks += [
            Heading(step.title, 2),
            Paragraph(text_or_dash(draft.description.text(step.number))),
        ]
    blocks += _cost_plan(draft) + _financing(draft)
    if report is not None:
        blocks += _findings(report)
    footer = f"Antragsentwurf Nr. {meta.draft_id} · Version {meta.version}"
    title = f"Antragsentwurf Nr. {meta.draft_id}"
    return Layout(title, footer, meta.exported_on, tuple(blocks))


def _parties(draft: Draft) -> list[Block]:
    a, c, k = draft.applicant, draft.contact, draft.consultation
    place = " ".join(clean_text(p) for p in (a.address.plz, a.address.city) if p)
    address = "\n".join(p for p in (clean_text(a.address.street or ""), place) if p)
    return [
        Heading(SECTION_TITLES["applicant"], 1),
        Fields(
            (
                ("Name", text_or_dash(a.name)),
                ("Art", a.kind.value if a.kind else EMPTY),
                ("Landkreis", text_or_dash(a.landkreis)),
                ("Anschrift", address or EMPTY),
            )
        ),
        Heading(SECTION_TITLES["contact"], 1),
        Fields(
            (
                ("Name", text_or_dash(c.name)),
                ("Funktion", text_or_dash(c.function)),
                ("E-Mail", text_or_dash(c.email)),
                ("Telefon", text_or_dash(c.phone)),
            )
        ),
        Heading(SECTION_TITLES["consultation"], 1),
        Fields(
            (
                ("Beratung am", date_or_dash(k.held_on)),
                ("Beratungstermin gewünscht", flag_or_dash(k.requested)),
            )
        ),
    ]


def project_rows(draft: Draft) -> tuple[tuple[str, str], ...]:
    """The "Vorhaben" fields as printed (and as the office's list of changes names them)."""
    p, fwd = draft.project, draft.project.forwarding
    return (
        ("Titel", text_or_dash(p.title)),
        ("Ort", text_or_dash(p.place)),
        ("In Sachsen", flag_or_dash(p.in_saxony)),
        ("Beginn", date_or_dash(p.start)),
        ("Ende", date_or_dash(p.end)),
        ("Beteiligung des KPR", text_or_dash(p.kpr_involvement)),
        ("Kooperationspartner", text_or_dash(p.partners)),
        ("Weiterleitung an", text_or_dash(fwd.recipient if fwd else None)),
        ("Weitergeleiteter Betrag", amount_or_dash(fwd.amount if fwd else None)),
        ("Geplanter Antragseingang", date_or_dash(draft.planned_submission)),
        ("Begründung für späten Antrag", text_or_dash(draft.late_reason)),
        ("Vorhaben bereits begonnen", flag_or_dash(draft.already_begun)),
    )


def _project(draft: Draft) -> list[Block]:
    return [Heading(SECTION_TITLES["project"], 1), Fields(project_rows(draft))]


_PERSONNEL = (
    Column("Stelle", 0.24),
    Column("Qualifikation", 0.21),
    Column("Entgeltgruppe", 0.17),
    Column("Anteil", 0.19),
    Column("Betrag", 0.19, numeric=True),
)
_MATERIAL = (Column("Posten", 0.81), Column("Betrag", 0.19, numeric=True))


def _personnel_row(item: PersonnelItem) -> tuple[str, ...]:
    return (
        text_or_dash(item.role),
        item.qualification.value if item.qualification else EMPTY,
        EMPTY if item.pay_group is None else item.pay_group.label,
        EMPTY if item.share is None else format_share(item.share),
        amount_or_dash(item.amount),
    )


def _year(year: YearCosts) -> list[Block]:
    personnel = tuple(_personnel_row(p) for p in year.personnel)
    material = tuple((text_or_dash(m.item), amount_or_dash(m.amount)) for m in year.material)
    return [
        Heading(f"Haushaltsjahr {year.year}", 2),
        Table(
            "Personalausgaben",
            _PERSONNEL,
            personnel or ((EMPTY,) * len(_PERSONNEL),),
            (("Summe Personalausgaben", format_amount(year.personnel_total)),),
        ),
        Table(
            "Sachausgaben",
            _MATERIAL,
            material or ((EMPTY, EMPTY),),
            (("Summe Sachausgaben", format_amount(year.material_total)),),
        ),
        Fields(((f"Ausgaben {year.year}", format_amount(year.total)),)),
    ]


def _cost_plan(draft: Draft) -> list[Block]:
    total = ("Gesamtausgaben", amount_or_dash(draft.total_costs))
    if not draft.cost_plan:
        return [Heading(SECTION_TITLES["cost_plan"], 1), Fields((("Haushaltsjahr", EMPTY), total))]
    years = [block for year in draft.cost_plan for block in _year(year)]
    return [Heading(SECTION_TITLES["cost_plan"], 1), *years, Fields((total,))]


def _financing(draft: Draft) -> list[Block]:
    f, costs = draft.financing, draft.total_costs
    # A sum of a half-answered plan would look final; only a complete plan is summed up.
    total = format_amount(f.total) if f.is_complete else EMPTY
    rate = EMPTY if f.grant is None or not costs else format_percent(f.grant / costs)
    table = Table(
        "Finanzierung",
        (Column("Position", 0.75), Column("Betrag", 0.25, numeric=True)),
        (
            ("Eigenmittel (Geld)", amount_or_dash(f.own_money)),
            ("Eigenleistung (bewertet)", amount_or_dash(f.own_in_kind)),
            ("Drittmittel", amount_or_dash(f.third_party)),
            ("Beantragte Zuwendung", amount_or_dash(f.grant)),
        ),
        (("Summe", total), ("Förderquote (Zuwendung je Gesamtausgaben)", rate)),
    )
    reason = ("Begründung Ausnahme (Zuwendung bis 10.000 €)", text_or_dash(draft.exception_reason))
    return [Heading(SECTION_TITLES["financing"], 1), table, Fields((reason,))]


_LEVEL_LABEL = {"fehler": "Fehler", "warnung": "Warnung", "hinweis": "Hinweis"}


def _finding_row(f: Finding) -> tuple[str, str, str]:
    # The message ends with "(Fundstelle)" so chat channels cannot drop it; here the
    # Fundstelle has its own column, so it is not printed twice.
    message = f.message.removesuffix(f" ({f.section})")
    return (_LEVEL_LABEL[f.level], clean_text(message), clean_text(f.section))


def _findings(report: ReadinessReport) -> list[Block]:
    open_titles = [s.title for s in report.sections if s.state in ("incomplete", "missing")]
    result = "bereit für die Übergabe" if report.ready else "noch nicht bereit"
    blocks: list[Block] = [
        Heading("Vorprüfung", 1),
        Fields(
            (
                ("Geprüft am", format_date(report.checked_on)),
                ("Ergebnis", result),
                ("Offene Abschnitte", ", ".join(open_titles) or EMPTY),
            )
        ),
    ]
    shown = report.errors + report.warnings
    if not shown:
        return [*blocks, Paragraph("Keine Fehler und keine Warnungen.")]
    columns = (Column("Art", 0.14), Column("Befund", 0.56), Column("Fundstelle", 0.30))
    return [*blocks, Table("Fehler und Warnungen", columns, tuple(map(_finding_row, shown)))]
