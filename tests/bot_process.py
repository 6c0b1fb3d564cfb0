"""How tests and benchmarks start `python -m bot.cli bot`: its environment and its log."""

from __future__ import annotations

import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bot_env(
    *,
    token: str,
    data_dir: Path,
    api_base_url: str | None,
    staff_chat_id: int | None = None,
    database_url: str = "",
    review_port: int | None = None,
    knowledge_dir: Path | None = None,
) -> dict[str, str]:
    """The bot's whole configuration, as a deployment would set it.

    Unused features are set empty rather than removed, so that a developer's `.env` in the
    working directory cannot switch them on (pydantic-settings reads it).
    """
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "DATA_DIR": str(data_dir),
        "KNOWLEDGE_DIR": str(knowledge_dir or ROOT / "knowledge"),
        "LOG_LEVEL": "WARNING",
        "ANONYMIZED_TELEMETRY": "False",
        "DATABASE_URL": database_url,
        "TELEGRAM_WEBHOOK_URL": "",
        "LLM_BASE_URL": "",
        "CHROMA_URL": "",
        "STAFF_CHAT_ID": "" if staff_chat_id is None else str(staff_chat_id),
        # The workspace runs beside the bot: on a port of its own, so bots side by side and
        # whatever holds 8080 on this machine do not collide.
        "REVIEW_HOST": "127.0.0.1",
        "REVIEW_PORT": str(review_port or free_port()),
        "REVIEW_PUBLIC_URL": "",
        "SMTP_URL": "",
    }
    if api_base_url is not None:
        env["TELEGRAM_API_BASE_URL"] = api_base_url
    return env


def log_tail(path: Path, chars: int = 3000) -> str:
    """The end of the bot's log, for assertion messages."""
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return f"\n--- bot log (tail) ---\n{text[-chars:]}" if text else "\n(bot log empty)"


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
