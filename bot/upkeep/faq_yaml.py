"""Editing faq.yaml as text: only the block of the changed entry is rewritten (ruamel.yaml
round-trip of that block, so its comments and key order stay); everything else is kept byte for
byte, and new entries go at the end. `faq_file` decides what to write; this module only edits."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelYAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from bot.upkeep.faq_entry import (
    BREAKS,
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
    LINE_WIDTH,
    SAFE_LOADER,
    FaqEntry,
    FaqFileError,
)

# --- Editing the text ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileText:
    """The file's text with "\\n" line ends, and how to give it back its own BOM and ends."""

    text: str
    bom: str
    newline: str

    def encode(self, text: str) -> bytes:
        return (self.bom + text.replace("\n", self.newline)).encode("utf-8")


def read_text(path: Path) -> FileText:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FaqFileError(f"{path.name} ist nicht UTF-8-kodiert.") from exc
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text.removeprefix("\ufeff")
    newline = "\r\n" if "\r\n" in text else "\n"
    return FileText(text.replace("\r\n", "\n"), bom, newline)


def _lines(text: str) -> list[str]:
    """Lines with their ends, split where YAML (and so the parser's line numbers) splits."""
    return [piece for piece in BREAKS.split(text) if piece]


def _item_spans(text: str) -> list[tuple[int, int, int]]:
    """(first line, end line, dash column) of each top-level entry.

    An entry ends where the next begins, minus the blank and comment lines before it: those
    (section separators like "# --- Ausgaben ---") belong to the gap, not to either entry.
    """
    node = yaml.compose(text, Loader=SAFE_LOADER)
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


def replace_entry(text: str, index: int, current: FaqEntry, entry: FaqEntry) -> str:
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
        mapping = new_mapping(entry)
    rendered = render_mapping(mapping, column=column)
    return "".join(lines[:first]) + rendered + "".join(lines[end:])


def _dedent(block: list[str], column: int) -> str:
    """The entry's lines as a mapping at column 0: "- id: x" becomes "id: x", the rest moves
    left by the same amount. Parsed like this, ruamel keeps comment columns relative to the
    keys, and `render_mapping` puts everything back where it was."""
    width = column + 2
    out = []
    for i, line in enumerate(block):
        if i == 0:
            out.append(line[column + 1 :].removeprefix(" ") if line.strip() != "-" else "\n")
            continue
        indent = len(line) - len(line.lstrip(" "))
        out.append(line[min(indent, width) :])
    return "".join(out)


def append_entry(text: str, entry: FaqEntry) -> str:
    """New entries go at the end, after one blank line like the others."""
    rendered = render_mapping(new_mapping(entry), column=0)
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


def new_mapping(entry: FaqEntry) -> CommentedMap:
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
        same_for_loader = yaml.load(value, Loader=SAFE_LOADER) == value
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
    width = LINE_WIDTH - 4  # answers sit at four spaces in the file
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


def render_mapping(mapping: CommentedMap, *, column: int) -> str:
    """The mapping as a list item "- id: …" with its dash at `column`."""
    lines = _dump(mapping).splitlines(keepends=True)
    lead = " " * column
    return "".join(
        (lead + "- " if i == 0 else lead + "  " if line.strip() else "") + line
        for i, line in enumerate(lines)
    )
