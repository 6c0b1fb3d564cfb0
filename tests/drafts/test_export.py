"""A clerk opens the exported draft in Word or a PDF reader and finds everything as entered."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import docx
import pytest
from pypdf import PdfReader

from bot.drafts import (
    BECCARIA_STEPS,
    Draft,
    ExportMeta,
    MaterialItem,
    YearCosts,
    draft_docx,
    draft_pdf,
    format_amount,
    readiness_report,
)
from bot.drafts.export_pdf import pdf_safe
from tests.drafts.factories import TODAY, make_good_draft

META = ExportMeta(draft_id=42, version=3, status="Entwurf", exported_on=date(2026, 9, 1))


def docx_text(data: bytes) -> str:
    """All text Word shows: body paragraphs, then every table cell, one per line."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def docx_fields(data: bytes) -> list[tuple[str, str]]:
    """Label–value pairs of the two-column form tables, in document order."""
    document = docx.Document(io.BytesIO(data))
    return [
        (row.cells[0].text, row.cells[1].text)
        for table in document.tables
        if len(table.columns) == 2
        for row in table.rows
    ]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def entered_amounts(draft: Draft) -> list[Decimal]:
    amounts = [p.amount for y in draft.cost_plan for p in y.personnel]
    amounts += [m.amount for y in draft.cost_plan for m in y.material]
    f = draft.financing
    amounts += [f.own_money, f.own_in_kind, f.third_party, f.grant]
    return [a for a in amounts if a is not None]


@pytest.fixture
def two_year_draft() -> Draft:
    """The good draft plus a second year with awkward amounts (cents, millions)."""
    draft = make_good_draft()
    draft.cost_plan = [
        *draft.cost_plan,
        YearCosts(
            year=2028,
            material=[
                MaterialItem(item="Abschlussveranstaltung", amount=Decimal("12500.5")),
                MaterialItem(item="Kameraanlage", amount=Decimal("1234567.89")),
            ],
        ),
    ]
    return draft


def test_word_file_has_applicant_title_steps_and_every_amount(two_year_draft: Draft) -> None:
    data = draft_docx(two_year_draft, META)
    text = docx_text(data)

    assert "Große Kreisstadt Musterstadt" in text
    assert "Sicher im Stadtpark" in text
    headings = [
        p.text
        for p in docx.Document(io.BytesIO(data)).paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]
    for step in BECCARIA_STEPS:
        assert step.title in headings
    assert "Schritt 1 – Problembeschreibung" in headings
    for amount in entered_amounts(two_year_draft):
        assert format_amount(amount) in text
    assert "12.500,50 €" in text
    assert "1.234.567,89 €" in text
    assert f"Gesamtausgaben\n{format_amount(two_year_draft.total_costs or Decimal(0))}" in text


def test_word_file_lays_out_costs_and_financing_as_tables(good_draft: Draft) -> None:
    document = docx.Document(io.BytesIO(draft_docx(good_draft, META)))
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]

    assert ["Stelle", "Qualifikation", "Entgeltgruppe", "Anteil", "Betrag"] in rows
    assert ["Koordination", "Fachhochschule", "EG 11", "0,5 Stelle (50 %)", "30.000,00 €"] in rows
    assert ["Honorare für Workshops", "6.000,00 €"] in rows
    assert ["Beantragte Zuwendung", "36.000,00 €"] in rows
    assert ["Summe", "40.000,00 €"] in rows
    assert ["Förderquote (Zuwendung je Gesamtausgaben)", "90,0 %"] in rows


def test_title_block_names_draft_version_status_and_date(good_draft: Draft) -> None:
    fields = docx_fields(draft_docx(good_draft, META))
    assert ("Entwurf Nr.", "42") in fields
    assert ("Version", "3") in fields
    assert ("Status", "Entwurf") in fields
    assert ("Stand", "01.09.2026") in fields
    assert "KommPräv-Lotse – Antragsentwurf" in docx_text(draft_docx(good_draft, META))


def test_pdf_shows_the_same_amounts_with_umlauts_and_euro(two_year_draft: Draft) -> None:
    data = draft_pdf(two_year_draft, META)
    text = pdf_text(data)

    assert data.startswith(b"%PDF-")
    assert "Große Kreisstadt Musterstadt" in text
    for step in BECCARIA_STEPS:
        assert step.title in text
    for amount in entered_amounts(two_year_draft):
        assert format_amount(amount) in text
    assert "1.234.567,89 €" in text
    assert "Förderquote" in text
    assert "Maßnahmen zur Zielerreichung" in text
    assert "Beratung durch die Geschäftsstelle" in text
    assert "Seite 1 von" in text


def test_an_empty_draft_exports_with_dashes_for_every_open_field() -> None:
    draft = Draft()
    fields = dict(docx_fields(draft_docx(draft, META)))
    text = pdf_text(draft_pdf(draft, META))

    for label in ("Name", "Titel", "Beginn", "Beratung am", "Gesamtausgaben", "Landkreis"):
        assert fields[label] == "–"
    document = docx.Document(io.BytesIO(draft_docx(draft, META)))
    paragraphs = [p.text for p in document.paragraphs]
    for step in BECCARIA_STEPS:
        assert paragraphs[paragraphs.index(step.title) + 1] == "–"
    assert "Titel –" in text
    assert "Beantragte Zuwendung –" in text


def test_half_filled_financing_is_not_summed_up() -> None:
    draft = Draft.model_validate({"financing": {"grant": "20000"}})
    rows = [
        [c.text for c in row.cells]
        for t in docx.Document(io.BytesIO(draft_docx(draft, META))).tables
        for row in t.rows
    ]
    assert ["Beantragte Zuwendung", "20.000,00 €"] in rows
    assert ["Summe", "–"] in rows
    assert ["Eigenmittel (Geld)", "–"] in rows


def test_markup_in_user_text_appears_literally(good_draft: Draft) -> None:
    good_draft.project.title = "<script>alert(1)</script> &amp; <b>fett</b>"
    good_draft.description.step1 = "**kein Markdown** und __auch nicht__"

    for text in (docx_text(draft_docx(good_draft, META)), pdf_text(draft_pdf(good_draft, META))):
        assert "<script>alert(1)</script> &amp; <b>fett</b>" in text
        assert "**kein Markdown** und __auch nicht__" in text


def test_emoji_and_foreign_scripts_do_not_break_the_pdf(good_draft: Draft) -> None:
    good_draft.description.step4 = "Parkfest 🎉 mit Café und 公园 – für alle 👍🏽"
    good_draft.applicant.name = "Gemeinde Mu\u0308hlental"  # "ü" typed as u + combining mark

    text = pdf_text(draft_pdf(good_draft, META))
    assert "Parkfest ? mit Café und ?? – für alle ??" in text
    assert "Gemeinde Mühlental" in text
    # Word has full Unicode: nothing is replaced there.
    assert "Parkfest 🎉 mit Café und 公园 – für alle 👍🏽" in docx_text(
        draft_docx(good_draft, META)
    )


def test_control_characters_from_pasted_text_are_dropped(good_draft: Draft) -> None:
    good_draft.description.step2 = "Zeile eins\x0bZeile\x00 zwei\r\nZeile drei"

    text = docx_text(draft_docx(good_draft, META))
    assert "Zeile einsZeile zwei\nZeile drei" in text
    assert "Zeile einsZeile zwei" in pdf_text(draft_pdf(good_draft, META))


def test_a_cost_item_longer_than_a_page_still_exports(good_draft: Draft) -> None:
    good_draft.cost_plan[0].material[0].item = "Workshop " * 1500

    text = pdf_text(draft_pdf(good_draft, META))
    assert "6.000,00 €" in text
    assert "Summe Sachausgaben" in text


def test_findings_are_listed_with_their_fundstelle(good_draft: Draft) -> None:
    good_draft.financing.grant = Decimal("41000")  # above 90 % of 40.000,00 € and unbalanced
    report = readiness_report(good_draft, today=TODAY)
    assert report.errors

    document = docx.Document(io.BytesIO(draft_docx(good_draft, META, report)))
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    listed = [row for row in rows if row[0] in ("Fehler", "Warnung")]
    assert len(listed) == len(report.errors) + len(report.warnings)
    for _level, message, fundstelle in listed:
        assert fundstelle and not message.endswith(f"({fundstelle})")
    assert any(fundstelle == "RL KommPräv Ziffer V Nr. 2" for _, _, fundstelle in listed)
    assert ("Ergebnis", "noch nicht bereit") in docx_fields(draft_docx(good_draft, META, report))

    text = pdf_text(draft_pdf(good_draft, META, report))
    assert "Vorprüfung" in text
    assert "RL KommPräv Ziffer V Nr. 2" in text


def test_without_a_report_there_is_no_vorpruefung(good_draft: Draft) -> None:
    assert "Vorprüfung" not in docx_text(draft_docx(good_draft, META))
    clean = readiness_report(good_draft, today=TODAY)
    assert "Keine Fehler und keine Warnungen." in docx_text(draft_docx(good_draft, META, clean))


def test_the_same_draft_gives_the_same_files(good_draft: Draft) -> None:
    # Stable bytes let the office see at a glance that two downloads are the same version.
    assert draft_pdf(good_draft, META) == draft_pdf(good_draft, META)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("12.500,00 € „Straße“ – ok", "12.500,00 € „Straße“ – ok"),
        ("Zuwendung ≤ 10.000 €", "Zuwendung <= 10.000 €"),
        ("Danke 🙏", "Danke ?"),
    ],
)
def test_pdf_text_keeps_german_and_replaces_what_helvetica_lacks(text: str, shown: str) -> None:
    assert pdf_safe(text) == shown
