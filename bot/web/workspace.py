"""What the review workspace shows, over one SQL session; knows no HTTP.

Staff see a draft only as submitted (its frozen versions), never the user's draft in progress.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.drafts import Draft, ExportMeta, Finding, readiness_report
from bot.drafts.diff import FieldChange, field_changes
from bot.drafts.export_layout import Block, build_layout
from bot.drafts.summary import SECTION_TITLES, format_amount
from bot.storage import (
    DraftStatus,
    ReviewStatus,
    accounts_repo,
    review_repo,
    staff_repo,
)
from bot.storage.tables import (
    AuditRow,
    DraftRow,
    DraftVersionRow,
    ReviewNoteRow,
    ReviewRow,
    StaffRequestRow,
)

log = logging.getLogger(__name__)
BERLIN = ZoneInfo("Europe/Berlin")

STATUS_LABELS = {
    ReviewStatus.EINGEREICHT.value: "eingereicht",
    ReviewStatus.IN_PRUEFUNG.value: "in Prüfung",
    ReviewStatus.RUECKFRAGE.value: "Rückfrage",
    ReviewStatus.ANGENOMMEN.value: "angenommen",
    ReviewStatus.ABGELEHNT.value: "abgelehnt",
    ReviewStatus.ZURUECKGEZOGEN.value: "zurückgezogen",
}
NOTE_LABELS = {
    "intern": "Interner Kommentar",
    "rueckfrage": "Rückfrage an den Antragsteller",
    "annahme": "Annahme",
    "ablehnung": "Ablehnung",
}
MAX_TEXT = 4000


class Refused(Exception):
    """An action that cannot be done now; the message is German and says what to do."""


@dataclass(frozen=True)
class InboxItem:
    draft_id: int
    version: int
    status: str
    status_label: str
    municipality: str
    title: str
    amount: str
    submitted_at: datetime
    assignee: str
    errors: int
    warnings: int


@dataclass(frozen=True)
class DraftPage:
    draft_id: int
    version: int
    versions: list[int]
    latest: int
    status: str
    status_label: str
    assignee: str
    blocks: list[Block]
    findings: dict[str, list[Finding]]
    """Findings by section title, shown beside that section."""
    changes: list[FieldChange] | None
    """What changed against the version before; None for the first."""
    notes: list[tuple[ReviewNoteRow, str]]
    trail: list[AuditRow]
    can_decide: bool
    requests: list[StaffRequestRow] = field(default_factory=list)


@dataclass(frozen=True)
class _Summary:
    municipality: str
    title: str
    amount: str
    errors: int
    warnings: int


Summaries = dict[tuple[int, int, date], _Summary]
"""Inbox lines of frozen versions by (draft, version, day), kept by the app of one database:
a version never changes after it was handed in, and the Vorprüfung depends on nothing else
but the day (deadlines)."""


def _summary(frozen: DraftVersionRow, today: date, cache: Summaries) -> _Summary:
    key = (frozen.draft_id, frozen.version, today)
    found = cache.get(key)
    if found is None:
        if len(cache) > 10_000:
            cache.clear()
        draft = Draft.model_validate(frozen.data)
        report = readiness_report(draft, today=today)
        grant = draft.financing.grant
        found = cache[key] = _Summary(
            municipality=draft.applicant.name or "–",
            title=draft.project.title or "–",
            amount=format_amount(grant) if grant is not None else "–",
            errors=len(report.errors),
            warnings=len(report.warnings),
        )
    return found


def inbox(
    session: Session,
    *,
    status: str = "",
    query: str = "",
    newest_first: bool = True,
    today: date,
    cache: Summaries | None = None,
) -> list[InboxItem]:
    """Every received draft as a row of the inbox; filtered by status, searched by
    municipality or title (case-insensitive), sorted by submission date."""
    items = []
    needle = query.strip().casefold()
    newest = staff_repo.latest_versions(session)
    emails = {a.id: a.email for a in accounts_repo.all_accounts(session)}
    for review in review_repo.all_reviews(session):
        frozen = newest.get(review.draft_id)
        if (status and review.status != status) or frozen is None:
            continue
        row = _summary(frozen, today, {} if cache is None else cache)
        if needle and needle not in f"{row.municipality}\n{row.title}".casefold():
            continue
        items.append(
            InboxItem(
                draft_id=review.draft_id,
                version=frozen.version,
                status=review.status,
                status_label=STATUS_LABELS.get(review.status, review.status),
                municipality=row.municipality,
                title=row.title,
                amount=row.amount,
                submitted_at=frozen.frozen_at,
                assignee=emails.get(review.assignee_id or 0, ""),
                errors=row.errors,
                warnings=row.warnings,
            )
        )
    items.sort(key=lambda i: (i.submitted_at, i.draft_id), reverse=newest_first)
    return items


def draft_page(
    session: Session, *, draft_id: int, version: int | None, today: date
) -> DraftPage | None:
    review = review_repo.get(session, draft_id=draft_id)
    frozen = staff_repo.list_versions_any(session, draft_id=draft_id)
    if review is None or not frozen:
        return None
    by_version = {v.version: v for v in frozen}
    shown = by_version.get(version or frozen[-1].version)
    if shown is None:
        return None
    draft = Draft.model_validate(shown.data)
    report = readiness_report(draft, today=today)
    label = STATUS_LABELS.get(review.status, review.status)
    # "Stand" is the day this version was handed in, not the day someone looks at it.
    handed_in = shown.frozen_at.astimezone(BERLIN).date()
    meta = ExportMeta(draft_id=draft_id, version=shown.version, status=label, exported_on=handed_in)
    # The layout ends with its own table of findings; here they stand beside their sections.
    layout = build_layout(draft, meta, None)
    findings = {
        SECTION_TITLES.get(check.key, check.title): check.findings
        for check in report.sections
        if check.findings
    }
    previous = by_version.get(shown.version - 1)
    changes = (
        field_changes(Draft.model_validate(previous.data), draft) if previous is not None else None
    )
    accounts = {a.id: a.email for a in accounts_repo.all_accounts(session)}
    draft_row = staff_repo.get_any(session, draft_id=draft_id)
    notes = [
        (note, accounts.get(note.account_id or 0, "gelöschtes Konto"))
        for note in review_repo.notes(session, draft_id=draft_id)
    ]
    return DraftPage(
        draft_id=draft_id,
        version=shown.version,
        versions=sorted(by_version),
        latest=frozen[-1].version,
        status=review.status,
        status_label=label,
        assignee=accounts.get(review.assignee_id or 0, ""),
        blocks=list(layout.blocks),
        findings=findings,
        changes=changes,
        notes=notes,
        trail=review_repo.trail(session, subject="draft", subject_id=draft_id),
        can_decide=why_undecidable(review, draft_row, frozen[-1].version) is None,
    )


def why_undecidable(review: ReviewRow | None, draft: DraftRow | None, version: int) -> str | None:
    """Why the office cannot decide on `version` of this draft now (German), or None.

    Only the version the user handed in last, while it waits for the office: not one the
    user withdrew or changed meanwhile, not one already decided or asked back on.
    """
    if review is None or draft is None:
        return "Diesen Entwurf gibt es nicht mehr (vom Antragsteller gelöscht)."
    label = STATUS_LABELS.get(review.status, review.status)
    if review.status in (ReviewStatus.ANGENOMMEN, ReviewStatus.ABGELEHNT):
        return f"Über diesen Entwurf ist schon entschieden (Status: {label})."
    if review.status == ReviewStatus.RUECKFRAGE:
        return (
            "Zu diesem Entwurf läuft eine Rückfrage: Entschieden wird über die Version, die der "
            "Antragsteller danach einreicht. Bitte laden Sie die Seite dann neu."
        )
    if draft.version != version or draft.status != DraftStatus.EINGEREICHT:
        return (
            "Der Entwurf hat sich inzwischen geändert (neue Version oder vom Antragsteller "
            "zurückgezogen). Bitte laden Sie die Seite neu und prüfen Sie den aktuellen Stand."
        )
    return None


def frozen_draft(
    session: Session, *, draft_id: int, version: int | None
) -> tuple[int, Draft, datetime] | None:
    """A submitted version (the latest by default) as the office exports it."""
    rows = staff_repo.list_versions_any(session, draft_id=draft_id)
    if version is None:
        chosen = rows[-1] if rows else None
    else:
        chosen = next((r for r in rows if r.version == version), None)
    if chosen is None:
        return None
    return chosen.version, Draft.model_validate(chosen.data), chosen.frozen_at
