"""The LPR office's review workspace: server-rendered pages over the same database as the bot.

Callers import `create_app` (tests, ASGI servers) or `serve`/`serve_beside` (the command line).
"""

from bot.web.routes import create_app
from bot.web.server import PortBusy, serve, serve_beside

__all__ = ["PortBusy", "create_app", "serve", "serve_beside"]
