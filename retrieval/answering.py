"""A question through the stages, each once: normalise -> search -> rerank -> decide -> compose.

Knows nothing of chat channels. Every stage gets what the one before attached; only `search`
reads the index, through the snapshot taken when the question arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from retrieval.answers import Answer
from retrieval.calibration import Calibration
from retrieval.candidates import Candidate, Candidates, candidate_key, search
from retrieval.compose import Composer
from retrieval.decide import Decision, decide
from retrieval.knowledge_base import KnowledgeBase
from retrieval.query import Part, normalise
from retrieval.questions import leaves_role, problem_with
from retrieval.snapshot import Snapshot

ENGLISH_NOTE = "Hinweis: Die Unterlagen sind deutsch, daher antworte ich auf Deutsch."
ENGLISH_HINT = (
    "Bitte stellen Sie Ihre Frage auf Deutsch, z. B. „Wie hoch ist der Fördersatz?“ "
    "(The documents are in German; please ask in German.)"
)


class Generator(Protocol):
    """Optional generative phrasing; None means: keep the extractive answer."""

    def generate(
        self, question: str, candidates: Sequence[Candidate], *, fallback: Answer
    ) -> Answer | None: ...


class Answerer:
    """Turns a question into an Answer (or an ask-back with suggestions, or a decline)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        office_email: str = "lpr@smi.sachsen.de",
        office_phone: str = "0351 564-3090",
        calibration: Calibration | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.kb = kb
        self.office = f"{office_email}, Tel. {office_phone}"
        self.calibration = calibration or Calibration.load()
        self.generator = generator
        self.composer = Composer(office=self.office)

    def decline_text(self) -> str:
        return self.composer.decline_text(self.kb.snapshot())

    def document_labels(self) -> list[str]:
        """What is indexed, for help texts: "RL KommPräv, Beccaria-Standards, …"."""
        return self.kb.snapshot().document_labels()

    def answer(self, question: str) -> Answer:
        problem = problem_with(question)
        if problem:
            return Answer(question, False, problem, kind="invalid")
        question = " ".join(question.split())
        snapshot = self.kb.snapshot()
        if leaves_role(question):
            return self.composer.decline(snapshot, question, None)
        query = normalise(question)
        english = query.language == "en"
        parts = [self._part(snapshot, part, english) for part in query.parts]
        answer = _combine(question, parts)
        if english:
            note = ENGLISH_NOTE if answer.answered or answer.suggestions else ENGLISH_HINT
            answer = replace(answer, note=note)
        return answer

    def candidates(self, question: str) -> list[Candidates]:
        """The scored candidates of each part, for evaluation and calibration."""
        snapshot = self.kb.snapshot()
        query = normalise(" ".join(question.split()))
        return [self._scored(snapshot, p, query.language == "en") for p in query.parts]

    def resolve(self, key: str) -> Answer | None:
        """The cited answer behind a suggestion key ("f:<faq id>", "p:<chunk id>"), or None
        when the key is unknown (e.g. the knowledge base changed since the button was sent)."""
        snapshot = self.kb.snapshot()
        kind, _, ident = key.partition(":")
        entry = next((f for f in snapshot.faq if candidate_key("f", f.id) == key), None)
        chunk = snapshot.chunk_by_id.get(ident) if kind == "p" else None
        if entry is not None:
            question, part = entry.question, Part(entry.question, True)
        elif chunk is not None:
            question, part = chunk.heading, Part(f"{chunk.heading} {chunk.text}", False)
        else:
            return None
        # Searching with the suggestion's own question finds the same candidate again, with
        # the features and evidence the composer needs.
        found = self._scored(snapshot, part, False)
        chosen = next((c for c in found.items if c.key == key), None)
        if chosen is None:
            return None
        return self.composer.answer(snapshot, question, chosen, found, None)

    # -- stages ---------------------------------------------------------------------------
    def _scored(self, snapshot: Snapshot, part: Part, english: bool) -> Candidates:
        vectors = [self.kb.embeddings.query(part.text)]
        if part.context:
            vectors.append(self.kb.embeddings.query(part.context))
        found = search(
            snapshot,
            part,
            vectors,
            default_guideline=self.kb.default_guideline,
            english=english,
        )
        return rerank(found, self.calibration)

    def _part(self, snapshot: Snapshot, part: Part, english: bool) -> Answer:
        found = self._scored(snapshot, part, english)
        c = self.calibration
        decision = decide(found.items, answer=c.answer, ask=c.ask, close=c.close)
        answer = self.composer.compose(snapshot, part.full, found, decision)
        if decision.action == "answer" and answer.answered and self.generator is not None:
            generated = self.generator.generate(part.full, _top(found, decision), fallback=answer)
            if generated is not None:
                return self.composer.with_contact(generated)
        return answer


def rerank(found: Candidates, calibration: Calibration) -> Candidates:
    """Every candidate gets its calibrated probability of being right; best first."""
    probabilities = calibration.probabilities(found.items)
    scored = [replace(c, score=p) for c, p in zip(found.items, probabilities, strict=True)]
    scored.sort(key=lambda c: (-c.score, c.key))
    return replace(found, items=tuple(scored))


def _top(found: Candidates, decision: Decision, n: int = 4) -> list[Candidate]:
    """What the optional LLM reads: the chosen candidate first, then the next best."""
    rest = [c for c in found.items if c not in decision.chosen]
    return [*decision.chosen, *rest][:n]


def _combine(question: str, parts: list[Answer]) -> Answer:
    """One answer per question of the message; the same answer twice is given once."""
    unique: list[Answer] = []
    for p in parts:
        if not any(p.text == u.text for u in unique):
            unique.append(p)
    if len(unique) == 1:
        return replace(unique[0], question=question)
    answered = [p for p in unique if p.answered]
    if not answered and all(p.kind == "declined" for p in unique):
        return replace(unique[0], question=question)
    sources = tuple(dict.fromkeys(s for p in unique for s in p.sources))
    return Answer(
        question,
        bool(answered),
        "\n\n".join(p.text for p in unique),
        sources,
        kind="multi",
        # A declined or ask-back part speaks our own words (with the office's contact from the
        # settings): they are their own evidence, as the contact is for `with_contact`.
        evidence=tuple(e for p in unique for e in (p.evidence if p.answered else (p.text,))),
        confidence=min(p.confidence for p in unique),
        parts=tuple(unique),
    )
