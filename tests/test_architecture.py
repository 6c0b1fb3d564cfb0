"""The dependency rule of the house, checked on every import statement of our packages.

channels -> conversation -> drafts, storage, retrieval; retrieval imports nothing from bot;
conversation and drafts know no telegram, starlette or jinja2; drafts knows no database.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHANNEL_LIBRARIES = ("telegram", "starlette", "jinja2")
ADAPTERS = ("bot.channels", "bot.web")
RULES: dict[str, tuple[str, ...]] = {
    "retrieval": ("bot", "sqlalchemy", *CHANNEL_LIBRARIES),
    "bot/drafts": (
        "sqlalchemy",
        "retrieval",
        "bot.storage",
        "bot.conversation",
        *CHANNEL_LIBRARIES,
        *ADAPTERS,
    ),
    "bot/storage": ("retrieval", "bot.conversation", *CHANNEL_LIBRARIES, *ADAPTERS),
    "bot/conversation": (*CHANNEL_LIBRARIES, *ADAPTERS),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(RULES))
def test_package_respects_the_dependency_rule(package: str) -> None:
    forbidden = RULES[package]
    offending = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )
    assert offending == []


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("retrieval", ("bot", "telegram")),
        ("bot.drafts", ("telegram", "sqlalchemy", "starlette", "jinja2")),
        ("bot.conversation", ("telegram", "starlette", "jinja2")),
    ],
)
def test_importing_a_core_package_loads_no_channel_library(
    module: str, forbidden: tuple[str, ...]
) -> None:
    """Also catches indirect imports through third-party code."""
    code = (
        f"import sys, {module}; "
        f"bad = sorted({{m.split('.')[0] for m in sys.modules}} & {set(forbidden)!r}); "
        "print(','.join(bad))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == ""


def _runtime_imports(path: Path, package: str) -> set[str]:
    """Modules of `package` imported at import time (not under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(package):
            names.add(node.module)
            # "from bot.conversation import texts" imports the module bot.conversation.texts
            names.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if (ROOT / node.module.replace(".", "/") / f"{alias.name}.py").exists()
            )
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith(package))
    return names


@pytest.mark.parametrize("package", ["bot.conversation", "bot.drafts", "bot.storage", "retrieval"])
def test_no_import_circles_inside_a_package(package: str) -> None:
    folder = ROOT / package.replace(".", "/")
    graph = {
        f"{package}.{p.stem}": _runtime_imports(p, package) - {package}
        for p in folder.glob("*.py")
        if p.stem != "__init__"
    }
    circles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(graph.get(module, ())):
            if target in path:
                circles.append([*path[path.index(target) :], target])
            elif len(path) < len(graph):
                visit(target, [*path, target])

    for start in sorted(graph):
        visit(start, [start])
    assert circles == []
