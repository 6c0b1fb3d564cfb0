"""Office staff drop files of every kind into the knowledge folder; each keeps its structure."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.documents import LoaderError
from retrieval.loaders import load_file
from tests.retrieval.corpus import GUIDELINE_A, write_docx, write_pdf


def test_markdown_sections_carry_their_heading_path(tmp_path: Path) -> None:
    (tmp_path / "alpha.md").write_text(GUIDELINE_A, encoding="utf-8")
    loaded = load_file(tmp_path / "alpha.md", tmp_path)
    by_label = {s.section_label: s for s in loaded.sections}
    assert "90 %" in by_label["Ziffer V › Nr. 2"].text
    assert "15. Oktober" in by_label["Ziffer VI › Nr. 2"].text
    assert all(s.doc.title == "RL Alpha" and s.doc.guideline == "RL Alpha" for s in loaded.sections)


def test_pdf_keeps_page_numbers_and_numbered_paragraphs(tmp_path: Path) -> None:
    write_pdf(
        tmp_path / "richtlinie.pdf",
        "Richtlinie Gamma zur Förderung (RL Gamma)",
        [
            ["I. Zweck", "1. Gefördert werden Projekte der Prävention."],
            ["V. Höhe der Zuwendung", "2. Die Zuwendung beträgt bis zu 75 Prozent der Ausgaben."],
        ],
    )
    loaded = load_file(tmp_path / "richtlinie.pdf", tmp_path)
    hit = next(s for s in loaded.sections if "75 Prozent" in s.text)
    assert hit.page == 2
    assert hit.section_label == "Ziffer V › Nr. 2"
    assert hit.doc.title == "RL Gamma"  # cited by the abbreviation its title page gives
    assert hit.doc.stand == "Richtlinie Gamma zur Förderung (RL Gamma)"
    assert hit.doc.guideline == "RL Gamma"


def test_pdf_without_title_metadata_is_named_by_its_first_line(tmp_path: Path) -> None:
    write_pdf(tmp_path / "x.pdf", "", [["Merkblatt Kassenprüfung", "Text der Seite eins."]])
    loaded = load_file(tmp_path / "x.pdf", tmp_path)
    assert loaded.sections[0].doc.title == "Merkblatt Kassenprüfung"


def test_docx_headings_become_sections(tmp_path: Path) -> None:
    write_docx(
        tmp_path / "hinweise.docx",
        "Hinweisblatt Delta",
        [("Frist", "Der Antrag muss bis 1. März vorliegen."), ("Eigenanteil", "Mindestens 20 %.")],
    )
    loaded = load_file(tmp_path / "hinweise.docx", tmp_path)
    labels = {s.section_label: s.text for s in loaded.sections}
    assert labels["Frist"] == "Der Antrag muss bis 1. März vorliegen."
    assert labels["Eigenanteil"] == "Mindestens 20 %."


def test_encrypted_pdf_gets_a_german_message(tmp_path: Path) -> None:
    write_pdf(tmp_path / "geheim.pdf", "Geheim", [["Text"]], password="s3cret")
    with pytest.raises(LoaderError, match=r"(passwortgeschützt|verschlüsselt)"):
        load_file(tmp_path / "geheim.pdf", tmp_path)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("kaputt.pdf", b"Das ist gar kein PDF, nur Text.", "nicht als PDF"),
        ("kaputt.docx", b"auch kein Word-Dokument", "kein gültiges Word-Dokument"),
        ("binaer.md", bytes(range(256)) * 4, "Binärdaten"),
        ("latin1.md", "Förderung".encode("latin-1"), "UTF-8"),
        ("faq.yaml", b"- frage: ohne antwort\n", "antwort"),
        ("kaputt.yaml", b"- frage: [unclosed\n", "YAML"),
    ],
)
def test_file_that_is_not_what_its_name_says(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(LoaderError, match=expected) as info:
        load_file(tmp_path / name, tmp_path)
    assert name in str(info.value)
