"""The office's files of a submitted version: DOCX and PDF (the generator the user's /export
uses) and JSON of the raw data (`bot.drafts.export_json`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.drafts import Draft, ExportMeta, draft_docx, draft_pdf, readiness_report
from bot.drafts.export_json import JsonMeta, draft_json_bytes
from bot.storage.tables import ReviewRow
from bot.web.workspace import STATUS_LABELS

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "json": "application/json",
}


@dataclass(frozen=True)
class File:
    filename: str
    media_type: str
    data: bytes


def render(
    fmt: str,
    draft: Draft,
    *,
    draft_id: int,
    version: int,
    review: ReviewRow,
    submitted_at: datetime,
    today: date,
    now: datetime,
) -> File:
    label = STATUS_LABELS.get(review.status, review.status)
    name = f"KommPraev-Entwurf-{draft_id}-v{version}.{fmt}"
    if fmt == "json":
        meta = JsonMeta(
            draft_id=draft_id,
            version=version,
            status=review.status,
            submitted_at=submitted_at,
            exported_at=now,
        )
        return File(name, FORMATS[fmt], draft_json_bytes(draft, meta))
    meta_print = ExportMeta(draft_id=draft_id, version=version, status=label, exported_on=today)
    report = readiness_report(draft, today=today)
    render_file = draft_pdf if fmt == "pdf" else draft_docx
    return File(name, FORMATS[fmt], render_file(draft, meta_print, report))
