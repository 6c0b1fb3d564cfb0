"""Render the draft layout as a Word file that the LPR office can edit and file."""

from __future__ import annotations

import io
from datetime import datetime, time

import docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from bot.drafts.export_layout import Block, Fields, Heading, Layout, Paragraph, Table

_MARGIN_MM = 20
_TEXT_WIDTH_MM = 210 - 2 * _MARGIN_MM
_LABEL_SHARE = 0.32


def render_docx(layout: Layout) -> bytes:
    """Write the blocks with Word's built-in styles, so the office can restyle the file."""
    doc = docx.Document()
    section = doc.sections[0]
    # python-docx's template is US Letter; German offices print A4.
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(_MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(_MARGIN_MM)
    _footer(section.footer.paragraphs[0], layout.footer)

    props = doc.core_properties
    props.title, props.language = layout.title, "de-DE"
    props.author = props.last_modified_by = "KommPräv-Lotse"
    # Dated by the export day rather than the clock, so the same draft gives the same file.
    props.created = props.modified = datetime.combine(layout.exported_on, time())

    for block in layout.blocks:
        _block(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _block(doc: Document, block: Block) -> None:
    match block:
        case Heading(text, level):
            doc.add_heading(text, level)
        case Paragraph(text, note):
            run = doc.add_paragraph().add_run(text)
            if note:
                run.italic, run.font.size = True, Pt(9)
        case Fields(rows):
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in rows:
                cells = table.add_row().cells
                _write(cells[0], label, bold=True)
                _write(cells[1], value)
            _widths(table, (_LABEL_SHARE, 1 - _LABEL_SHARE))
            doc.add_paragraph()
        case Table():
            _table(doc, block)


def _table(doc: Document, block: Table) -> None:
    doc.add_paragraph().add_run(block.caption).bold = True
    table = doc.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(table.rows[0].cells, block.columns, strict=True):
        _write(cell, column.title, bold=True, right=column.numeric)
    # Word repeats a row marked as header when the table runs onto the next page.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    numeric = [c.numeric for c in block.columns]
    for row in block.rows:
        for cell, text, right in zip(table.add_row().cells, row, numeric, strict=True):
            _write(cell, text, right=right)
    _widths(table, tuple(c.width for c in block.columns))
    for label, value in block.footer:
        cells = table.add_row().cells
        for cell, column in zip(cells, block.columns, strict=True):
            cell.width = Mm(_TEXT_WIDTH_MM * column.width)
        label_cell = cells[0].merge(cells[-2]) if len(cells) > 2 else cells[0]
        _write(label_cell, label, bold=True)
        _write(cells[-1], value, bold=True, right=True)
    doc.add_paragraph()


def _write(cell: _Cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.add_run(text).bold = bold  # "\n" becomes a line break inside the run
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _widths(table: DocxTable, shares: tuple[float, ...]) -> None:
    # Word takes widths from the cells, not the columns, and ignores them under autofit.
    table.autofit = False
    for row in table.rows:
        for cell, share in zip(row.cells, shares, strict=True):
            cell.width = Mm(_TEXT_WIDTH_MM * share)


def _footer(paragraph: DocxParagraph, text: str) -> None:
    """The footer text and a PAGE field, so a printed stack can be put back in order."""
    paragraph.add_run(f"{text} · Seite ")
    run = paragraph.add_run()._r
    begin, code, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    code.set(qn("xml:space"), "preserve")
    code.text = "PAGE"
    end.set(qn("w:fldCharType"), "end")
    run.extend([begin, code, end])
