"""What each subcommand does; cli.py only parses arguments."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from bot import wiring
from bot.progress import PlainProgress, announce_if_slow, count, say
from bot.settings import Settings
from retrieval import IndexMissing, LoaderError
from retrieval.evaluation import OUTCOMES
from retrieval.indexer import IndexReport, IndexStatus, index_status, knowledge_files

err = Console(stderr=True, soft_wrap=True)
MAIL_EVERY_S = 5.0

BENCH = Path(__file__).resolve().parent.parent / "bench"
# Written by people who saw only the facts, never the FAQ or the train set; nothing is tuned on
# them. The PDF set needs the generated official PDFs in KNOWLEDGE_DIR (see bench/README.md).
BLIND_SETS = ("blind_questions.yaml", "holdout_questions.yaml", "pdf_questions.yaml")
EVAL_SETS = [
    BENCH / "dev_questions.yaml",
    BENCH / "train_questions.yaml",
    BENCH / "train2_questions.yaml",
    BENCH / "blind_questions.yaml",
    BENCH / "holdout_questions.yaml",
]


def index(settings: Settings, *, force: bool = False) -> int:
    try:
        report = _index_with_progress(settings, force=force)
    except LoaderError as exc:
        err.print(f"[red]Fehler:[/red] {exc}")
        return 1
    _print_report(report)
    return 0


def index_check(settings: Settings) -> int:
    """`index --check`: 0 if the index matches KNOWLEDGE_DIR, 1 if stale or missing.

    Reads file hashes and the index pointer only; builds, opens or writes nothing.
    """
    try:
        status = index_status(settings.knowledge_dir, settings.index_dir)
    except LoaderError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    print(_status_text(status, settings.index_dir))
    return 0 if status.current else 1


def _status_text(status: IndexStatus, index_dir: Path) -> str:
    if not status.exists:
        return (
            f"Es gibt noch keinen Suchindex in {index_dir}.\n"
            "Bitte zuerst `kommpraev index` ausführen."
        )
    built = _german_time(status.built_at)
    if status.current:
        files = count(status.files_total, "Datei", "Dateien")
        return f"Index ist aktuell: {files}, gebaut {built}."
    lines = [f"Index ist nicht aktuell (gebaut {built}):"]
    for label, names in (
        ("geändert", status.changed),
        ("neu", status.added),
        ("entfernt", status.removed),
    ):
        if names:
            lines.append(f"  {label}: {', '.join(names)}")
    lines.append("Neu einlesen mit: kommpraev index")
    return "\n".join(lines)


def _german_time(iso: str) -> str:
    """The pointer's ISO time in German: "am 29.11.2025 um 20:01 UTC"."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return f"am {iso}" if iso else "zu unbekannter Zeit"
    return f"am {when:%d.%m.%Y} um {when:%H:%M} UTC"


def _index_with_progress(settings: Settings, *, force: bool = False) -> IndexReport:
    """A bar in a terminal; plain lines in a pipe or a log, where a bar would stay silent."""
    if not sys.stderr.isatty():
        plain = PlainProgress(sys.stderr)
        if settings.knowledge_dir.is_dir():  # else the indexer says what is wrong
            plain.begin(sum(1 for _ in knowledge_files(settings.knowledge_dir)))
        with plain.running():
            return wiring.ensure_index(settings, plain, force=force)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("Wissensbasis einlesen", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        return wiring.ensure_index(settings, progress, force=force)


def _print_report(report: IndexReport) -> None:
    sections = count(report.chunks, "Abschnitt", "Abschnitte")
    if report.up_to_date:
        err.print(f"Index ist aktuell ({sections}, {report.faq_entries} FAQ).")
    else:
        seconds = f"{report.seconds:.1f}".replace(".", ",")  # German decimal comma
        err.print(
            f"Index gebaut: {count(report.files_total, 'Datei', 'Dateien')}, "
            f"{len(report.files_changed)} geändert, {len(report.files_removed)} entfernt; "
            f"{sections}, {count(report.faq_entries, 'FAQ-Eintrag', 'FAQ-Einträge')}; "
            f"{count(report.embedded, 'Text', 'Texte')} neu eingebettet in {seconds} s."
        )
    for message in report.file_errors.values():
        err.print(f"[yellow]Übersprungen:[/yellow] {message}")


def _load_model() -> None:
    """Load the embedding model up front, so that no later step waits for it in silence."""
    with announce_if_slow(sys.stderr, "Sprachmodell wird geladen …"):
        wiring.load_model()


def _answerer(settings: Settings) -> wiring.Answerer:
    _load_model()
    try:
        kb = wiring.knowledge_base(settings)
    except IndexMissing:
        report = _index_with_progress(settings)
        _print_report(report)
        kb = wiring.knowledge_base(settings)
    return wiring.answerer(settings, kb)


def ask(settings: Settings, question: str | None, *, jsonl: bool) -> int:
    answerer = _answerer(settings)
    if not jsonl:
        if question is None:
            err.print('Bitte eine Frage angeben: kommpraev ask "Bis wann ist die Antragsfrist?"')
            return 2
        answer = answerer.answer(question)
        print(answer.render())
        # No buttons on a command line: show each suggestion with its cited answer.
        for i, suggestion in enumerate(answer.suggestions, 1):
            body = suggestion.answer.render().replace("\n", "\n   ")
            print(f"\n{i}. {suggestion.question}\n   {body}")
        return 0
    for line in sys.stdin:
        q = line.rstrip("\n")
        if not q.strip():
            continue
        started = time.perf_counter()
        answer = answerer.answer(q)
        emit_json({**answer.as_json(), "question": q, "ms": now_ms(started)})
    return 0


def _services(settings: Settings) -> wiring.Services:
    """Model loaded, index present, database migrated: what a chat channel starts with."""
    _load_model()
    try:
        return wiring.build_services(settings)
    except IndexMissing:
        _print_report(_index_with_progress(settings))
        return wiring.build_services(settings)


def chat(settings: Settings) -> int:
    from bot.channels.console import run_console

    services = _services(settings)
    try:
        with _beside(settings, services):
            say(sys.stderr, "Bereit.")
            return run_console(services)
    finally:
        services.close()


@contextlib.contextmanager
def _beside(settings: Settings, services: wiring.Services) -> Iterator[None]:
    """The review workspace and the office's e-mail beside a chat channel, for its lifetime.

    A busy port costs only the workspace (with a German line saying so), never the chat.
    """
    from bot.channels.mailer import send_due
    from bot.web import PortBusy, serve_beside

    server = None
    if settings.review_enabled:
        try:
            server, _thread = serve_beside(
                settings, services.sessions, embeddings=services.knowledge_base.embeddings
            )
            say(sys.stderr, f"Prüfarbeitsplatz der Geschäftsstelle: {settings.review_url}/ "
                "(Konto anlegen: kommpraev staff add EMAIL --role admin)")  # fmt: skip
        except PortBusy as exc:
            err.print(f"[yellow]Hinweis:[/yellow] {exc}")
    stop = threading.Event()
    if settings.mail_enabled:

        def mail_loop() -> None:
            while not stop.wait(MAIL_EVERY_S):
                try:
                    send_due(services.sessions, settings)
                except Exception as exc:  # the next round may succeed; the mail waits
                    logging.getLogger(__name__).warning("mail.round_failed error=%s",
                                                        type(exc).__name__)  # fmt: skip

        threading.Thread(target=mail_loop, name="office-mail", daemon=True).start()
    try:
        yield
    finally:
        stop.set()
        if server is not None:
            server.should_exit = True


def review(settings: Settings, *, host: str | None, port: int | None) -> int:
    from bot.web import PortBusy, serve

    host = host or settings.review_host
    port = port or settings.review_port
    if not 1 <= port <= 65535:
        err.print(f"[red]Fehler:[/red] Port {port} gibt es nicht; bitte 1 bis 65535 wählen.")
        return 2
    engine, sessions = wiring.open_database(settings)
    try:
        say(sys.stderr, f"Prüfarbeitsplatz der Geschäftsstelle: http://{host}:{port}/ "
            "(Beenden mit Strg+C)")  # fmt: skip
        serve(settings, sessions, host=host, port=port)
        return 0
    except PortBusy as exc:
        err.print(f"[red]Fehler:[/red] {exc}")
        return 2
    finally:
        engine.dispose()


def evaluate(
    settings: Settings,
    files: list[Path],
    *,
    baseline: bool = False,
    show_failures: bool = False,
    by_kind: bool = False,
) -> int:
    """Quality side by side: the train sets (tuned on) next to the blind sets (never tuned on)."""
    from retrieval.evaluation import Baseline, evaluate, load_questions, ours

    missing = [f for f in files if not f.exists()]
    if missing:
        err.print(f"[red]Fehler:[/red] Fragenset {missing[0]} nicht gefunden.")
        return 2
    answerer = _answerer(settings)
    results = []
    for file in files or EVAL_SETS:
        name = (
            f"{file.stem.removesuffix('_questions')} ({'blind' if _is_blind(file) else 'Training'})"
        )
        results.append(evaluate(name, load_questions(file), ours(answerer)))
    if baseline:
        base = Baseline(settings.knowledge_dir, answerer.kb.embeddings)
        first = files[0] if files else EVAL_SETS[0]
        results.append(evaluate("Vergleichssuche", load_questions(first), base.ask))
    table = Table(title="Antwortqualität (Kopfzahl: die blinden Sets)")
    table.add_column("Kennzahl")
    for r in results:
        table.add_column(f"{r.name}\n{r.total} Fragen", justify="right")
    for i, (label, _) in enumerate(results[0].rows()):
        table.add_row(label, *(r.rows()[i][1] for r in results))
    Console().print(table)
    if by_kind:
        for r in results:
            kinds = Table(title=f"{r.name}: nach Art der Frage")
            kinds.add_column("Art")
            for outcome in OUTCOMES:
                kinds.add_column(outcome, justify="right")
            for kind, counts in sorted(r.by_kind.items()):
                kinds.add_row(kind, *(str(counts[o]) for o in OUTCOMES))
            Console().print(kinds)
    if show_failures:
        for r in results:
            for failure in r.failures:
                err.print(f"  - [{r.name}] {failure}")
    return 0


def _is_blind(file: Path) -> bool:
    return file.name in BLIND_SETS


def bot(settings: Settings) -> int:
    if not settings.telegram_enabled:
        err.print(
            "[red]Fehler:[/red] TELEGRAM_BOT_TOKEN ist nicht gesetzt. Bitte in .env eintragen "
            "(Token von @BotFather) oder `kommpraev chat` für den Terminal-Chat verwenden."
        )
        return 2
    _load_model()
    report = _index_with_progress(settings)
    _print_report(report)
    from bot.channels.telegram import run_bot

    services = wiring.build_services(settings)  # the index was just brought up to date
    try:
        with _beside(settings, services):
            say(sys.stderr, "Bereit: der Telegram-Bot verbindet sich …")
            return run_bot(settings, services)
    finally:
        services.close()


def start(settings: Settings) -> int:
    if settings.telegram_enabled:
        return bot(settings)
    _load_model()
    report = _index_with_progress(settings)
    _print_report(report)
    err.print("Kein TELEGRAM_BOT_TOKEN gesetzt: der Assistent startet im Terminal.")
    return chat(settings)


def emit_json(obj: object) -> None:
    """One JSON line on stdout, flushed, so a pipe reads each answer as it comes."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def now_ms(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)
