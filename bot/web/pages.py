"""The workspace's pages and actions: each takes the request, the transaction and the signed-in
staff member (checked by `Workspace.guarded`) and returns a response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.storage import review_repo
from bot.web import accounts, actions, exports, workspace
from bot.web.app import BERLIN, Workspace
from bot.web.auth import Staff
from bot.web.workspace import Refused

DECISIONS = {
    "rueckfrage": actions.RUECKFRAGE,
    "annehmen": actions.ANNAHME,
    "ablehnen": actions.ABLEHNUNG,
}


def inbox(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    params = request.query_params
    status = params.get("status", "")
    if status and status not in workspace.STATUS_LABELS:
        status = ""
    query = params.get("q", "")[:200]
    newest = params.get("sortierung", "neu") != "alt"
    items = workspace.inbox(
        session,
        status=status,
        query=query,
        newest_first=newest,
        today=web.today(),
        cache=web.summaries,
    )
    return web.page(
        request,
        "inbox.html",
        200,
        staff=staff,
        items=items,
        status=status,
        query=query,
        newest=newest,
        questions=review_repo.requests(session, kind="frage", open_only=True),
        appointments=review_repo.requests(session, kind="termin", open_only=True),
    )


def draft(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    draft_id = int(request.path_params["draft_id"])
    version = _int(request.query_params.get("version"))
    page = workspace.draft_page(session, draft_id=draft_id, version=version, today=web.today())
    if page is None:
        return web.refused(request, staff, "Diesen Entwurf gibt es nicht (oder nicht mehr).", 404)
    return web.page(request, "draft.html", staff=staff, page=page)


def draft_action(
    web: Workspace, request: Request, session: Session, staff: Staff, form: FormData | None
) -> Response:
    assert form is not None
    draft_id = int(request.path_params["draft_id"])
    action = request.path_params["action"]
    now = web.clock()
    version = _int(str(form.get("version", ""))) or 0
    text = str(form.get("text", ""))
    if action == "uebernehmen":
        actions.assign_to_me(session, staff=staff, draft_id=draft_id, now=now)
    elif action == "kommentar":
        actions.comment(session, staff=staff, draft_id=draft_id, body=text, now=now)
    elif action in DECISIONS:
        actions.decide(
            session,
            DECISIONS[action],
            staff=staff,
            draft_id=draft_id,
            version=version,
            text=text,
            now=now,
        )
    else:
        return web.refused(request, staff, "Diese Aktion gibt es nicht.", 404)
    return RedirectResponse(f"/entwuerfe/{draft_id}", status_code=303)


def export(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    draft_id = int(request.path_params["draft_id"])
    fmt = request.path_params["fmt"]
    version = _int(request.query_params.get("version"))
    found = workspace.frozen_draft(session, draft_id=draft_id, version=version)
    review = review_repo.get(session, draft_id=draft_id)
    if found is None or review is None or fmt not in exports.FORMATS:
        return web.refused(request, staff, "Diese Datei gibt es nicht.", 404)
    version, data, submitted_at = found
    file = exports.render(
        fmt,
        data,
        draft_id=draft_id,
        version=version,
        review=review,
        submitted_at=submitted_at,
        today=web.today(),
        now=web.clock(),
    )
    review_repo.audit(
        session,
        subject="draft",
        subject_id=draft_id,
        actor=staff.email,
        action=f"exportiert ({fmt.upper()})",
        detail=f"Version {version}",
        now=web.clock(),
    )
    return Response(
        file.data,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


def request_page(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    row = review_repo.get_request(session, request_id=int(request.path_params["request_id"]))
    if row is None:
        return web.refused(request, staff, "Diese Anfrage gibt es nicht (oder nicht mehr).", 404)
    trail = review_repo.trail(session, subject="request", subject_id=row.id)
    return web.page(
        request,
        "request.html",
        staff=staff,
        row=row,
        trail=trail,
        min_day=(web.today() + timedelta(days=1)).isoformat(),
    )


def request_action(
    web: Workspace, request: Request, session: Session, staff: Staff, form: FormData | None
) -> Response:
    assert form is not None
    request_id = int(request.path_params["request_id"])
    now = web.clock()
    if request.path_params["action"] == "antwort":
        actions.answer_question(
            session,
            staff=staff,
            request_id=request_id,
            answer=str(form.get("text", "")),
            now=now,
        )
    elif request.path_params["action"] == "termin":
        moment = _moment(str(form.get("tag", "")), str(form.get("uhrzeit", "")), now=now)
        actions.propose_slot(
            session,
            staff=staff,
            request_id=request_id,
            moment=moment,
            message=str(form.get("text", "")),
            now=now,
        )
    else:
        return web.refused(request, staff, "Diese Aktion gibt es nicht.", 404)
    return RedirectResponse(f"/anfragen/{request_id}", status_code=303)


def accounts_page(
    web: Workspace, request: Request, session: Session, staff: Staff, _f: FormData | None
) -> Response:
    return web.page(
        request,
        "accounts.html",
        staff=staff,
        accounts=accounts.listing(session),
        roles=accounts.ROLES,
    )


def accounts_action(
    web: Workspace, request: Request, session: Session, staff: Staff, form: FormData | None
) -> Response:
    assert form is not None
    account_id = request.path_params.get("account_id")
    if account_id is None:
        accounts.add(
            session,
            email=str(form.get("email", "")),
            role=str(form.get("role", "")),
            password=str(form.get("password", "")),
            actor=staff.email,
            now=web.clock(),
        )
    else:
        if int(account_id) == staff.account_id:
            raise Refused("Das eigene Konto kann man nicht sperren.")
        accounts.disable(session, account_id=int(account_id), actor=staff.email, now=web.clock())
    return RedirectResponse("/konten", status_code=303)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _moment(day: str, time: str, *, now: datetime) -> datetime:
    """A date and time from the form (2026-12-08, 10:30) as Berlin time, in UTC."""
    try:
        local = datetime.fromisoformat(f"{day.strip()}T{time.strip()}")
    except ValueError:
        raise Refused(
            "Bitte Datum und Uhrzeit des Termins angeben, z. B. 08.12.2026 und 10:30."
        ) from None
    if not now.year <= local.year <= now.year + 2:
        raise Refused("Der Termin muss in diesem oder den nächsten beiden Jahren liegen.")
    return local.replace(tzinfo=BERLIN).astimezone(UTC)
