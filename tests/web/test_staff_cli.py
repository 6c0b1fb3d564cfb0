"""`kommpraev staff add|list|disable`, as an administrator types it in a shell.

The password comes on stdin (one line; a script pipes it in), the database lives in DATA_DIR.
Mistakes end with exit code 2 and one German line on stderr, never a traceback.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.cli import main
from bot.settings import Settings
from bot.storage import make_engine, make_sessionmaker
from bot.web import create_app
from tests.web.conftest import Clock, csrf_of

PASSWORD = "Sicheres-Passwort-2026!"


@pytest.fixture(autouse=True)
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A shell with DATA_DIR set and no stray configuration; the CLI's logging undone after."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's checkout
    for name in ("DATABASE_URL", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield tmp_path / "data"
    root.handlers[:] = handlers
    root.setLevel(level)


def staff(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    """Run `kommpraev staff ARGS` with `stdin` piped in; its exit code."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        return main(["staff", *args])
    except SystemExit as exc:  # argparse ends this way
        return int(exc.code or 0)


def test_an_admin_account_is_added_with_the_password_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = staff(monkeypatch, "add", "Leitung@LPR.sachsen.de", "--role", "admin",
                 stdin=f"{PASSWORD}\n")  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out.strip() == "Konto leitung@lpr.sachsen.de (admin) angelegt."

    assert staff(monkeypatch, "list") == 0
    assert capsys.readouterr().out.splitlines() == ["leitung@lpr.sachsen.de\tadmin\taktiv"]


def test_the_role_defaults_to_reviewer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert staff(monkeypatch, "add", "pruefer@lpr.sachsen.de", stdin=f"{PASSWORD}\r\n") == 0
    capsys.readouterr()
    staff(monkeypatch, "list")
    assert capsys.readouterr().out.splitlines() == ["pruefer@lpr.sachsen.de\treviewer\taktiv"]


def test_an_empty_list_says_how_to_begin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert staff(monkeypatch, "list") == 0
    assert "kommpraev staff add EMAIL --role admin" in capsys.readouterr().out


def test_disabling_an_account_shows_in_the_list(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    staff(monkeypatch, "add", "leitung@lpr.sachsen.de", "--role", "admin", stdin=PASSWORD)
    staff(monkeypatch, "add", "pruefer@lpr.sachsen.de", stdin=PASSWORD)
    capsys.readouterr()

    assert staff(monkeypatch, "disable", "PRUEFER@lpr.sachsen.de") == 0
    assert "Konto pruefer@lpr.sachsen.de gesperrt" in capsys.readouterr().out

    staff(monkeypatch, "list")
    assert capsys.readouterr().out.splitlines() == [
        "leitung@lpr.sachsen.de\tadmin\taktiv",
        "pruefer@lpr.sachsen.de\treviewer\tgesperrt",
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        pytest.param(
            ["add", "keine-adresse", "--role", "admin"],
            PASSWORD,
            "„keine-adresse“ ist keine gültige E-Mail-Adresse.",
            id="falsche-adresse",
        ),
        pytest.param(
            ["add", "a@lpr.sachsen.de"],
            "kurz-2026!",
            "Das Passwort muss mindestens 12 Zeichen lang sein.",
            id="kurzes-passwort",
        ),
        pytest.param(
            ["add", "a@lpr.sachsen.de"],
            "",
            "Das Passwort muss mindestens 12 Zeichen lang sein.",
            id="kein-passwort",
        ),
        pytest.param(
            ["add", "a@lpr.sachsen.de"],
            f" {PASSWORD} ",
            "Das Passwort darf nicht mit Leerzeichen beginnen oder enden.",
            id="leerzeichen",
        ),
        pytest.param(
            ["add", "a@lpr.sachsen.de", "--role", "chef"],
            PASSWORD,
            "unbekannte Auswahl 'chef' (möglich sind 'reviewer', 'editor', 'admin')",
            id="unbekannte-rolle",
        ),
        pytest.param(
            ["disable", "niemand@lpr.sachsen.de"],
            "",
            "Kein Konto für niemand@lpr.sachsen.de.",
            id="unbekanntes-konto",
        ),
        pytest.param(["add"], PASSWORD, "Es fehlt: EMAIL", id="ohne-adresse"),
    ],
)
def test_a_mistake_ends_with_code_2_and_a_german_message(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    assert staff(monkeypatch, *args, stdin=stdin) == 2
    out, err = capsys.readouterr()
    assert message in err
    assert "Traceback" not in err
    assert PASSWORD not in out + err
    staff(monkeypatch, "list")
    assert "Noch keine Konten" in capsys.readouterr().out  # nothing was created


def test_an_address_is_taken_only_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert staff(monkeypatch, "add", "pruefer@lpr.sachsen.de", stdin=PASSWORD) == 0
    assert staff(monkeypatch, "add", "Pruefer@lpr.sachsen.de", "--role", "admin",
                 stdin=PASSWORD) == 2  # fmt: skip
    assert "Ein Konto für pruefer@lpr.sachsen.de gibt es schon." in capsys.readouterr().err


def test_an_account_added_in_the_shell_signs_in_to_the_workspace(
    monkeypatch: pytest.MonkeyPatch, shell: Path
) -> None:
    staff(monkeypatch, "add", "leitung@lpr.sachsen.de", "--role", "admin", stdin=PASSWORD)
    settings = Settings(data_dir=shell)
    engine = make_engine(settings.sqlalchemy_url)
    workspace = TestClient(
        create_app(settings, make_sessionmaker(engine), clock=Clock()), follow_redirects=False
    )

    def sign_in(password: str) -> int:
        form = workspace.get("/anmelden")
        fields = {"email": "leitung@lpr.sachsen.de", "password": password,
                  "csrf": csrf_of(form.text)}  # fmt: skip
        return workspace.post("/anmelden", data=fields).status_code

    assert sign_in(PASSWORD) == 303
    assert workspace.get("/konten").status_code == 200  # an admin, as asked for

    staff(monkeypatch, "disable", "leitung@lpr.sachsen.de")

    assert workspace.get("/").status_code == 303  # the open session ended with it
    assert sign_in(PASSWORD) == 401
    engine.dispose()
