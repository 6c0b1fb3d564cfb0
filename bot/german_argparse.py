"""argparse that speaks German: help, usage and errors, without gettext catalogues.

argparse builds its own words ("usage:", "options:", "show this help message and exit",
error templates) from English strings; a German gettext catalogue for them is not installed on
a fresh machine, so every word a user can see is replaced here instead.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

HELP = "diese Hilfe anzeigen und beenden"

# argparse's error templates (Python 3.11), as they arrive filled in, and their German wording.
_ERRORS: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: ", "Es fehlt: "),
    (r"unrecognized arguments: ", "Unbekannte Angaben: "),
    (r"invalid choice: (.*) \(choose from (.*)\)$", r"unbekannte Auswahl \1 (möglich sind \2)"),
    (r"invalid \S+ value: ", "ungültiger Wert: "),
    (r"expected one argument", "erwartet einen Wert"),
    (r"expected at most one argument", "erwartet höchstens einen Wert"),
    (r"expected at least one argument", "erwartet mindestens einen Wert"),
    (r"ambiguous option: (\S+) could match ", r"mehrdeutige Option \1, möglich sind: "),
    (r"one of the arguments (.*) is required", r"eine der Angaben \1 ist nötig"),
    (r"not allowed with argument ", "nicht zusammen mit "),
    (r"ignored explicit argument ", "überflüssiger Wert "),
    (r"^argument ", "Angabe "),
)


def german_error(message: str) -> str:
    """An argparse error message in German, e.g.

    "argument BEFEHL: invalid choice: 'frag' (choose from 'index', 'ask')"
    -> "Angabe BEFEHL: unbekannte Auswahl 'frag' (möglich sind 'index', 'ask')"
    """
    for english, german in _ERRORS:
        message = re.sub(english, german, message)
    return message


class GermanHelpFormatter(argparse.HelpFormatter):
    """Help with "Aufruf:" where argparse writes "usage:"."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class GermanArgumentParser(argparse.ArgumentParser):
    """argparse with German help, German section titles and German errors that say what to do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", GermanHelpFormatter)
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False  # argparse's own -h says "show this help message and exit"
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        if add_help:
            self.add_argument("-h", "--help", action="help", help=HELP)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Fehler: {german_error(message)}\nHilfe: {self.prog} --help\n")
