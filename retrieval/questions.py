"""Pure checks on a question before search: is it readable, and is it something we answer?"""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 1000

# Attempts to move the assistant out of its role, and requests no funding document answers.
_OFF_ROLE = re.compile(
    r"ignorier|vergiss\s+(alle|deine|die|was)|anweisung(en)?\s+(ignor|vergessen)|system\s*-?prompt"
    r"|du\s+bist\s+(jetzt|nun|ab\s+sofort)|tu\s+so,?\s+als|rollenspiel|jailbreak|developer\s*mode"
    r"|\b(gedicht|reim|limerick|witz|songtext|liedtext|geschichte\s+über|rezept|horoskop)\b"
    r"|\b(wetter|bundesliga|lotto|aktienkurs|fußball|fussball)\b"
    r"|\bschreib\w*\s+(mir\s+)?(ein|eine|einen)\s+(gedicht|lied|witz|aufsatz|geschichte)",
    re.IGNORECASE,
)


def problem_with(question: str) -> str | None:
    """A German message saying what is wrong with the input, or None if it can be searched."""
    text = question.strip()
    if not text:
        return (
            "Ihre Nachricht ist leer. Bitte stellen Sie eine Frage, "
            "z. B. „Bis wann muss der Antrag eingereicht sein?“"
        )
    if len(text) > MAX_QUESTION_CHARS:
        return (
            f"Ihre Frage ist mit {len(text):,} Zeichen zu lang (höchstens "
            f"{MAX_QUESTION_CHARS:,} Zeichen).".replace(",", ".")
            + " Bitte stellen Sie eine kurze, einzelne Frage."
        )
    letters = sum(1 for ch in text if ch.isalpha())
    controls = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"))
    if letters < 2 or (controls > 0 and controls / len(text) > 0.02) or "\ufffd" in text:
        return (
            "Ich kann in Ihrer Nachricht keinen lesbaren Text erkennen. "
            "Bitte schreiben Sie Ihre Frage in ganzen Worten."
        )
    return None


def leaves_role(question: str) -> bool:
    """True for prompt injection and requests outside funding advice (poems, weather …)."""
    return bool(_OFF_ROLE.search(question))
