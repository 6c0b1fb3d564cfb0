"""Last stage: a decision becomes the text a clerk reads, with its sources.

Leads with the fact, keeps a "Ja"/"Nein" only where the question has that form, cites the
official text where one covers the clause, and adds the office's contact where the documents
send the user to the consultation.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from retrieval.answers import Answer, Source, Suggestion
from retrieval.candidates import MAX_ANSWER_CHARS, Candidate, Candidates
from retrieval.chunking import Chunk
from retrieval.decide import Decision
from retrieval.generation import numbers_in
from retrieval.query import Part, normalise
from retrieval.snapshot import Snapshot

_POLARITY = re.compile(r"^(?:Ja|Nein)(?:\s*[,.:;–-]\s*(?:aber\s+)?|\s+)", re.IGNORECASE)
_TO_SETTLE = re.compile(r"Beratung\b.{0,80}\bkl[äa]ren", re.IGNORECASE | re.DOTALL)
ASK_BACK_TEXT = "Ich bin nicht sicher, was Sie meinen. Meinen Sie eine dieser Fragen?"


class Composer:
    def __init__(self, *, office: str) -> None:
        self.office = office

    def decline_text(self, snapshot: Snapshot | None) -> str:
        documents = ", ".join(snapshot.document_labels()) if snapshot else ""
        listed = f" ({documents})" if documents else ""
        return (
            f"Dazu steht nichts in den Unterlagen, die mir vorliegen{listed}. "
            "Ich möchte nichts Falsches sagen. Ich kann Ihre Frage an die Geschäftsstelle des "
            f"Landespräventionsrates weitergeben; direkt erreichen Sie sie unter {self.office}."
        )

    def compose(
        self, snapshot: Snapshot, question: str, found: Candidates, decision: Decision
    ) -> Answer:
        if decision.action == "decline":
            return self.decline(snapshot, question, found)
        if decision.action == "ask_back":
            suggestions = tuple(
                Suggestion(c.key, c.title, self.answer(snapshot, c.title, c, found, None))
                for c in decision.chosen
            )
            return Answer(
                question,
                False,
                ASK_BACK_TEXT,
                kind="ask_back",
                confidence=decision.chosen[0].score,
                suggestions=suggestions,
            )
        return self.answer(snapshot, question, decision.chosen[0], found, found.part)

    def decline(self, snapshot: Snapshot, question: str, found: Candidates | None) -> Answer:
        top = max((c.score for c in found.items), default=0.0) if found else 0.0
        return Answer(question, False, self.decline_text(snapshot), kind="declined", confidence=top)

    def answer(
        self,
        snapshot: Snapshot,
        question: str,
        chosen: Candidate,
        found: Candidates | None,
        part: Part | None,
    ) -> Answer:
        if chosen.kind == "smalltalk":
            return Answer(question, False, chosen.text, kind="smalltalk", confidence=chosen.score)
        text = chosen.text
        if part is not None and not (part.yes_no and _asks_yes_no(chosen.title)):
            text = _lead_with_fact(text)
        sources, evidence = list(chosen.sources), list(chosen.evidence)
        official = _official_citation(snapshot, chosen, found)
        if official is not None:
            sources.insert(0, Source(official.document, official.section, official.page))
            evidence.append(official.text)
        answer = Answer(
            question,
            True,
            text,
            tuple(dict.fromkeys(sources)),
            kind="faq" if chosen.kind == "faq" else "extract",
            evidence=tuple(evidence),
            confidence=chosen.score,
        )
        return self.with_contact(answer)

    def with_contact(self, answer: Answer) -> Answer:
        """Uncertain points go to the mandatory consultation: then say how to reach the office.

        The contact comes from the settings, so it joins the evidence the numbers are checked on.
        """
        text = answer.text
        if not _TO_SETTLE.search(text) or self.office.split(",")[0] in text:
            return answer
        addition = f" Kontakt der Geschäftsstelle: {self.office}."
        if len(text) + len(addition) > MAX_ANSWER_CHARS:
            return answer
        return replace(answer, text=text + addition, evidence=(*answer.evidence, self.office))


def _asks_yes_no(title: str) -> bool:
    return all(p.yes_no for p in normalise(title).parts)


def _lead_with_fact(text: str) -> str:
    """ "Nein, ein Verein kann nicht …" -> "Ein Verein kann nicht …": the polarity was written
    for the FAQ's own question, which may not be the one asked."""
    m = _POLARITY.match(text)
    if not m or len(text) <= m.end():
        return text
    rest = text[m.end() :]
    return rest[0].upper() + rest[1:]


def _official_citation(
    snapshot: Snapshot, chosen: Candidate, found: Candidates | None
) -> Chunk | None:
    """The official text that covers what a summary answer says, if one is indexed.

    It must state the numbers of the answer's lead sentence (the fact asked for); an answer
    without numbers there needs the search to have found that official passage on its own.
    """
    if (
        chosen.vector is None
        or not chosen.sources
        or snapshot.is_official(chosen.sources[0].document)
    ):
        return None
    official = [
        i
        for i, c in enumerate(snapshot.chunks)
        if snapshot.is_official(c.document) and c.guideline == chosen.guideline and c.guideline
    ]
    if not official:
        return None
    sims = snapshot.chunk_vectors[official] @ chosen.vector
    numbers = numbers_in(re.split(r"(?<=[.!?])\s", chosen.text, maxsplit=1)[0])
    found_ids = {c.key[2:] for c in found.items} if found else set()
    for j in np.argsort(-sims, kind="stable")[:5]:
        chunk = snapshot.chunks[official[int(j)]]
        if numbers and not numbers <= numbers_in(chunk.text):
            continue
        if numbers or chunk.id in found_ids:
            return chunk
    return None
