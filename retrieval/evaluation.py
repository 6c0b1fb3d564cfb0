"""Measure answer quality on a question set: source hits, expected facts, declines, numbers."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from retrieval.answering import Answerer
from retrieval.answers import Answer, Source
from retrieval.embeddings import E5Embeddings
from retrieval.generation import unsupported_numbers
from retrieval.indexer import knowledge_files


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    facts: tuple[str, ...] = ()
    document: str = ""
    section: str = ""
    page: int | None = None
    decline: bool = False
    kind: str = ""  # the set's "art": kurz, kontext, zwei-fragen, nahe-domäne, …
    smalltalk: bool = False
    absent: tuple[str, ...] = ()  # facts of another guideline that must not appear


# The four outcomes of the issue, plus the ask-back in between.
OUTCOMES = (
    "richtig",  # answered with every expected fact
    "zu Unrecht abgelehnt",  # answerable, but declined
    "falsche Antwort",  # answered without the expected facts (the worst outcome)
    "nachgefragt",  # "Meinen Sie …?" instead of an answer
    "richtig abgelehnt",  # unanswerable (or small talk) and not answered from the documents
)


@dataclass
class EvalResult:
    name: str
    total: int = 0
    answerable: int = 0
    unanswerable: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    ask_right: int = 0  # ask-backs on answerable questions with a right suggestion
    doc_hit1: float = 0.0
    hit1: float = 0.0
    hit3: float = 0.0
    mrr: float = 0.0
    unsupported_numbers: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    failures: list[str] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)

    def share(self, outcome: str) -> float:
        base = self.unanswerable if outcome == "richtig abgelehnt" else self.answerable
        return self.counts[outcome] / max(1, base)

    @property
    def facts(self) -> float:
        return self.share("richtig")

    @property
    def declined_unanswerable(self) -> float:
        return self.share("richtig abgelehnt")

    @property
    def declined_answerable(self) -> float:
        return self.share("zu Unrecht abgelehnt")

    @property
    def wrong(self) -> float:
        return self.share("falsche Antwort")

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("Richtig (erwartete Fakten)", f"{self.facts:.0%}"),
            ("Falsche Antwort", f"{self.wrong:.0%}"),
            ("Zu Unrecht abgelehnt", f"{self.declined_answerable:.0%}"),
            (
                "Nachgefragt (davon richtiger Vorschlag)",
                f"{self.share('nachgefragt'):.0%} ({self.ask_right})",
            ),
            ("Richtig abgelehnt (unbeantwortbar)", f"{self.declined_unanswerable:.0%}"),
            ("Fragen beantwortbar / unbeantwortbar", f"{self.answerable} / {self.unanswerable}"),
            ("Quelle (Abschnitt) Treffer@1 / @3", f"{self.hit1:.0%} / {self.hit3:.0%}"),
            ("Zahlen ohne Beleg in den Quellen", str(self.unsupported_numbers)),
            ("Latenz p50 / p95", f"{self.p50_ms:.0f} / {self.p95_ms:.0f} ms"),
        ]


def load_questions(path: Path) -> list[EvalQuestion]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for item in raw:
        src = item.get("quelle") or {}
        facts = item.get("fakten") or []
        page = src.get("seite")
        out.append(
            EvalQuestion(
                question=str(item["frage"]),
                facts=tuple(str(f) for f in facts),
                document=str(src.get("dokument") or ""),
                section=str(src.get("abschnitt") or ""),
                page=int(page) if page else None,
                decline=bool(item.get("ablehnen")),
                kind=str(item.get("art") or ""),
                smalltalk=bool(item.get("smalltalk")),
                absent=tuple(str(f) for f in item.get("nicht") or ()),
            )
        )
    return out


def _norm(text: str) -> str:
    text = text.lower().replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"(?<=\d)[.\s](?=\d{3}\b)", "", text)  # 10.000 / 10 000 -> 10000
    return " ".join(text.split())


def has_fact(answer_text: str, fact: str) -> bool:
    text = _norm(answer_text)
    return any(_norm(alt) in text for alt in fact.split("|"))


def has_facts(answer_text: str, q: EvalQuestion) -> bool:
    """Every expected fact there, and no figure of the guideline the question did not mean."""
    return all(has_fact(answer_text, f) for f in q.facts) and not any(
        has_fact(answer_text, f) for f in q.absent
    )


def _source_matches(src: Source, q: EvalQuestion) -> bool:
    if q.document and src.document != q.document and q.document not in src.document:
        return False
    if q.page is not None and src.page != q.page:
        return False
    if not q.section:
        return True
    return src.section == q.section or src.section.startswith(q.section + " ›")


def outcome_of(answer: Answer, q: EvalQuestion) -> str:
    if q.decline:
        return "richtig abgelehnt" if not answer.answered else "falsche Antwort"
    if answer.kind == "ask_back":
        return "nachgefragt"
    if not answer.answered:
        return "zu Unrecht abgelehnt"
    if has_facts(answer.text, q):
        return "richtig"
    # Two questions in one, one of them asked back: the missing fact was not stated wrongly,
    # the user was asked which question was meant.
    if any(p.kind == "ask_back" for p in answer.parts):
        return "nachgefragt"
    return "falsche Antwort"


Ranker = Callable[[str], tuple[Answer, list[Source]]]


def evaluate(name: str, questions: list[EvalQuestion], ask: Ranker) -> EvalResult:
    """Run every question through `ask`, which returns the answer and its ranked sources."""
    result = EvalResult(name, total=len(questions))
    times: list[float] = []
    ranks: list[int | None] = []
    doc_hits = 0
    if questions:
        ask(questions[0].question)  # warm-up: model load and caches are start-up, not latency
    for q in questions:
        started = time.perf_counter()
        answer, ranked = ask(q.question)
        times.append((time.perf_counter() - started) * 1000)
        outcome = outcome_of(answer, q)
        result.counts[outcome] += 1
        kind = result.by_kind.setdefault(q.kind or "-", dict.fromkeys(OUTCOMES, 0))
        kind[outcome] += 1
        result.answers.append({"frage": q.question, "ergebnis": outcome, **answer.as_json()})
        if q.decline:
            result.unanswerable += 1
            if answer.answered:
                result.failures.append(f"nicht abgelehnt: {q.question} -> {answer.text[:100]!r}")
            continue
        result.answerable += 1
        if outcome == "nachgefragt":
            offered = [*answer.suggestions, *(s for p in answer.parts for s in p.suggestions)]
            answered = " ".join(p.text for p in answer.parts if p.answered)
            result.ask_right += any(has_facts(f"{answered} {s.answer.text}", q) for s in offered)
        if outcome != "richtig":
            result.failures.append(f"{outcome}: {q.question} -> {answer.text[:120]!r}")
        rank = next((i for i, s in enumerate(ranked, 1) if _source_matches(s, q)), None)
        doc_hits += bool(ranked) and (not q.document or q.document in ranked[0].document)
        ranks.append(rank)
        if answer.answered:
            result.unsupported_numbers += len(unsupported_numbers(answer.text, answer.evidence))
    n = max(1, result.answerable)
    result.doc_hit1 = doc_hits / n
    result.hit1 = sum(1 for r in ranks if r == 1) / n
    result.hit3 = sum(1 for r in ranks if r is not None and r <= 3) / n
    result.mrr = sum(1 / r for r in ranks if r) / n
    if times:
        result.p50_ms = statistics.median(times)
        result.p95_ms = float(np.percentile(times, 95))
    return result


def ours(answerer: Answerer) -> Ranker:
    def ask(question: str) -> tuple[Answer, list[Source]]:
        answer = answerer.answer(question)
        ranked = list(answer.sources)
        for s in answer.suggestions:
            ranked.extend(x for x in s.answer.sources if x not in ranked)
        if answer.kind != "invalid":
            for found in answerer.candidates(question):
                for c in found.items:
                    ranked.extend(x for x in c.sources if x not in ranked)
        return answer, ranked

    return ask


class Baseline:
    """Plain RAG for comparison: fixed 600-character chunks, dense search only, top chunk."""

    def __init__(self, knowledge_dir: Path, embeddings: E5Embeddings) -> None:
        self.embeddings = embeddings
        self.chunks: list[tuple[str, str]] = []  # (document title, text)
        for path in knowledge_files(knowledge_dir):
            if path.suffix.lower() not in (".md", ".yaml", ".yml"):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            title = _title_of(text, path.stem)
            for i in range(0, len(text), 600):
                self.chunks.append((title, text[i : i + 600]))
        self.vectors = embeddings.passages([t for _, t in self.chunks])

    def ask(self, question: str) -> tuple[Answer, list[Source]]:
        scores = self.vectors @ self.embeddings.query(question)
        order = np.argsort(-scores)[:3]
        text = self.chunks[int(order[0])][1]
        ranked = [Source(self.chunks[int(i)][0], "") for i in order]
        return Answer(question, True, text, (ranked[0],), evidence=(text,)), ranked


def _title_of(text: str, fallback: str) -> str:
    m = re.search(r"^title:\s*(.+)$", text, re.M)
    return m.group(1).strip().strip("\"'") if m else fallback


def as_jsonable(result: EvalResult) -> dict[str, Any]:
    return {k: v for k, v in result.__dict__.items() if k not in ("failures", "answers")}
