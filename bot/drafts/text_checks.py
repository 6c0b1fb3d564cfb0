"""Heuristics that spot thin Beccaria step texts and ask the question that would fix them."""

# They only nudge (⚠️ in the Vorprüfung), never block: a keyword list cannot judge a concept,
# but a problem description without a single number or source is worth a second look.

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.drafts.beccaria import BECCARIA_STEPS
from bot.drafts.parsing import clean_text, fold_text

MIN_WORDS = 15  # below this a step text is a headline, not a description


@dataclass(frozen=True)
class TextCheck:
    """Passes when the folded text contains a stem, or any digit if `digits_pass`."""

    stems: tuple[str, ...]
    question: str
    digits_pass: bool = False

    def passes(self, folded: str) -> bool:
        if self.digits_pass and re.search(r"\d", folded):
            return True
        return any(stem in folded for stem in self.stems)


def _stems(words: str) -> tuple[str, ...]:
    """Stems written in plain German, folded like the text they are looked for in."""
    return tuple(fold_text(w) for w in words.split())


SOURCES = _stems(
    "pks polizei lagebild statistik befragung umfrage sicherheitsanal ordnungsamt quelle "
    "erhebung bericht daten anzeige studie"
)
MEASURABLE = _stems(
    "% prozent anzahl mindestens höchstens senk reduz steiger erhöh verringer halbier "
    "verdoppel quote indikator messbar"
)
TARGET_GROUPS = _stems(
    "zielgruppe jugendlich kinder schüler eltern senior anwohn bürger einwohner besucher "
    "händler gewerbe fachkräft familie frauen männer teilnehm mitarbeit"
)
SCHEDULE = _stems("monat quartal woche meilenstein zeitplan phase halbjahr")
METHOD = _stems(
    "indikator befragung evaluation evaluier mess erheb interview zähl vorher nachher "
    "fragebogen kennzahl statistik auswert monitoring beobacht feedback"
)
DOCUMENTATION = _stems(
    "bericht dokument veröffentlich weitergeb verstetig fortführ fortsetz transfer präsent "
    "schlussfolger nachhaltig auswert"
)

STEP_CHECKS: dict[int, tuple[TextCheck, ...]] = {
    1: (
        TextCheck(
            (),
            "Nennen Sie Zahlen zum Problem: wie oft, wo, seit wann, wie viele Betroffene?",
            digits_pass=True,
        ),
        TextCheck(
            SOURCES,
            "Woher stammen Ihre Angaben (z. B. Polizeilagebild, Sicherheitsanalyse, Befragung)?",
        ),
    ),
    3: (
        TextCheck(
            MEASURABLE,
            "Ihre Projektziele enthalten keine überprüfbare Größe — woran wollen Sie Erfolg "
            "messen?",
            digits_pass=True,
        ),
        TextCheck(TARGET_GROUPS, "Wen genau wollen Sie erreichen? Nennen Sie die Zielgruppen."),
    ),
    5: (
        TextCheck(
            SCHEDULE,
            "Ergänzen Sie einen Zeitplan mit Meilensteinen: Was geschieht bis wann, und wer ist "
            "verantwortlich?",
            digits_pass=True,
        ),
    ),
    6: (
        TextCheck(
            METHOD,
            "Wie messen Sie den Erfolg? Nennen Sie Indikatoren, die Methode (z. B. Befragung "
            "vorher und nachher) und die Zeitpunkte.",
        ),
    ),
    7: (
        TextCheck(
            DOCUMENTATION,
            "Wie dokumentieren Sie die Ergebnisse, und wie geht es nach dem Förderzeitraum weiter?",
        ),
    ),
}


def step_advice(number: int, text: str) -> list[str]:
    """Questions for a filled step text that looks thin; empty when nothing stands out.

    Example: step 3 "Wir wollen die Sicherheit im Park verbessern." -> the question about a
    checkable target, the question about target groups, and the note that the text is short.
    """
    folded = fold_text(clean_text(text))  # a zero-width space must not split "Befragung"
    advice = [c.question for c in STEP_CHECKS.get(number, ()) if not c.passes(folded)]
    if len(folded.split()) < MIN_WORDS:
        questions = " ".join(BECCARIA_STEPS[number - 1].questions)
        advice.append(f"Der Text ist sehr knapp. Leitfragen: {questions}")
    return advice
