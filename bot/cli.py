"""Command line of KommPräv-Lotse: kommpraev index | ask | chat | eval | start."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from bot.settings import Settings

DEFAULT_EVAL = Path(__file__).resolve().parent.parent / "bench" / "dev_questions.yaml"


class GermanArgumentParser(argparse.ArgumentParser):
    """argparse with German errors that say what to do."""

    def error(self, message: str) -> NoReturn:
        message = (
            message.replace("the following arguments are required", "Es fehlt")
            .replace("unrecognized arguments", "Unbekannte Angaben")
            .replace("invalid choice", "Unbekannter Befehl")
            .replace("choose from", "möglich sind")
        )
        self.print_usage(sys.stderr)
        self.exit(2, f"Fehler: {message}\nHilfe: kommpraev --help\n")


def _parser() -> GermanArgumentParser:
    p = GermanArgumentParser(
        prog="kommpraev",
        description="KommPräv-Lotse: Fragen zur RL Kommunale Prävention und Antragsentwürfe.",
    )
    sub = p.add_subparsers(dest="command", metavar="BEFEHL", parser_class=GermanArgumentParser)
    idx = sub.add_parser("index", help="Wissensbasis einlesen (nur Geänderte neu)")
    idx.add_argument("--neu", "--force", dest="force", action="store_true", help="alles neu")
    ask = sub.add_parser("ask", help="eine Frage beantworten")
    ask.add_argument("question", nargs="?", help="die Frage in Anführungszeichen")
    ask.add_argument("--jsonl", action="store_true", help="Fragen zeilenweise von stdin, JSON aus")
    sub.add_parser("chat", help="Assistent im Terminal")
    ev = sub.add_parser("eval", help="Antwortqualität auf einem Fragenset messen")
    ev.add_argument("file", nargs="?", type=Path, default=DEFAULT_EVAL, help="YAML-Fragenset")
    ev.add_argument(
        "--baseline", action="store_true", help="zusätzlich die einfache Vergleichssuche"
    )
    sub.add_parser("bot", help="Telegram-Bot starten (braucht TELEGRAM_BOT_TOKEN)")
    sub.add_parser("start", help="Telegram-Bot (mit Token) oder Terminal-Chat")
    return p


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        print(f"Fehler in der Konfiguration (.env / Umgebung): {problems}", file=sys.stderr)
        raise SystemExit(2) from exc


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    settings = _settings()
    level = settings.log_level.upper()
    interactive = args.command in ("ask", "chat", "eval") or (
        args.command == "start" and not settings.telegram_bot_token
    )
    if interactive and level == "INFO":
        level = "WARNING"  # a person reads stdout/stderr here; operational logs would interleave
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "chromadb", "bm25s", "telegram", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from bot import commands

    try:
        if args.command == "index":
            return commands.index(settings, force=args.force)
        if args.command == "ask":
            return commands.ask(settings, args.question, jsonl=args.jsonl)
        if args.command == "chat":
            return commands.chat(settings)
        if args.command == "eval":
            return commands.evaluate(settings, args.file, baseline=args.baseline)
        if args.command == "bot":
            return commands.bot(settings)
        if args.command == "start":
            return commands.start(settings)
    except KeyboardInterrupt:
        print("\nAbgebrochen.", file=sys.stderr)
        return 130
    return 2


def emit_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def now_ms(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)


if __name__ == "__main__":
    raise SystemExit(main())
