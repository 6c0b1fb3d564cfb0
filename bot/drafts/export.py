"""Export a draft application as DOCX and PDF, laid out like the application the LPR files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.drafts.export_layout import ExportMeta, build_layout

if TYPE_CHECKING:
    from bot.drafts.models import Draft
    from bot.drafts.readiness import ReadinessReport

__all__ = ["ExportMeta", "draft_docx", "draft_pdf"]

# The renderers are imported on first use: fpdf2 pulls in Pillow and fontTools (about 0.5 s),
# which every start of the bot would otherwise pay for an export that few turns ask for.


def draft_docx(draft: Draft, meta: ExportMeta, report: ReadinessReport | None = None) -> bytes:
    """A Word file the office can correct and file; with a report, its findings are appended."""
    from bot.drafts.export_docx import render_docx

    return render_docx(build_layout(draft, meta, report))


def draft_pdf(draft: Draft, meta: ExportMeta, report: ReadinessReport | None = None) -> bytes:
    """A PDF to read and print as it is, with the same content and order as `draft_docx`."""
    from bot.drafts.export_pdf import render_pdf

    return render_pdf(build_layout(draft, meta, report))
