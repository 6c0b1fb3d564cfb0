"""Checking an uploaded official document before anything of it reaches KNOWLEDGE_DIR.

The LPR office uploads PDF, DOCX and Markdown files in the web workspace. Everything here runs
on the bytes alone: the type is decided by the content *and* the extension (a PDF named .docx
is refused rather than guessed), the stored name is rebuilt from scratch so it can never point
outside the knowledge folder, and the file is read once with the very loader the indexer uses,
so an accepted upload is one the index will also read. Every refusal is German and says what
to do, because the person reading it is office staff, not an administrator.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from retrieval.documents import LoaderError, Section
from retrieval.loaders import load_file

Kind = Literal["pdf", "docx", "md"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""Largest upload; official guidelines are a few MB, anything bigger is a scan or a mistake."""
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
"""Largest total a DOCX may unpack to; more is a zip bomb, not a Word text."""
MAX_COMPRESSION_RATIO = 100
"""Word XML packs about 5–30 : 1; a member packing more than this is padding, not text."""
RATIO_CHECK_FROM_BYTES = 1024 * 1024
"""Ratios of small members are meaningless (a few bytes of zeros pack 200 : 1 harmlessly)."""
MAX_ZIP_MEMBERS = 5000

EXTENSIONS: dict[str, Kind] = {".pdf": "pdf", ".docx": "docx", ".md": "md"}
KIND_NAMES: dict[str, str] = {
    "pdf": "ein PDF",
    "docx": "ein Word-Dokument (DOCX)",
    "md": "eine Textdatei (Markdown)",
    "doc": "ein altes Word-Dokument (.doc)",
    "zip": "ein ZIP-Archiv (kein Word-Dokument)",
    "binary": "eine Binärdatei",
}
_ALLOWED = "PDF (.pdf), Word (.docx) oder Markdown (.md)"
_STORED_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.(?:pdf|docx|md)$")
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_MAX_STEM = 100


@dataclass(frozen=True)
class Refusal:
    """An upload or file operation that was not done; `message` is German and says what to do."""

    message: str


@dataclass(frozen=True)
class Upload:
    """An accepted upload: safe stored name, checked type, and the sections the loader read.

    Only `validate_upload` makes these, so holding one means the file was read successfully by
    the indexer's own loader (`sections`); preview and publish build on that instead of
    reading the file a second time.
    """

    filename: str  # as the browser sent it, for messages only
    stored_name: str  # the name in KNOWLEDGE_DIR: [a-z0-9._-], no directories
    kind: Kind
    data: bytes = field(repr=False)
    sections: tuple[Section, ...] = field(repr=False, default=())
    notes: tuple[str, ...] = ()  # German hints that do not stop the upload

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def extension(self) -> str:
        return self.stored_name.rsplit(".", 1)[1]


def _split_name(filename: str) -> tuple[str, str]:
    """(stem, extension) of a browser-sent name, both reduced to [a-z0-9._-] / [a-z0-9]."""
    name = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKC", name).lower().translate(_TRANSLITERATE)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9._-]+", "-", name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = re.sub(r"[.-]*[.][.-]*", "-", stem)  # no dots left in the stem, so never ".."
    stem = re.sub(r"-{2,}", "-", stem).strip("_-")[:_MAX_STEM].strip("_-")
    return stem, re.sub(r"[^a-z0-9]", "", ext)


def stored_name(filename: str) -> str:
    """The name an upload is stored under, "" when no usable stem is left.

    Browsers send anything: "C:\\Users\\…\\RL KommPräv.pdf", "../../etc/passwd.md", names with
    NUL or control characters. Only the last path component survives; umlauts become ae/oe/ue,
    everything outside [a-z0-9._-] becomes "-", the stem keeps no dots, so the result is a
    plain file name inside the target folder and never a hidden file or "..".

    >>> stored_name("..\\\\Entwürfe/RL KommPräv (2024).PDF")
    'rl-kommpraev-2024.pdf'
    """
    stem, ext = _split_name(filename)
    if not stem:
        return ""
    return f"{stem}.{ext}" if ext else stem


def is_stored_name(name: str) -> bool:
    """Whether `name` is exactly what `stored_name` produces for an allowed document type."""
    return bool(_STORED_NAME.match(name)) and stored_name(name) == name


def sniff(data: bytes) -> str:
    """Type by content: "pdf", "docx", "zip", "doc", "md" (UTF-8 text) or "binary"."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "zip"
        return "docx" if "word/document.xml" in names else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if b"\x00" in data:
        return "binary"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "binary"
    return "md"


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(size // 1024, 1)} KB"


def _shown_name(filename: str) -> str:
    """The name as staff know it, for messages: last path part, no control characters."""
    name = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C")
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (name[:117] + "…" if len(name) > 120 else name) or "(ohne Namen)"


def validate_upload(filename: str, data: bytes) -> Upload | Refusal:
    """Accept an upload only when name, size, content type and content all fit.

    Checks run cheapest first; the last one reads the file with the indexer's loader in a
    private temporary folder, so a file accepted here is never one the index cannot read.
    """
    shown = _shown_name(filename)
    if not data:
        return Refusal(
            f"„{shown}“ ist leer (0 Byte). Bitte die Datei erneut speichern und hochladen."
        )
    if len(data) > MAX_UPLOAD_BYTES:
        return Refusal(
            f"„{shown}“ ist mit {_size_text(len(data))} zu groß; erlaubt sind höchstens "
            f"{_size_text(MAX_UPLOAD_BYTES)}. Bitte eine kleinere Fassung hochladen, etwa ein "
            "PDF ohne eingebettete Bilder."
        )
    stem, bare_ext = _split_name(filename)
    if bare_ext in ("yaml", "yml"):
        return Refusal(
            "Die FAQ wird nicht als Datei hochgeladen. Bitte Fragen und Antworten im "
            "Arbeitsbereich unter „FAQ“ pflegen."
        )
    ext = f".{bare_ext}" if bare_ext else ""
    if ext not in EXTENSIONS:
        return Refusal(
            f"„{shown}“ hat {f'die Endung {ext}' if ext else 'keine Dateiendung'}. "
            f"Hochgeladen werden können nur {_ALLOWED}. Bitte die Datei in einem dieser "
            "Formate speichern."
        )
    if not stem:
        return Refusal(
            f"Der Dateiname „{shown}“ enthält keine verwendbaren Buchstaben oder Ziffern. "
            "Bitte die Datei sinnvoll benennen, z. B. „richtlinie-kommpraev.pdf“."
        )
    name = f"{stem}{ext}"
    kind = EXTENSIONS[ext]
    found = sniff(data)
    if found != kind:
        return _mismatch(shown, kind, found)
    check = {"pdf": _check_pdf, "docx": _check_docx, "md": _check_markdown}[kind]
    notes = check(shown, data)
    if isinstance(notes, Refusal):
        return notes
    sections = _trial_load(name, data)
    if isinstance(sections, Refusal):
        return sections
    if not sections:
        return Refusal(
            f"In „{shown}“ steht kein lesbarer Text. Bitte eine Fassung mit Text hochladen "
            "(bei Scans zuerst eine Texterkennung/OCR durchführen)."
        )
    return Upload(shown, name, kind, data, sections, notes)


def _mismatch(shown: str, kind: Kind, found: str) -> Refusal:
    """Content and extension disagree: say what the file really is and what to do."""
    advice = {
        "pdf": "Bitte mit der Endung .pdf hochladen.",
        "docx": "Bitte mit der Endung .docx hochladen.",
        "md": "Bitte als Markdown-Datei mit der Endung .md hochladen.",
        "doc": "Bitte in Word öffnen und „Speichern unter“ › „Word-Dokument (.docx)“ wählen.",
    }.get(found, f"Bitte die Datei als {_ALLOWED} speichern und erneut hochladen.")
    if kind == "md" and found == "binary":
        return Refusal(
            f"„{shown}“ ist keine UTF-8-Textdatei (Binärdaten oder andere Zeichenkodierung). "
            "Bitte im Editor als „UTF-8“ speichern und erneut hochladen."
        )
    return Refusal(
        f"„{shown}“ heißt wie {KIND_NAMES[kind]}, ist aber {KIND_NAMES[found]}. {advice}"
    )


def _check_pdf(shown: str, data: bytes) -> tuple[str, ...] | Refusal:
    """Refuse broken and encrypted PDFs with their reason before the loader sees them.

    Every encrypted PDF is refused, also one that opens without a password (permissions only):
    staff get one clear rule, and the text of the published file is never locked.
    """
    from pypdf import PdfReader

    broken = Refusal(
        f"„{shown}“ ist beschädigt und lässt sich nicht als PDF lesen. Bitte das Original "
        "erneut als PDF exportieren oder herunterladen und hochladen."
    )
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception:  # pypdf raises many unrelated error types on broken files
        return broken
    if encrypted:
        return Refusal(
            f"„{shown}“ ist verschlüsselt bzw. mit einem Passwort geschützt und kann nicht "
            "gelesen werden. Bitte eine Fassung ohne Kennwort und ohne Sicherheitseinstellungen "
            "speichern (z. B. „Drucken als PDF“) und diese hochladen."
        )
    if pages == 0:
        return broken
    return ()


def _check_docx(shown: str, data: bytes) -> tuple[str, ...] | Refusal:
    """Refuse zip bombs by the sizes the archive declares, before anything is unpacked.

    python-docx reads members through `zipfile`, which never returns more than a member's
    declared size, so checking the declared sizes bounds what the loader will unpack (and it
    parses XML with entity resolution off). Macro code and other unexpected parts in a plain
    .docx are accepted and ignored: nothing executes, we only ever read the document XML.
    """
    bomb = Refusal(
        f"„{shown}“ würde beim Entpacken ungewöhnlich groß (über "
        f"{_size_text(MAX_UNCOMPRESSED_BYTES)} oder extrem stark komprimiert) und wird deshalb "
        "nicht geöffnet. Bitte das Dokument in Word neu als .docx speichern oder als PDF "
        "hochladen."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return Refusal(
            f"„{shown}“ ist beschädigt und lässt sich nicht als Word-Dokument öffnen. Bitte in "
            "Word erneut als .docx speichern und hochladen."
        )
    if len(members) > MAX_ZIP_MEMBERS:
        return bomb
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        return bomb
    for member in members:
        big = member.file_size >= RATIO_CHECK_FROM_BYTES
        if big and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            return bomb
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        types = ""
    if "macroEnabled.main" in types or "template.main" in types:
        # Word's macro (.docm) and template (.dotx) formats: python-docx, and so the index,
        # reads only plain documents.
        return Refusal(
            f"„{shown}“ ist ein Word-Dokument mit Makros oder eine Vorlage (.docm/.dotx). Bitte "
            "in Word „Speichern unter“ › „Word-Dokument (.docx)“ wählen und diese Datei "
            "hochladen."
        )
    names = {m.filename.lower() for m in members}
    if any(n.endswith("vbaproject.bin") for n in names):
        return (
            "Das Dokument enthält Makros. Sie werden nicht ausgeführt; übernommen wird nur der "
            "Text.",
        )
    return ()


def _check_markdown(shown: str, data: bytes) -> tuple[str, ...] | Refusal:
    """Markdown must be UTF-8 text; `sniff` already refused NUL bytes and other encodings."""
    text = data.decode("utf-8-sig")
    if not text.strip():
        return Refusal(f"„{shown}“ enthält keinen Text. Bitte die ausgefüllte Datei hochladen.")
    if not text.startswith("---"):
        return (
            "Die Datei hat keinen Kopfbereich (Front Matter mit title, stand, quelle). Der Titel "
            "wird aus der ersten Überschrift genommen.",
        )
    return ()


def _trial_load(name: str, data: bytes) -> tuple[Section, ...] | Refusal:
    """Read the file exactly as the indexer will: same loader, same relative path.

    The copy lives in a private temporary folder (mode 0700) that is removed afterwards, so
    nothing unpublished is ever visible in KNOWLEDGE_DIR.
    """
    with tempfile.TemporaryDirectory(prefix="kommpraev-upload-") as tmp:
        root = Path(tmp)
        path = root / name
        path.write_bytes(data)
        try:
            loaded = load_file(path, root)
        except LoaderError as exc:
            return Refusal(str(exc))
        except Exception:  # a loader bug must become a refusal, not a server error
            return Refusal(
                f"{name}: Die Datei konnte nicht gelesen werden. Bitte als PDF exportieren "
                "und erneut hochladen."
            )
    return tuple(loaded.sections)
