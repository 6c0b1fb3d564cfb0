"""`kommpraev staff add|list|disable`: staff accounts of the review workspace from a shell."""

from __future__ import annotations

import getpass
import sys

from bot.settings import Settings
from bot.storage import utcnow
from bot.web import accounts
from bot.web.workspace import Refused
from bot.wiring import open_database

ACTOR = "Kommandozeile"


def _password() -> str:
    """Asked twice on a terminal; one line of stdin otherwise (for scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass("Passwort: ")
        if getpass.getpass("Passwort wiederholen: ") != first:
            raise Refused("Die beiden Eingaben stimmen nicht überein.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run(settings: Settings, action: str, email: str | None, *, role: str = "reviewer") -> int:
    engine, sessions = open_database(settings)
    try:
        if action == "list":
            with sessions() as session:
                lines = accounts.listing(session)
            if not lines:
                print("Noch keine Konten. Anlegen mit: kommpraev staff add EMAIL --role admin")
            for line in lines:
                state = "aktiv" if line.active else "gesperrt"
                print(f"{line.email}\t{line.role}\t{state}")
            return 0
        assert email is not None
        if action == "add":
            password = _password()
            with sessions.begin() as session:
                accounts.add(
                    session, email=email, role=role, password=password, actor=ACTOR, now=utcnow()
                )
            print(f"Konto {email.strip().lower()} ({role}) angelegt.")
            return 0
        with sessions.begin() as session:
            accounts.disable_by_email(session, email=email, actor=ACTOR, now=utcnow())
        print(f"Konto {email.strip().lower()} gesperrt; seine Sitzungen sind beendet.")
        return 0
    except Refused as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
