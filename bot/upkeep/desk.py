"""The workspace's side of the knowledge base: the files, checks before publishing, the preview
of changed answers, and the incremental index build that makes a change live.

One build at a time per process (a lock); the running bot picks up the new generation by
itself (`KnowledgeBase.snapshot`), in this process or another.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

from bot.settings import Settings
from bot.upkeep import faq_file
from bot.upkeep.documents import Refusal, validate_upload
from bot.upkeep.faq_file import FaqEntry, SaveResult
from bot.upkeep.number_check import unsupported_numbers
from retrieval import E5Embeddings, IndexReport, build_index
from retrieval.indexer import knowledge_files
from retrieval.loaders import load_file
from retrieval.preview import AnswerChange, preview_change

log = logging.getLogger(__name__)

BENCH = Path(__file__).resolve().parents[2] / "bench"
REGRESSION_SETS = ("dev_questions.yaml", "train_questions.yaml", "blind_questions.yaml")
"""Questions run against a change before it goes live (train and blind sets)."""


class KnowledgeDesk:
    def __init__(
        self,
        settings: Settings,
        embeddings: E5Embeddings | None = None,
        questions: Callable[[], list[str]] | None = None,
    ) -> None:
        self.knowledge_dir = settings.knowledge_dir
        self.index_dir = settings.index_dir
        self.chroma_url = settings.chroma_url
        self.default_guideline = settings.default_guideline
        # Hidden inside DATA_DIR: never read by the indexer, kept with the database.
        self.archive_dir = settings.data_dir / "wissen-archiv"
        # Uploads waiting for "Veröffentlichen" after their preview; never in KNOWLEDGE_DIR.
        self.pending_dir = settings.data_dir / "uploads"
        self.faq_path = self.knowledge_dir / "faq.yaml"
        self._embeddings = embeddings
        self._build = threading.Lock()
        self.questions = questions or regression_questions
        self._sections: tuple[tuple[tuple[str, int, int], ...], dict[str, dict[str, str]]] | None
        self._sections = None

    @property
    def embeddings(self) -> E5Embeddings:
        if self._embeddings is None:
            self._embeddings = E5Embeddings()
        return self._embeddings

    # --- what there is ---

    def entries(self) -> list[FaqEntry]:
        return faq_file.read_entries(self.faq_path) if self.faq_path.exists() else []

    def documents(self) -> list[Path]:
        return [p for p in knowledge_files(self.knowledge_dir) if p.name != self.faq_path.name]

    def sections(self) -> dict[str, dict[str, str]]:
        """Document title -> section label -> its text, as the indexer reads the files.

        Parsed again only when a file changed: every editor page and check needs it, and
        reading the official PDFs takes seconds.
        """
        paths = self.documents()
        signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
        if self._sections is None or self._sections[0] != signature:
            self._sections = (signature, self._read_sections(paths))
        return self._sections[1]

    def _read_sections(self, paths: list[Path]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for path in paths:
            try:
                loaded = load_file(path, self.knowledge_dir)
            except Exception:  # a broken file shows in the index report, not here
                continue
            for s in loaded.sections:
                texts = found.setdefault(s.doc.title, {})
                texts[s.section_label] = (
                    f"{texts.get(s.section_label, '')} {s.heading_title} {s.text}"
                )
        return found

    def cited_text(self, document: str, section: str) -> str:
        """The cited section with its subsections (a FAQ may cite "Ziffer V" for V › Nr. 2)."""
        labels = self.sections().get(document, {})
        return " ".join(
            t
            for label, t in labels.items()
            if label == section or label.startswith(section + " › ")
        )

    def document_text(self, name: str, archived: str | None) -> str:
        """The text the index reads from one version of a document, section by section, for
        the history's diff: the archived copy, or the live file if `archived` is its hash."""
        if not archived:
            return ""
        data = None
        stored = self.archive_dir / archived
        live = self.knowledge_dir / name
        if stored.is_file():
            data = stored.read_bytes()
        elif live.is_file() and hashlib.sha256(live.read_bytes()).hexdigest() == archived[:64]:
            data = live.read_bytes()
        if data is None:
            return ""
        upload = validate_upload(name, data)
        if isinstance(upload, Refusal):
            return ""
        return "\n".join(
            f"[{s.section_label or s.heading_title}{f', S. {s.page}' if s.page else ''}] {s.text}"
            for s in upload.sections
        )

    # --- before publishing ---

    def problems(self, entry: FaqEntry) -> list[str]:
        """Everything that keeps an entry from going live, in German; numbers included."""
        sections = self.sections()
        known = {title: list(labels) for title, labels in sections.items()}
        problems = faq_file.validate_entry(entry, known)
        cited = self.cited_text(entry.document, entry.section)
        if cited:
            for number in unsupported_numbers(entry.answer, cited, section=entry.section):
                problems.append(
                    f"„{number}“ steht nicht im zitierten Abschnitt ({entry.document} › "
                    f"{entry.section}). Bitte die Zahl prüfen oder den passenden Abschnitt angeben."
                )
        return problems

    def preview(self, entry: FaqEntry, *, expected_stamp: str | None) -> list[AnswerChange]:
        """The regression questions whose answers would change with this entry, old and new."""
        with tempfile.TemporaryDirectory(prefix="kommpraev-faq-") as tmp:
            draft = Path(tmp) / self.faq_path.name
            shutil.copyfile(self.faq_path, draft)
            result = faq_file.save_entry(draft, entry, expected_stamp=expected_stamp)
            if not isinstance(result, faq_file.Saved):
                return []
            changed = {self.faq_path.name: draft.read_bytes()}
        return preview_change(
            knowledge_dir=self.knowledge_dir,
            index_dir=self.index_dir,
            changed=changed,
            questions=self.questions(),
            embeddings=self.embeddings,
            default_guideline=self.default_guideline,
        )

    # --- going live ---

    def save(self, entry: FaqEntry, *, expected_stamp: str | None) -> SaveResult:
        return faq_file.save_entry(self.faq_path, entry, expected_stamp=expected_stamp)

    def retire(self, entry_id: str, *, expected_stamp: str) -> SaveResult:
        return faq_file.retire_entry(self.faq_path, entry_id, expected_stamp=expected_stamp)

    def reindex(self) -> IndexReport:
        """Bring the index in line with the files (only what changed is embedded)."""
        with self._build:
            report = build_index(
                knowledge_dir=self.knowledge_dir,
                index_dir=self.index_dir,
                chroma_url=self.chroma_url,
                embeddings=self.embeddings,
            )
        log.info("upkeep.reindexed seconds=%.1f", report.seconds)
        return report


def regression_questions() -> list[str]:
    """The train and blind questions, each once, in file order."""
    seen: dict[str, None] = {}
    for name in REGRESSION_SETS:
        path = BENCH / name
        if not path.exists():
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(item, dict) and item.get("frage"):
                seen.setdefault(str(item["frage"]), None)
    return list(seen)


def entry_from_form(form: dict[str, str], *, entry_id: str | None = None) -> FaqEntry:
    """An entry from the editor's fields: one phrasing per line; ids come from the URL."""
    from datetime import date

    valid = form.get("gueltig_ab", "").strip()
    try:
        valid_from = date.fromisoformat(valid) if valid else None
    except ValueError:
        valid_from = None
    entry = FaqEntry(
        id=(entry_id or form.get("id", "")).strip(),
        question=form.get("frage", "").strip(),
        phrasings=[p.strip() for p in form.get("formulierungen", "").splitlines() if p.strip()],
        answer=" ".join(form.get("antwort", "").split()),
        document=form.get("dokument", "").strip(),
        section=form.get("abschnitt", "").strip(),
        valid_from=valid_from,
    )
    return replace(entry, guideline=form.get("richtlinie", "").strip())
