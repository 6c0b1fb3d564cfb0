"""Button labels that fit a phone's width."""

from __future__ import annotations

LABEL_LIMIT = 40
"""Characters of a suggestion button: what a phone shows across its width."""


def button_label(question: str, limit: int = LABEL_LIMIT) -> str:
    """The question shortened at a word boundary to fit a phone button, with "…".

    Example: "Dürfen Personalausgaben für eine Präventionskoordination gefördert werden?"
    (74 characters) -> cut to 39, back to the last space, add "…" ->
    "Dürfen Personalausgaben für eine…" (33 characters).
    A single word longer than half the limit is cut inside the word instead.
    """
    text = " ".join(question.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"
