"""/loeschen erases: what the user typed is gone from the rows and, on SQLite, from the files.

A user fills a draft through the conversation core, the way the Telegram channel drives it
(each update recorded in the inbox with its text, replies queued in the outbox and sent), then
deletes everything. SQLite: the raw bytes of the database file, its WAL and its shared-memory
index must not contain any of it (deleted rows linger in free pages and in the WAL otherwise).
PostgreSQL: no row holds it any more (dead tuples are VACUUM's business, see README).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import Conversation, Incoming, Reply
from bot.settings import Settings
from bot.storage import Base, DraftRow, InboxRow, OutboxRow, UserRow, inbox_repo
from bot.wiring import Services
from retrieval import Answerer
from tests.conversation.conftest import NOW, User

OWNER = 4711
# Distinctive values, so that a hit can only be what this user typed.
APPLICANT = "Gemeinde Quappendorf-Zwiebelhäusern"
CONTACT = "Quirina Zwetschgenbaum"
EMAIL = "q.zwetschgenbaum@quappendorf.example"
DESCRIPTION = "Nachtfalterzaehlung am Kreisverkehr Wuselweg belegt das Problem"
NEEDLES = (APPLICANT, CONTACT, EMAIL, DESCRIPTION)


class ChannelUser(User):
    """A user whose every action also leaves the rows the Telegram channel writes."""

    def __init__(self, conversation: Conversation, user_id: int) -> None:
        super().__init__(conversation, user_id)
        self.sessions = conversation.sessions
        self.update_ids = itertools.count(1000)

    def _handle(self, incoming: Incoming) -> list[Reply]:
        update_id = next(self.update_ids)
        payload = {k: getattr(incoming, k) for k in ("kind", "text", "button", "command")}
        with self.sessions.begin() as session:
            inbox_repo.record(
                session, update_id=update_id, owner_id=incoming.user_id,
                chat_id=incoming.chat_id, payload=payload,
            )  # fmt: skip
        replies = super()._handle(incoming)
        with self.sessions.begin() as session:
            prompted = (
                update_id if inbox_repo.mark_processed(session, update_id=update_id) else None
            )
            own = [r.as_json() for r in replies if not r.to_staff]
            rows = inbox_repo.add_replies(
                session, update_id=prompted, chat_id=incoming.chat_id, payloads=own
            )
        with self.sessions.begin() as session:
            for row in rows:
                inbox_repo.mark_sent(session, outbox_id=row.id)
        return replies


def _fills_a_draft(user: User) -> None:
    user.says("/antrag")
    user.presses("Verstanden, weiter")
    user.says(APPLICANT)
    user.presses("Stadt")
    for answer in ("Sächsische Schweiz-Osterzgebirge", "Am Markt 1", "01796", "Pirna"):
        user.says(answer)
    for answer in (CONTACT, "Sachgebietsleitung Ordnungsamt", EMAIL, "03501 556-0"):
        user.says(answer)
    user.presses("Ja")  # consultation held
    for answer in ("12.05.2026", "Sicher im Quartier", "Pirna-Copitz"):
        user.says(answer)
    user.presses("Ja")  # in Saxony
    user.says("01.03.2027")
    user.says("31.12.2027")
    user.says("Der KPR hat das Vorhaben beschlossen und begleitet es.")
    user.presses("überspringen")  # partners
    user.presses("Nein")  # no forwarding
    assert "Schritt 1" in user.text(), user.text()
    user.says(f"{DESCRIPTION}. " + "Das Problem ist belegt. " * 10)
    user.says("/meine_daten")  # the bot repeats the data: now in the outbox as well
    assert EMAIL in user.text() and APPLICANT in user.text()


def _forms(needle: str) -> list[bytes]:
    """As typed (UTF-8), and as JSON stores it when it escapes non-ASCII characters."""
    return [needle.encode(), json.dumps(needle)[1:-1].encode()]


def _sqlite_files(engine: Engine) -> list[Path]:
    database = make_url(str(engine.url)).database
    assert database
    files = [Path(database + suffix) for suffix in ("", "-wal", "-shm")]
    return [f for f in files if f.exists()]


def _found_in_files(engine: Engine) -> set[str]:
    raw = b"".join(f.read_bytes() for f in _sqlite_files(engine))
    return {n for n in NEEDLES if any(form in raw for form in _forms(n))}


def _found_in_rows(engine: Engine) -> set[str]:
    found: set[str] = set()
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            # Each whole row as one text; the rows of JSON columns included.
            for row in connection.execute(select(table)):
                as_text = " ".join(str(value) for value in row)
                found |= {n for n in NEEDLES if any(f.decode() in as_text for f in _forms(n))}
    return found


def test_loeschen_leaves_nothing_the_user_typed(
    engine: Engine,
    sessions: sessionmaker[Session],
    shipped_answerer: Answerer,
    shipped_settings: Settings,
    tmp_path: Path,
) -> None:
    services = Services(
        settings=shipped_settings.model_copy(update={"data_dir": tmp_path}),
        engine=engine,
        sessions=sessions,
        knowledge_base=shipped_answerer.kb,
        answerer=shipped_answerer,
    )
    user = ChannelUser(services.conversation("telegram", clock=lambda: NOW), OWNER)
    _fills_a_draft(user)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:  # the scan can see them: otherwise finding nothing would prove nothing
        assert _found_in_files(engine) == set(NEEDLES)
    assert _found_in_rows(engine) == set(NEEDLES)

    user.says("/loeschen")
    user.presses("Ja, alles löschen")
    assert "gelöscht" in user.text()

    assert _found_in_rows(engine) == set()
    with sessions() as session:
        for model, owner in ((UserRow, UserRow.id), (DraftRow, DraftRow.owner_id)):
            assert session.scalars(select(model).where(owner == OWNER)).all() == []
        # Left: the confirming update (kept against a re-delivery until purged) and the
        # confirmation sent for it, both emptied.
        inbox = session.scalars(select(InboxRow).where(InboxRow.owner_id == OWNER)).all()
        assert [(row.payload, row.processed_at is not None) for row in inbox] == [({}, True)]
        outbox = session.scalars(select(OutboxRow).where(OutboxRow.chat_id == OWNER)).all()
        assert [(row.update_id, row.payload) for row in outbox] == [(inbox[0].update_id, {})]
    if sqlite:
        # While the bot runs: the engine's connections are open, as in production (closing
        # the last one would checkpoint the WAL anyway and hide a missing checkpoint).
        assert _found_in_files(engine) == set()
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
