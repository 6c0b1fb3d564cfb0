"""Commands about the user's drafts and data: start, resume, switch, show, check, submit,
export, delete."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.conversation import texts, views
from bot.conversation.actions import (
    EditGroup,
    Export,
    NewDraft,
    Resume,
    ShowSection,
    Submit,
    Switch,
    encode,
)
from bot.conversation.form import ask
from bot.conversation.messages import Attachment, Button, Reply
from bot.conversation.prompts import ask_to_confirm, open_prompt
from bot.conversation.state import AwaitDelete, AwaitResume, AwaitSubmit, Editing
from bot.conversation.steps import FIRST, SECTIONS, first_step_of
from bot.conversation.store import DraftRecord
from bot.conversation.turn import Turn
from bot.drafts import Draft, ExportMeta, draft_docx, draft_pdf, readiness_report, render_text
from bot.storage import DraftStatus

log = logging.getLogger(__name__)

SUBMISSIONS_PER_DAY = 3
"""Versions one user may hand in per day; more is a loop, not a consultation."""
SUBMIT_WINDOW = timedelta(days=1)


def start_or_resume(turn: Turn) -> list[Reply]:
    """/antrag: go on with the active draft (offering a new one), or begin the first."""
    record = turn.active()
    if record is None or not record.editable:
        record = next((r for r in reversed(turn.store.all()) if r.editable), None)
    if record is None:
        return new_draft(turn)
    text = texts.RESUME_OFFER.format(draft_id=record.id, summary=views.compact(record.draft))
    return [Reply(text), ask_to_confirm(turn, AwaitResume(draft_id=record.id))]


def new_draft(turn: Turn) -> list[Reply]:
    state = turn.state
    state.resolve("resume")
    previous = [r.id for r in turn.store.all()]
    record = turn.store.create(Draft())
    state.draft_id = record.id
    state.editing = None
    state.history = []
    intro = texts.NEW_DRAFT.format(draft_id=record.id)
    if previous:
        intro += "\n\n" + texts.OTHER_DRAFTS_KEPT
    return [Reply(intro), *ask(turn, FIRST)]


def resume(turn: Turn, action: Resume) -> list[Reply] | None:
    if turn.state.waiting_for("resume") is None:
        return None
    turn.state.resolve("resume")
    return _continue(turn, action.draft_id)


def switch(turn: Turn, action: Switch) -> list[Reply] | None:
    record = turn.store.get(action.draft_id)
    if record is None:
        return None
    turn.state.draft_id = record.id
    turn.state.step = None
    turn.state.editing = None
    if not record.editable:
        return [Reply(texts.SWITCHED_SUBMITTED.format(draft_id=record.id)), *views.overview(record)]
    return _continue(turn, record.id)


def _continue(turn: Turn, draft_id: int) -> list[Reply] | None:
    record = turn.store.get(draft_id)
    if record is None or not record.editable:
        return [Reply(texts.OLD_BUTTON)]
    state = turn.state
    state.draft_id = record.id
    state.editing = None
    state.history = []
    key = state.last_step.get(record.id) or FIRST
    return [Reply(texts.RESUMED.format(draft_id=record.id)), *ask(turn, key)]


def list_drafts(turn: Turn) -> list[Reply]:
    """/entwuerfe: every draft, which one is active, and a button to switch."""
    records = turn.store.all()
    if not records:
        return [Reply(texts.NO_DRAFT)]
    lines = [texts.DRAFTS_HEADER]
    rows: list[list[Button]] = []
    for record in records:
        status = texts.STATUS_LABELS.get(record.status.value, record.status.value)
        title = record.draft.project.title or record.draft.applicant.name or "ohne Titel"
        active = " (aktiv)" if record.id == turn.state.draft_id else ""
        lines.append(f"• Nr. {record.id}{active}: {title} – {status}, Version {record.version}")
        if record.id != turn.state.draft_id:
            label = views.fit(f"Zu Nr. {record.id}: {title}")
            rows.append([Button(label, encode(Switch(draft_id=record.id)))])
    rows.append([Button(texts.NEW_DRAFT_LABEL, encode(NewDraft()))])
    turn.state.wait_for(AwaitResume(draft_id=turn.state.draft_id or records[-1].id))
    return [Reply("\n".join(lines), rows)]


def _chosen(turn: Turn) -> DraftRecord | None:
    """The active draft, or (when none is active) the newest one, which becomes active."""
    record = turn.active()
    if record is None:
        records = turn.store.all()
        record = records[-1] if records else None
        turn.state.draft_id = record.id if record else None
    return record


def show(turn: Turn) -> list[Reply]:
    record = _chosen(turn)
    return views.overview(record) if record else [Reply(texts.NO_DRAFT)]


def show_section(turn: Turn, action: ShowSection) -> list[Reply] | None:
    record = turn.active()
    if record is None or action.section not in SECTIONS:
        return None
    return [views.section_view(record, action.section)]


def edit_group(turn: Turn, action: EditGroup) -> list[Reply] | None:
    """Re-ask one group of steps, showing the stored value; a submitted draft gets a version."""
    record = turn.active()
    first = first_step_of(action.group)
    if record is None or first is None:
        return None
    intro: list[Reply] = []
    if record.status == DraftStatus.ANGENOMMEN:
        return [Reply(texts.ACCEPTED_LOCKED.format(draft_id=record.id))]
    if not record.editable:
        record = turn.store.reopen(record.id)
        intro.append(Reply(texts.NEW_VERSION.format(version=record.version)))
    state = turn.state
    state.editing = Editing(group=action.group, section=first.section)
    state.history = []
    return [*intro, *ask(turn, first.key)]


def check(turn: Turn) -> list[Reply]:
    record = _chosen(turn)
    if record is None:
        return [Reply(texts.NO_DRAFT)]
    report = readiness_report(record.draft, today=turn.ctx.today)
    return [Reply(render_text(report), views.check_buttons(record))]


def ask_submit(turn: Turn) -> list[Reply]:
    record = _chosen(turn)
    if record is None:
        return [Reply(texts.NO_DRAFT)]
    if not record.editable:
        return [Reply(texts.ALREADY_SUBMITTED.format(draft_id=record.id, version=record.version))]
    state = turn.state
    state.step = None
    state.editing = None
    report = readiness_report(record.draft, today=turn.ctx.today)
    text = texts.SUBMIT_CONFIRM.format(
        summary=f"{views.header(record)}\n{views.compact(record.draft)}",
        report=render_text(report),
        version=record.version,
    )
    if not report.ready:
        text += "\n\n" + texts.SUBMIT_NOT_READY
    return [
        Reply(text),
        ask_to_confirm(turn, AwaitSubmit(draft_id=record.id, version=record.version)),
    ]


def submit(turn: Turn, action: Submit) -> list[Reply] | None:
    """Freeze the version and hand it to the office; only the version the user confirmed."""
    waiting = turn.state.waiting_for("submit")
    if not isinstance(waiting, AwaitSubmit) or (waiting.draft_id, waiting.version) != (
        action.draft_id,
        action.version,
    ):
        return None
    turn.state.resolve("submit")
    record = turn.store.get(action.draft_id)
    if record is None or not record.editable or record.version != action.version:
        return [Reply(texts.OLD_BUTTON)]
    recent = turn.state.recent(turn.state.submitted, turn.ctx.now, SUBMIT_WINDOW)
    if len(recent) >= SUBMISSIONS_PER_DAY:
        log.info("conversation.submit_throttled owner_id=%s", turn.ctx.owner_id)
        return [Reply(texts.SUBMIT_THROTTLED.format(limit=SUBMISSIONS_PER_DAY))]
    turn.state.submitted = [*recent, turn.ctx.now]
    record = turn.store.submit(record.id)
    report = readiness_report(record.draft, today=turn.ctx.today)
    log.info("conversation.submitted owner_id=%s draft_id=%s", turn.ctx.owner_id, record.id)
    ctx = turn.ctx
    if not ctx.can_reach_staff:
        text = texts.SUBMITTED_OFFICE_NOT_INFORMED.format(
            draft_id=record.id, version=record.version, email=ctx.office_email,
            phone=ctx.office_phone,
        )  # fmt: skip
        return [Reply(text)]
    return [
        Reply(texts.SUBMITTED.format(draft_id=record.id, version=record.version)),
        views.staff_notification(record, report, ctx.review_url),
    ]


def cancel_submit(turn: Turn) -> list[Reply] | None:
    if turn.state.waiting_for("submit") is None:
        return None
    turn.state.resolve("submit")
    return [Reply(texts.SUBMIT_CANCELLED)]


def export(turn: Turn, action: Export | None = None) -> list[Reply]:
    """The draft as a file to take to the council: DOCX (to edit) or PDF (to print)."""
    record = turn.store.get(action.draft_id) if action else _chosen(turn)
    if record is None:
        return [Reply(texts.NO_DRAFT)]
    fmt = action.format if action else "docx"
    status = texts.STATUS_LABELS.get(record.status.value, record.status.value)
    meta = ExportMeta(
        draft_id=record.id, version=record.version, status=status, exported_on=turn.ctx.today
    )
    report = readiness_report(record.draft, today=turn.ctx.today)
    render = draft_pdf if fmt == "pdf" else draft_docx
    name = f"KommPraev-Entwurf-{record.id}-v{record.version}.{'pdf' if fmt == 'pdf' else 'docx'}"
    log.info("conversation.exported owner_id=%s draft_id=%s format=%s", turn.ctx.owner_id,
             record.id, fmt)  # fmt: skip
    other = "docx" if fmt == "pdf" else "pdf"
    button = Button(
        texts.EXPORT_OTHER.format(format=other.upper()),
        encode(Export(draft_id=record.id, format=other)),
    )
    return [
        Reply(
            texts.EXPORTED.format(format=fmt.upper()),
            [[button]],
            attachment=Attachment(filename=name, data=render(record.draft, meta, report)),
        )
    ]


def cancel(turn: Turn) -> list[Reply]:
    state = turn.state
    if state.step is None and not state.awaiting:
        return [Reply(texts.NOTHING_TO_CANCEL)]
    state.step = None
    state.editing = None
    state.awaiting = []
    state.asking = False
    return [Reply(texts.CANCELLED)]


def my_data(turn: Turn) -> list[Reply]:
    return [Reply(views.my_data(turn.store.export_all(), turn.store.all()))]


def ask_delete(turn: Turn) -> list[Reply]:
    return [ask_to_confirm(turn, AwaitDelete())]


def confirm_delete(turn: Turn, yes: bool) -> list[Reply] | None:
    if turn.state.waiting_for("delete") is None:
        return None
    turn.state.resolve("delete")
    if not yes:
        return [Reply(texts.DELETE_CANCELLED), *open_prompt(turn, intro=True)]
    turn.store.delete_all()
    turn.deleted = True
    log.info("conversation.deleted owner_id=%s", turn.ctx.owner_id)
    return [Reply(texts.DELETED)]
