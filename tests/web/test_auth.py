"""Signing in and out of the review workspace, as a browser does it.

Passwords right and wrong, sessions that end (logout, 30 minutes idle, 12 hours in all), a new
session id at every sign-in, the throttle after 100 failures an hour, cookie flags, the stored
password hashes and the CSRF token of the sign-in form. Time is moved with `clock.now`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from http.cookies import Morsel, SimpleCookie
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from bot.settings import Settings
from bot.storage import accounts_repo, utcnow
from bot.storage.tables import StaffSessionRow
from bot.web import create_app
from bot.web.accounts import add as add_account
from bot.web.workspace import Refused
from tests.web.conftest import ADMIN, REVIEWER, Clock, csrf_of, sign_in

Sessions = sessionmaker[Session]
WRONG = "E-Mail-Adresse oder Passwort stimmt nicht."
THROTTLED = (
    "Zu viele fehlgeschlagene Anmeldungen in der letzten Stunde. Bitte warten Sie eine Stunde "
    "oder lassen Sie Ihr Passwort von der Administration neu setzen."
)
FORM_EXPIRED = "Das Anmeldeformular ist abgelaufen."
HERE = "testclient"
"""The address the test client connects from."""


def alert(html: str) -> str:
    found = re.search(r'role="alert">(.*?)</p>', html, re.S)
    assert found, html
    return unescape(found.group(1)).strip()


def cookies_set(response: httpx.Response) -> dict[str, Morsel[str]]:
    """The cookies a response sets, by name, with their attributes."""
    jar: dict[str, Morsel[str]] = {}
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        jar.update(parsed)
    return jar


def try_sign_in(client: TestClient, email: str, password: str) -> httpx.Response:
    """Open the sign-in page and send its form."""
    form = client.get("/anmelden")
    return client.post(
        "/anmelden",
        data={"email": email, "password": password, "csrf": csrf_of(form.text), "next": "/"},
    )


def browser(app: object, *, cookie: tuple[str, str] | None = None, https: bool = False,
            address: str = HERE) -> TestClient:  # fmt: skip
    """Another browser (optionally holding a copied session cookie, from another address)."""
    client = TestClient(
        app,  # type: ignore[arg-type]
        base_url="https://testserver" if https else "http://testserver",
        follow_redirects=False,
        client=(address, 50000),
    )
    if cookie:
        client.cookies.set(*cookie)
    return client


def open_sessions(db: Sessions) -> int:
    with db() as session:
        return int(session.scalar(select(func.count(StaffSessionRow.id))) or 0)


def is_signed_in(client: TestClient) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 303)
    return response.status_code == 200


def fail_many(db: Sessions, clock: Clock, count: int, *, email: str | None = None,
              address: str | None = None) -> None:  # fmt: skip
    """`count` failed sign-ins just now, for one account (from many addresses) or from one
    address (for many accounts): quicker than typing them."""
    with db.begin() as session:
        for i in range(count):
            accounts_repo.record_failure(
                session,
                email=email or f"versuch{i}@example.org",
                address=address or f"198.51.100.{i % 250}",
                now=clock.now,
            )


# --- passwords ---


def test_the_right_password_signs_in(client: TestClient) -> None:
    response = try_sign_in(client, *REVIEWER)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    inbox = client.get("/")
    assert inbox.status_code == 200
    assert REVIEWER[0] in inbox.text


def test_the_address_is_taken_in_any_case_and_with_spaces(client: TestClient) -> None:
    assert try_sign_in(client, "  Pruefer@LPR.Sachsen.de ", REVIEWER[1]).status_code == 303


@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param(REVIEWER[0], "Pruefer-Passwort-2025!", id="falsches-passwort"),
        pytest.param("niemand@lpr.sachsen.de", REVIEWER[1], id="unbekannte-adresse"),
        pytest.param(REVIEWER[0], REVIEWER[1].upper(), id="passwort-in-grossbuchstaben"),
    ],
)
def test_a_failed_sign_in_never_tells_which_part_was_wrong(
    client: TestClient, db: Sessions, email: str, password: str
) -> None:
    response = try_sign_in(client, email, password)
    assert response.status_code == 401
    assert alert(response.text) == WRONG
    assert "kp_session" not in cookies_set(response)
    assert open_sessions(db) == 0
    assert f'value="{email}"' in response.text  # the address stays filled in
    assert not is_signed_in(client)


def test_a_disabled_account_cannot_sign_in(client: TestClient, db: Sessions) -> None:
    with db.begin() as session:
        account = accounts_repo.by_email(session, email=REVIEWER[0])
        assert account is not None
        accounts_repo.disable(session, account_id=account.id)
    response = try_sign_in(client, *REVIEWER)
    assert response.status_code == 401
    assert alert(response.text) == WRONG  # the same answer as for a wrong password
    assert open_sessions(db) == 0


@pytest.mark.parametrize(("email", "password"), [("", REVIEWER[1]), (REVIEWER[0], "")])
def test_an_empty_field_is_asked_for(client: TestClient, email: str, password: str) -> None:
    response = try_sign_in(client, email, password)
    assert response.status_code == 400
    assert alert(response.text) == "Bitte E-Mail-Adresse und Passwort eingeben."


# --- sessions ---


def test_a_cookie_set_before_sign_in_is_replaced(client: TestClient) -> None:
    client.cookies.set("kp_session", "vom-angreifer-gesetzt")
    response = try_sign_in(client, *REVIEWER)
    assert response.status_code == 303
    issued = cookies_set(response)["kp_session"].value
    assert issued != "vom-angreifer-gesetzt"
    assert len(issued) >= 40
    assert not is_signed_in(browser(client.app, cookie=("kp_session", "vom-angreifer-gesetzt")))


def test_a_planted_session_is_not_taken_over_by_the_next_sign_in(client: TestClient) -> None:
    """Fixation: an attacker signs in as reviewer, plants that cookie in the admin's browser;
    the admin's sign-in gets a new id, and the planted one never becomes the admin's."""
    attacker = browser(client.app)
    planted = cookies_set(try_sign_in(attacker, *REVIEWER))["kp_session"].value
    victim = browser(client.app, cookie=("kp_session", planted))

    response = try_sign_in(victim, *ADMIN)

    issued = cookies_set(response)["kp_session"].value
    assert issued != planted
    assert browser(client.app, cookie=("kp_session", planted)).get("/konten").status_code == 403
    assert browser(client.app, cookie=("kp_session", issued)).get("/konten").status_code == 200


def test_every_sign_in_gets_a_new_session_id(client: TestClient) -> None:
    first = cookies_set(try_sign_in(client, *REVIEWER))["kp_session"].value
    second = cookies_set(try_sign_in(browser(client.app), *REVIEWER))["kp_session"].value
    third = cookies_set(try_sign_in(client, *REVIEWER))["kp_session"].value
    assert len({first, second, third}) == 3


def test_signing_out_ends_the_session(client: TestClient, db: Sessions) -> None:
    response = try_sign_in(client, *REVIEWER)
    token = cookies_set(response)["kp_session"].value
    csrf = csrf_of(client.get("/").text)

    out = client.post("/abmelden", data={"csrf": csrf})

    assert out.status_code == 303
    assert out.headers["location"] == "/anmelden"
    removed = cookies_set(out)["kp_session"]
    assert removed.value in ("", '""') and removed["max-age"] == "0"
    assert open_sessions(db) == 0
    # A copy of the old cookie is worth nothing now.
    copy = browser(client.app, cookie=("kp_session", token))
    assert copy.get("/").status_code == 303
    stale = copy.post("/entwuerfe/1/kommentar", data={"csrf": csrf, "text": "noch da?"})
    assert stale.status_code == 401


def test_a_session_ends_after_30_minutes_without_a_click(client: TestClient, clock: Clock) -> None:
    csrf = sign_in(client)
    for _ in range(3):  # each click within 30 minutes keeps it open
        clock.now += timedelta(minutes=29, seconds=59)
        assert is_signed_in(client)

    clock.now += timedelta(minutes=30, seconds=1)

    response = client.get("/entwuerfe/1")
    assert response.status_code == 303
    assert response.headers["location"] == "/anmelden?weiter=/entwuerfe/1"
    refused = client.post("/entwuerfe/1/kommentar", data={"csrf": csrf, "text": "x"})
    assert refused.status_code == 401
    assert "Sitzung ist abgelaufen" in alert(refused.text)


def test_a_session_ends_after_12_hours_however_busy(client: TestClient, clock: Clock) -> None:
    sign_in(client)
    start = clock.now
    for step in range(1, 29):  # a click every 25 minutes, up to 11 h 40 min
        clock.now = start + step * timedelta(minutes=25)
        assert is_signed_in(client)
    clock.now = start + timedelta(hours=11, minutes=59, seconds=59)
    assert is_signed_in(client)

    clock.now = start + timedelta(hours=12, seconds=1)

    assert not is_signed_in(client)


# --- throttling ---


def test_100_failures_for_one_account_block_it_for_an_hour(
    client: TestClient, db: Sessions, clock: Clock
) -> None:
    fail_many(db, clock, 97, email=REVIEWER[0])  # from many addresses
    for _ in range(3):
        assert try_sign_in(client, REVIEWER[0], "geraten-123456").status_code == 401

    blocked = try_sign_in(client, *REVIEWER)

    assert blocked.status_code == 429
    assert alert(blocked.text) == THROTTLED
    assert "kp_session" not in cookies_set(blocked)
    guessed = try_sign_in(client, REVIEWER[0], "geraten-654321")
    assert (guessed.status_code, alert(guessed.text)) == (429, THROTTLED)  # no hint either way
    # Only that account: a colleague signs in from the same address.
    assert try_sign_in(browser(client.app), *ADMIN).status_code == 303

    clock.now += timedelta(hours=1, seconds=1)

    assert try_sign_in(client, *REVIEWER).status_code == 303


def test_100_failures_from_one_address_block_it_for_an_hour(
    client: TestClient, db: Sessions, clock: Clock
) -> None:
    fail_many(db, clock, 97, address=HERE)  # for many accounts
    for i in range(3):
        assert try_sign_in(client, f"raten{i}@example.org", "geraten-123456").status_code == 401

    for who in (ADMIN, REVIEWER):
        blocked = try_sign_in(client, *who)
        assert blocked.status_code == 429
        assert alert(blocked.text) == THROTTLED
    elsewhere = browser(client.app, address="192.0.2.7")
    assert try_sign_in(elsewhere, *ADMIN).status_code == 303

    clock.now += timedelta(hours=1, seconds=1)

    assert try_sign_in(client, *ADMIN).status_code == 303


def test_99_failures_do_not_block_yet(client: TestClient, db: Sessions, clock: Clock) -> None:
    fail_many(db, clock, 99, email=REVIEWER[0])
    assert try_sign_in(client, *REVIEWER).status_code == 303


def test_failures_older_than_an_hour_do_not_count(
    client: TestClient, db: Sessions, clock: Clock
) -> None:
    fail_many(db, clock, 150, email=REVIEWER[0], address=HERE)
    clock.now += timedelta(minutes=60, seconds=1)
    assert try_sign_in(client, *REVIEWER).status_code == 303


# --- cookies ---


def test_the_cookies_are_httponly_and_samesite_lax(client: TestClient) -> None:
    form = client.get("/anmelden")
    login_cookie = cookies_set(form)["kp_login"]
    response = client.post(
        "/anmelden",
        data={"email": REVIEWER[0], "password": REVIEWER[1], "csrf": csrf_of(form.text)},
    )
    session_cookie = cookies_set(response)["kp_session"]
    for cookie in (login_cookie, session_cookie):
        assert cookie["httponly"] is True
        assert cookie["samesite"].lower() == "lax"
    assert session_cookie["path"] == "/"
    assert not session_cookie["max-age"]  # ends with the browser; the server ends it earlier


@pytest.fixture
def https_app(tmp_path: Path, db: Sessions, clock: Clock) -> object:
    """The workspace behind https://…, on the same database as `client`."""
    settings = Settings(data_dir=tmp_path, review_public_url="https://pruefung.lpr.example")
    return create_app(settings, db, clock=clock)


@pytest.fixture
def https_client(https_app: object) -> Iterator[TestClient]:
    with browser(https_app, https=True) as client:
        yield client


def test_over_https_the_session_cookie_is_host_bound_and_secure(
    https_client: TestClient, https_app: object
) -> None:
    form = https_client.get("/anmelden")
    assert cookies_set(form)["kp_login"]["secure"] is True
    response = https_client.post(
        "/anmelden",
        data={"email": REVIEWER[0], "password": REVIEWER[1], "csrf": csrf_of(form.text)},
    )
    assert response.status_code == 303
    cookies = cookies_set(response)
    assert "kp_session" not in cookies
    cookie = cookies["__Host-kp_session"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]  # `__Host-` forbids a Domain attribute
    assert is_signed_in(https_client)
    # The same value under the plain name is not accepted.
    plain = browser(https_app, https=True, cookie=("kp_session", cookie.value))
    assert not is_signed_in(plain)


def test_over_https_signing_out_removes_the_host_cookie(https_client: TestClient) -> None:
    csrf = sign_in(https_client)
    out = https_client.post("/abmelden", data={"csrf": csrf})
    assert out.status_code == 303
    removed = cookies_set(out)["__Host-kp_session"]
    assert removed["max-age"] == "0" and removed["secure"] is True and removed["path"] == "/"
    assert not is_signed_in(https_client)


# --- stored passwords ---


def argon2_parameters(password_hash: str) -> tuple[str, dict[str, int]]:
    """("argon2id", {"m": 19456, "t": 2, "p": 1}) from "$argon2id$v=19$m=…,t=…,p=…$salt$hash"."""
    _, kind, _version, params, _salt, _digest = password_hash.split("$")
    return kind, {k: int(v) for k, v in (pair.split("=") for pair in params.split(","))}


def test_passwords_are_stored_as_argon2id_hashes(db: Sessions) -> None:
    with db() as session:
        accounts = accounts_repo.all_accounts(session)
    assert len(accounts) == 2
    for account in accounts:
        kind, params = argon2_parameters(account.password_hash)
        assert kind == "argon2id"
        assert params["t"] >= 2
        assert params["m"] >= 19456
        assert ADMIN[1] not in account.password_hash
        assert REVIEWER[1] not in account.password_hash


def test_a_weaker_old_hash_is_renewed_at_sign_in(client: TestClient, db: Sessions) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)
    with db.begin() as session:
        account = accounts_repo.by_email(session, email=REVIEWER[0])
        assert account is not None
        account.password_hash = weak.hash(REVIEWER[1])

    assert try_sign_in(client, *REVIEWER).status_code == 303

    with db() as session:
        account = accounts_repo.by_email(session, email=REVIEWER[0])
        assert account is not None
        _kind, params = argon2_parameters(account.password_hash)
    assert params["t"] >= 2 and params["m"] >= 19456
    assert try_sign_in(browser(client.app), *REVIEWER).status_code == 303


def test_a_password_too_long_for_the_sign_in_form_is_refused_when_the_account_is_made(
    client: TestClient, db: Sessions
) -> None:
    long_password = "Lange-Passphrase-2026! " * 50 + "Ende"  # 1154 characters
    with db.begin() as session, pytest.raises(Refused, match="höchstens 1000 Zeichen"):
        add_account(session, email="lang@lpr.sachsen.de", role="reviewer",
                    password=long_password, actor="test", now=utcnow())  # fmt: skip


# --- CSRF of the sign-in form ---


@pytest.mark.parametrize(
    "case", ["ohne-formular-cookie", "ohne-token", "falsches-token", "token-eines-anderen"]
)
def test_the_sign_in_form_needs_its_own_token(client: TestClient, db: Sessions, case: str) -> None:
    fields = {"email": REVIEWER[0], "password": REVIEWER[1], "next": "/"}
    if case == "ohne-formular-cookie":  # a form posted from another site, page never opened
        fields["csrf"] = "irgendein-token"
    else:
        form = client.get("/anmelden")
        if case == "falsches-token":
            fields["csrf"] = "x" + csrf_of(form.text)[1:]
        elif case == "token-eines-anderen":
            fields["csrf"] = csrf_of(browser(client.app).get("/anmelden").text)

    response = client.post("/anmelden", data=fields)

    assert response.status_code == 403
    assert FORM_EXPIRED in alert(response.text)
    assert "kp_session" not in cookies_set(response)
    assert open_sessions(db) == 0
    assert not is_signed_in(client)
