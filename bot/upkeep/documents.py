"""Official documents from the workspace: preview, publish, replace, withdraw and restore.

The web pages call these functions with an `Upload` from `validate_upload`. Nothing is
published without a preview, so staff see what the assistant will make of a file (title,
abbreviation, sections with pages, chunks) before it goes live. Writing into KNOWLEDGE_DIR is
atomic and never follows symbolic links, and every replaced or withdrawn file is kept under its
SHA-256 in the archive, so history can be shown and any earlier version restored.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.upkeep.uploads import (
    MAX_UPLOAD_BYTES,
    Refusal,
    Upload,
    is_stored_name,
    stored_name,
    validate_upload,
)
from retrieval.chunking import chunk_section
from retrieval.loaders import short_names

__all__ = [
    "MAX_UPLOAD_BYTES",
    "ChunkPreview",
    "DocumentPreview",
    "PublishResult",
    "Refusal",
    "SectionPreview",
    "Upload",
    "preview",
    "publish",
    "restore",
    "stored_name",
    "validate_upload",
    "withdraw",
]

PREVIEW_CHARS = 200
_ARCHIVE_NAME = re.compile(r"^([0-9a-f]{64})\.(pdf|docx|md)$")
# One writer at a time inside this process: publish/withdraw/restore read, archive and replace
# in several steps, and two staff members clicking at once must not interleave them.
_LOCK = threading.RLock()


@dataclass(frozen=True)
class SectionPreview:
    """One section as the index will cite it: "Ziffer V › Nr. 2", page for PDFs."""

    label: str
    heading: str
    page: int | None


@dataclass(frozen=True)
class ChunkPreview:
    """The start of one retrievable chunk, so staff can judge whether the text came out right."""

    label: str
    page: int | None
    text: str  # first ~200 characters


@dataclass(frozen=True)
class DocumentPreview:
    """What the assistant will make of an upload, shown before it is published."""

    stored_name: str
    kind: str
    title: str  # the full title as printed (front matter title for Markdown)
    abbreviation: str  # "RL KommPräv", "" when the title gives none
    guideline: str  # the guideline key the document is filed under, "" for general material
    sections: tuple[SectionPreview, ...]
    chunk_count: int
    chunks: tuple[ChunkPreview, ...]
    replaces: bool  # a file of the same stored name is already published
    unchanged: bool  # ... and it has exactly these bytes
    notes: tuple[str, ...]


@dataclass(frozen=True)
class PublishResult:
    """What changed in KNOWLEDGE_DIR; `archived_as` lets the caller record history and restore."""

    name: str
    sha256: str
    replaced: bool
    archived_as: str | None  # "<sha256>.<ext>" of the replaced bytes in the archive


def _cut(text: str, limit: int = PREVIEW_CHARS) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


def preview(upload: Upload, knowledge_dir: Path) -> DocumentPreview:
    """Title, abbreviation, sections and chunks of an upload, as the indexer will see them.

    `validate_upload` already read the file with the indexer's loader in a private temporary
    folder; here its sections go through the indexer's chunker (same ordinals, so the same
    chunk ids). No index is built and nothing is written.
    """
    sections = upload.sections
    doc = sections[0].doc if sections else None
    official = upload.kind in ("pdf", "docx")
    title = (doc.stand if official else doc.title) if doc else upload.stored_name
    abbreviation = short_names(title)[0]
    chunks = [c for i, s in enumerate(sections) for c in chunk_section(s, i)]
    target = knowledge_dir / upload.stored_name
    replaces = target.is_symlink() or target.exists()
    unchanged = False
    if replaces and not target.is_symlink() and target.is_file():
        unchanged = _sha256(target.read_bytes()) == upload.sha256
    notes = list(upload.notes)
    if official and not abbreviation:
        notes.append(
            "Im Titel wurde kein Kürzel in Klammern gefunden (etwa „(RL KommPräv)“); das "
            "Dokument wird mit seinem vollen Titel zitiert."
        )
    if unchanged:
        notes.append("Genau diese Fassung ist bereits veröffentlicht.")
    elif replaces:
        notes.append(
            f"Eine Datei „{upload.stored_name}“ ist bereits veröffentlicht; sie wird ersetzt "
            "und die bisherige Fassung archiviert."
        )
    return DocumentPreview(
        stored_name=upload.stored_name,
        kind=upload.kind,
        title=title,
        abbreviation=abbreviation,
        guideline=doc.guideline if doc else "",
        sections=tuple(
            SectionPreview(s.section_label or s.heading_title, s.heading_title, s.page)
            for s in sections
        ),
        chunk_count=len(chunks),
        chunks=tuple(ChunkPreview(c.section or c.heading, c.page, _cut(c.text)) for c in chunks),
        replaces=replaces,
        unchanged=unchanged,
        notes=tuple(notes),
    )


def publish(upload: Upload, knowledge_dir: Path, archive_dir: Path) -> PublishResult | Refusal:
    """Write an upload into KNOWLEDGE_DIR, archiving the file it replaces.

    The new bytes go to a hidden temporary file in the same folder (the indexer skips hidden
    files), are fsynced and then renamed over the target, so the index never sees half a file.
    An existing symbolic link at the target is refused; a rename replaces a link rather than
    writing through it, so one planted after the check cannot redirect the write either.
    """
    with _LOCK:
        dirs = _directories(knowledge_dir, archive_dir)
        if isinstance(dirs, Refusal):
            return dirs
        root, archive = dirs
        name = upload.stored_name
        if not is_stored_name(name):
            return Refusal(f"„{name}“ ist kein zulässiger Dateiname. Bitte erneut hochladen.")
        old = _read_regular(root / name, missing_ok=True)
        if isinstance(old, Refusal):
            return old
        archived: str | None = None
        if old is not None:
            kept = _archive(old, upload.extension, archive)
            if isinstance(kept, Refusal):
                return kept
            archived = kept
        _atomic_write(root, name, upload.data)
        return PublishResult(name, upload.sha256, old is not None, archived)


def withdraw(name: str, knowledge_dir: Path, archive_dir: Path) -> str | Refusal:
    """Take a published document offline; its bytes stay in the archive, whose name returns."""
    if not is_stored_name(name):
        return _not_a_document(name)
    with _LOCK:
        dirs = _directories(knowledge_dir, archive_dir)
        if isinstance(dirs, Refusal):
            return dirs
        root, archive = dirs
        data = _read_regular(root / name, missing_ok=False)
        if data is None or isinstance(data, Refusal):
            return data or _not_a_document(name)
        archived = _archive(data, name.rsplit(".", 1)[1], archive)
        if isinstance(archived, Refusal):
            return archived
        (root / name).unlink()
        _fsync_dir(root)
        return archived


def restore(
    archive_name: str, name: str, knowledge_dir: Path, archive_dir: Path
) -> PublishResult | Refusal:
    """Put an archived version back under `name`; the version it displaces is archived in turn.

    The archived bytes are checked against their SHA-256 and validated like a fresh upload,
    so a damaged archive file never goes live.
    """
    match = _ARCHIVE_NAME.match(archive_name)
    if not match:
        return Refusal(
            f"„{archive_name}“ ist keine archivierte Fassung. Bitte die Fassung aus der "
            "Versionsliste auswählen."
        )
    if not is_stored_name(name):
        return _not_a_document(name)
    if name.rsplit(".", 1)[1] != match.group(2):
        return Refusal(
            f"Die archivierte Fassung ist eine .{match.group(2)}-Datei und kann nicht als "
            f"„{name}“ wiederhergestellt werden. Bitte einen Namen mit der Endung "
            f".{match.group(2)} wählen."
        )
    with _LOCK:
        dirs = _directories(knowledge_dir, archive_dir)
        if isinstance(dirs, Refusal):
            return dirs
        data = _read_regular(dirs[1] / archive_name, missing_ok=True)
        if isinstance(data, Refusal):
            return data
        if data is None or _sha256(data) != match.group(1):
            return Refusal(
                f"Die archivierte Fassung „{archive_name}“ fehlt oder ist beschädigt. Bitte "
                "eine andere Fassung wählen oder das Dokument neu hochladen."
            )
        upload = validate_upload(name, data)
        if isinstance(upload, Refusal):
            return upload
        return publish(upload, knowledge_dir, archive_dir)


def _not_a_document(name: str) -> Refusal:
    return Refusal(
        f"„{name}“ ist kein hochgeladenes Dokument (erlaubt sind nur .pdf, .docx und .md; die "
        "FAQ wird unter „FAQ“ gepflegt). Bitte das Dokument aus der Liste auswählen."
    )


def _directories(knowledge_dir: Path, archive_dir: Path) -> tuple[Path, Path] | Refusal:
    """Resolved knowledge and archive folders, refused if a link would send writes elsewhere.

    KNOWLEDGE_DIR itself must not be a symbolic link (it would resolve outside its configured
    place), and the archive must not be indexed: outside KNOWLEDGE_DIR or in a hidden folder.
    """
    setup = "Bitte die Einstellungen KNOWLEDGE_DIR und das Archiv vom Betrieb prüfen lassen."
    if knowledge_dir.is_symlink() or not knowledge_dir.is_dir():
        return Refusal(
            f"Der Wissensordner „{knowledge_dir}“ fehlt oder ist ein Verweis (Link). {setup}"
        )
    if archive_dir.is_symlink():
        return Refusal(f"Der Archivordner „{archive_dir}“ ist ein Verweis (Link). {setup}")
    root = knowledge_dir.resolve()
    try:
        archive_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Refusal(f"Der Archivordner „{archive_dir}“ lässt sich nicht anlegen. {setup}")
    archive = archive_dir.resolve()
    if archive == root or (
        archive.is_relative_to(root)
        and not any(p.startswith(".") for p in archive.relative_to(root).parts)
    ):
        return Refusal(
            f"Der Archivordner „{archive_dir}“ liegt im Wissensordner und würde mit "
            f"indexiert. {setup}"
        )
    return root, archive


def _read_regular(path: Path, *, missing_ok: bool) -> bytes | Refusal | None:
    """Bytes of a regular file, opened without following a symbolic link (O_NOFOLLOW).

    O_NONBLOCK keeps a FIFO planted at the path from hanging the request; fstat on the open
    descriptor then refuses anything that is not a plain file.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        if missing_ok:
            return None
        return Refusal(f"„{path.name}“ ist nicht (mehr) veröffentlicht. Bitte die Liste neu laden.")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Refusal(
                f"„{path.name}“ ist ein Verweis (symbolischer Link) und wird aus "
                "Sicherheitsgründen weder gelesen noch überschrieben. Bitte einen anderen "
                "Dateinamen wählen oder den Betrieb bitten, den Verweis zu entfernen."
            )
        raise
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return Refusal(
                f"„{path.name}“ ist keine gewöhnliche Datei. Bitte einen anderen Dateinamen wählen."
            )
        return handle.read()


def _archive(data: bytes, extension: str, archive: Path) -> str | Refusal:
    """Keep bytes under "<sha256>.<ext>"; the same content is stored once."""
    name = f"{_sha256(data)}.{extension}"
    existing = _read_regular(archive / name, missing_ok=True)
    if isinstance(existing, Refusal):
        return existing
    if existing != data:
        _atomic_write(archive, name, data)
    return name


def _atomic_write(directory: Path, name: str, data: bytes) -> None:
    """Temp file in the same folder, fsync, rename over `name`, fsync the folder."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, directory / name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    """Make a rename or unlink durable; some file systems cannot sync folders, which is fine."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
