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
import io
import json
import os
import re
import stat
import tempfile
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelYAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

# The YAML keys. The first seven are the ones `retrieval.loaders.load_faq` reads; the last two
# are ignored by the loader (it reads only the keys it knows), see the report on what it needs.
KEY_ID = "id"
KEY_QUESTION = "frage"
KEY_PHRASINGS = "formulierungen"
KEY_ANSWER = "antwort"
KEY_SOURCE = "quelle"
KEY_DOCUMENT = "dokument"
KEY_SECTION = "abschnitt"
KEY_GUIDELINE = "richtlinie"
KEY_VALID_FROM = "gueltig_ab"
KEY_RETIRED = "zurueckgezogen"

ID_PATTERN = re.compile(r"[a-z0-9_-]+")
# The house rules the shipped knowledge base is tested against (tests/test_knowledge.py):
# answers fit a phone screen (retrieval.candidates.MAX_ANSWER_CHARS), and each entry has a few
# ways of asking so the search finds it.
MAX_ANSWER_CHARS = 600
MIN_PHRASINGS = 3
MAX_ID_CHARS = 100  # question_log.resolved_by_faq holds 100 characters

SECTION_SEPARATOR = " › "
_LINE_WIDTH = 100  # answers are folded like the hand-written ones, at 100 columns
_BREAKS = re.compile(r"(?<=[\n\r\x85\u2028\u2029])")  # what YAML counts as a line break


class FaqFileError(Exception):
    """The FAQ file cannot be read or would be damaged; the message is German."""


class InvalidEntry(ValueError):
    """An entry the loader could not read (no question, no answer, bad id); German message.

    `save_entry` raises it as a last guard; pages should call `validate_entry` first.
    """


@dataclass(frozen=True)
class FaqEntry:
    """One curated question with its answer, as staff see and edit it.

    `answer` is whitespace-normalised like the loader does (folded YAML has no line breaks).
    `valid_from` and `retired` map to `gueltig_ab` and `zurueckgezogen`.
    """

    id: str
    question: str
    phrasings: list[str] = field(default_factory=list)
    answer: str = ""
    document: str = ""
    section: str = ""
    valid_from: date | None = None
    retired: bool = False
    guideline: str = ""  # `richtlinie`, only where an entry names one


@dataclass(frozen=True)
class Saved:
    """The entry is in the file now. `before` is what was there (None for a new entry)."""

    entry: FaqEntry
    stamp: str
    before: FaqEntry | None
    changed: bool  # False when the file already held exactly this version


@dataclass(frozen=True)
class Conflict:
    """Someone else saved this entry (or the id is taken); `theirs` is their version.

    Nothing was written. The editor shows `theirs` next to the user's text; to overwrite it on
    purpose, save again with `expected_stamp=stamp`.
    """

    theirs: FaqEntry
    stamp: str
    message: str


@dataclass(frozen=True)
class Missing:
    """The entry to change is no longer in the file (removed by hand); nothing was written."""

    entry_id: str
    message: str


SaveResult = Saved | Conflict | Missing


# --- Reading -------------------------------------------------------------------------------


def read_entries(path: Path) -> list[FaqEntry]:
    """All entries in file order, as the loader sees them (retired ones included)."""
    return _loader_view(_read(path).text, path.name)


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
    return _render(_new_mapping(normalised(entry)), column=0)


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
        current_file = _read(path) if path.exists() else _FileText("", "", "\n")
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
            new_text = _append(text, entry)
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
            new_text = _replace(text, index, current, entry)
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
        data = yaml.load(text, Loader=_SafeLoader)
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


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- Editing the text ----------------------------------------------------------------------


@dataclass(frozen=True)
class _FileText:
    """The file's text with "\\n" line ends, and how to give it back its own BOM and ends."""

    text: str
    bom: str
    newline: str

    def encode(self, text: str) -> bytes:
        return (self.bom + text.replace("\n", self.newline)).encode("utf-8")


def _read(path: Path) -> _FileText:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FaqFileError(f"{path.name} ist nicht UTF-8-kodiert.") from exc
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text.removeprefix("\ufeff")
    newline = "\r\n" if "\r\n" in text else "\n"
    return _FileText(text.replace("\r\n", "\n"), bom, newline)


def _lines(text: str) -> list[str]:
    """Lines with their ends, split where YAML (and so the parser's line numbers) splits."""
    return [piece for piece in _BREAKS.split(text) if piece]


def _item_spans(text: str) -> list[tuple[int, int, int]]:
    """(first line, end line, dash column) of each top-level entry.

    An entry ends where the next begins, minus the blank and comment lines before it: those
    (section separators like "# --- Ausgaben ---") belong to the gap, not to either entry.
    """
    node = yaml.compose(text, Loader=_SafeLoader)
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise FaqFileError("Die FAQ-Datei muss eine Liste von Einträgen sein.")
    lines = _lines(text)
    starts: list[tuple[int, int]] = []
    for item in node.value:
        first = item.start_mark.line
        while first > 0 and not lines[first].lstrip().startswith("-"):
            first -= 1
        starts.append((first, lines[first].index("-")))
    spans: list[tuple[int, int, int]] = []
    for i, (first, column) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        while end > first + 1 and _is_gap(lines[end - 1], column):
            end -= 1
        spans.append((first, end, column))
    return spans


def _is_gap(line: str, column: int) -> bool:
    """Blank, or a comment no further in than the dash: never part of the entry's text (an
    indented "#…" line may be the last line of a folded answer)."""
    stripped = line.strip()
    indent = len(line) - len(line.lstrip())
    return not stripped or (stripped.startswith("#") and indent <= column)


def _replace(text: str, index: int, current: FaqEntry, entry: FaqEntry) -> str:
    """The text with entry `index` rewritten; only keys whose value changed are touched."""
    first, end, column = _item_spans(text)[index]
    lines = _lines(text)
    try:
        mapping = _round_trip().load(_dedent(lines[first:end], column))
    except RuamelYAMLError:
        mapping = None
    # A block that does not parse alone (an alias to another entry) is written afresh.
    if isinstance(mapping, CommentedMap):
        _apply(mapping, current, entry)
    else:
        mapping = _new_mapping(entry)
    rendered = _render(mapping, column=column)
    return "".join(lines[:first]) + rendered + "".join(lines[end:])


def _dedent(block: list[str], column: int) -> str:
    """The entry's lines as a mapping at column 0: "- id: x" becomes "id: x", the rest moves
    left by the same amount. Parsed like this, ruamel keeps comment columns relative to the
    keys, and `_render` puts everything back where it was."""
    width = column + 2
    out = []
    for i, line in enumerate(block):
        if i == 0:
            out.append(line[column + 1 :].removeprefix(" ") if line.strip() != "-" else "\n")
            continue
        indent = len(line) - len(line.lstrip(" "))
        out.append(line[min(indent, width) :])
    return "".join(out)


def _append(text: str, entry: FaqEntry) -> str:
    """New entries go at the end, after one blank line like the others."""
    rendered = _render(_new_mapping(entry), column=0)
    if not text.strip():
        return text + rendered
    return text.rstrip("\n") + "\n\n" + rendered


def _apply(mapping: CommentedMap, current: FaqEntry, entry: FaqEntry) -> None:
    """Change the parsed block in place, so that its comments, key order and the styling of
    unchanged values stay as they were."""
    if current.question != entry.question:
        mapping[KEY_QUESTION] = _text(entry.question)
    if current.phrasings != entry.phrasings:
        mapping[KEY_PHRASINGS] = CommentedSeq([_text(p) for p in entry.phrasings])
    if current.answer != entry.answer:
        mapping[KEY_ANSWER] = _folded(entry.answer)
    if (current.document, current.section) != (entry.document, entry.section):
        source = mapping.get(KEY_SOURCE)
        if not isinstance(source, CommentedMap):
            source = CommentedMap()
            mapping[KEY_SOURCE] = source
        if current.document != entry.document or KEY_DOCUMENT not in source:
            source[KEY_DOCUMENT] = _text(entry.document)
        if current.section != entry.section or KEY_SECTION not in source:
            source[KEY_SECTION] = _text(entry.section)
    _set_optional(mapping, KEY_GUIDELINE, current.guideline, entry.guideline or None)
    _set_optional(mapping, KEY_VALID_FROM, current.valid_from, entry.valid_from)
    _set_optional(mapping, KEY_RETIRED, current.retired, True if entry.retired else None)
    if mapping.get(KEY_ID) != entry.id:
        if KEY_ID in mapping:
            mapping[KEY_ID] = entry.id
        else:
            mapping.insert(0, KEY_ID, entry.id)


def _set_optional(mapping: CommentedMap, key: str, old: object, new: object) -> None:
    """Set a key that is written only when it says something, or remove it."""
    if (old or None) == new:
        return
    if new is None:
        mapping.pop(key, None)
    else:
        mapping[key] = _text(new) if isinstance(new, str) else new


def _new_mapping(entry: FaqEntry) -> CommentedMap:
    mapping = CommentedMap()
    mapping[KEY_ID] = entry.id
    mapping[KEY_QUESTION] = _text(entry.question)
    mapping[KEY_PHRASINGS] = CommentedSeq([_text(p) for p in entry.phrasings])
    mapping[KEY_ANSWER] = _folded(entry.answer)
    source = CommentedMap()
    source[KEY_DOCUMENT] = _text(entry.document)
    source[KEY_SECTION] = _text(entry.section)
    mapping[KEY_SOURCE] = source
    if entry.guideline:
        mapping[KEY_GUIDELINE] = _text(entry.guideline)
    if entry.valid_from is not None:
        mapping[KEY_VALID_FROM] = entry.valid_from
    if entry.retired:
        mapping[KEY_RETIRED] = True
    return mapping


def _text(value: str) -> str:
    """A string styled like the hand-written file: plain where safe, else double quotes.

    Plain must also be safe for PyYAML (YAML 1.1, the loader's parser), where "ja"/"no" or
    "2027-01-01" would not come back as the same string.
    """
    try:
        same_for_loader = yaml.load(value, Loader=_SafeLoader) == value
    except yaml.YAMLError:
        same_for_loader = False
    if same_for_loader and not _dump({"k": value}).startswith(("k: '", 'k: "')):
        return value
    quoted: str = DoubleQuotedScalarString(value)
    return quoted


def _folded(answer: str) -> str:
    """Answers as folded block scalars (`>-`) wrapped at 100 columns, like the others."""
    if not answer:
        return ""
    width = _LINE_WIDTH - 4  # answers sit at four spaces in the file
    folded = FoldedScalarString(answer)
    positions: list[int] = []
    at = 0
    for line in textwrap.wrap(answer, width, break_long_words=False, break_on_hyphens=False):
        start = answer.find(line, at)
        end = start + len(line)
        if end < len(answer) and answer[end] == " ":
            positions.append(end)
        at = end
    folded.fold_pos = positions
    styled: str = folded
    return styled


def _round_trip() -> YAML:
    y = YAML()  # round-trip mode
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap: answers carry their own folds
    y.indent(mapping=2, sequence=4, offset=2)  # "formulierungen:\n    - …" as in the file
    return y


def _dump(data: Any) -> str:
    out = io.StringIO()
    _round_trip().dump(data, out)
    return out.getvalue()


def _render(mapping: CommentedMap, *, column: int) -> str:
    """The mapping as a list item "- id: …" with its dash at `column`."""
    lines = _dump(mapping).splitlines(keepends=True)
    lead = " " * column
    return "".join(
        (lead + "- " if i == 0 else lead + "  " if line.strip() else "") + line
        for i, line in enumerate(lines)
    )


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
