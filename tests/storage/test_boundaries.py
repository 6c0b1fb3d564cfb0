"""The storage package stands alone: no chat, web or conversation code leaks into it."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.storage

STORAGE = Path(bot.storage.__file__).parent
FORBIDDEN = ("telegram", "starlette", "jinja2", "bot.channels", "bot.conversation", "bot.web")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_storage_imports_no_channel_web_or_conversation_code() -> None:
    offending = {
        f"{path.relative_to(STORAGE)}: {name}"
        for path in STORAGE.rglob("*.py")
        for name in _imports(path)
        if name.startswith(FORBIDDEN)
    }
    assert offending == set()


def test_every_public_name_is_importable() -> None:
    for name in bot.storage.__all__:
        assert getattr(bot.storage, name) is not None
