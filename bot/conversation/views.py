"""Replies that show stored things: a draft's summary, its sections, the user's own data."""

from __future__ import annotations

from typing import Any

from bot.conversation import texts
from bot.conversation.messages import Button, Reply
from bot.conversation.steps import SECTIONS, STEPS, Step, groups_of
from bot.drafts import Draft, ReadinessReport, format_amount, render_summary, render_text
from bot.storage import DraftRow


def load_draft(row: DraftRow) -> Draft:
    return Draft.model_validate(row.data)


def header(row: DraftRow) -> str:
    status = texts.STATUS_LABELS.get(row.status.value, row.status.value)
    return texts.SUMMARY_HEADER.format(draft_id=row.id, version=row.version, status=status)


def summary(row: DraftRow, *, intro: str | None = None) -> Reply:
    """The draft so far, with one "ändern" button per section and the next actions."""
    parts = [intro] if intro else []
    parts += [header(row), render_summary(load_draft(row)), texts.CHOOSE_SECTION]
    names = list(SECTIONS.items())
    rows = [
        [Button(f"ändern: {label}", f"sec:{key}") for key, label in names[i : i + 2]]
        for i in range(0, len(names), 2)
    ]
    rows.append(
        [Button(texts.CHECK_LABEL, "cmd:pruefen"), Button(texts.SUBMIT_LABEL, "cmd:einreichen")]
    )
    return Reply("\n\n".join(parts), rows)


def section(key: str) -> Reply:
    """The fields of one section as buttons; the cost plan is entered again as a whole."""
    if key == "cost_plan":
        buttons = [[Button(texts.REDO_COSTS_LABEL, "edit:cost")]]
    else:
        firsts: list[Step] = groups_of(key)
        buttons = [
            [Button(s.label, f"edit:{s.group}") for s in firsts[i : i + 2]]
            for i in range(0, len(firsts), 2)
        ]
    buttons.append([Button(texts.SUMMARY_LABEL, "cmd:entwurf")])
    return Reply(texts.CHOOSE_FIELD.format(section=SECTIONS[key]), buttons)


def first_step_of(group: str) -> Step | None:
    return next((s for s in STEPS if s.group == group), None)


def staff_notification(row: DraftRow, report: ReadinessReport) -> Reply:
    draft = load_draft(row)
    grant = draft.financing.grant
    readiness = "bereit" if report.ready else f"noch offen ({len(report.errors)} Fehler)"
    text = texts.STAFF_NOTIFICATION.format(
        draft_id=row.id,
        version=row.version,
        applicant=draft.applicant.name or "–",
        title=draft.project.title or "–",
        grant=format_amount(grant) if grant is not None else "–",
        readiness=readiness,
    )
    # The office sees the same Vorprüfung the applicant saw, and the whole draft.
    details = f"{render_text(report)}\n\n{render_summary(draft)}"
    return Reply(f"{text}\n\n{details}", to_staff=True)


def my_data(export: dict[str, Any], drafts: list[DraftRow]) -> str:
    """Everything `users_repo.export_all` returned, readable instead of JSON."""
    user = export.get("user")
    if user is None:
        return texts.MY_DATA_EMPTY
    dialogue = export.get("dialogue") or {}
    step_key = dialogue.get("step")
    step = next((s for s in STEPS if s.key == step_key), None)
    lines = [
        texts.MY_DATA_HEADER.format(
            user_id=user["id"],
            channel=user["channel"],
            created=str(user["created_at"])[:10],
            privacy=str(user["privacy_seen_at"])[:10] if user["privacy_seen_at"] else "nein",
            step=step.prompt if step else "keine",
            inbox=len(export.get("inbox", [])),
            outbox=len(export.get("outbox", [])),
        )
    ]
    versions = {d["id"]: len(d["versions"]) for d in export.get("drafts", [])}
    for row in drafts:
        lines.append(
            texts.MY_DATA_DRAFT.format(
                draft_id=row.id,
                version=row.version,
                status=texts.STATUS_LABELS.get(row.status.value, row.status.value),
                versions=versions.get(row.id, 0),
                summary=render_summary(load_draft(row)),
            )
        )
    return "\n\n".join(lines)
