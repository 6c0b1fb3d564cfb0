"""Read Markdown, FAQ YAML, PDF and DOCX files into sections that keep their heading path."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import yaml

from retrieval.documents import DocumentInfo, FaqEntry, LoadedFile, LoaderError, Section

SUPPORTED = (".md", ".markdown", ".yaml", ".yml", ".pdf", ".docx")

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
# "Ziffer V – Art, Umfang" -> label "Ziffer V"; "Schritt 3 - Ziele" -> "Schritt 3".
_LABEL_SPLIT = re.compile(r"\s+[–—-]\s+")
# Short names in a title's parentheses: "(RL KommPräv)", "(Richtlinie Kommunale Prävention –
# RL KommPräv)", "(Förderrichtlinie Prävention im Sport - FRL PrävSiSpo)".
_PARENTHESES = re.compile(r"\(([^()]{2,120})\)")
_ACRONYM = re.compile(r"^(?:F?RL|VwV|FRL)\s+\S.{0,38}$")
_NAME_SPLIT = re.compile(r"\s+[–—-]\s+")
# What the title line of an official document starts with.
_TITLE_START = re.compile(
    r"^(?:Gemeinsame\s+)?(?:Richtlinie|Förderrichtlinie|Verwaltungsvorschrift|Merkblatt|"
    r"Hinweisblatt|Hinweise|Leitfaden|Bekanntmachung|Erlass|Satzung|Verordnung)\b"
)
# A title line that ends like this goes on in the next line ("… zur Förderung von").
_OPEN_END = re.compile(
    r"\b(?:zur|zum|von|vom|der|des|den|dem|für|und|im|in|über|mit|bei|nach|durch|an|auf)$"
)
_TITLE_END = re.compile(r"^(?:Vom\s+\d|vom\s+\d|Stand\b|\d{1,2}\.\s*\w+\s+\d{4}|[IVX]+\.)")
_GUIDELINE_WORDS = re.compile(r"\b(Richtlinie|Förderrichtlinie|FRL|RL)\b")
# Structure of official guideline PDFs: "V." or "V. Art und Umfang" (Ziffer) and "2." (Nr.).
_ROMAN_HEADING = re.compile(r"^(X{0,3}(?:IX|IV|V?I{0,3}))\.\s*([A-ZÄÖÜ].{0,120})?$")
_NUMBER_HEADING = re.compile(r"^(\d{1,2})\.\s+\S")
_PARAGRAPH_HEADING = re.compile(r"^(§\s*\d+[a-z]?)\b\s*(.*)$")


class Loader(Protocol):
    def __call__(self, path: Path, rel: str) -> LoadedFile: ...


def heading_label(heading: str) -> str:
    """Short citation label of a heading: the part before the dash."""
    return _LABEL_SPLIT.split(heading.strip(), maxsplit=1)[0].strip()


def short_names(title: str) -> tuple[str, str]:
    """(abbreviation, short name) a title gives in parentheses, "" where it gives none.

    >>> short_names("Förderrichtlinie … (Förderrichtlinie Prävention im Sport - FRL PrävSiSpo)")
    ('FRL PrävSiSpo', 'Förderrichtlinie Prävention im Sport')
    """
    for inner in reversed(_PARENTHESES.findall(title)):
        parts = [p.strip() for p in _NAME_SPLIT.split(" ".join(inner.split()))]
        acronym = next((p for p in reversed(parts) if _ACRONYM.match(p)), "")
        if acronym:
            name = next((p for p in parts if p != acronym), "")
            return acronym, name
    return "", ""


def guideline_of(title: str, declared: str = "") -> str:
    """Guideline key of a document: declared in front matter, else its abbreviation, else the
    title itself when it is a guideline."""
    if declared:
        return declared.strip()
    acronym, _ = short_names(title)
    if acronym:
        return acronym
    if _GUIDELINE_WORDS.search(title):
        return title.strip()
    return ""


def title_page_name(first_page: str) -> str:
    """The title an official document prints on its first page, joined across line breaks.

    Header lines before it ("Sächsisches Amtsblatt Nr. 24", a draft stamp) are skipped; the
    title runs until the date line ("Vom 12. Juni 2018") or the first Ziffer.
    """
    lines = [ln.strip() for ln in first_page.splitlines() if ln.strip()][:15]
    start = next((i for i, ln in enumerate(lines) if _TITLE_START.match(ln)), None)
    if start is None:
        return ""
    title: list[str] = []
    for ln in lines[start:]:
        if title and _TITLE_END.match(ln):
            break
        title.append(ln)
        joined = " ".join(title)
        unclosed = joined.count("(") > joined.count(")")
        if not unclosed and not _OPEN_END.search(ln):
            break
    return " ".join(" ".join(title).split())[:300]


def load_file(path: Path, root: Path) -> LoadedFile:
    rel = path.relative_to(root).as_posix()
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return load_markdown(path, rel)
    if suffix in (".yaml", ".yml"):
        return load_faq(path, rel)
    if suffix == ".pdf":
        return load_pdf(path, rel)
    if suffix == ".docx":
        return load_docx(path, rel)
    raise LoaderError(f"{rel}: Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt.")


def _read_text(path: Path, rel: str) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise LoaderError(
            f"{rel}: Die Datei enthält Binärdaten und ist keine Textdatei. "
            "Bitte als Markdown (UTF-8) speichern."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoaderError(
            f"{rel}: Die Datei ist nicht UTF-8-kodiert. Bitte als UTF-8 speichern."
        ) from exc


def load_markdown(path: Path, rel: str) -> LoadedFile:
    text = _read_text(path, rel)
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise LoaderError(
                f"{rel}: Der Kopfbereich (Front Matter) ist kein gültiges YAML."
            ) from exc
        meta = loaded if isinstance(loaded, dict) else {}
        text = text[match.end() :]
    lines = text.splitlines()
    title = str(meta.get("title") or "").strip()
    if not title:
        first = next((m for m in map(_MD_HEADING.match, lines) if m), None)
        title = first.group(2).strip() if first else Path(rel).stem
    doc = DocumentInfo(
        title=title,
        path=rel,
        kind="md",
        guideline=guideline_of(title, str(meta.get("richtlinie") or "")),
        aliases=tuple(str(a) for a in meta.get("aliases") or ()),
        stand=str(meta.get("stand") or ""),
    )
    out = LoadedFile(path=rel)
    stack: list[tuple[int, str]] = []  # (level, heading) below the title
    buffer: list[str] = []

    def flush() -> None:
        body = "\n".join(buffer).strip()
        buffer.clear()
        if body:
            path_labels = tuple(heading_label(h) for _, h in stack)
            out.sections.append(Section(doc, path_labels, stack[-1][1] if stack else title, body))

    for line in lines:
        m = _MD_HEADING.match(line)
        if not m:
            buffer.append(line)
            continue
        flush()
        level = len(m.group(1))
        if level == 1:
            stack.clear()
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, m.group(2).strip()))
    flush()
    return out


def load_faq(path: Path, rel: str) -> LoadedFile:
    text = _read_text(path, rel)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LoaderError(f"{rel}: Kein gültiges YAML ({exc.__class__.__name__}).") from exc
    if not isinstance(data, list):
        raise LoaderError(f"{rel}: Eine FAQ-Datei muss eine Liste von Einträgen sein.")
    out = LoadedFile(path=rel)
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not item.get("frage") or not item.get("antwort"):
            raise LoaderError(f"{rel}: Eintrag {i} braucht mindestens „frage“ und „antwort“.")
        if not _in_force(item):
            continue  # retired in the workspace, or not valid yet: kept in the file, not answered
        source = item.get("quelle") or {}
        if not isinstance(source, dict):
            raise LoaderError(f"{rel}: Eintrag {i}: „quelle“ braucht dokument und abschnitt.")
        out.faq.append(
            FaqEntry(
                id=str(item.get("id") or f"faq-{i}"),
                question=str(item["frage"]).strip(),
                phrasings=tuple(str(p).strip() for p in item.get("formulierungen") or ()),
                answer=" ".join(str(item["antwort"]).split()),
                document=str(source.get("dokument") or "").strip(),
                section=str(source.get("abschnitt") or "").strip(),
                path=rel,
                guideline=str(item.get("richtlinie") or "").strip(),
            )
        )
    return out


def _in_force(item: dict[str, Any]) -> bool:
    """An entry is answered unless retired (`zurueckgezogen: true`) or valid only from a later
    day (`gueltig_ab`); a future entry goes live with the first index build on or after it."""
    if item.get("zurueckgezogen") is True:
        return False
    valid_from = item.get("gueltig_ab")
    if isinstance(valid_from, datetime):
        valid_from = valid_from.date()
    return not (isinstance(valid_from, date) and valid_from > date.today())


def load_pdf(path: Path, rel: str) -> LoadedFile:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoaderError(
                f"{rel}: Das PDF ist passwortgeschützt. Bitte eine Fassung ohne Passwort ablegen."
            )
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata: dict[str, Any] = dict(reader.metadata or {})
        meta_title = str(metadata.get("/Title") or "").strip()
    except LoaderError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError, TypeError) as exc:
        raise LoaderError(
            f"{rel}: Die Datei lässt sich nicht als PDF lesen (beschädigt oder kein PDF). "
            "Bitte das Original erneut speichern oder als PDF exportieren."
        ) from exc
    except Exception as exc:  # pypdf raises many internal errors on broken files
        if "crypt" in str(exc).lower():
            raise LoaderError(
                f"{rel}: Das PDF ist verschlüsselt. Bitte eine unverschlüsselte Fassung ablegen."
            ) from exc
        raise LoaderError(f"{rel}: Die Datei lässt sich nicht als PDF lesen.") from exc
    if not any(p.strip() for p in pages):
        raise LoaderError(
            f"{rel}: Das PDF enthält keinen auslesbaren Text (vermutlich ein Scan). "
            "Bitte eine Fassung mit Text (OCR) ablegen."
        )
    first_line = next((ln.strip() for p in pages for ln in p.splitlines() if ln.strip()), "")
    title = title_page_name(pages[0]) or meta_title or first_line[:150] or Path(rel).stem
    doc = _official(title, rel, "pdf")
    return LoadedFile(path=rel, sections=_structured_pages(doc, pages))


def _official(title: str, rel: str, kind: str) -> DocumentInfo:
    """An official document is cited by its abbreviation when its title gives one."""
    acronym, name = short_names(title)
    aliases = tuple(a for a in (acronym, name) if a)
    return DocumentInfo(
        title=acronym or title,
        path=rel,
        kind=kind,
        guideline=guideline_of(title),
        aliases=aliases,
        stand=title,  # the full title stays on record
    )


def _structured_pages(doc: DocumentInfo, pages: list[str]) -> list[Section]:
    """Split official text at Roman Ziffern, numbered paragraphs and §§, per page.

    A guideline PDF reads "V. Art, Umfang und Höhe" ... "2. Die Zuwendung beträgt ...";
    that yields the path ("Ziffer V", "Nr. 2") for the text after it, page kept.
    """
    sections: list[Section] = []
    labels: tuple[str, ...] = ()
    heading = doc.title
    for page_no, page in enumerate(pages, 1):
        buffer: list[str] = []
        for raw in page.splitlines():
            line = raw.strip()
            if not line:
                continue
            new_labels = _pdf_heading(line, labels)
            if new_labels is not None:
                _flush_pdf(sections, doc, labels, heading, buffer, page_no)
                labels, heading = new_labels, line
            buffer.append(line)
        _flush_pdf(sections, doc, labels, heading, buffer, page_no)
    return sections


def _pdf_heading(line: str, labels: tuple[str, ...]) -> tuple[str, ...] | None:
    """New heading path if the line starts a Ziffer, a § or a numbered paragraph."""
    roman = _ROMAN_HEADING.match(line)
    if roman and roman.group(1):
        return (f"Ziffer {roman.group(1)}",)
    para = _PARAGRAPH_HEADING.match(line)
    if para:
        return (" ".join(para.group(1).replace("§", "§ ").split()),)
    number = _NUMBER_HEADING.match(line)
    if number:
        return (*labels[:1], f"Nr. {number.group(1)}")
    return None


def _flush_pdf(
    sections: list[Section],
    doc: DocumentInfo,
    labels: tuple[str, ...],
    heading: str,
    buffer: list[str],
    page_no: int,
) -> None:
    body = " ".join(" ".join(buffer).split())
    buffer.clear()
    if body:
        sections.append(Section(doc, labels, heading, body, page=page_no))


def load_docx(path: Path, rel: str) -> LoadedFile:
    import docx

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoaderError(
            f"{rel}: Die Datei ist kein gültiges Word-Dokument (DOCX). "
            "Bitte in Word als .docx speichern."
        ) from exc
    except Exception as exc:  # python-docx wraps lxml/zip errors inconsistently
        raise LoaderError(
            f"{rel}: Die Datei ist kein gültiges Word-Dokument (DOCX) oder beschädigt. "
            "Bitte in Word als .docx speichern."
        ) from exc
    paragraphs: list[tuple[int, str]] = []  # (heading level or 0, text)
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level = 0
        m = re.match(r"(?:Heading|Überschrift)\s*(\d)", style)
        if m:
            level = int(m.group(1))
        elif style == "Title":
            level = 1
        paragraphs.append((level, text))
    title = str(document.core_properties.title or "").strip()
    if not title:
        title = next((t for lvl, t in paragraphs if lvl == 1), "") or Path(rel).stem
    doc = _official(title, rel, "docx")
    out = LoadedFile(path=rel)
    stack: list[tuple[int, str]] = []
    buffer: list[str] = []

    def flush() -> None:
        body = "\n".join(buffer).strip()
        buffer.clear()
        if body:
            labels = tuple(heading_label(h) for _, h in stack)
            out.sections.append(Section(doc, labels, stack[-1][1] if stack else title, body))

    for level, text in paragraphs:
        if level == 0:
            buffer.append(text)
            continue
        flush()
        if level == 1 and text == title:
            stack.clear()
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, text))
    flush()
    return out
