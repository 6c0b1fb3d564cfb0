"""The workspace's knowledge pages (editor role): FAQ editor with check and preview, documents,
unanswered questions, change history. Every change is written to KNOWLEDGE_DIR, recorded, and
made live by an incremental index build; the running bot answers from it at the next question.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.storage import question_log
from bot.upkeep import documents, history
from bot.upkeep.desk import entry_from_form
from bot.upkeep.faq_file import Conflict, FaqEntry, Missing, Saved, entry_stamp, find_entry
from bot.upkeep.unanswered import answer_group, groups
from bot.web.app import Workspace
from bot.web.auth import Staff
from bot.web.workspace import Refused

FIELDS = (
    "id",
    "frage",
    "formulierungen",
    "antwort",
    "dokument",
    "abschnitt",
    "gueltig_ab",
    "richtlinie",
)


def _fields(form: FormData) -> dict[str, str]:
    return {name: str(form.get(name, "")) for name in FIELDS}


def _ids(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip().isdigit()][:200]


def overview(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    query = request.query_params.get("q", "")[:200].casefold()
    entries = [
        e
        for e in web.desk.entries()
        if not query or query in f"{e.id}\n{e.question}\n{e.answer}".casefold()
    ]
    return web.page(
        request,
        "knowledge.html",
        staff=staff,
        entries=entries,
        query=query,
        documents=[p.name for p in web.desk.documents()],
        open_count=len(question_log.unanswered(session)),
    )


def faq_form(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    entry_id = request.path_params.get("entry_id")
    if entry_id is None:  # a new entry, maybe for a group of unanswered questions
        asked = request.query_params.get("frage", "")[:500]
        entry = FaqEntry(id="", question=asked, phrasings=[], answer="")
        stamp = ""
        changes = []
    else:
        found = find_entry(web.desk.faq_path, entry_id)
        if found is None:
            raise Refused("Diesen FAQ-Eintrag gibt es nicht (mehr).")
        entry, stamp = found, entry_stamp(found)
        changes = history.changes(session, kind=history.KIND_FAQ, key=entry_id)
    return web.page(
        request,
        "faq_edit.html",
        staff=staff,
        entry=entry,
        stamp=stamp,
        changes=changes,
        questions=request.query_params.get("fragen", ""),
        problems=[],
        theirs=None,
        documents=web.desk.sections(),
    )


def faq_check(
    web: Workspace, request: Request, session: Session, staff: Staff, form: FormData | None
) -> Response:
    """Check and preview: problems (numbers included), and the answers that would change."""
    assert form is not None
    fields = _fields(form)
    stamp = str(form.get("stamp", "")) or None
    entry = entry_from_form(fields)
    problems = web.desk.problems(entry)
    changes = [] if problems else web.desk.preview(entry, expected_stamp=stamp)
    return web.page(
        request,
        "faq_preview.html",
        staff=staff,
        entry=entry,
        fields=fields,
        stamp=stamp or "",
        problems=problems,
        changes=changes,
        questions=str(form.get("fragen", "")),
        documents=web.desk.sections(),
    )


def faq_publish(
    web: Workspace, request: Request, session: Session, staff: Staff, form: FormData | None
) -> Response:
    assert form is not None
    fields = _fields(form)
    entry = entry_from_form(fields)
    if problems := web.desk.problems(entry):
        raise Refused("Der Eintrag ist noch nicht in Ordnung: " + " ".join(problems))
    result = web.desk.save(entry, expected_stamp=str(form.get("stamp", "")) or None)
    if isinstance(result, Conflict):
        # Nothing is lost: the editor shows the other's version beside the own text.
        return web.page(
            request,
            "faq_edit.html",
            409,
            staff=staff,
            entry=entry,
            stamp=result.stamp,
            changes=[],
            questions=str(form.get("fragen", "")),
            problems=[result.message],
            theirs=result.theirs,
            documents=web.desk.sections(),
        )
    if isinstance(result, Missing):
        raise Refused(result.message)
    now = web.clock()
    history.record_faq_save(session, result, actor=staff.email, now=now)
    web.desk.reindex()
    ids = _ids(str(form.get("fragen", "")))
    if ids:
        source = f"{entry.document} › {entry.section}"
        answer_group(session, ids=ids, faq_id=entry.id, answer=entry.answer, source=source, now=now)
    return RedirectResponse(f"/wissen/faq/{entry.id}?gespeichert=1", status_code=303)


def faq_retire(
    web: Workspace, request: Request, session: Session, staff: Staff, form: FormData | None
) -> Response:
    assert form is not None
    entry_id = str(request.path_params["entry_id"])
    result = web.desk.retire(entry_id, expected_stamp=str(form.get("stamp", "")))
    if not isinstance(result, Saved):
        raise Refused(result.message)
    history.record_faq_save(session, result, actor=staff.email, now=web.clock())
    web.desk.reindex()
    return RedirectResponse(f"/wissen/faq/{entry_id}", status_code=303)


def changes_page(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    rows = history.changes(session, limit=200)
    desk = web.desk
    diffs = {
        row.id: history.diff_lines(row.before, row.after)
        if row.kind == history.KIND_FAQ
        else [  # a document is long: only what changed, and not without end
            line
            for line in history.diff_lines(
                desk.document_text(row.key, row.before), desk.document_text(row.key, row.after)
            )
            if line[0] != " "
        ][:200]
        for row in rows
    }
    return web.page(request, "history.html", staff=staff, rows=rows, diffs=diffs)


def restore(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    row = history.get_change(session, int(request.path_params["change_id"]))
    if row is None:
        raise Refused("Diese Änderung gibt es nicht.")
    now = web.clock()
    if row.kind == history.KIND_FAQ:
        try:
            result = history.restore_faq(
                session, web.desk.faq_path, row.id, actor=staff.email, now=now
            )
        except history.NothingToRestore as exc:
            raise Refused(str(exc)) from None
        if not isinstance(result, Saved):
            raise Refused(result.message)
    else:
        if not row.before:
            raise Refused(
                "Vor dieser Änderung gab es das Dokument nicht; zum Entfernen bitte "
                "„Zurückziehen“ verwenden."
            )
        put = documents.restore(row.before, row.key, web.desk.knowledge_dir, web.desk.archive_dir)
        if isinstance(put, documents.Refusal):
            raise Refused(put.message)
        history.record_change(
            session,
            kind=history.KIND_DOCUMENT,
            key=row.key,
            action=history.ACTION_RESTORED,
            actor=staff.email,
            before=put.archived_as,
            after=row.before,
            now=now,
        )
    web.desk.reindex()
    return RedirectResponse("/wissen/verlauf", status_code=303)


# --- Documents ---


def documents_page(
    web: Workspace, request: Request, session: Session, staff: Staff, form: FormData | None
) -> Response:
    """GET: the list and the upload form. POST: an upload, checked and previewed, not live."""
    if form is None:
        return web.page(
            request, "documents.html", staff=staff, documents=[p.name for p in web.desk.documents()]
        )
    file = form.get("datei")
    if not isinstance(file, UploadFile) or not file.filename:
        raise Refused("Bitte eine Datei auswählen (PDF, DOCX oder Markdown).")
    data = file.file.read(documents.MAX_UPLOAD_BYTES + 1)
    upload = documents.validate_upload(file.filename, data)
    if isinstance(upload, documents.Refusal):
        raise Refused(upload.message)
    token = secrets.token_urlsafe(16)
    pending = _pending(web, token)
    pending.write_bytes(upload.data)
    pending.with_suffix(".name").write_text(upload.filename, encoding="utf-8")
    shown = documents.preview(upload, web.desk.knowledge_dir)
    return web.page(request, "document_preview.html", staff=staff, preview=shown, token=token)


def _pending(web: Workspace, token: str) -> Path:
    """An upload waiting for "Veröffentlichen", under DATA_DIR (never in KNOWLEDGE_DIR)."""
    if not token.replace("-", "").replace("_", "").isalnum() or len(token) > 40:
        raise Refused("Diese Vorschau ist abgelaufen. Bitte die Datei erneut hochladen.")
    folder = web.desk.pending_dir
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{token}.bin"


def document_publish(
    web: Workspace, request: Request, session: Session, staff: Staff, form: FormData | None
) -> Response:
    assert form is not None
    pending = _pending(web, str(form.get("token", "")))
    if not pending.exists():
        raise Refused("Diese Vorschau ist abgelaufen. Bitte die Datei erneut hochladen.")
    upload = documents.validate_upload(
        pending.with_suffix(".name").read_text(encoding="utf-8"), pending.read_bytes()
    )
    if isinstance(upload, documents.Refusal):
        raise Refused(upload.message)
    result = documents.publish(upload, web.desk.knowledge_dir, web.desk.archive_dir)
    if isinstance(result, documents.Refusal):
        raise Refused(result.message)
    history.record_change(
        session,
        kind=history.KIND_DOCUMENT,
        key=result.name,
        action="ersetzt" if result.replaced else "veröffentlicht",
        actor=staff.email,
        before=result.archived_as,
        after=f"{result.sha256}.{upload.extension}",
        now=web.clock(),
    )
    pending.unlink(missing_ok=True)
    pending.with_suffix(".name").unlink(missing_ok=True)
    web.desk.reindex()
    return RedirectResponse("/wissen/dokumente", status_code=303)


def document_withdraw(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    name = str(request.path_params["name"])
    archived = documents.withdraw(name, web.desk.knowledge_dir, web.desk.archive_dir)
    if isinstance(archived, documents.Refusal):
        raise Refused(archived.message)
    history.record_change(
        session,
        kind=history.KIND_DOCUMENT,
        key=name,
        action="zurückgezogen",
        actor=staff.email,
        before=archived,
        after=None,
        now=web.clock(),
    )
    web.desk.reindex()
    return RedirectResponse("/wissen/dokumente", status_code=303)


# --- Unanswered questions ---


def unanswered(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    found = groups(question_log.unanswered(session))
    return web.page(
        request,
        "unanswered.html",
        staff=staff,
        groups=found,
        entries=[e for e in web.desk.entries() if not e.retired],
    )


def answer_with_entry(
    web: Workspace, request: Request, session: Session, staff: Staff, form: FormData | None
) -> Response:
    """Answer a group with an existing entry; those who asked to be told get it."""
    assert form is not None
    entry = find_entry(web.desk.faq_path, str(form.get("faq", "")))
    if entry is None or entry.retired:
        raise Refused("Bitte einen vorhandenen, gültigen FAQ-Eintrag wählen.")
    answer_group(
        session,
        ids=_ids(str(form.get("fragen", ""))),
        faq_id=entry.id,
        answer=entry.answer,
        source=f"{entry.document} › {entry.section}",
        now=web.clock(),
    )
    return RedirectResponse("/wissen/offen", status_code=303)
