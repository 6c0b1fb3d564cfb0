"""The FAQ file as staff edit it in the web workspace: read, check and save single entries.

`knowledge/faq.yaml` is also edited by hand and kept in git, so a save must not reformat the
file: only the block of the entry that changed is rewritten (ruamel.yaml round-trip of that
block, so its own comments and key order stay), everything around it is kept byte for byte, and
new entries go at the end. Before the new file replaces the old one, it is read back the way
`retrieval.loaders.load_faq` reads it (PyYAML) and compared entry by entry; if anything but the
saved entry would read differently, nothing is written.

Several people may edit at once, in several processes: every save happens under an exclusive
`fcntl.flock` on a lock file next to the FAQ file, re-reads the file inside the lock, and
replaces it atomically (temporary file + `os.replace`). Edits are checked optimistically: the
editor remembers the `entry_stamp` of the version it showed; if someone else saved the entry in
the meantime, the save is refused with a `Conflict` that carries their version, so the editor
can show both and nothing is lost.

Entries are never deleted here; `retire_entry` marks them `zurueckgezogen: true`, which keeps
the text and its history in the file. The entry id is its key and cannot be changed by saving;
to rename, create a new entry and retire the old one.
"""

from __future__ import annotations

import difflib
import fcntl
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.upkeep.faq_entry import (
    ID_PATTERN,
    KEY_ANSWER,
    KEY_DOCUMENT,
    KEY_GUIDELINE,
    KEY_ID,
    KEY_PHRASINGS,
    KEY_QUESTION,
    KEY_RETIRED,
    KEY_SECTION,
    KEY_SOURCE,
    KEY_VALID_FROM,
    MAX_ANSWER_CHARS,
    MAX_ID_CHARS,
    MIN_PHRASINGS,
    SAFE_LOADER,
    SECTION_SEPARATOR,
    Conflict,
    FaqEntry,
    FaqFileError,
    InvalidEntry,
    Missing,
    Saved,
    SaveResult,
)
from bot.upkeep.faq_yaml import (
    FileText,
    append_entry,
    new_mapping,
    read_text,
    render_mapping,
    replace_entry,
)

# --- Reading -------------------------------------------------------------------------------


def read_entries(path: Path) -> list[FaqEntry]:
    """All entries in file order, as the loader sees them (retired ones included)."""
    return _loader_view(read_text(path).text, path.name)


def find_entry(path: Path, entry_id: str) -> FaqEntry | None:
    return next((e for e in read_entries(path) if e.id == entry_id), None)


def entry_stamp(entry: FaqEntry) -> str:
    """A short hash of everything an editor can change, to detect a save by someone else."""
    e = normalised(entry)
    content = {
        "id": e.id,
        "question": e.question,
        "phrasings": e.phrasings,
        "answer": e.answer,
        "document": e.document,
        "section": e.section,
        "valid_from": e.valid_from.isoformat() if e.valid_from else None,
        "retired": e.retired,
        "guideline": e.guideline,
    }
    raw = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


def normalised(entry: FaqEntry) -> FaqEntry:
    """Surrounding blanks trimmed, empty phrasings dropped, the answer on one line.

    Form input arrives with stray blanks and empty lines; normalising before comparing keeps
    a save that changes nothing from counting as a change.
    """
    return replace(
        entry,
        id=entry.id.strip(),
        question=" ".join(entry.question.split()),
        phrasings=[" ".join(p.split()) for p in entry.phrasings if p.strip()],
        answer=" ".join(entry.answer.split()),
        document=" ".join(entry.document.split()),
        section=" ".join(entry.section.split()),
        guideline=" ".join(entry.guideline.split()),
    )


def entry_yaml(entry: FaqEntry) -> str:
    """The entry as a block of the FAQ file (house style); what the change history stores."""
    return render_mapping(new_mapping(normalised(entry)), column=0)


def entry_from_yaml(text: str) -> FaqEntry:
    """Read back what `entry_yaml` wrote (a one-entry list or a single mapping)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FaqFileError("Der gespeicherte Eintrag ist kein gültiges YAML.") from exc
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    return _entry_of(data, 1, "Verlauf")


# --- Saving --------------------------------------------------------------------------------


def save_entry(path: Path, entry: FaqEntry, *, expected_stamp: str | None) -> SaveResult:
    """Write one entry back into the FAQ file at `path`, leaving everything else as it was.

    `expected_stamp` is the `entry_stamp` of the version the editor started from; None means
    the entry is new (refused if the id exists). The whole read-check-write runs under the
    file lock, so two processes never overwrite each other's saves.
    """
    entry = normalised(entry)
    _check_loadable(entry)
    with _locked(path):
        current_file = read_text(path) if path.exists() else FileText("", "", "\n")
        text = current_file.text
        entries = _loader_view(text, path.name)
        index = next((i for i, e in enumerate(entries) if e.id == entry.id), None)
        current = entries[index] if index is not None else None
        if expected_stamp is None:
            if current is not None:
                return Conflict(
                    theirs=current,
                    stamp=entry_stamp(current),
                    message=f"Eine Frage mit der Kennung „{entry.id}“ gibt es schon. "
                    "Bitte eine andere Kennung wählen oder die vorhandene Frage bearbeiten.",
                )
            new_text = append_entry(text, entry)
            expected = [*entries, entry]
        else:
            if current is None or index is None:
                return Missing(
                    entry_id=entry.id,
                    message=f"Die Frage „{entry.id}“ steht nicht mehr in der FAQ-Datei; "
                    "jemand hat sie entfernt. Ihr Text ist nicht gespeichert – bitte als neue "
                    "Frage anlegen, wenn sie bleiben soll.",
                )
            stamp_now = entry_stamp(current)
            if stamp_now == entry_stamp(entry):
                return Saved(entry=current, stamp=stamp_now, before=current, changed=False)
            if stamp_now != expected_stamp:
                return Conflict(
                    theirs=current,
                    stamp=stamp_now,
                    message=f"Die Frage „{entry.id}“ wurde inzwischen von jemand anderem "
                    "geändert. Ihr Text ist nicht gespeichert: bitte beide Fassungen vergleichen "
                    "und dann erneut speichern.",
                )
            new_text = replace_entry(text, index, current, entry)
            expected = [*entries[:index], entry, *entries[index + 1 :]]
        if _loader_view(new_text, path.name) != expected:
            raise FaqFileError(
                f"{path.name}: Die Änderung hätte andere Einträge verändert und wurde nicht "
                "gespeichert. Bitte die Datei von Hand prüfen (Anker, Sonderzeichen)."
            )
        _write_atomically(path, current_file.encode(new_text))
        return Saved(entry=entry, stamp=entry_stamp(entry), before=current, changed=True)


def retire_entry(path: Path, entry_id: str, *, expected_stamp: str) -> SaveResult:
    """Mark an entry `zurueckgezogen`; it stays in the file (and its history) but stops
    being answered once the loader skips retired entries."""
    current = find_entry(path, entry_id)
    if current is None:
        return Missing(
            entry_id=entry_id,
            message=f"Die Frage „{entry_id}“ steht nicht in der FAQ-Datei.",
        )
    return save_entry(path, replace(current, retired=True), expected_stamp=expected_stamp)


# --- Checking ------------------------------------------------------------------------------


def validate_entry(entry: FaqEntry, known_documents: Mapping[str, Sequence[str]]) -> list[str]:
    """What is wrong with an entry, in German, for the editor to show; empty when all is well.

    `known_documents` maps each document title of the knowledge base to its section paths
    ("Ziffer V › Nr. 2"), as the index knows them. A source may name a section or one of its
    parents, as the answer check does (`section` or `section › …`).
    """
    e = normalised(entry)
    problems: list[str] = []
    if not e.id:
        problems.append("Die Kennung fehlt.")
    elif not ID_PATTERN.fullmatch(e.id):
        problems.append(
            f"Die Kennung „{e.id}“ ist ungültig: erlaubt sind nur Kleinbuchstaben a–z ohne "
            "Umlaute, Ziffern, „-“ und „_“ (z. B. „antragsfrist-2027“)."
        )
    elif len(e.id) > MAX_ID_CHARS:
        problems.append(f"Die Kennung ist zu lang (höchstens {MAX_ID_CHARS} Zeichen).")
    if not e.question:
        problems.append("Die Frage fehlt.")
    if not e.answer:
        problems.append("Die Antwort fehlt.")
    elif len(e.answer) > MAX_ANSWER_CHARS:
        problems.append(
            f"Die Antwort ist mit {len(e.answer)} Zeichen zu lang (höchstens "
            f"{MAX_ANSWER_CHARS}, damit sie auf einen Handybildschirm passt)."
        )
    if len(e.phrasings) < MIN_PHRASINGS:
        problems.append(
            f"Bitte mindestens {MIN_PHRASINGS} andere Formulierungen der Frage angeben "
            f"(bisher {len(e.phrasings)}), damit die Suche sie findet."
        )
    seen: set[str] = {e.question.casefold()}
    for phrasing in e.phrasings:
        if phrasing.casefold() in seen:
            problems.append(f"Die Formulierung „{phrasing}“ steht doppelt da.")
        seen.add(phrasing.casefold())
    problems.extend(_source_problems(e, known_documents))
    return problems


def _source_problems(e: FaqEntry, known_documents: Mapping[str, Sequence[str]]) -> list[str]:
    if not e.document:
        return ["Bitte das Dokument angeben, auf dem die Antwort beruht."]
    titles = {" ".join(t.split()): t for t in known_documents}
    title = titles.get(e.document)
    if title is None:
        close = difflib.get_close_matches(e.document, list(titles), n=1, cutoff=0.6)
        hint = f" Gemeint ist vielleicht „{titles[close[0]]}“." if close else ""
        return [f"Das Dokument „{e.document}“ gibt es in der Wissensbasis nicht.{hint}"]
    sections = [" ".join(s.split()) for s in known_documents[title]]
    if not e.section:
        if not any(sections):  # a document without headings is cited as a whole
            return []
        return [f"Bitte den Abschnitt in „{title}“ angeben, auf dem die Antwort beruht."]
    if any(s == e.section or s.startswith(e.section + SECTION_SEPARATOR) for s in sections):
        return []
    close = difflib.get_close_matches(e.section, [s for s in sections if s], n=1, cutoff=0.6)
    hint = f" Gemeint ist vielleicht „{close[0]}“." if close else ""
    return [f"Den Abschnitt „{e.section}“ gibt es in „{title}“ nicht.{hint}"]


def _check_loadable(entry: FaqEntry) -> None:
    """What the loader would choke on, or what would break the id as a key."""
    if not ID_PATTERN.fullmatch(entry.id):
        raise InvalidEntry(f"Die Kennung „{entry.id}“ ist ungültig (erlaubt: a–z, 0–9, - und _).")
    if not entry.question or not entry.answer:
        raise InvalidEntry("Eine Frage braucht mindestens Frage und Antwort.")


# --- The loader's view of the file ---------------------------------------------------------


def _loader_view(text: str, name: str) -> list[FaqEntry]:
    """The entries as `retrieval.loaders.load_faq` reads them: PyYAML, same keys."""
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise FaqFileError(
            f"{name} ist kein gültiges YAML{_where(exc)}. Bitte die Datei reparieren."
        ) from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise FaqFileError(f"{name} muss eine Liste von Einträgen sein.")
    return [_entry_of(item, i, name) for i, item in enumerate(data, 1)]


def _entry_of(item: Any, number: int, name: str) -> FaqEntry:
    """One YAML item as an entry; missing texts become "" so the editor can repair them."""
    if not isinstance(item, dict):
        raise FaqFileError(f"{name}: Eintrag {number} ist kein Eintrag mit Schlüsseln.")
    source = item.get(KEY_SOURCE) or {}
    if not isinstance(source, dict):
        raise FaqFileError(f"{name}: Eintrag {number}: „quelle“ braucht dokument und abschnitt.")
    return FaqEntry(
        id=str(item.get(KEY_ID) or f"faq-{number}"),
        question=" ".join(str(item.get(KEY_QUESTION) or "").split()),
        phrasings=[" ".join(str(p).split()) for p in item.get(KEY_PHRASINGS) or ()],
        answer=" ".join(str(item.get(KEY_ANSWER) or "").split()),
        document=" ".join(str(source.get(KEY_DOCUMENT) or "").split()),
        section=" ".join(str(source.get(KEY_SECTION) or "").split()),
        valid_from=_as_date(item.get(KEY_VALID_FROM), number, name),
        retired=item.get(KEY_RETIRED) is True,
        guideline=" ".join(str(item.get(KEY_GUIDELINE) or "").split()),
    )


def _as_date(value: Any, number: int, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise FaqFileError(
            f"{name}: Eintrag {number}: „{KEY_VALID_FROM}“ ist kein Datum (JJJJ-MM-TT)."
        ) from exc


def _where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f" (Zeile {mark.line + 1})" if mark is not None else ""


# --- Locking and writing -------------------------------------------------------------------


def lock_path(path: Path) -> Path:
    """The lock file next to the FAQ file; hidden, so the indexer skips it."""
    return path.with_name(f".{path.name}.lock")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Exclusive across processes; the lock file stays (removing it would race)."""
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of it, even after a crash."""
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    with suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


__all__ = [
    "Conflict",
    "FaqEntry",
    "FaqFileError",
    "InvalidEntry",
    "Missing",
    "SaveResult",
    "Saved",
    "entry_from_yaml",
    "entry_stamp",
    "entry_yaml",
    "find_entry",
    "lock_path",
    "normalised",
    "read_entries",
    "retire_entry",
    "save_entry",
    "validate_entry",
]
