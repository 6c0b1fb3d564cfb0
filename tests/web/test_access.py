"""Who may do what in the review workspace, and what a page may never do.

Written as the office uses it: a stranger opens links, a reviewer and an admin sign in and press
the buttons of the pages, the municipality's user hands in and reopens drafts through the
dialogue's store. Every refusal is checked for its status, its German message and for leaving
the database exactly as it was.
"""

from __future__ import annotations

import copy
import io
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import docx
import httpx
import pypdf
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from bot.conversation.store import SqlStore
from bot.drafts import Draft
from bot.settings import Settings
from bot.storage import DraftRow, OutboxRow, accounts_repo, inbox_repo, review_repo, utcnow
from bot.storage.tables import (
    AuditRow,
    ReviewNoteRow,
    ReviewRow,
    StaffAccountRow,
    StaffRequestRow,
    StaffSessionRow,
)
from bot.web import create_app
from tests.drafts.factories import GOOD_DRAFT, make_good_draft
from tests.web.conftest import ADMIN, OWNER, REVIEWER, Clock, Submit, csrf_of, sign_in

BERLIN = ZoneInfo("Europe/Berlin")
PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
Sessions = sessionmaker[Session]


# --- how the user and the office act ---


def alert(html: str) -> str:
    """The German message of a refusal or of the sign-in page (its role="alert" paragraph)."""
    found = re.search(r'role="alert">(.*?)</p>', html, re.S)
    assert found, html
    return unescape(found.group(1)).strip()


def other_browser(client: TestClient) -> TestClient:
    """A second browser on the same workspace, with cookies of its own."""
    return TestClient(client.app, base_url="http://testserver", follow_redirects=False)


def user(session: Session) -> SqlStore:
    """The municipality's side of the dialogue, on one transaction."""
    return SqlStore(session, owner_id=OWNER, channel="telegram", now=utcnow())


def user_reopens(db: Sessions, draft_id: int) -> None:
    """The user starts a version 2 without handing it in: that withdraws the submission."""
    with db.begin() as session:
        user(session).reopen(draft_id)


def user_asks_the_office(db: Sessions, question: str) -> int:
    with db.begin() as session:
        return user(session).request("frage", question=question, draft_id=None)


def messages_to_user(db: Sessions) -> list[dict[str, Any]]:
    """What the bot is about to send to the user's private chat."""
    with db() as session:
        return [row.payload for row in inbox_repo.unsent(session) if row.chat_id == OWNER]


def review_status(db: Sessions, draft_id: int) -> str:
    with db() as session:
        review = review_repo.get(session, draft_id=draft_id)
        assert review is not None
        return review.status


def snapshot(db: Sessions) -> dict[str, Any]:
    """Everything a staff action could change; equal before and after means nothing happened."""
    with db() as s:
        return {
            "reviews": [
                (r.draft_id, r.status, r.assignee_id)
                for r in s.scalars(select(ReviewRow).order_by(ReviewRow.draft_id))
            ],
            "drafts": [
                (d.id, str(d.status), d.version)
                for d in s.scalars(select(DraftRow).order_by(DraftRow.id))
            ],
            "requests": [
                (r.id, r.status, r.answer, r.proposed_for)
                for r in s.scalars(select(StaffRequestRow).order_by(StaffRequestRow.id))
            ],
            "accounts": [
                (a.email, a.role, a.disabled_at)
                for a in s.scalars(select(StaffAccountRow).order_by(StaffAccountRow.id))
            ],
            "notes": s.scalar(select(func.count(ReviewNoteRow.id))),
            "outbox": s.scalar(select(func.count(OutboxRow.id))),
            "audit": s.scalar(select(func.count(AuditRow.id))),
            "sessions": s.scalar(select(func.count(StaffSessionRow.id))),
        }


def draft_with(**changes: Any) -> Draft:
    """The good draft with some fields replaced: `changes` maps "section.field" to a value."""
    data = copy.deepcopy(GOOD_DRAFT)
    for dotted, value in changes.items():
        *path, last = dotted.split(".")
        target = data
        for key in path:
            target = target[key]
        target[last] = value
    return Draft.model_validate(data)


# --- a small world: one submitted draft, a forwarded question, an appointment wish ---


@dataclass(frozen=True)
class World:
    draft_id: int
    question_id: int
    slot_id: int
    admin_id: int
    reviewer_id: int


@pytest.fixture
def world(db: Sessions, submit: Submit) -> World:
    draft_id = submit()
    with db.begin() as session:
        store = user(session)
        question = store.request("frage", question="Ist eine Kamera förderfähig?", draft_id=None)
        slot = store.request("termin", question=None, draft_id=draft_id)
        admin = accounts_repo.by_email(session, email=ADMIN[0])
        reviewer = accounts_repo.by_email(session, email=REVIEWER[0])
        assert admin is not None and reviewer is not None
        return World(draft_id, question, slot, admin.id, reviewer.id)


GET_ROUTES = [
    "/",
    "/entwuerfe/{d}",
    "/entwuerfe/{d}/export/docx",
    "/entwuerfe/{d}/export/pdf",
    "/entwuerfe/{d}/export/json",
    "/anfragen/{q}",
    "/konten",
]
POST_ROUTES = [
    "uebernehmen",
    "kommentar",
    "rueckfrage",
    "annehmen",
    "ablehnen",
    "antwort",
    "termin",
    "konto-anlegen",
    "konto-sperren",
    "abmelden",
]


def get_path(route: str, world: World) -> str:
    return route.format(d=world.draft_id, q=world.question_id)


def post_form(name: str, world: World, clock: Clock) -> tuple[str, dict[str, str]]:
    """The path and the fields (without the CSRF token) of a form as its page sends it."""
    d = f"/entwuerfe/{world.draft_id}"
    next_week = (clock.now + timedelta(days=7)).astimezone(BERLIN).date().isoformat()
    forms = {
        "uebernehmen": (f"{d}/uebernehmen", {}),
        "kommentar": (f"{d}/kommentar", {"text": "Kostenplan bitte intern gegenprüfen."}),
        "rueckfrage": (f"{d}/rueckfrage", {"version": "1", "text": "Bitte Zeitplan ergänzen."}),
        "annehmen": (f"{d}/annehmen", {"version": "1", "text": ""}),
        "ablehnen": (f"{d}/ablehnen", {"version": "1", "text": "Kein Präventionsbezug."}),
        "antwort": (f"/anfragen/{world.question_id}/antwort", {"text": "Ja, als Sachausgabe."}),
        "termin": (
            f"/anfragen/{world.slot_id}/termin",
            {"tag": next_week, "uhrzeit": "10:30", "text": "Raum 2.14"},
        ),
        "konto-anlegen": (
            "/konten",
            {"email": "neu@lpr.sachsen.de", "role": "reviewer", "password": "Neu-Passwort-2026!"},
        ),
        "konto-sperren": (f"/konten/{world.reviewer_id}/sperren", {}),
        "abmelden": ("/abmelden", {}),
    }
    return forms[name]


# --- strangers ---


@pytest.mark.parametrize("route", GET_ROUTES)
def test_a_stranger_opening_a_page_is_sent_to_sign_in(
    client: TestClient, db: Sessions, world: World, route: str
) -> None:
    path = get_path(route, world)
    before = snapshot(db)
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/anmelden?weiter={quote(path)}"
    assert snapshot(db) == before


@pytest.mark.parametrize("cookie", [None, "ausgedachte-sitzung"], ids=["ohne", "gefaelscht"])
@pytest.mark.parametrize(
    "name",
    POST_ROUTES,
)
def test_a_stranger_cannot_post_any_form(
    client: TestClient,
    db: Sessions,
    world: World,
    clock: Clock,
    name: str,
    cookie: str | None,
) -> None:
    if cookie:
        client.cookies.set("kp_session", cookie)
    path, fields = post_form(name, world, clock)
    before = snapshot(db)
    response = client.post(path, data={**fields, "csrf": "geraten"})
    assert response.status_code == 401
    assert "Bitte melden Sie sich an" in alert(response.text)
    assert snapshot(db) == before


def test_a_stranger_following_a_link_lands_on_the_page_after_signing_in(
    client: TestClient, world: World
) -> None:
    wanted = f"/entwuerfe/{world.draft_id}?version=1"
    to_login = client.get(wanted)
    login = client.get(to_login.headers["location"])
    assert f'name="next" value="{wanted}"' in login.text
    response = client.post(
        "/anmelden",
        data={"email": REVIEWER[0], "password": REVIEWER[1], "csrf": csrf_of(login.text),
              "next": wanted},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == wanted
    assert client.get(wanted).status_code == 200


# --- CSRF ---


@pytest.mark.parametrize("token", ["fehlt", "fremd"])
@pytest.mark.parametrize("name", POST_ROUTES)
def test_every_form_is_refused_without_its_own_csrf_token(
    client: TestClient, db: Sessions, world: World, clock: Clock, name: str, token: str
) -> None:
    csrf = sign_in(client, ADMIN)
    foreign = sign_in(other_browser(client), REVIEWER)  # a valid token, of another session
    path, fields = post_form(name, world, clock)
    forged = {**fields, "csrf": foreign} if token == "fremd" else dict(fields)
    before = snapshot(db)

    refused = client.post(path, data=forged)

    assert refused.status_code == 403
    expected = "Abmelden fehlgeschlagen" if name == "abmelden" else "Sicherheitsprüfung"
    assert expected in alert(refused.text)
    assert snapshot(db) == before
    assert client.get("/").status_code == 200  # still signed in
    # The same form with the page's token goes through: the token was all that was missing.
    done = client.post(path, data={**fields, "csrf": csrf})
    assert done.status_code == 303, done.text
    assert snapshot(db) != before


# --- roles ---


def test_a_reviewer_cannot_manage_accounts(client: TestClient, db: Sessions, world: World) -> None:
    csrf = sign_in(client, REVIEWER)
    assert 'href="/konten"' not in client.get("/").text
    before = snapshot(db)

    page = client.get("/konten")
    promote = client.post(
        "/konten",
        data={"csrf": csrf, "email": "helfer@lpr.sachsen.de", "role": "admin",
              "password": "Helfer-Passwort-2026!"},
    )  # fmt: skip
    lock_out = client.post(f"/konten/{world.admin_id}/sperren", data={"csrf": csrf})

    for response in (page, promote, lock_out):
        assert response.status_code == 403
        assert alert(response.text) == "Dafür braucht es die Rolle Administration."
    assert snapshot(db) == before


def test_an_admin_adds_an_account_and_locks_one_out(
    client: TestClient, db: Sessions, world: World
) -> None:
    reviewer = other_browser(client)
    sign_in(reviewer, REVIEWER)
    csrf = sign_in(client, ADMIN)
    assert 'href="/konten"' in client.get("/").text
    page = client.get("/konten")
    assert page.status_code == 200
    assert ADMIN[0] in page.text and REVIEWER[0] in page.text

    added = client.post(
        "/konten",
        data={"csrf": csrf, "email": "Neu@LPR.sachsen.de ", "role": "reviewer",
              "password": "Neu-Passwort-2026!"},
    )  # fmt: skip
    assert added.status_code == 303
    assert added.headers["location"] == "/konten"
    newcomer = other_browser(client)
    sign_in(newcomer, ("neu@lpr.sachsen.de", "Neu-Passwort-2026!"))
    assert newcomer.get("/konten").status_code == 403  # a reviewer, as chosen

    locked = client.post(f"/konten/{world.reviewer_id}/sperren", data={"csrf": csrf})
    assert locked.status_code == 303
    assert "gesperrt" in client.get("/konten").text
    # Locked out at once: the open session ends, and signing in again fails.
    assert reviewer.get("/").status_code == 303
    form = reviewer.get("/anmelden")
    again = reviewer.post(
        "/anmelden",
        data={"email": REVIEWER[0], "password": REVIEWER[1], "csrf": csrf_of(form.text)},
    )
    assert again.status_code == 401

    own = client.post(f"/konten/{world.admin_id}/sperren", data={"csrf": csrf})
    assert own.status_code == 409
    assert alert(own.text) == "Das eigene Konto kann man nicht sperren."


# --- the decision matrix: role x action x review state ---

STATES = ["eingereicht", "in_pruefung", "rueckfrage", "angenommen", "abgelehnt", "zurueckgezogen"]
OPEN_STATES = {"eingereicht", "in_pruefung"}
REFUSALS = {
    # review state: what the refusal tells the reviewer
    "rueckfrage": "Zu diesem Entwurf läuft eine Rückfrage",
    "angenommen": "Über diesen Entwurf ist schon entschieden (Status: angenommen).",
    "abgelehnt": "Über diesen Entwurf ist schon entschieden (Status: abgelehnt).",
    "zurueckgezogen": "Der Entwurf hat sich inzwischen geändert",
}
DECISIONS = {
    # action: (text typed, review status after it, draft status the user sees)
    "rueckfrage": ("Bitte den Zeitplan genauer beschreiben.", "rueckfrage", "zurueckgegeben"),
    "annehmen": ("Bitte den Antrag bis Ende Oktober stellen.", "angenommen", "angenommen"),
    "ablehnen": ("Kein Bezug zur Kriminalprävention.", "abgelehnt", "zurueckgegeben"),
}
ROLES = [pytest.param(ADMIN, id="admin"), pytest.param(REVIEWER, id="reviewer")]


def bring_to(state: str, client: TestClient, csrf: str, db: Sessions, draft_id: int) -> None:
    """Drive a freshly submitted draft (version 1) into `state` the way people do."""
    if state == "in_pruefung":
        client.post(f"/entwuerfe/{draft_id}/uebernehmen", data={"csrf": csrf})
    elif state in ("rueckfrage", "angenommen", "abgelehnt"):
        action = {"rueckfrage": "rueckfrage", "angenommen": "annehmen", "abgelehnt": "ablehnen"}
        client.post(
            f"/entwuerfe/{draft_id}/{action[state]}",
            data={"csrf": csrf, "version": "1", "text": "Vorher entschieden."},
        )
    elif state == "zurueckgezogen":
        user_reopens(db, draft_id)
    assert review_status(db, draft_id) == state


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(DECISIONS))
@pytest.mark.parametrize("who", ROLES)
def test_a_decision_is_taken_only_on_an_open_review(
    client: TestClient,
    db: Sessions,
    submit: Submit,
    who: tuple[str, str],
    action: str,
    state: str,
) -> None:
    draft_id = submit()
    csrf = sign_in(client, who)
    bring_to(state, client, csrf, db, draft_id)
    page = client.get(f"/entwuerfe/{draft_id}").text
    is_open = state in OPEN_STATES
    assert (f'action="/entwuerfe/{draft_id}/{action}"' in page) == is_open
    text, review_after, draft_after = DECISIONS[action]
    before = snapshot(db)
    told_before = len(messages_to_user(db))

    response = client.post(
        f"/entwuerfe/{draft_id}/{action}", data={"csrf": csrf, "version": "1", "text": text}
    )

    if is_open:
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"/entwuerfe/{draft_id}"
        assert review_status(db, draft_id) == review_after
        with db() as session:
            draft = session.get(DraftRow, draft_id)
            assert draft is not None and draft.status == draft_after
        told = messages_to_user(db)
        assert len(told) == told_before + 1
        assert text in told[-1]["text"]
    else:
        assert response.status_code == 409
        assert REFUSALS[state] in alert(response.text)
        assert snapshot(db) == before
        assert len(messages_to_user(db)) == told_before


@pytest.mark.parametrize("action", list(DECISIONS))
def test_a_decision_on_version_1_does_not_land_on_version_2(
    client: TestClient, db: Sessions, submit: Submit, action: str
) -> None:
    draft_id = submit()
    csrf = sign_in(client)
    assert 'name="version" value="1"' in client.get(f"/entwuerfe/{draft_id}").text
    submit(draft_id=draft_id)  # meanwhile the user reopens and hands in version 2
    before = snapshot(db)
    text = DECISIONS[action][0]

    stale = client.post(
        f"/entwuerfe/{draft_id}/{action}", data={"csrf": csrf, "version": "1", "text": text}
    )

    assert stale.status_code == 409
    assert "neue Version" in alert(stale.text)
    assert snapshot(db) == before
    assert review_status(db, draft_id) == "eingereicht"
    # Reloaded, the page offers version 2, and the decision goes through on it.
    page = client.get(f"/entwuerfe/{draft_id}").text
    assert 'name="version" value="2"' in page
    fresh = client.post(
        f"/entwuerfe/{draft_id}/{action}", data={"csrf": csrf, "version": "2", "text": text}
    )
    assert fresh.status_code == 303
    assert review_status(db, draft_id) == DECISIONS[action][1]


@pytest.mark.parametrize("version", ["", "0", "3", "eins", "-1"])
def test_a_decision_without_a_valid_version_is_refused(
    client: TestClient, db: Sessions, submit: Submit, version: str
) -> None:
    draft_id = submit()
    csrf = sign_in(client)
    before = snapshot(db)
    response = client.post(
        f"/entwuerfe/{draft_id}/annehmen", data={"csrf": csrf, "version": version, "text": ""}
    )
    assert response.status_code == 409
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "path", ["/entwuerfe/99999999999999999999", "/anfragen/99999999999999999999"]
)
def test_a_number_too_large_for_the_database_is_simply_not_found(
    client: TestClient, path: str
) -> None:
    sign_in(client)
    response = client.get(path)
    assert response.status_code == 404
    assert "gibt es nicht" in alert(response.text)


def test_an_impossible_appointment_date_is_refused_in_german(
    client: TestClient, db: Sessions, world: World
) -> None:
    csrf = sign_in(client)
    before = snapshot(db)
    response = client.post(
        f"/anfragen/{world.slot_id}/termin",
        data={"csrf": csrf, "tag": "0001-01-01", "uhrzeit": "00:30", "text": ""},
    )
    assert response.status_code == 409
    assert snapshot(db) == before


# --- HTML is text ---


def assert_escaped(html: str) -> None:
    assert PAYLOAD not in html
    assert ESCAPED in html


def test_html_in_a_draft_is_shown_as_text(client: TestClient, submit: Submit) -> None:
    draft_id = submit(make_good_draft())
    evil = draft_with(
        **{
            "project.title": f"Parkprojekt {PAYLOAD}",
            "applicant.name": f"Gemeinde {PAYLOAD}",
            "contact.name": PAYLOAD,
            "description.step1": f"Lage: {PAYLOAD}",
        }
    )
    submit(evil, draft_id=draft_id)  # version 2, so the list of changes shows it too
    sign_in(client)

    inbox = client.get("/")
    page = client.get(f"/entwuerfe/{draft_id}")
    search = client.get("/", params={"q": PAYLOAD})

    for response in (inbox, page, search):
        assert response.status_code == 200
        assert_escaped(response.text)
    assert "<ins>Parkprojekt &lt;script&gt;" in page.text


@pytest.mark.parametrize("action", ["kommentar", "rueckfrage", "annehmen", "ablehnen"])
def test_html_in_a_staff_text_is_shown_as_text(
    client: TestClient, submit: Submit, action: str
) -> None:
    draft_id = submit()
    csrf = sign_in(client)
    response = client.post(
        f"/entwuerfe/{draft_id}/{action}",
        data={"csrf": csrf, "version": "1", "text": f"Achtung {PAYLOAD}"},
    )
    assert response.status_code == 303
    assert_escaped(client.get(f"/entwuerfe/{draft_id}").text)


def test_html_in_a_forwarded_question_and_its_answer_is_shown_as_text(
    client: TestClient, db: Sessions
) -> None:
    question_id = user_asks_the_office(db, f"{PAYLOAD} Ist eine Kamera förderfähig?")
    csrf = sign_in(client)
    assert_escaped(client.get("/").text)
    assert_escaped(client.get(f"/anfragen/{question_id}").text)

    answered = client.post(
        f"/anfragen/{question_id}/antwort", data={"csrf": csrf, "text": f"Nein. {PAYLOAD}"}
    )
    assert answered.status_code == 303
    page = client.get(f"/anfragen/{question_id}").text
    assert_escaped(page)
    assert "Nein. &lt;script&gt;" in page


def test_html_typed_into_the_sign_in_and_account_forms_is_shown_as_text(
    client: TestClient,
) -> None:
    form = client.get("/anmelden", params={"weiter": f'/"><{PAYLOAD}'})
    assert PAYLOAD not in form.text
    failed = client.post(
        "/anmelden",
        data={"email": f'"><{PAYLOAD}', "password": "falsch-falsch", "csrf": csrf_of(form.text)},
    )
    assert failed.status_code == 401
    assert_escaped(failed.text)

    csrf = sign_in(client, ADMIN)
    refused = client.post(
        "/konten",
        data={"csrf": csrf, "email": PAYLOAD, "role": "reviewer",
              "password": "Neu-Passwort-2026!"},
    )  # fmt: skip
    assert refused.status_code == 409
    assert_escaped(refused.text)


# --- no way off the site ---


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/entwuerfe/1",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_signing_in_never_leads_off_the_site(client: TestClient, target: str) -> None:
    form = client.get("/anmelden", params={"weiter": target})
    assert 'name="next" value="/"' in form.text
    response = client.post(
        "/anmelden",
        data={"email": REVIEWER[0], "password": REVIEWER[1], "csrf": csrf_of(form.text),
              "next": target},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_the_back_link_of_a_refusal_stays_on_the_site(client: TestClient, world: World) -> None:
    sign_in(client, REVIEWER)
    response = client.get("/konten", headers={"referer": "https://evil.example//evil.example/x"})
    assert response.status_code == 403
    assert re.search(r'<a href="/">Zurück</a>', response.text)
    assert "evil.example" not in response.text


# --- headers ---


def assert_security_headers(response: httpx.Response) -> None:
    headers = response.headers
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    csp = headers.get("content-security-policy", "")
    directives = dict(part.strip().partition(" ")[::2] for part in csp.split(";"))
    assert directives.get("default-src") == "'none'", where
    assert directives.get("frame-ancestors") == "'none'", where
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") in ("same-origin", "no-referrer"), where
    assert headers.get("cache-control") == "no-store", where


def test_every_response_carries_the_security_headers(client: TestClient, world: World) -> None:
    responses = [
        client.get("/anmelden"),
        client.get("/"),  # 303 to sign in
        client.post("/entwuerfe/1/annehmen", data={"csrf": "x"}),  # 401
        client.get("/static/style.css"),
        client.get("/gibt-es-nicht"),
    ]
    form = client.get("/anmelden")
    responses.append(
        client.post(
            "/anmelden",
            data={"email": REVIEWER[0], "password": "falsch-falsch", "csrf": csrf_of(form.text)},
        )
    )
    csrf = sign_in(client, REVIEWER)
    d = world.draft_id
    responses += [
        client.get("/"),
        client.get(f"/entwuerfe/{d}"),
        client.get(f"/entwuerfe/{d}/export/pdf"),
        client.get(f"/entwuerfe/{d}/export/json"),
        client.get(f"/anfragen/{world.question_id}"),
        client.get("/konten"),  # 403
        client.post(f"/entwuerfe/{d}/kommentar", data={"csrf": "falsch"}),  # 403
        client.post(f"/entwuerfe/{d}/kommentar", data={"csrf": csrf, "text": "ok"}),  # 303
        client.post(f"/entwuerfe/{d}/kommentar", data={"csrf": csrf, "text": ""}),  # 409
    ]
    assert {r.status_code for r in responses} >= {200, 303, 401, 403, 404, 409}
    for response in responses:
        assert_security_headers(response)


def test_over_https_browsers_are_told_to_stay_on_https(
    tmp_path: Path, db: Sessions, clock: Clock
) -> None:
    settings = Settings(data_dir=tmp_path, review_public_url="https://pruefung.lpr.example")
    app = create_app(settings, db, clock=clock)
    secure = TestClient(app, base_url="https://testserver", follow_redirects=False)
    response = secure.get("/anmelden")
    assert_security_headers(response)
    assert response.headers["strict-transport-security"].startswith("max-age=")


# --- what reaches the user ---


def test_an_internal_comment_never_reaches_the_user_but_a_query_does(
    client: TestClient, db: Sessions, submit: Submit
) -> None:
    draft_id = submit()
    csrf = sign_in(client)
    internal = "Kosten wirken hoch, Rücksprache mit Referat 3."

    commented = client.post(
        f"/entwuerfe/{draft_id}/kommentar", data={"csrf": csrf, "text": internal}
    )

    assert commented.status_code == 303
    assert messages_to_user(db) == []
    assert internal in client.get(f"/entwuerfe/{draft_id}").text

    query = "Bitte beschreiben Sie den Zeitplan genauer."
    asked = client.post(
        f"/entwuerfe/{draft_id}/rueckfrage", data={"csrf": csrf, "version": "1", "text": query}
    )

    assert asked.status_code == 303
    [message] = messages_to_user(db)
    assert query in message["text"]
    assert internal not in message["text"]
    assert [[button["label"] for button in row] for row in message["buttons"]] == [
        ["Entwurf bearbeiten"]
    ]
    with db() as session:  # nor does the comment go anywhere else
        payloads = [json.dumps(p, ensure_ascii=False) for p in session.scalars(
            select(OutboxRow.payload))]  # fmt: skip
    assert not any(internal in p for p in payloads)


# --- exports ---

AMOUNT = "35.999,99 €"


@pytest.fixture
def priced(submit: Submit) -> int:
    """A draft asking for 35.999,99 € (with cents, so rounding would show)."""
    return submit(draft_with(**{"financing.grant": "35999.99", "financing.own_money": "3000.01"}))


def download(client: TestClient, draft_id: int, fmt: str, **params: str) -> httpx.Response:
    response = client.get(f"/entwuerfe/{draft_id}/export/{fmt}", params=params)
    assert response.status_code == 200, response.text
    return response


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_docx_export_opens_and_holds_the_amount(client: TestClient, priced: int) -> None:
    sign_in(client)
    response = download(client, priced, "docx")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="KommPraev-Entwurf-{priced}-v1.docx"'
    text = docx_text(response.content)
    assert AMOUNT in text
    assert "Sicher im Stadtpark" in text


def test_the_pdf_export_opens_and_holds_the_amount(client: TestClient, priced: int) -> None:
    sign_in(client)
    response = download(client, priced, "pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AMOUNT in pdf_text(response.content)


def test_the_json_export_parses_with_its_schema(client: TestClient, priced: int) -> None:
    sign_in(client)
    data = json.loads(download(client, priced, "json").content)
    assert data["schema"] == "kommpraev-draft/1"
    assert data["financing"]["grant"] == "35999.99"
    assert data["meta"]["draft_id"] == priced
    assert data["meta"]["version"] == 1
    assert Decimal(data["financing"]["total"]) == Decimal("40000.00")


def test_an_older_version_exports_as_it_was_handed_in(
    client: TestClient, submit: Submit, priced: int
) -> None:
    submit(
        draft_with(**{"financing.grant": "35000.00", "financing.own_money": "4000.00"}),
        draft_id=priced,
    )
    sign_in(client)
    assert AMOUNT in pdf_text(download(client, priced, "pdf", version="1").content)
    assert "35.000,00 €" in docx_text(download(client, priced, "docx").content)
    latest = json.loads(download(client, priced, "json").content)
    assert (latest["meta"]["version"], latest["financing"]["grant"]) == (2, "35000.00")
    trail = client.get(f"/entwuerfe/{priced}").text
    assert "exportiert (PDF) (Version 1)" in trail
    assert "exportiert (DOCX) (Version 2)" in trail


@pytest.mark.parametrize("path", ["export/xml", "export/pdf?version=7"])
def test_an_unknown_export_is_not_found(client: TestClient, priced: int, path: str) -> None:
    sign_in(client)
    response = client.get(f"/entwuerfe/{priced}/{path}")
    assert response.status_code == 404
    assert "gibt es nicht" in alert(response.text)
