"""Benchmark of the review workspace as staff feel it: the inbox and a draft page with many
submitted drafts, and how long an FAQ change takes from "Veröffentlichen" to live.

Prints figures; asserts nothing. Run: .venv/bin/python -m bench.workspace [DRAFTS]
The FAQ part needs an index of the shipped knowledge base (built on first use, ~1 min).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def main() -> int:
    from starlette.testclient import TestClient

    from bot.conversation.store import SqlStore
    from bot.settings import Settings
    from bot.storage import make_engine, make_sessionmaker, migrate, utcnow
    from bot.upkeep.desk import KnowledgeDesk
    from bot.web import create_app
    from bot.web.accounts import add
    from retrieval import build_index
    from tests.drafts.factories import make_good_draft
    from tests.web.conftest import csrf_of

    drafts = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory(prefix="kommpraev-bench-") as tmp:
        base = Path(tmp)
        knowledge = base / "knowledge"
        shutil.copytree(ROOT / "knowledge", knowledge)
        settings = Settings(_env_file=None, data_dir=base / "data", knowledge_dir=knowledge)  # type: ignore[call-arg]
        migrate(settings.sqlalchemy_url)
        sessions = make_sessionmaker(make_engine(settings.sqlalchemy_url))
        with sessions.begin() as session:
            add(
                session,
                email="bench@lpr.example",
                role="admin",
                password="Bench-Passwort-2026",
                actor="bench",
                now=utcnow(),
            )
        started = time.perf_counter()
        for owner in range(drafts):
            with sessions.begin() as session:
                store = SqlStore(
                    session, owner_id=10_000 + owner, channel="telegram", now=datetime.now(UTC)
                )
                store.submit(store.create(make_good_draft()).id)
        print(f"{drafts} eingereichte Entwürfe angelegt in {time.perf_counter() - started:.1f} s")

        print("Suchindex der ausgelieferten Wissensbasis wird gebaut …")
        report = build_index(knowledge_dir=knowledge, index_dir=settings.index_dir)
        print(f"  vollständiger Aufbau: {report.seconds:.1f} s")
        desk = KnowledgeDesk(settings)
        app = create_app(settings, sessions, desk=desk)
        with TestClient(app, follow_redirects=False) as client:
            form = client.get("/anmelden")
            client.post(
                "/anmelden",
                data={
                    "email": "bench@lpr.example",
                    "password": "Bench-Passwort-2026",
                    "csrf": csrf_of(form.text),
                    "next": "/",
                },
            )
            for name, path in (
                ("Eingang", "/"),
                ("Entwurfsseite", "/entwuerfe/1"),
                ("PDF-Export", "/entwuerfe/1/export/pdf"),
            ):
                samples = []
                for _ in range(15):
                    t0 = time.perf_counter()
                    assert client.get(path).status_code == 200
                    samples.append(time.perf_counter() - t0)
                print(f"{name} ({drafts} Entwürfe): {_ms(samples)}")

            csrf = csrf_of(client.get("/wissen").text)
            entry = next(e for e in desk.entries() if e.id == "foerdersatz")
            from bot.upkeep.faq_file import entry_stamp

            fields = {
                "csrf": csrf,
                "id": entry.id,
                "frage": entry.question,
                "formulierungen": "\n".join(entry.phrasings),
                "dokument": entry.document,
                "abschnitt": entry.section,
                "stamp": entry_stamp(entry),
                "fragen": "",
                "antwort": entry.answer.replace("Bis zu 90 %", "Höchstens 90 %"),
            }
            t0 = time.perf_counter()
            client.post("/wissen/faq/pruefen", data=fields)
            print(
                f"FAQ-Vorschau ({len(desk.questions())} Prüffragen): "
                f"{time.perf_counter() - t0:.1f} s"
            )
            t0 = time.perf_counter()
            assert client.post("/wissen/faq/veroeffentlichen", data=fields).status_code == 303
            print(
                f"FAQ veröffentlichen bis live (Index inkrementell): "
                f"{time.perf_counter() - t0:.1f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
