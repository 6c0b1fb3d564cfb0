"""Greetings, thanks and "who are you": answered politely, never from the funding documents.

Each intent has a few example utterances; the index embeds them like FAQ phrasings, and the
decision stage weighs them against the document candidates by the same calibrated score.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SmalltalkIntent:
    key: str
    examples: tuple[str, ...]
    reply: str


HINT = (
    "Fragen Sie mich zum Beispiel: „Wie hoch ist der Fördersatz?“, „Bis wann muss der Antrag "
    "da sein?“ oder „Was sind die Beccaria-Standards?“. Mit /antrag beginnen Sie einen "
    "Antragsentwurf."
)

INTENTS: tuple[SmalltalkIntent, ...] = (
    SmalltalkIntent(
        "gruss",
        ("hallo", "hi", "guten morgen", "guten tag", "moin", "servus", "hey", "hello"),
        "Hallo! Ich bin der KommPräv-Lotse und beantworte Fragen zur Förderung nach der "
        "Richtlinie Kommunale Prävention. " + HINT,
    ),
    SmalltalkIntent(
        "dank",
        ("danke", "vielen dank", "danke schön", "super, danke", "thx", "thanks", "merci"),
        "Gern geschehen! Wenn noch etwas offen ist, fragen Sie einfach.",
    ),
    SmalltalkIntent(
        "abschied",
        ("tschüss", "auf wiedersehen", "bis bald", "ciao", "schönen tag noch", "bye"),
        "Auf Wiedersehen und viel Erfolg mit Ihrem Vorhaben!",
    ),
    SmalltalkIntent(
        "wer",
        (
            "wer bist du",
            "was bist du",
            "bist du ein mensch",
            "bist du ein bot",
            "was kannst du",
            "wie funktionierst du",
            "who are you",
        ),
        "Ich bin der KommPräv-Lotse, ein Assistent der Geschäftsstelle des "
        "Landespräventionsrates Sachsen. Ich antworte aus den hinterlegten Unterlagen und nenne "
        "immer die Quelle. " + HINT,
    ),
    SmalltalkIntent(
        "befinden",
        ("wie geht es dir", "wie gehts", "alles gut bei dir", "na, wie läuft's"),
        "Danke der Nachfrage, mir geht es gut! " + HINT,
    ),
    SmalltalkIntent(
        "ok",
        ("ok", "okay", "alles klar", "verstanden", "passt", "gut"),
        "Alles klar. Wenn Sie noch eine Frage haben, schreiben Sie sie einfach.",
    ),
)

BY_KEY = {i.key: i for i in INTENTS}


def examples() -> list[tuple[str, str]]:
    """(intent key, example) pairs in a fixed order, for the index."""
    return [(i.key, e) for i in INTENTS for e in i.examples]
