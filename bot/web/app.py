"""The review workspace's frame: sign-in and sign-out, the staff guard, rendering.

Endpoints read the form asynchronously, then do their database work in a worker thread
inside one transaction (`_guarded`), which also signs the caller in and checks CSRF.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from bot.settings import Settings
from bot.upkeep.desk import KnowledgeDesk
from bot.web import auth, workspace
from bot.web.auth import Staff
from bot.web.workspace import Refused

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
BERLIN = ZoneInfo("Europe/Berlin")
LOGIN_COOKIE = "kp_login"
NOT_SIGNED_IN = (
    "Ihre Sitzung ist abgelaufen oder Sie sind nicht angemeldet. Bitte melden Sie sich an."
)
MAX_ID = 2**62  # larger path numbers overflow the database's integers: no such thing here

Clock = Callable[[], datetime]
Handler = Callable[["Workspace", Request, Session, Staff, FormData | None], Response]


def _local(moment: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    return moment.astimezone(BERLIN).strftime(fmt) if moment else "–"


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes .html
    templates.env.filters["local"] = _local
    templates.env.globals["status_labels"] = workspace.STATUS_LABELS
    templates.env.globals["note_labels"] = workspace.NOTE_LABELS
    templates.env.globals["kind"] = lambda block: type(block).__name__
    return templates


def _safe_next(target: str | None) -> str:
    """Only a path of this site: "/entwuerfe/3" yes, "//evil.example" or "https://…" no."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


class Workspace:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        clock: Clock,
        desk: KnowledgeDesk | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.clock = clock
        self.desk = desk or KnowledgeDesk(settings)
        self.summaries: workspace.Summaries = {}  # inbox lines of this database's versions
        self.https = settings.review_url.startswith("https://")
        self.cookie = auth.cookie_name(self.https)
        self.templates = _templates()

    # --- rendering ---

    def page(self, request: Request, name: str, code: int = 200, **context: Any) -> Response:
        return self.templates.TemplateResponse(request, name, context, status_code=code)

    def refused(self, request: Request, staff: Staff | None, message: str, status: int) -> Response:
        back = request.headers.get("referer") or "/"
        return self.page(
            request,
            "message.html",
            status,
            staff=staff,
            message=message,
            back=_safe_next(_path_of(back)),
        )

    def today(self) -> date:
        return self.clock().astimezone(BERLIN).date()

    # --- sign-in ---

    async def login_form(self, request: Request) -> Response:
        token = request.cookies.get(LOGIN_COOKIE) or auth.new_token()
        response = self.page(
            request,
            "login.html",
            staff=None,
            login_csrf=token,
            next=_safe_next(request.query_params.get("weiter")),
            error="",
        )
        self._login_cookie(response, token)
        return response

    def _login_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            LOGIN_COOKIE, token, httponly=True, samesite="lax", secure=self.https, max_age=3600
        )

    async def login(self, request: Request) -> Response:
        form = await request.form()
        cookie_token = request.cookies.get(LOGIN_COOKIE, "")
        email = str(form.get("email", "")).strip()[:254]
        password = str(form.get("password", ""))[:1000]
        target = _safe_next(str(form.get("next", "/")))
        if not cookie_token or not auth.same(str(form.get("csrf", "")), cookie_token):
            return self.refused(
                request,
                None,
                "Das Anmeldeformular ist abgelaufen. Bitte laden "
                "Sie die Anmeldeseite neu und melden Sie sich erneut an.",
                403,
            )
        if not email or not password:
            return self._login_again(
                request,
                "Bitte E-Mail-Adresse und Passwort eingeben.",
                400,
                cookie_token,
                target,
                email,
            )
        address = request.client.host if request.client else "unbekannt"

        def sign_in() -> tuple[str, Staff] | str:
            with self.sessions.begin() as session:
                return auth.sign_in(
                    session, email=email, password=password, address=address, now=self.clock()
                )

        result = await run_in_threadpool(sign_in)
        if isinstance(result, str):
            status = 429 if result == auth.THROTTLED else 401
            return self._login_again(request, result, status, cookie_token, target, email)
        token, _staff = result
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            self.cookie, token, httponly=True, samesite="lax", secure=self.https, path="/"
        )
        response.delete_cookie(LOGIN_COOKIE)
        return response

    def _login_again(
        self, request: Request, error: str, status: int, token: str, target: str, email: str
    ) -> Response:
        response = self.page(
            request,
            "login.html",
            status,
            staff=None,
            login_csrf=token,
            next=target,
            error=error,
            email=email,
        )
        self._login_cookie(response, token)
        return response

    # --- the guard ---

    def guarded(
        self, handler: Handler, *, admin: bool = False, editor: bool = False
    ) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            form = await request.form() if request.method == "POST" else None
            need = "admin" if admin else "editor" if editor else None
            return await run_in_threadpool(self._guarded, handler, request, form, need)

        return endpoint

    def _guarded(
        self, handler: Handler, request: Request, form: FormData | None, need: str | None
    ) -> Response:
        with self.sessions.begin() as session:
            staff = auth.current(session, token=request.cookies.get(self.cookie), now=self.clock())
        if staff is None:
            if request.method == "GET":
                target = quote(
                    request.url.path + (f"?{request.url.query}" if request.url.query else "")
                )
                return RedirectResponse(f"/anmelden?weiter={target}", status_code=303)
            return self.refused(
                request,
                None,
                NOT_SIGNED_IN,
                401,
            )
        if form is not None and not auth.same(str(form.get("csrf", "")), staff.csrf):
            return self.refused(
                request,
                staff,
                "Die Sicherheitsprüfung des Formulars ist "
                "fehlgeschlagen. Bitte laden Sie die Seite neu und versuchen "
                "Sie es noch einmal.",
                403,
            )
        if need == "admin" and not staff.is_admin:
            return self.refused(request, staff, "Dafür braucht es die Rolle Administration.", 403)
        if need == "editor" and not staff.is_editor:
            return self.refused(
                request, staff, "Die Wissensbasis ändern dürfen Redaktion und Administration.", 403
            )
        if any(isinstance(v, int) and v > MAX_ID for v in request.path_params.values()):
            return self.refused(request, staff, "Diese Nummer gibt es nicht.", 404)
        try:
            with self.sessions.begin() as session:
                return handler(self, request, session, staff, form)
        except Refused as exc:
            return self.refused(request, staff, str(exc), 409)

    async def logout(self, request: Request) -> Response:
        form = await request.form()
        token = request.cookies.get(self.cookie)

        def sign_out() -> int:
            """0 when signed out, else the status code of the refusal."""
            with self.sessions.begin() as session:
                staff = auth.current(session, token=token, now=self.clock())
                if staff is None:
                    return 401
                if not auth.same(str(form.get("csrf", "")), staff.csrf):
                    return 403
                auth.sign_out(session, token=token)
                return 0

        refusal = await run_in_threadpool(sign_out)
        if refusal:
            message = (
                NOT_SIGNED_IN
                if refusal == 401
                else "Abmelden fehlgeschlagen: das Formular ist veraltet. Bitte Seite neu laden."
            )
            return self.refused(request, None, message, refusal)
        response = RedirectResponse("/anmelden", status_code=303)
        response.delete_cookie(self.cookie, path="/", secure=self.https, httponly=True)
        return response


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
