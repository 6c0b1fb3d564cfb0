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
    decline: bool = False


@dataclass
class EvalResult:
    name: str
    doc_hit1: float = 0.0
    hit1: float = 0.0
    hit3: float = 0.0
    mrr: float = 0.0
    facts: float = 0.0
    declined_unanswerable: float = 0.0
    declined_answerable: float = 0.0
    unsupported_numbers: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    failures: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("Dokument Treffer@1", f"{self.doc_hit1:.0%}"),
            ("Quelle (Abschnitt) Treffer@1", f"{self.hit1:.0%}"),
            ("Quelle (Abschnitt) Treffer@3", f"{self.hit3:.0%}"),
            ("Quelle MRR", f"{self.mrr:.2f}"),
            ("Antworten mit den erwarteten Fakten", f"{self.facts:.0%}"),
            ("Abgelehnt (unbeantwortbar)", f"{self.declined_unanswerable:.0%}"),
            ("Abgelehnt (beantwortbar, falsch)", f"{self.declined_answerable:.0%}"),
            ("Zahlen ohne Beleg in den Quellen", str(self.unsupported_numbers)),
            ("Latenz p50", f"{self.p50_ms:.1f} ms"),
            ("Latenz p95", f"{self.p95_ms:.1f} ms"),
        ]


def load_questions(path: Path) -> list[EvalQuestion]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for item in raw:
        src = item.get("quelle") or {}
        facts = item.get("fakten") or []
        out.append(
            EvalQuestion(
                question=str(item["frage"]),
                facts=tuple(str(f) for f in facts),
                document=str(src.get("dokument") or ""),
                section=str(src.get("abschnitt") or ""),
                decline=bool(item.get("ablehnen")),
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


def _source_matches(src: Source, q: EvalQuestion) -> bool:
    if q.document and src.document != q.document:
        return False
    if not q.section:
        return True
    return src.section == q.section or src.section.startswith(q.section + " ›")


Ranker = Callable[[str], tuple[Answer, list[Source]]]


def evaluate(name: str, questions: list[EvalQuestion], ask: Ranker) -> EvalResult:
    """Run every question through `ask`, which returns the answer and its ranked sources."""
    result = EvalResult(name)
    times: list[float] = []
    ranks: list[int | None] = []
    doc_hits = 0
    fact_hits = 0
    answerable = [q for q in questions if not q.decline]
    unanswerable = [q for q in questions if q.decline]
    declined_ok = 0
    declined_bad = 0
    if questions:
        ask(questions[0].question)  # warm-up: model load and caches are start-up, not latency
    for q in questions:
        started = time.perf_counter()
        answer, ranked = ask(q.question)
        times.append((time.perf_counter() - started) * 1000)
        if q.decline:
            declined_ok += not answer.answered
            if answer.answered:
                result.failures.append(f"nicht abgelehnt: {q.question}")
            continue
        declined_bad += not answer.answered
        rank = next((i for i, s in enumerate(ranked, 1) if _source_matches(s, q)), None)
        doc_hits += bool(ranked) and (not q.document or ranked[0].document == q.document)
        ranks.append(rank)
        ok = answer.answered and all(has_fact(answer.text, f) for f in q.facts)
        fact_hits += ok
        if not ok:
            result.failures.append(f"Fakten fehlen: {q.question} -> {answer.text[:120]!r}")
        if answer.answered:
            result.unsupported_numbers += len(unsupported_numbers(answer.text, answer.evidence))
    n = max(1, len(answerable))
    result.doc_hit1 = doc_hits / n
    result.hit1 = sum(1 for r in ranks if r == 1) / n
    result.hit3 = sum(1 for r in ranks if r is not None and r <= 3) / n
    result.mrr = sum(1 / r for r in ranks if r) / n
    result.facts = fact_hits / n
    result.declined_unanswerable = declined_ok / max(1, len(unanswerable))
    result.declined_answerable = declined_bad / n
    if times:
        result.p50_ms = statistics.median(times)
        result.p95_ms = float(np.percentile(times, 95))
    return result


def ours(answerer: Answerer) -> Ranker:
    def ask(question: str) -> tuple[Answer, list[Source]]:
        answer = answerer.answer(question)
        ranked = list(answer.sources)
        if answer.kind not in ("invalid",) and answer.answered:
            for hit in answerer.kb.search(question).passages:
                src = Source(hit.chunk.document, hit.chunk.section, hit.chunk.page)
                if src not in ranked:
                    ranked.append(src)
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
    return {k: v for k, v in result.__dict__.items() if k != "failures"}
