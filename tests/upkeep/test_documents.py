"""The LPR office uploads official documents: checks, preview, publish, replace, withdraw, restore.

Every file is generated here (PDFs with fpdf2, Word files with python-docx), nothing binary is
checked in. The tests follow what staff do in the workspace and what goes wrong for them.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from bot.upkeep import uploads
from bot.upkeep.documents import (
    PublishResult,
    Refusal,
    Upload,
    preview,
    publish,
    restore,
    stored_name,
    validate_upload,
    withdraw,
)
from retrieval.chunking import chunk_section
from retrieval.loaders import load_file

TITLE = (
    "Richtlinie des Sächsischen Staatsministeriums des Innern zur Förderung von",
    "Präventionsprojekten in Testkommunen (RL Test)",
)
PURPOSE = (
    "Die Zuwendungen dienen der kommunalen Kriminalprävention. Gefördert wird, was Städte, "
    "Gemeinden und Landkreise sicherer macht und das Sicherheitsgefühl der Menschen stärkt. "
    "Ein Rechtsanspruch auf die Zuwendung besteht nicht; die Bewilligungsbehörde entscheidet "
    "nach pflichtgemäßem Ermessen im Rahmen der verfügbaren Haushaltsmittel."
)
MARKDOWN = """---
title: Hinweise zur Antragstellung (Testfassung)
richtlinie: RL KommPräv
aliases: [Antragshinweise, Hinweise]
stand: 2025-05-01
quelle: "Geschäftsstelle des LPR (Testfassung)"
hinweis: Nichtamtliche Zusammenfassung in eigenen Worten; maßgeblich ist der amtliche Text.
---

# Hinweise zur Antragstellung

Diese Datei fasst die Antragspraxis der Geschäftsstelle zusammen.

## Fristen

Anträge für das Folgejahr gehen bis zum 15. Oktober bei der Geschäftsstelle ein.

## Unterlagen

Dem Antrag liegen eine Projektbeschreibung und ein Finanzierungsplan bei.
"""


# --- files as the office has them -------------------------------------------------------------


def official_pdf(first: str = "Der Freistaat Sachsen gewährt Zuwendungen für Projekte.") -> bytes:
    """A two-page guideline: title page with Ziffer I, Ziffer II on page 2."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for line in ("Sächsisches Amtsblatt Nr. 1", *TITLE, "Vom 1. Januar 2025"):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "I. Zuwendungszweck", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 8, f"1. {first} {PURPOSE}", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    for line in (
        "II. Gegenstand der Förderung",
        "1. Gefördert werden Projekte der Prävention in Städten und Gemeinden.",
    ):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def encrypted_pdf(user_password: str = "geheim") -> bytes:
    pdf = FPDF()
    pdf.set_encryption(owner_password="lpr-intern", user_password=user_password)
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 8, "Richtlinie zur Förderung geheimer Projekte (RL Geheim)")
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A page with only an image-like drawing, as a scan without OCR is."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 150, 200, style="F")
    return bytes(pdf.output())


def official_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Richtlinie zur Förderung von Dokumenten (RL Doku)", level=1)
    document.add_heading("I. Zuwendungszweck", level=2)
    document.add_paragraph("Der Freistaat fördert Projekte der kommunalen Prävention.")
    document.add_heading("II. Gegenstand der Förderung", level=2)
    document.add_paragraph("Gefördert werden Projektbeschreibungen nach den Beccaria-Standards.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def repacked_docx(
    extra: dict[str, bytes] | None = None,
    zeros_mb: int = 0,
    replace: dict[str, bytes] | None = None,
) -> bytes:
    """The Word file from `official_docx` with members added, replaced or padded with zeros."""
    source = zipfile.ZipFile(io.BytesIO(official_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = (replace or {}).get(info.filename) or source.read(info.filename)
            target.writestr(info, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
        if zeros_mb:
            with target.open("word/media/nullen.bin", "w") as member:
                for _ in range(zeros_mb):
                    member.write(bytes(1024 * 1024))
    return out.getvalue()


def accepted(filename: str, data: bytes) -> Upload:
    result = validate_upload(filename, data)
    assert isinstance(result, Upload), result
    return result


def refused(result: object) -> str:
    """The refusal's message, checked to tell staff in German what to do."""
    assert isinstance(result, Refusal), result
    assert "Bitte" in result.message, result.message
    return result.message


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "faq.yaml").write_text("[]\n", encoding="utf-8")
    return folder


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return tmp_path / "archiv"


# --- upload and preview -----------------------------------------------------------------------


def test_uploaded_guideline_pdf_shows_title_abbreviation_sections_and_pages(
    knowledge: Path,
) -> None:
    upload = accepted("RL Test (Amtsblatt).pdf", official_pdf())
    assert upload.stored_name == "rl-test-amtsblatt.pdf"

    seen = preview(upload, knowledge)

    assert seen.title == " ".join(TITLE)
    assert seen.abbreviation == "RL Test"
    assert seen.guideline == "RL Test"
    assert [(s.label, s.page) for s in seen.sections] == [
        ("RL Test", 1),  # the title page before Ziffer I
        ("Ziffer I", 1),
        ("Ziffer I › Nr. 1", 1),
        ("Ziffer II", 2),
        ("Ziffer II › Nr. 1", 2),
    ]
    assert seen.chunk_count == len(seen.chunks) == 5
    purpose = seen.chunks[2]
    assert purpose.text.startswith("• Der Freistaat Sachsen gewährt Zuwendungen")
    assert purpose.text.endswith(" …") and len(purpose.text) <= 202
    assert any("Gefördert werden Projekte" in c.text and c.page == 2 for c in seen.chunks)
    assert not seen.replaces
    assert not seen.unchanged


def test_uploaded_word_document_shows_its_headings(knowledge: Path) -> None:
    seen = preview(accepted("Richtlinie Doku.docx", official_docx()), knowledge)

    assert seen.kind == "docx"
    assert seen.title == "Richtlinie zur Förderung von Dokumenten (RL Doku)"
    assert seen.abbreviation == "RL Doku"
    assert [(s.label, s.page) for s in seen.sections] == [
        ("I. Zuwendungszweck", None),
        ("II. Gegenstand der Förderung", None),
    ]
    assert seen.chunk_count == 2
    assert seen.chunks[1].text.startswith("Gefördert werden Projektbeschreibungen")


def test_uploaded_markdown_summary_uses_its_front_matter(knowledge: Path) -> None:
    seen = preview(accepted("hinweise-antrag.md", MARKDOWN.encode()), knowledge)

    assert seen.title == "Hinweise zur Antragstellung (Testfassung)"
    assert seen.abbreviation == ""
    assert seen.guideline == "RL KommPräv"
    assert [s.label for s in seen.sections] == [
        "Hinweise zur Antragstellung (Testfassung)",  # the text before the first ## heading
        "Fristen",
        "Unterlagen",
    ]
    assert seen.chunk_count == 3
    assert seen.notes == ()


def test_preview_chunks_are_the_ones_the_indexer_will_build(knowledge: Path, archive: Path) -> None:
    upload = accepted("rl-test.pdf", official_pdf())
    seen = preview(upload, knowledge)
    assert isinstance(publish(upload, knowledge, archive), PublishResult)

    loaded = load_file(knowledge / "rl-test.pdf", knowledge)
    built = [c for i, s in enumerate(loaded.sections) for c in chunk_section(s, i)]
    assert len(built) == seen.chunk_count
    assert [(c.section or c.heading, c.page) for c in built] == [
        (c.label, c.page) for c in seen.chunks
    ]


def test_macros_in_a_word_file_are_ignored_and_only_its_text_is_taken(knowledge: Path) -> None:
    data = repacked_docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 Makro Sub AutoOpen()"})
    seen = preview(accepted("mit-makro.docx", data), knowledge)

    assert seen.abbreviation == "RL Doku"
    assert any("Makros" in note and "nicht ausgeführt" in note for note in seen.notes)


# --- publish, replace, withdraw, restore ------------------------------------------------------


def test_publish_replace_withdraw_and_restore_keep_every_version(
    knowledge: Path, archive: Path
) -> None:
    first = accepted("RL Test.pdf", official_pdf())
    second = accepted("RL Test.pdf", official_pdf("Die Förderung wurde 2026 geändert."))
    target = knowledge / "rl-test.pdf"

    published = publish(first, knowledge, archive)
    assert published == PublishResult("rl-test.pdf", first.sha256, False, None)
    assert target.read_bytes() == first.data

    seen = preview(second, knowledge)
    assert seen.replaces and not seen.unchanged
    assert any("ersetzt" in note for note in seen.notes)
    assert preview(first, knowledge).unchanged

    replaced = publish(second, knowledge, archive)
    assert isinstance(replaced, PublishResult)
    assert replaced.replaced
    assert replaced.archived_as == f"{first.sha256}.pdf"
    assert (archive / replaced.archived_as).read_bytes() == first.data
    assert target.read_bytes() == second.data

    withdrawn = withdraw("rl-test.pdf", knowledge, archive)
    assert withdrawn == f"{second.sha256}.pdf"
    assert not target.exists()
    assert (archive / withdrawn).read_bytes() == second.data

    restored = restore(f"{first.sha256}.pdf", "rl-test.pdf", knowledge, archive)
    assert restored == PublishResult("rl-test.pdf", first.sha256, False, None)
    assert target.read_bytes() == first.data

    assert sorted(p.name for p in knowledge.iterdir()) == ["faq.yaml", "rl-test.pdf"]
    assert (knowledge / "faq.yaml").read_text(encoding="utf-8") == "[]\n"


def test_a_damaged_or_unknown_archive_version_is_not_restored(
    knowledge: Path, archive: Path
) -> None:
    upload = accepted("rl-test.pdf", official_pdf())
    publish(upload, knowledge, archive)
    kept = withdraw("rl-test.pdf", knowledge, archive)
    assert isinstance(kept, str)
    (archive / kept).write_bytes(b"%PDF-1.3 kaputt")

    assert "beschädigt" in refused(restore(kept, "rl-test.pdf", knowledge, archive))
    assert "keine archivierte Fassung" in refused(
        restore("../../etc/passwd", "rl-test.pdf", knowledge, archive)
    )
    assert "Endung .pdf" in refused(restore(kept, "rl-test.md", knowledge, archive))
    assert not (knowledge / "rl-test.pdf").exists()


@pytest.mark.parametrize("name", ["faq.yaml", "faq.yml", "../knowledge/rl-test.pdf", "x.exe"])
def test_only_uploaded_document_types_can_be_withdrawn(
    knowledge: Path, archive: Path, name: str
) -> None:
    refused(withdraw(name, knowledge, archive))
    assert (knowledge / "faq.yaml").exists()


def test_withdrawing_what_is_not_published_says_so(knowledge: Path, archive: Path) -> None:
    assert "nicht (mehr) veröffentlicht" in refused(withdraw("fehlt.pdf", knowledge, archive))


# --- bad files --------------------------------------------------------------------------------


def _truncated_pdf() -> bytes:
    data = official_pdf()
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize(
    ("filename", "data", "says"),
    [
        ("leer.pdf", b"", "leer"),
        ("antrag.exe", b"MZ\x90\x00", "Endung .exe"),
        ("notizen.txt", "Förderung".encode(), "Endung .txt"),
        ("richtlinie", b"%PDF-1.7", "keine Dateiendung"),
        ("faq.yaml", b"- frage: x\n", "FAQ"),
        ("richtlinie.docx", official_pdf(), "ist aber ein PDF"),
        ("richtlinie.pdf", official_docx(), "ist aber ein Word-Dokument"),
        ("richtlinie.md", official_pdf(), "Endung .pdf"),
        ("alt.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "Speichern unter"),
        ("tabelle.docx", b"PK\x03\x04kaputt", "ZIP-Archiv"),
        ("abgeschnitten.pdf", _truncated_pdf(), "beschädigt"),
        ("muell.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "beschädigt"),
        ("gesperrt.pdf", encrypted_pdf(), "verschlüsselt"),
        ("nur-rechte.pdf", encrypted_pdf(user_password=""), "verschlüsselt"),
        ("scan.pdf", scanned_pdf(), "OCR"),
        ("latin1.md", "# Förderung\n".encode("latin-1"), "UTF-8"),
        ("nul.md", b"# Titel\n\x00\x00", "UTF-8"),
        ("leer.md", b"  \n\n", "keinen Text"),
        ("....pdf", official_pdf(), "keine verwendbaren"),
        (".md", MARKDOWN.encode(), "keine verwendbaren"),
        ("...", b"%PDF-1.7", "keine Dateiendung"),
        ("..", MARKDOWN.encode(), "keine Dateiendung"),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_what_to_do(
    filename: str, data: bytes, says: str
) -> None:
    assert says in refused(validate_upload(filename, data))


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9, 0.99])
def test_a_pdf_cut_off_by_an_interrupted_download_is_refused(keep: float) -> None:
    data = official_pdf()
    cut = data[: int(len(data) * keep)]
    assert "beschädigt" in refused(validate_upload("rl-test.pdf", cut))


def test_a_word_file_that_unpacks_to_a_huge_run_of_zeros_is_refused() -> None:
    bomb = repacked_docx(zeros_mb=110)
    assert len(bomb) < 1024 * 1024  # small to upload, 110 MB unpacked
    assert "ungewöhnlich groß" in refused(validate_upload("bombe.docx", bomb))


def test_a_word_file_packed_far_beyond_normal_ratios_is_refused() -> None:
    packed = repacked_docx(zeros_mb=5)
    assert "ungewöhnlich groß" in refused(validate_upload("gepackt.docx", packed))


def test_a_macro_enabled_word_file_is_refused_with_how_to_save_it() -> None:
    source = zipfile.ZipFile(io.BytesIO(official_docx()))
    types = source.read("[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    data = repacked_docx(replace={"[Content_Types].xml": types})
    assert "Speichern unter" in refused(validate_upload("makros.docx", data))


def test_files_over_the_size_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    message = refused(validate_upload("gross.md", MARKDOWN.encode() * 2))
    assert "zu groß" in message and "höchstens 1 KB" in message
    assert isinstance(validate_upload("klein.md", MARKDOWN.encode()[:900]), Upload)


# --- names and places -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "stored"),
    [
        ("../../etc/passwd.md", "passwd.md"),
        ("..\\x.md", "x.md"),
        ("/etc/cron.d/job.md", "job.md"),
        ("C:\\Users\\Sachbearbeiterin\\Hinweise Präv.md", "hinweise-praev.md"),
        ("..\\..\\..\\.bashrc.md", "bashrc.md"),
        ("evil\x00.pdf.md", "evil-pdf.md"),
        ("zeile\nneu\t.md", "zeileneu.md"),
        ("  --Förder..Hinweise__ .md", "foerder-hinweise.md"),
    ],
)
def test_path_tricks_in_file_names_stay_inside_the_knowledge_folder(
    tmp_path: Path, knowledge: Path, archive: Path, filename: str, stored: str
) -> None:
    assert stored_name(filename) == stored
    upload = accepted(filename, MARKDOWN.encode())
    assert not any(ch in upload.filename for ch in "/\\\x00\n")  # shown to staff as is
    result = publish(upload, knowledge, archive)

    assert isinstance(result, PublishResult)
    assert result.name == stored
    assert (knowledge / stored).resolve().parent == knowledge.resolve()
    outside = {p for p in tmp_path.rglob("*") if p.is_file()} - set(knowledge.rglob("*"))
    assert outside == set()


def test_publishing_over_a_symlink_is_refused_and_the_link_target_untouched(
    tmp_path: Path, knowledge: Path, archive: Path
) -> None:
    outside = tmp_path / "ausserhalb.md"
    outside.write_text("nicht anfassen\n", encoding="utf-8")
    (knowledge / "hinweise.md").symlink_to(outside)
    upload = accepted("hinweise.md", MARKDOWN.encode())

    assert preview(upload, knowledge).replaces
    assert "Verweis" in refused(publish(upload, knowledge, archive))
    assert "Verweis" in refused(withdraw("hinweise.md", knowledge, archive))

    assert outside.read_text(encoding="utf-8") == "nicht anfassen\n"
    assert (knowledge / "hinweise.md").is_symlink()
    assert not archive.exists() or list(archive.iterdir()) == []


def test_a_knowledge_folder_that_is_a_link_is_refused(tmp_path: Path, archive: Path) -> None:
    real = tmp_path / "woanders"
    real.mkdir()
    linked = tmp_path / "knowledge-link"
    linked.symlink_to(real, target_is_directory=True)

    assert "Verweis" in refused(publish(accepted("a.md", MARKDOWN.encode()), linked, archive))
    assert list(real.iterdir()) == []


def test_an_archive_inside_the_knowledge_folder_would_be_indexed_and_is_refused(
    knowledge: Path,
) -> None:
    upload = accepted("a.md", MARKDOWN.encode())
    assert "indexiert" in refused(publish(upload, knowledge, knowledge / "archiv"))
    assert isinstance(publish(upload, knowledge, knowledge / ".archiv"), PublishResult)


def test_archive_names_are_the_sha256_of_the_old_bytes(knowledge: Path, archive: Path) -> None:
    first = accepted("a.md", MARKDOWN.encode())
    second = accepted("a.md", MARKDOWN.replace("15. Oktober", "30. September").encode())
    publish(first, knowledge, archive)
    result = publish(second, knowledge, archive)

    assert isinstance(result, PublishResult)
    assert result.archived_as == hashlib.sha256(MARKDOWN.encode()).hexdigest() + ".md"
