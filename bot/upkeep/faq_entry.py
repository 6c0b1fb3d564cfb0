"""A FAQ entry as staff edit it, the YAML keys it is stored under, and what a save can give."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import yaml

# The YAML keys, as `retrieval.loaders.load_faq` reads them; the last two keep a retired entry
# or one valid only later in the file without answering from it.
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
LINE_WIDTH = 100  # answers are folded like the hand-written ones, at 100 columns
BREAKS = re.compile(r"(?<=[\n\r\x85\u2028\u2029])")  # what YAML counts as a line break


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


# The loader's own parser (the C one where PyYAML has it), to read as the index will.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
