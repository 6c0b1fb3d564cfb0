"""Chunking: German sentences split where a reader would, chunks within size, ids that last."""

from __future__ import annotations

from itertools import pairwise

import pytest

from retrieval.chunking import MAX_CHARS, chunk_section, sentences
from retrieval.documents import DocumentInfo, Section

SENTENCES = [
    (
        "Frist ist der 15. Oktober. Vgl. Nr. 2 der RL. Danach nicht.",
        ["Frist ist der 15. Oktober.", "Vgl. Nr. 2 der RL.", "Danach nicht."],
    ),
    (
        "Gefördert werden z. B. Honorare. Das gilt auch für Sachmittel.",
        ["Gefördert werden z. B. Honorare.", "Das gilt auch für Sachmittel."],
    ),
    (
        "Siehe Ziffer V Nr. 2. Der Eigenanteil beträgt 10 %.",
        ["Siehe Ziffer V Nr. 2.", "Der Eigenanteil beträgt 10 %."],
    ),
    (
        "Das steht in Abs. 3 S. 2. Mehr nicht.",
        ["Das steht in Abs. 3 S. 2.", "Mehr nicht."],
    ),
    (
        "Regelt Ziffer II (Nr. 1 bis 5). Sonst nichts.",
        ["Regelt Ziffer II (Nr. 1 bis 5).", "Sonst nichts."],
    ),
    ("Im 3. Jahr sinkt die Quote. Das ist so.", ["Im 3. Jahr sinkt die Quote.", "Das ist so."]),
    ("Im Januar kam die 100. Kommune hinzu.", ["Im Januar kam die 100. Kommune hinzu."]),
    ("Bis EG 11 Stufe 3. Bei Leitung mehr.", ["Bis EG 11 Stufe 3.", "Bei Leitung mehr."]),
    ("Seit 2020. Danach neu.", ["Seit 2020.", "Danach neu."]),
    ("Am 1. 10. 2024 beginnt es.", ["Am 1. 10. 2024 beginnt es."]),
    ("Kosten bis 5.000 €. Danach 10.000 €.", ["Kosten bis 5.000 €.", "Danach 10.000 €."]),
    (
        "Gefördert wird bis zu 90 %. 10 % trägt die Gemeinde.",
        ["Gefördert wird bis zu 90 %.", "10 % trägt die Gemeinde."],
    ),
    ("Ansprechpartner ist Dr. Müller. Er hilft.", ["Ansprechpartner ist Dr. Müller.", "Er hilft."]),
    ("Er sagte: „Das geht.“ Dann ging er.", ["Er sagte: „Das geht.“", "Dann ging er."]),
    ("Was kostet das? Nichts! Wirklich… Ja.", ["Was kostet das?", "Nichts!", "Wirklich…", "Ja."]),
    (
        "Es gibt drei Punkte:\n- Personal\n- Sachmittel\n* Reisen",
        ["Es gibt drei Punkte:", "• Personal", "• Sachmittel", "• Reisen"],
    ),
    (
        "Schritte:\n1. Antrag stellen\n2. Bescheid abwarten",
        ["Schritte:", "• Antrag stellen", "• Bescheid abwarten"],
    ),
    ("Erster Absatz.\n\nZweiter ohne Punkt", ["Erster Absatz.", "Zweiter ohne Punkt"]),
    ("Ein Satz,\nüber zwei Zeilen.", ["Ein Satz, über zwei Zeilen."]),
    ("", []),
    ("  \n\n  ", []),
]
SENTENCE_IDS = [
    "date-month",
    "z-b",
    "nr-at-end",
    "abs-s",
    "nr-in-brackets",
    "ordinal-jahr",
    "ordinal-after-article",
    "number-ends-sentence",
    "year-ends-sentence",
    "date-with-spaces",
    "amounts",
    "percent",
    "dr",
    "closing-quote",
    "question-exclamation-ellipsis",
    "bullets",
    "numbered-list",
    "paragraphs",
    "line-break-inside",
    "empty",
    "blank",
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=SENTENCE_IDS)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


DOC = DocumentInfo(title="RL KommPräv", path="richtlinie.md", kind="md", guideline="RL KommPräv")


def _section(text: str, page: int | None = None) -> Section:
    return Section(DOC, ("Ziffer V", "Nr. 2"), "Nr. 2 – Fördersatz", text, page)


def _sentence(i: int) -> str:
    # 100 characters each, numbered so that no two are alike
    return f"Satz {i:02d} über den Fördersatz: " + "x" * 70 + "."


LONG = " ".join(_sentence(i) for i in range(20))  # 20 sentences, 2 019 characters


@pytest.mark.parametrize("max_chars", [150, 300, MAX_CHARS], ids=lambda n: f"max-{n}")
def test_chunks_stay_within_the_size_and_keep_every_sentence(max_chars: int) -> None:
    chunks = chunk_section(_section(LONG), max_chars=max_chars)
    assert all(len(c.text) <= max_chars for c in chunks)
    assert " ".join(c.text for c in chunks) == LONG
    # packed: no two neighbours would have fitted into one chunk
    assert all(len(a.text) + 1 + len(b.text) > max_chars for a, b in pairwise(chunks))


def test_worked_example_of_the_docstring() -> None:
    assert len(_sentence(0)) == 100
    assert [len(c.text) for c in chunk_section(_section(LONG))] == [807, 807, 403]
    assert len(chunk_section(_section(LONG[:300]))) == 1


def test_a_sentence_longer_than_the_limit_is_its_own_chunk() -> None:
    text = "Kurz. " + "Lang " * 50 + "ende. Kurz danach."
    chunks = chunk_section(_section(text), max_chars=100)
    assert [c.text[:5] for c in chunks] == ["Kurz.", "Lang ", "Kurz "]


def test_every_chunk_carries_its_citation() -> None:
    (chunk,) = chunk_section(_section("Die Zuwendung beträgt bis zu 90 %.", page=3), ordinal=4)
    assert (chunk.document, chunk.path, chunk.section, chunk.heading, chunk.page) == (
        "RL KommPräv",
        "richtlinie.md",
        "Ziffer V › Nr. 2",
        "Nr. 2 – Fördersatz",
        3,
    )
    assert chunk.guideline == "RL KommPräv"
    assert chunk.kind == "passage"
    assert (
        chunk.embed_text == "RL KommPräv – Nr. 2 – Fördersatz: Die Zuwendung beträgt bis zu 90 %."
    )


def test_ids_are_stable_across_runs_and_unique() -> None:
    section = _section(LONG)
    first = [c.id for c in chunk_section(section, ordinal=1, max_chars=300)]
    assert first == [c.id for c in chunk_section(section, ordinal=1, max_chars=300)]
    assert len(set(first)) == len(first)
    # A fixed value: a change here re-embeds every passage of every installation.
    (chunk,) = chunk_section(_section("Die Zuwendung beträgt bis zu 90 %."))
    assert chunk.id == "aa6bd74681fb761093b6"


def _only_chunk(path: str, text: str, ordinal: int) -> str:
    doc = DocumentInfo(title="RL", path=path, kind="md")
    (chunk,) = chunk_section(Section(doc, ("Ziffer V",), "Ziffer V", text), ordinal=ordinal)
    return chunk.id


@pytest.mark.parametrize(
    ("path", "text", "ordinal"),
    [
        ("richtlinie.md", "Die Zuwendung beträgt bis zu 90 %.", 2),
        ("richtlinie.md", "Die Zuwendung beträgt bis zu 80 %.", 1),
        ("andere.md", "Die Zuwendung beträgt bis zu 90 %.", 1),
    ],
    ids=["ordinal", "text", "path"],
)
def test_id_changes_with_what_identifies_the_chunk(path: str, text: str, ordinal: int) -> None:
    before = _only_chunk("richtlinie.md", "Die Zuwendung beträgt bis zu 90 %.", 1)
    assert _only_chunk(path, text, ordinal) != before
