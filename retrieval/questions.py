"""Pure checks on a question before search: is it readable, and is it something we answer?"""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 1000

# Attempts to move the assistant out of its role (prompt injection), German and English. Only
# the move itself is matched ("ignoriere deine Anweisungen", "you are now"), never a topic: a
# question about weather or football is declined by the evidence, not by a word list.
_YOUR = r"(?:deine?[nmrs]?|ihre?[nmrs]?|die|alle|allle|your|ur|the|my|all)"
_RULES = (
    r"(?:anweisung\w*|anweisngen|anweisungn|instruktion\w*|regeln|vorgaben|richtlinien|beschränkung\w*|"
    r"themenbeschränkung|systemanweisung\w*|systemnachricht|konfiguration|prompt\w*|"
    r"instructions|directives|rules|guidelines|restrictions|system\s+prompt)"
)
_OFF_ROLE = re.compile(
    "|".join(
        (
            # "ignoriere/vergiss … deine Anweisungen", "ignore … your instructions"
            rf"\b(?:ignorier\w*|vergiss|vergessen\s+sie|missachte\w*|übergeh\w*|"
            rf"disregard|ignore|forget|override)\b[^.?!]{{0,40}}\b{_YOUR}\s+(?:\w+\s+){{0,2}}{_RULES}",
            r"\b(?:ignorier\w*|vergiss|ignore|disregard)\s+(?:alles|den\s+kontext|everything|all"
            r"|the\s+above)\b",
            rf"\b{_YOUR}\s+(?:\w+\s+){{0,2}}{_RULES}\s+(?:\w+\s+)?(?:zu\s+)?ignorier",
            r"\bvorgaben\s+deines\s+betreibers",
            r"\bvergiss\s+(?:deine\s+rolle|das\s+lpr|alles)",
            r"\bforget\s+the\s+\w+\s+stuff",
            # revealing the instructions
            rf"\b(?:gib|zeig|nenne|verrate|liste|schreib|übersetze|freundlicherweise|print|reveal|show|repeat|"
            rf"translate|tell\s+me)\b[^.?!]{{0,40}}\b{_YOUR}\s+(?:\w+\s+){{0,2}}{_RULES}",
            r"\b(?:system\s*-?\s*prompt|systemnachricht|versteckten\s+regeln)\b",
            r"\bwelche\s+regeln\s+hat\s+man\s+dir",
            r"\bwiederhole\s+alles,?\s+was\s+über|\brepeat\s+the\s+text\s+above",
            r"\bwhat\s+were\s+you\s+told",
            r"\b(?:mit\s+dem\s+du\s+konfiguriert|deine\s+beschränkungen)",
            # a new role
            r"\b(?:du\s+bist|bist\s+du)\s+(?:jetzt|nun|ab\s+sofort|ab\s+jetzt|von\s+nun\s+an)\b",
            r"\bab\s+(?:jetzt|sofort|jetz)\s+(?:bist|antwortest|sei)\s+du\b|\bsei\s+ab\s+jetz?t?\b",
            r"\bdu\s+antwortest\s+ab\s+sofort",
            r"\b(?:tu|tun\s+sie)\s+(?:mal\s+)?so,?\s+als\s+(?:ob\s+du|wärst|wärest|seist)",
            r"\bspiel\w*\s+(?:bitte\s+|mal\s+)?(?:die\s+|eine\s+)rolle\b(?!\s+(?:bei|für))",
            r"\bübernimm\s+die\s+rolle\b|\bals\s+böser\s+zwilling",
            r"\bstell\s+dir\s+vor,?\s+du\s+hättest\s+keine\s+regeln|\bohne\s+richtlinien\b",
            r"\brollenspiel\s+(?:mit\s+mir|spielen)|\bjailbreak|\bdeveloper\s*mode|"
            r"\bentwicklermodus|\bsudo-?modus|\bdan\s+mode|\byou\s+are\s+now\s+dan\b",
            r"\bich\s+bin\s+dein\s+entwickler|\bneue\s+anweisung\s+vom\s+administrator",
            r"\bich\s+befehle\s+dir|\bdu\s+musst\s+mir\s+gehorchen",
            r"\byou\s+are\s+(?:now|no\s+longer)\b|\byou'?re\s+a\s+free\s+ai",
            r"\bact\s+(?:as|like)\s+(?:a|an|my|you)\b",
            r"\bpretend\s+(?:to\s+be|you\s+are|the\s+\w+\s+rules)",
            r"\bwithout\s+(?:any\s+)?restrictions|\bganz\s+ohne\s+regeln",
            r"<\|im_start\|>|^\s*system\s*:|\boverride\s*:|\bsafety\s*=\s*off",
        )
    ),
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
    """True for an attempt to make the assistant leave its role or reveal its instructions."""
    return bool(_OFF_ROLE.search(question))
