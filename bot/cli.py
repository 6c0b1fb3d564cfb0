"""Command line of KommPräv-Lotse: kommpraev index | ask | chat | eval | bot | start | review |
staff."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot import logging_setup
from bot.german_argparse import GermanArgumentParser
from bot.settings import Settings, german_problems
from retrieval.documents import LoaderError


def _parser() -> GermanArgumentParser:
    p = GermanArgumentParser(
        prog="kommpraev",
        description="KommPräv-Lotse: Fragen zur RL Kommunale Prävention und Antragsentwürfe.",
        epilog="Hilfe zu einem Befehl: kommpraev BEFEHL --help",
    )
    sub = p.add_subparsers(
        title="Befehle", dest="command", metavar="BEFEHL", parser_class=GermanArgumentParser
    )

    def command(name: str, text: str) -> GermanArgumentParser:
        parser: GermanArgumentParser = sub.add_parser(name, help=text, description=text)
        return parser

    idx = command("index", "Wissensbasis einlesen (nur Geänderte neu)")
    how = idx.add_mutually_exclusive_group()
    how.add_argument("--neu", "--force", dest="force", action="store_true", help="alles neu")
    how.add_argument(
        "--check",
        "--pruefen",
        dest="check",
        action="store_true",
        help="nur prüfen, ob der Index aktuell ist",
    )
    ask = command("ask", "eine Frage beantworten")
    ask.add_argument("question", nargs="?", metavar="FRAGE", help="die Frage in Anführungszeichen")
    ask.add_argument("--jsonl", action="store_true", help="Fragen zeilenweise von stdin, JSON aus")
    command("chat", "Assistent im Terminal")
    ev = command("eval", "Antwortqualität messen: Trainings- und blinde Fragensets nebeneinander")
    ev.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="DATEI",
        help="YAML-Fragensets (ohne Angabe: Training, blind und zurückgehalten aus bench/)",
    )
    ev.add_argument(
        "--baseline", action="store_true", help="zusätzlich die einfache Vergleichssuche"
    )
    ev.add_argument("--fehler", action="store_true", help="jede verfehlte Frage auflisten")
    ev.add_argument("--arten", action="store_true", help="Ergebnisse nach Art der Frage")
    command("bot", "Telegram-Bot starten (braucht TELEGRAM_BOT_TOKEN)")
    command("start", "Telegram-Bot (mit Token) oder Terminal-Chat, daneben der Prüfarbeitsplatz")
    rv = command("review", "Prüfarbeitsplatz der Geschäftsstelle (Web) starten")
    rv.add_argument("--host", help="Adresse (Standard: REVIEW_HOST)")
    rv.add_argument("--port", type=int, help="Port (Standard: REVIEW_PORT)")
    st = command("staff", "Konten der Geschäftsstelle verwalten")
    staff = st.add_subparsers(
        title="Aktionen", dest="action", metavar="AKTION", parser_class=GermanArgumentParser,
        required=True,
    )  # fmt: skip
    add = staff.add_parser("add", help="Konto anlegen (Passwort wird abgefragt oder von stdin)")
    add.add_argument("email", metavar="EMAIL")
    add.add_argument(
        "--role", choices=["reviewer", "editor", "admin"], default="reviewer", help="Rolle"
    )
    staff.add_parser("list", help="Konten auflisten")
    dis = staff.add_parser("disable", help="Konto sperren (beendet seine Sitzungen)")
    dis.add_argument("email", metavar="EMAIL")
    return p


def _settings() -> Settings:
    """The settings, or exit 2 with one German line per bad value (no traceback)."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = "\n".join(f"  - {problem}" for problem in german_problems(exc))
        print(
            f"Fehler in der Konfiguration (.env / Umgebung):\n{lines}\n"
            "Bitte korrigieren; jede Einstellung ist in .env.example erklärt.",
            file=sys.stderr,
        )
        raise SystemExit(2) from None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    settings = _settings()
    level = settings.log_level.upper()
    # `index` too: its German report line says what the "index.built" log line would.
    interactive = args.command in ("index", "ask", "chat", "eval", "staff") or (
        args.command == "start" and not settings.telegram_enabled
    )
    if interactive and level == "INFO":
        level = "WARNING"  # a person reads stdout/stderr here; operational logs would interleave
    # No user text, name or secret in any log line, PTB's and httpx's included.
    logging_setup.configure(level, secrets=logging_setup.secrets_of(settings))
    from bot import commands

    try:
        if args.command == "index":
            if args.check:
                return commands.index_check(settings)
            return commands.index(settings, force=args.force)
        if args.command == "ask":
            return commands.ask(settings, args.question, jsonl=args.jsonl)
        if args.command == "chat":
            return commands.chat(settings)
        if args.command == "eval":
            return commands.evaluate(
                settings,
                args.files,
                baseline=args.baseline,
                show_failures=args.fehler,
                by_kind=args.arten,
            )
        if args.command == "bot":
            return commands.bot(settings)
        if args.command == "start":
            return commands.start(settings)
        if args.command == "review":
            return commands.review(settings, host=args.host, port=args.port)
        if args.command == "staff":
            from bot import staff_commands

            return staff_commands.run(settings, args.action, getattr(args, "email", None),
                                      role=getattr(args, "role", "reviewer"))  # fmt: skip
    except KeyboardInterrupt:
        print("\nAbgebrochen.", file=sys.stderr)
        return 130
    except LoaderError as exc:  # e.g. KNOWLEDGE_DIR missing: say so, no traceback
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
