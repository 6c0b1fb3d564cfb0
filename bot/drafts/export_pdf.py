"""Render the draft layout as a PDF with built-in fonts, so no font file has to be shipped."""

from __future__ import annotations

from datetime import UTC, datetime, time

from fpdf import FPDF, FontFace, XPos, YPos
from fpdf.enums import MethodReturnValue

from bot.drafts.export_layout import Block, Column, Fields, Heading, Layout, Paragraph, Table

_MARGIN = 20.0  # mm
_LINE = 5.0  # mm per line of body text
_CELL_LINE = 4.5  # mm per line inside tables
_LABEL_SHARE = 0.32
_KEEP_WITH_NEXT = 25.0  # mm a heading needs below it, so it does not end a page alone
_HEADING_PT = {0: 17.0, 1: 13.0, 2: 11.0}
_BOLD = FontFace(emphasis="BOLD")
_PADDING = 1.2  # mm inside table cells

# Helvetica is a PDF core font: every reader has it, so nothing is embedded or downloaded.
# Core fonts cover Windows-1252 only (umlauts, ß, €, „“, –). Characters outside it get a
# readable stand-in where one exists; emoji, CJK and the like become "?", never an error.
_STAND_INS = str.maketrans(
    {"≤": "<=", "≥": ">=", "−": "-", "‐": "-", "‑": "-", "\u202f": " ", "\u2009": " ", "\t": "    "}
)


def pdf_safe(text: str) -> str:
    """Text that Helvetica in Windows-1252 can show: "Preis ≤ 5 € 👍" -> "Preis <= 5 € ?"."""
    return text.translate(_STAND_INS).encode("cp1252", "replace").decode("cp1252")


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", "", 8)
        self.set_text_color(90)
        # "{nb}" is replaced by the page count when the document is closed.
        text = pdf_safe(f"{self._footer_text} · Seite {self.page_no()} von {{nb}}")
        self.cell(0, 5, text, align="C")
        self.set_text_color(0)


def render_pdf(layout: Layout) -> bytes:
    """Lay the blocks out on A4 pages, with bookmarks per section for the clerk's reader."""
    pdf = _Pdf(layout.footer)
    pdf.core_fonts_encoding = "windows-1252"  # the default, latin-1, has no "€"
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=_MARGIN)
    pdf.set_title(pdf_safe(layout.title))
    pdf.set_lang("de-DE")
    pdf.set_creator("KommPräv-Lotse")
    # Dated by the export day rather than the clock, so the same draft gives the same file.
    pdf.set_creation_date(datetime.combine(layout.exported_on, time(), tzinfo=UTC))
    pdf.add_page()
    for block in layout.blocks:
        _block(pdf, block)
    return bytes(pdf.output())


def _block(pdf: FPDF, block: Block) -> None:
    match block:
        case Heading(text, level):
            _heading(pdf, text, level)
        case Paragraph(text, note):
            pdf.set_font("helvetica", "I" if note else "", 9 if note else 10)
            pdf.multi_cell(0, 4.5 if note else _LINE, pdf_safe(text), align="L")
            pdf.ln(2)
        case Fields(rows):
            _fields(pdf, rows)
            pdf.ln(3)
        case Table():
            _table(pdf, block)
            pdf.ln(3)


def _heading(pdf: FPDF, text: str, level: int) -> None:
    if level > 0 and pdf.get_y() + _KEEP_WITH_NEXT > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3 if level else 0)
    if level:
        pdf.start_section(pdf_safe(text), level=level - 1)  # the reader's bookmark pane
    pdf.set_font("helvetica", "B", _HEADING_PT.get(level, 11.0))
    pdf.multi_cell(0, _HEADING_PT.get(level, 11.0) * 0.5, pdf_safe(text), align="L")
    pdf.ln(1.5)


def _fields(pdf: FPDF, rows: tuple[tuple[str, str], ...]) -> None:
    """Label and value side by side; a long value flows on over the page break."""
    label_w = pdf.epw * _LABEL_SHARE
    for label, value in rows:
        if pdf.get_y() + 2 * _LINE > pdf.page_break_trigger:
            pdf.add_page()  # a label must not stay behind at the foot of a page
        pdf.set_font("helvetica", "B", 10)
        pdf.multi_cell(label_w, _LINE, pdf_safe(label), align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        label_bottom = pdf.get_y() + _LINE * _lines(pdf, label_w, _LINE, pdf_safe(label))
        page = pdf.page
        pdf.set_font("helvetica", "", 10)
        pdf.multi_cell(0, _LINE, pdf_safe(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if pdf.page == page:  # a label of two lines may reach below a one-line value
            pdf.set_y(max(pdf.get_y(), label_bottom))
        pdf.ln(1)


def _lines(pdf: FPDF, width: float, line: float, text: str) -> int:
    """How many lines `text` takes in a cell of this width, in the current font."""
    lines = pdf.multi_cell(width, line, text, dry_run=True, output=MethodReturnValue.LINES)
    assert isinstance(lines, list)  # the type of a dry run follows `output`
    return len(lines)


def _row_heights(pdf: FPDF, block: Table) -> list[float]:
    pdf.set_font("helvetica", "", 9)
    return [
        2 * _PADDING
        + _CELL_LINE
        * max(
            _lines(pdf, pdf.epw * column.width - 2 * _PADDING, _CELL_LINE, pdf_safe(text))
            for text, column in zip(row, block.columns, strict=True)
        )
        for row in block.rows
    ]


def _table(pdf: FPDF, block: Table) -> None:
    heights = _row_heights(pdf, block)
    page_room = pdf.page_break_trigger - _MARGIN
    # Caption, header row and footer rows: one line each, plus spacing.
    frame = _LINE + (1 + len(block.footer)) * (_CELL_LINE + 2 * _PADDING) + 1
    if (
        frame + sum(heights) <= page_room
        and pdf.get_y() + frame + sum(heights) > pdf.page_break_trigger
    ):
        pdf.add_page()  # a table that fits on one page is not split
    pdf.set_font("helvetica", "B", 10)
    pdf.multi_cell(0, _LINE, pdf_safe(block.caption), align="L")
    pdf.ln(1)
    if frame + max(heights, default=0) > page_room:
        # fpdf2 cannot split a row over two pages and raises instead; a row pages long
        # (an extreme pasted text) prints as label–value rows, which can break anywhere.
        columns = block.columns
        rows = [(c.title, t) for row in block.rows for c, t in zip(columns, row, strict=True)]
        _fields(pdf, (*rows, *block.footer))
        return
    pdf.set_font("helvetica", "", 9)
    with pdf.table(
        col_widths=tuple(c.width for c in block.columns),
        line_height=_CELL_LINE,
        text_align="LEFT",
        padding=_PADDING,
        headings_style=_BOLD,
    ) as table:
        header = table.row()
        for column in block.columns:
            header.cell(pdf_safe(column.title), align=_align(column))
        for cells in block.rows:
            row = table.row()
            for text, column in zip(cells, block.columns, strict=True):
                row.cell(pdf_safe(text), align=_align(column))
        for label, value in block.footer:
            row = table.row(style=_BOLD)
            row.cell(pdf_safe(label), align="L", colspan=len(block.columns) - 1)
            row.cell(pdf_safe(value), align="R")


def _align(column: Column) -> str:
    return "R" if column.numeric else "L"
