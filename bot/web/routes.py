"""The review workspace's URLs as a Starlette app."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from bot.settings import Settings
from bot.storage import utcnow
from bot.upkeep.desk import KnowledgeDesk
from bot.web import knowledge_pages, pages
from bot.web.app import HERE, Clock, Handler, Workspace
from bot.web.security import LimitBody, SecurityHeaders


async def favicon(_request: Request) -> Response:
    """Browsers ask for it whatever the page says; the same icon as the pages name."""
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


def create_app(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    clock: Clock = utcnow,
    desk: KnowledgeDesk | None = None,
) -> ASGIApp:
    """The workspace for `settings` on `sessions` (already migrated)."""
    web = Workspace(settings, sessions, clock, desk)
    routes = [
        Route("/anmelden", web.login_form, methods=["GET"]),
        Route("/anmelden", web.login, methods=["POST"]),
        Route("/abmelden", web.logout, methods=["POST"]),
        Route("/", web.guarded(pages.inbox), methods=["GET"]),
        Route("/entwuerfe/{draft_id:int}", web.guarded(pages.draft), methods=["GET"]),
        Route(
            "/entwuerfe/{draft_id:int}/export/{fmt:str}", web.guarded(pages.export), methods=["GET"]
        ),
        Route(
            "/entwuerfe/{draft_id:int}/{action:str}",
            web.guarded(pages.draft_action),
            methods=["POST"],
        ),
        Route("/anfragen/{request_id:int}", web.guarded(pages.request_page), methods=["GET"]),
        Route(
            "/anfragen/{request_id:int}/{action:str}",
            web.guarded(pages.request_action),
            methods=["POST"],
        ),
        Route("/konten", web.guarded(pages.accounts_page, admin=True), methods=["GET"]),
        Route("/konten", web.guarded(pages.accounts_action, admin=True), methods=["POST"]),
        Route(
            "/konten/{account_id:int}/sperren",
            web.guarded(pages.accounts_action, admin=True),
            methods=["POST"],
        ),
        *_knowledge_routes(web),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    # Outermost, so that error pages (Starlette's own 500 included) carry the headers too.
    return SecurityHeaders(LimitBody(Starlette(routes=routes)), https=web.https)


def _knowledge_routes(web: Workspace) -> list[Route]:
    """Editor pages; GET shows, POST changes (CSRF and role checked by the guard)."""
    k = knowledge_pages

    def page(path: str, handler: Handler, method: str = "GET") -> Route:
        return Route(path, web.guarded(handler, editor=True), methods=[method])

    return [
        page("/wissen", k.overview),
        page("/wissen/faq/neu", k.faq_form),
        page("/wissen/faq/pruefen", k.faq_check, "POST"),
        page("/wissen/faq/veroeffentlichen", k.faq_publish, "POST"),
        page("/wissen/faq/{entry_id:str}", k.faq_form),
        page("/wissen/faq/{entry_id:str}/zurueckziehen", k.faq_retire, "POST"),
        page("/wissen/verlauf", k.changes_page),
        page("/wissen/verlauf/{change_id:int}/wiederherstellen", k.restore, "POST"),
        page("/wissen/dokumente", k.documents_page),
        page("/wissen/dokumente", k.documents_page, "POST"),
        page("/wissen/dokumente/veroeffentlichen", k.document_publish, "POST"),
        page("/wissen/dokumente/{name:str}/zurueckziehen", k.document_withdraw, "POST"),
        page("/wissen/offen", k.unanswered),
        page("/wissen/offen/beantworten", k.answer_with_entry, "POST"),
    ]
