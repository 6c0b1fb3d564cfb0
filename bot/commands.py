"""What each subcommand does; cli.py only parses arguments."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from bot import wiring
from bot.settings import Settings
from retrieval import IndexMissing, LoaderError
from retrieval.indexer import IndexReport

err = Console(stderr=True, soft_wrap=True)


def index(settings: Settings, *, force: bool = False) -> int:
    try:
        report = _index_with_progress(settings, force=force)
    except LoaderError as exc:
        err.print(f"[red]Fehler:[/red] {exc}")
        return 1
    _print_report(report)
    return 0


def _index_with_progress(settings: Settings, *, force: bool = False) -> IndexReport:
    if not sys.stderr.isatty():
        return wiring.ensure_index(settings, force=force)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("Wissensbasis einlesen", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        return wiring.ensure_index(settings, progress, force=force)


def _print_report(report: IndexReport) -> None:
    if report.up_to_date:
        err.print(f"Index ist aktuell ({report.chunks} Abschnitte, {report.faq_entries} FAQ).")
    else:
        err.print(
            f"Index gebaut: {report.files_total} Dateien, {len(report.files_changed)} geändert, "
            f"{len(report.files_removed)} entfernt; {report.chunks} Abschnitte, "
            f"{report.faq_entries} FAQ-Einträge; {report.embedded} Texte neu eingebettet "
            f"in {report.seconds:.1f} s."
        )
    for message in report.file_errors.values():
        err.print(f"[yellow]Übersprungen:[/yellow] {message}")


def _answerer(settings: Settings) -> wiring.Answerer:
    try:
        kb = wiring.knowledge_base(settings)
    except IndexMissing:
        report = _index_with_progress(settings)
        _print_report(report)
        kb = wiring.knowledge_base(settings)
    return wiring.answerer(settings, kb)


def ask(settings: Settings, question: str | None, *, jsonl: bool) -> int:
    from bot.cli import emit_json, now_ms

    answerer = _answerer(settings)
    if not jsonl:
        if question is None:
            err.print('Bitte eine Frage angeben: kommpraev ask "Bis wann ist die Antragsfrist?"')
            return 2
        print(answerer.answer(question).render())
        return 0
    for line in sys.stdin:
        q = line.rstrip("\n")
        if not q.strip():
            continue
        started = time.perf_counter()
        answer = answerer.answer(q)
        emit_json(
            {
                "question": q,
                "answered": answer.answered,
                "answer": answer.text,
                "sources": [s.as_json() for s in answer.sources],
                "ms": now_ms(started),
            }
        )
    return 0


def chat(settings: Settings) -> int:
    from bot.channels.console import run_console

    return run_console(settings, _answerer(settings))


def evaluate(settings: Settings, file: Path, *, baseline: bool) -> int:
    from retrieval.evaluation import Baseline, evaluate, load_questions, ours

    if not file.exists():
        err.print(f"[red]Fehler:[/red] Fragenset {file} nicht gefunden.")
        return 2
    questions = load_questions(file)
    answerer = _answerer(settings)
    results = [evaluate("KommPräv-Lotse", questions, ours(answerer))]
    if baseline:
        base = Baseline(settings.knowledge_dir, answerer.kb.embeddings)
        results.append(evaluate("Baseline (600 Zeichen, nur dicht)", questions, base.ask))
    table = Table(title=f"Auswertung: {file.name} ({len(questions)} Fragen)")
    table.add_column("Kennzahl")
    for r in results:
        table.add_column(r.name, justify="right")
    for i, (label, _) in enumerate(results[0].rows()):
        table.add_row(label, *(r.rows()[i][1] for r in results))
    Console().print(table)
    for failure in results[0].failures:
        err.print(f"  - {failure}")
    return 0


def bot(settings: Settings) -> int:
    if not settings.telegram_bot_token:
        err.print(
            "[red]Fehler:[/red] TELEGRAM_BOT_TOKEN ist nicht gesetzt. Bitte in .env eintragen "
            "(Token von @BotFather) oder `kommpraev chat` für den Terminal-Chat verwenden."
        )
        return 2
    report = _index_with_progress(settings)
    _print_report(report)
    from bot.channels.telegram import run_bot

    return run_bot(settings)


def start(settings: Settings) -> int:
    if settings.telegram_bot_token:
        return bot(settings)
    report = _index_with_progress(settings)
    _print_report(report)
    err.print("Kein TELEGRAM_BOT_TOKEN gesetzt: der Assistent startet im Terminal.")
    return chat(settings)
