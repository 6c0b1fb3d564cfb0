"""Small real knowledge files for tests: Markdown, PDF (fpdf2) and DOCX (python-docx)."""

from __future__ import annotations

from pathlib import Path

import docx
from fpdf import FPDF

from retrieval import Answer

GUIDELINE_A = """---
title: RL Alpha
aliases: [Alpha-Richtlinie]
richtlinie: RL Alpha
stand: 2024-01-01
---
# RL Alpha

## Ziffer V – Höhe der Zuwendung

### Nr. 2 – Fördersatz

Die Zuwendung nach der RL Alpha beträgt bis zu 90 % der zuwendungsfähigen Ausgaben.

### Nr. 5 – Eigenanteil

Die Gemeinde trägt einen Eigenanteil. Personal der Verwaltung zählt als Eigenanteil.

## Ziffer VI – Verfahren

### Nr. 2 – Antragsfrist

Anträge nach der RL Alpha gehen bis zum 15. Oktober bei der Bewilligungsbehörde ein.
"""

GUIDELINE_B = """---
title: RL Beta Sport
aliases: [Sportrichtlinie, RL Beta]
richtlinie: RL Beta
stand: 2024-01-01
---
# RL Beta Sport

## Ziffer V – Höhe der Zuwendung

### Nr. 2 – Fördersatz

Die Zuwendung nach der RL Beta beträgt 50 % der zuwendungsfähigen Ausgaben für Fanprojekte.

## Ziffer VI – Verfahren

### Nr. 2 – Antragsfrist

Anträge nach der RL Beta gehen bis zum 30. September bei der Bewilligungsbehörde ein.
"""


def write_pdf(path: Path, title: str, pages: list[list[str]], *, password: str = "") -> Path:
    """A real PDF with one text line per entry, one list per page."""
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_font("helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    pdf.output(str(path))
    return path


def write_docx(path: Path, title: str, sections: list[tuple[str, str]]) -> Path:
    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for heading, text in sections:
        document.add_heading(heading, level=2)
        document.add_paragraph(text)
    document.save(str(path))
    return path


def cited(answer: Answer) -> Answer:
    """The answer a user gets to read: the answer itself, or after an ask-back ("Meinen Sie …?")
    the first suggestion, which is what the user taps when the bot guessed right.

    Index tests check what the index holds and cites; whether the bot asks back first on a
    two-document test corpus is the decision stage's business (tests/retrieval/test_decide.py).
    """
    if answer.kind == "ask_back" and answer.suggestions:
        return answer.suggestions[0].answer
    return answer
