"""Serving the workspace with uvicorn: alone (`kommpraev review`) or beside the bot."""

from __future__ import annotations

import errno
import logging
import socket
import threading

import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.upkeep.desk import KnowledgeDesk
from bot.web.routes import create_app
from retrieval import E5Embeddings

log = logging.getLogger(__name__)


class PortBusy(Exception):
    """The address is taken; the message says which, in German."""


def _config(
    settings: Settings,
    sessions: sessionmaker[Session],
    host: str,
    port: int,
    desk: KnowledgeDesk | None = None,
) -> uvicorn.Config:
    # No access log: a search query in a URL may carry a municipality's or person's name.
    return uvicorn.Config(
        create_app(settings, sessions, desk=desk),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="off",
    )


def check_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "ist schon belegt" if exc.errno == errno.EADDRINUSE else "ist nicht nutzbar"
            raise PortBusy(
                f"Der Prüfarbeitsplatz kann nicht starten: {host}:{port} {reason}. Bitte mit "
                "REVIEW_PORT (oder --port) einen freien Port wählen."
            ) from None


def serve(settings: Settings, sessions: sessionmaker[Session], *, host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM."""
    check_free(host, port)
    uvicorn.Server(_config(settings, sessions, host, port)).run()


def serve_beside(
    settings: Settings, sessions: sessionmaker[Session], *, embeddings: E5Embeddings | None = None
) -> tuple[uvicorn.Server, threading.Thread]:
    """Serve in a daemon thread beside the bot or the terminal chat; `server.should_exit`
    ends it. `embeddings`: the bot's model, so the process holds it once."""
    host, port = settings.review_host, settings.review_port
    check_free(host, port)
    desk = KnowledgeDesk(settings, embeddings)
    server = uvicorn.Server(_config(settings, sessions, host, port, desk))
    thread = threading.Thread(target=server.run, name="review-workspace", daemon=True)
    thread.start()
    log.info("review.started port=%s", port)
    return server, thread
