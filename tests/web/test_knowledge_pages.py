"""The office keeps the knowledge base current in the workspace: an FAQ answer changed,
checked and previewed, published, answered from at once, restored; unanswered questions
answered; a document uploaded and withdrawn. On a copy of knowledge/, never the real one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from bot.settings import Settings
from bot.storage import inbox_repo, make_engine, make_sessionmaker, migrate, question_log, utcnow
from bot.upkeep.desk import KnowledgeDesk
from bot.web import create_app
from bot.web.accounts import add
from retrieval import Answerer, E5Embeddings, KnowledgeBase
from tests.web.conftest import REVIEWER, csrf_of, sign_in

EDITOR = ("redaktion@lpr.sachsen.de", "Redaktion-Passwort-2026!")
RATE_QUESTION = "Wie viel Prozent der Ausgaben werden gefördert?"
OTHER_QUESTION = "Bis wann muss der Antrag eingegangen sein?"
VAGUE_QUESTION = "Geht auch eine Pauschale statt Anteil?"  # asked back, festbetrag suggested
NEW_ANSWER = (
    "Gefördert werden bis zu 90 % der zuwendungsfähigen Ausgaben, meist als "
    "Anteilsfinanzierung; den genauen Satz nennt der Zuwendungsbescheid."
)


@dataclass
class Office:
    client: TestClient
    settings: Settings
    sessions: sessionmaker[Session]
    embeddings: E5Embeddings

    def answer(self, question: str) -> str:
        """What the bot answers now, from the live index on disk (as the running bot would)."""
        kb = KnowledgeBase(index_dir=self.settings.index_dir, embeddings=self.embeddings)
        return Answerer(kb).answer(question).render()

    def indexed_documents(self) -> list[str]:
        """The documents the live index answers from (the help text lists these)."""
        kb = KnowledgeBase(index_dir=self.settings.index_dir, embeddings=self.embeddings)
        return kb.snapshot().document_labels()

    def form_of(self, path: str) -> dict[str, str]:
        """The fields of the FAQ editor as the page shows them."""
        html = self.client.get(path).text
        fields = {"csrf": csrf_of(html)}
        for name in ("id", "frage", "abschnitt", "stamp", "fragen", "richtlinie", "gueltig_ab"):
            fields[name] = _value(html, name)
        fields["formulierungen"] = _textarea(html, "formulierungen")
        fields["antwort"] = _textarea(html, "antwort")
        fields["dokument"] = _selected(html)
        return fields


def _value(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    if marker not in html:
        return ""
    start = html.index(marker) + len(marker)
    return _unescape(html[start : html.index('"', start)])


def _textarea(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    start = html.index(">", start) + 1
    return _unescape(html[start : html.index("</textarea>", start)])


def _selected(html: str) -> str:
    if " selected>" not in html:
        return ""
    end = html.index(" selected>")
    start = html.rindex('value="', 0, end) + len('value="')
    return _unescape(html[start : html.index('"', start)])


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


@pytest.fixture
def office(
    tmp_path: Path, shipped_settings: Settings, embeddings: E5Embeddings
) -> Iterator[Office]:
    knowledge = tmp_path / "wissen"
    shutil.copytree(shipped_settings.knowledge_dir, knowledge)
    data = tmp_path / "daten"
    shutil.copytree(shipped_settings.index_dir, data / "index")
    settings = Settings(_env_file=None, data_dir=data, knowledge_dir=knowledge)  # type: ignore[call-arg]
    migrate(settings.sqlalchemy_url)
    sessions = make_sessionmaker(make_engine(settings.sqlalchemy_url))
    with sessions.begin() as session:
        for who, role in ((EDITOR, "editor"), (REVIEWER, "reviewer")):
            add(session, email=who[0], role=role, password=who[1], actor="test", now=utcnow())
    desk = KnowledgeDesk(
        settings, embeddings, questions=lambda: [RATE_QUESTION, OTHER_QUESTION, VAGUE_QUESTION]
    )
    with TestClient(create_app(settings, sessions, desk=desk), follow_redirects=False) as client:
        yield Office(client, settings, sessions, embeddings)


def test_a_reviewer_may_not_change_the_knowledge_base(office: Office) -> None:
    sign_in(office.client, REVIEWER)
    assert office.client.get("/wissen").status_code == 403


def test_an_invented_number_is_named_before_anything_goes_live(office: Office) -> None:
    sign_in(office.client, EDITOR)
    fields = office.form_of("/wissen/faq/foerdersatz")
    fields["antwort"] = "Gefördert werden bis zu 95 % der Ausgaben."
    page = office.client.post("/wissen/faq/pruefen", data=fields)
    assert "„95 %“ steht nicht im zitierten Abschnitt" in page.text
    refused = office.client.post("/wissen/faq/veroeffentlichen", data=fields)
    assert refused.status_code == 409
    assert "95 %" not in (office.settings.knowledge_dir / "faq.yaml").read_text("utf-8")


def test_a_changed_answer_is_previewed_published_answered_at_once_and_can_be_restored(
    office: Office,
) -> None:
    sign_in(office.client, EDITOR)
    before, other = office.answer(RATE_QUESTION), office.answer(OTHER_QUESTION)
    assert NEW_ANSWER not in before

    fields = office.form_of("/wissen/faq/foerdersatz")
    fields["antwort"] = NEW_ANSWER
    preview = office.client.post("/wissen/faq/pruefen", data=fields)
    assert "Antworten, die sich ändern würden (1)" in preview.text, preview.text
    assert RATE_QUESTION in preview.text and OTHER_QUESTION not in preview.text

    published = office.client.post("/wissen/faq/veroeffentlichen", data=fields)
    assert published.status_code == 303, published.text
    assert NEW_ANSWER in office.answer(RATE_QUESTION)  # no restart: the next question
    assert office.answer(OTHER_QUESTION) == other  # untouched
    faq = (office.settings.knowledge_dir / "faq.yaml").read_text("utf-8")
    assert "zuwendungsfähigen Ausgaben, meist als" in faq
    assert "# Kuratierte Fragen und Antworten" in faq  # comments kept: still reviewable

    changes = office.client.get("/wissen/verlauf").text
    assert "FAQ „foerdersatz“: geändert" in changes and EDITOR[0] in changes
    change_id = changes.split('action="/wissen/verlauf/')[1].split("/")[0]
    restored = office.client.post(
        f"/wissen/verlauf/{change_id}/wiederherstellen", data={"csrf": fields["csrf"]}
    )
    assert restored.status_code == 303
    assert office.answer(RATE_QUESTION) == before


def test_the_second_of_two_editors_sees_the_first_ones_text_and_loses_nothing(
    office: Office,
) -> None:
    sign_in(office.client, EDITOR)
    first = office.form_of("/wissen/faq/festbetrag")
    second = dict(first)
    first["antwort"] = "Nur ausnahmsweise; in der Regel gilt Anteilsfinanzierung (Fassung A)."
    second["antwort"] = "Nur ausnahmsweise; die Regel ist die Anteilsfinanzierung (Fassung B)."
    assert office.client.post("/wissen/faq/veroeffentlichen", data=first).status_code == 303
    clash = office.client.post("/wissen/faq/veroeffentlichen", data=second)
    assert clash.status_code == 409
    assert "Fassung A" in clash.text and "Fassung B" in clash.text  # theirs and mine


def test_an_unanswered_question_answered_with_a_new_entry_reaches_the_asker(
    office: Office,
) -> None:
    with office.sessions.begin() as session:
        from bot.storage import users_repo

        users_repo.get_or_create(session, owner_id=77, channel="telegram", now=utcnow())
        log_id = question_log.record(
            session,
            question="Dürfen wir ein Auto kaufen?",
            outcome="abgelehnt",
            ref=None,
            now=utcnow(),
        )
        question_log.subscribe(session, log_id=log_id, owner_id=77)
    sign_in(office.client, EDITOR)
    listing = office.client.get("/wissen/offen").text
    assert "Dürfen wir ein Auto kaufen?" in listing and "warten: 1" in listing

    fields = office.form_of(f"/wissen/faq/neu?fragen={log_id}&frage=Auto")
    fields.update(
        id="fahrzeuge",
        frage="Ist ein Fahrzeug förderfähig?",
        formulierungen="auto kaufen\nfahrzeug förderfähig\ndienstwagen streetworker",
        antwort="Das klärt die Geschäftsstelle im Einzelfall in der Beratung.",
        dokument="RL KommPräv (Zusammenfassung)",
        abschnitt="Ziffer V",
    )
    published = office.client.post("/wissen/faq/veroeffentlichen", data=fields)
    assert published.status_code == 303, published.text
    with office.sessions() as session:
        (told,) = inbox_repo.unsent(session)
        assert told.chat_id == 77 and "im Einzelfall" in told.payload["text"]
        assert question_log.unanswered(session) == []


def test_a_document_is_previewed_before_it_is_published_and_can_be_withdrawn(
    office: Office,
) -> None:
    csrf = sign_in(office.client, EDITOR)
    text = (
        "---\ntitle: Merkblatt Testförderung\nkurz: MB Test\nstand: 2026-11-30\n"
        "quelle: Geschäftsstelle\nhinweis: Nichtamtliche Zusammenfassung.\n---\n\n"
        "# Merkblatt Testförderung\n\n## Fristen\n\nAnträge bis zum 1. März.\n"
    )
    preview = office.client.post(
        "/wissen/dokumente",
        data={"csrf": csrf},
        files={"datei": ("merkblatt.md", text.encode(), "text/markdown")},
    )
    assert preview.status_code == 200, preview.text
    assert "Merkblatt Testförderung" in preview.text and "Fristen" in preview.text
    assert not (office.settings.knowledge_dir / "merkblatt.md").exists()  # not live yet

    token = preview.text.split('name="token" value="')[1].split('"')[0]
    done = office.client.post(
        "/wissen/dokumente/veroeffentlichen", data={"csrf": csrf, "token": token}
    )
    assert done.status_code == 303, done.text
    assert (office.settings.knowledge_dir / "merkblatt.md").exists()
    assert any("Test" in label for label in office.indexed_documents()), office.indexed_documents()

    # A corrected version replaces it; the history shows what changed in the text.
    second = office.client.post(
        "/wissen/dokumente",
        data={"csrf": csrf},
        files={"datei": ("merkblatt.md", text.replace("1. März", "15. März").encode())},
    )
    token = second.text.split('name="token" value="')[1].split('"')[0]
    office.client.post("/wissen/dokumente/veroeffentlichen", data={"csrf": csrf, "token": token})
    changes = office.client.get("/wissen/verlauf").text
    assert "Dokument „merkblatt.md“: ersetzt" in changes
    assert "- [Fristen] Anträge bis zum 1. März." in changes, changes
    assert "+ [Fristen] Anträge bis zum 15. März." in changes

    gone = office.client.post("/wissen/dokumente/merkblatt.md/zurueckziehen", data={"csrf": csrf})
    assert gone.status_code == 303
    assert not (office.settings.knowledge_dir / "merkblatt.md").exists()
    assert not any("Test" in label for label in office.indexed_documents())


def test_a_broken_upload_is_refused_with_its_reason(office: Office) -> None:
    csrf = sign_in(office.client, EDITOR)
    refused = office.client.post(
        "/wissen/dokumente",
        data={"csrf": csrf},
        files={"datei": ("richtlinie.pdf", b"%PDF-1.4 kaputt", "application/pdf")},
    )
    assert refused.status_code == 409
    assert "PDF" in refused.text


def test_the_preview_shows_other_questions_an_edit_would_change(office: Office) -> None:
    """The vague question is answered by asking back with this entry among the suggestions:
    its answer changes too, though nobody thought of it while editing."""
    sign_in(office.client, EDITOR)
    fields = office.form_of("/wissen/faq/festbetrag")
    fields["antwort"] = "Nur ausnahmsweise; die Regel ist die Anteilsfinanzierung (neu gefasst)."
    preview = office.client.post("/wissen/faq/pruefen", data=fields)
    assert VAGUE_QUESTION in preview.text, preview.text
    assert "(neu gefasst)" in preview.text
    assert RATE_QUESTION not in preview.text.split("Antworten, die sich ändern")[1]
