"""Pure first stage: what a message asks, before any search.

People type context first ("Ich bin neu im Ordnungsamt …"), two questions in one message, or
English. This stage finds the question sentences, the language, and whether a part is a yes/no
question, so that later stages match the question and not the story around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.german import fold, tokens

# Function words that tell English from German; a language test, not a topic list.
_ENGLISH = frozenset(
    """
    the is are was were do does did can could should would will what which who whom whose when
    where why how much many have has had you your we our us i my me of for to with without from
    into about there their they this that these those be been being an a any it its on in at
    or and not no if than then please tell need apply funding grant
    """.split()
)
_GERMAN = frozenset(
    """
    der die das und ist sind wir ich sie ein eine nicht auch wie was wann wer muss kann darf
    für fuer mit von zu bei auf noch schon gibt es den dem des ihr euch uns unser unsere
    """.split()
)
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")
# Sentence ends; "?" may be doubled on phones ("geht das??").
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
# A second question joined by "und"/"oder"/"," inside one sentence: "Wie hoch … und bis wann …?"
_JOINED = re.compile(
    r"(?:,\s*|\s+)(?:und|oder|sowie|außerdem|ausserdem|plus)\s+(?=(?:bis\s+)?"
    r"(?:wie|wann|wer|was|wo|welche[rsnm]?|wieviel|wieso|warum|muss|müssen|muessen|darf|"
    r"dürfen|duerfen|kann|können|koennen|gibt|gilt|zählt|zaehlt|brauche|brauchen)\b)",
    re.IGNORECASE,
)
# Words that turn a yes/no question around ("… kriegen wir *trotzdem* Geld?"): a "Ja"/"Nein"
# written for the plain question may then be the wrong way round.
_CONTRAST = re.compile(
    r"\b(?:trotzdem|dennoch|schon|bereits|obwohl|nicht|kein\w*|nie|ohne|auch\s+wenn)\b",
    re.IGNORECASE,
)
# Finite verbs a German yes/no question opens with (grammar, not topic).
_FINITE_VERBS = frozenset(
    fold(w)
    for w in """
    kann konnen können darf durfen dürfen muss mussen müssen soll sollen ist sind gibt gilt
    zahlt zählt zählen wird werden hat haben brauche brauchen bekommen bekommt kriegen kriegt
    geht gehen fällt fallen gehört gehören übernimmt übernehmen reicht reichen stimmt lohnt
    wäre waren wären könnte könnten dürfte sollte sollten müsste darfst kannst musst
    can is are do does may must will should could
    """.split()
)
_OPENERS = frozenset({"und", "also", "oder", "aber", "noch", "dann"})
MIN_PART_TOKENS = 2


@dataclass(frozen=True)
class Part:
    """One question of a message, with the words that are its own."""

    text: str  # the question sentence(s) as typed
    yes_no: bool  # a yes/no question without a word that could turn the polarity round
    context: str = ""  # the whole message, when context sentences were set aside

    @property
    def full(self) -> str:
        return self.context or self.text


@dataclass(frozen=True)
class Query:
    original: str
    parts: tuple[Part, ...]
    language: str  # "de" or "en"


def language_of(text: str) -> str:
    """ "en" when English function words clearly outnumber German ones."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return "de"
    english = sum(w in _ENGLISH for w in words)
    german = sum(w in _GERMAN for w in words)
    return "en" if english >= 2 and english > 2 * german else "de"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _is_yes_no(question: str) -> bool:
    """A question that opens with a finite verb ("Darf ein Verein …?") and has no contrast word."""
    words = [fold(w) for w in _WORD.findall(question)]
    while words and words[0] in _OPENERS:
        words = words[1:]
    return bool(words) and words[0] in _FINITE_VERBS and not _CONTRAST.search(question)


def _content(text: str) -> int:
    return len(tokens(text))


def normalise(message: str) -> Query:
    """Split a message into its questions; context sentences stay with the question they lead to.

    Worked example: "Ich bin neu im Ordnungsamt. Wir planen ein Projekt. Bis wann muss der Antrag
    da sein? Und wie viel Eigenanteil brauchen wir?" gives two parts: "Bis wann muss der Antrag
    da sein?" and "Und wie viel Eigenanteil brauchen wir?"; the two context sentences are dropped
    because the question sentences carry enough words of their own.
    """
    text = " ".join(message.split())
    language = language_of(text)
    sentences = _sentences(text)
    questions = [s for s in sentences if s.endswith("?")]
    pieces: list[str] = []
    for sentence in questions or [text]:
        pieces.extend(p.strip() for p in _JOINED.split(sentence) if p.strip())
    pieces = [p for p in pieces if _content(p) >= MIN_PART_TOKENS] or [text]
    if len(pieces) == 1:
        only = pieces[0]
        # A question that is only a fragment ("Geht das?") needs its context.
        if _content(only) < 3 or only == text:
            return Query(text, (Part(text, _is_yes_no(only)),), language)
        return Query(text, (Part(only, _is_yes_no(only), context=text),), language)
    return Query(text, tuple(Part(p, _is_yes_no(p)) for p in pieces[:3]), language)
