"""The office's e-mail: queued mails reach a real local SMTP server (aiosmtpd) once each."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword
from aiosmtpd.smtp import Session as SmtpSession
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.mailer import SmtpTarget, parse_smtp_url, run_mailer, send_due
from bot.settings import Settings
from bot.storage import mail_repo
from bot.storage.tables import MailRow
from tests.fakes.smtp_server import OfficeServer, free_port

OFFICE = "lpr@example.org"
LOTSE = "lotse@example.org"
SUBJECT = "Neuer Antrag: Präventionsrat Größenwalde"
BODY = "Entwurf 7, Fassung 2 wurde eingereicht.\nMaßnahme: Jugendtreff „Überall“ – 12.500 €\n"


@pytest.fixture
def office() -> Iterator[OfficeServer]:
    server = OfficeServer(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, office: OfficeServer) -> Settings:
    """Overrides the channel fixture: no Telegram and no index needed here."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        smtp_url=SecretStr(f"smtp://127.0.0.1:{office.port}"),
        smtp_from=LOTSE,
        review_notify_email=OFFICE,
    )


def _queue(sessions: sessionmaker[Session], key: str = "submitted:7:2") -> bool:
    with sessions.begin() as session:
        return mail_repo.queue(session, dedupe_key=key, subject=SUBJECT, body=BODY)


def _row(sessions: sessionmaker[Session], key: str = "submitted:7:2") -> MailRow:
    with sessions.begin() as session:
        return session.scalars(select(MailRow).where(MailRow.dedupe_key == key)).one()


def test_a_submission_mail_reaches_the_office_once(
    sessions: sessionmaker[Session], settings: Settings, office: OfficeServer
) -> None:
    _queue(sessions)

    assert send_due(sessions, settings) == 1
    assert send_due(sessions, settings) == 0

    [envelope] = office.mailbox.envelopes
    assert envelope.mail_from == LOTSE
    assert envelope.rcpt_tos == [OFFICE]
    [message] = office.mailbox.messages
    assert message["From"] == LOTSE
    assert message["To"] == OFFICE
    assert message["Subject"] == SUBJECT
    assert message.get_content().replace("\r\n", "\n") == BODY
    assert message["Message-ID"].endswith("@example.org>")
    row = _row(sessions)
    assert row.sent_at is not None
    assert row.error is None
    assert row.attempts == 1


def test_the_same_cause_queued_twice_is_one_mail(
    sessions: sessionmaker[Session], settings: Settings, office: OfficeServer
) -> None:
    assert _queue(sessions) is True
    assert _queue(sessions) is False

    assert send_due(sessions, settings) == 1
    assert len(office.mailbox.envelopes) == 1


def test_several_due_mails_go_out_in_one_round(
    sessions: sessionmaker[Session], settings: Settings, office: OfficeServer
) -> None:
    for version in (1, 2, 3):
        _queue(sessions, key=f"submitted:7:{version}")

    assert send_due(sessions, settings) == 3
    assert len(office.mailbox.envelopes) == 3


def test_a_mail_waits_while_the_server_is_down_and_goes_out_when_it_is_back(
    sessions: sessionmaker[Session],
    settings: Settings,
    office: OfficeServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.channels.mailer")
    office.stop()
    _queue(sessions)

    assert send_due(sessions, settings) == 0

    row = _row(sessions)
    assert row.sent_at is None
    assert row.claimed_at is None  # released: the next round takes it again
    assert row.error == "ConnectionRefusedError"
    assert row.attempts == 1

    office.start()
    assert send_due(sessions, settings) == 1
    assert len(office.mailbox.envelopes) == 1
    row = _row(sessions)
    assert row.sent_at is not None
    assert row.error is None
    assert row.attempts == 2
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.channels.mailer"]
    assert logged == [
        f"mail.send_failed id={row.id} error=ConnectionRefusedError",
        f"mail.sent id={row.id}",
    ]


def test_a_mail_sent_again_after_a_crash_carries_the_same_message_id(
    sessions: sessionmaker[Session], settings: Settings, office: OfficeServer
) -> None:
    _queue(sessions)
    send_due(sessions, settings)
    # As if the sender died after the server accepted the mail, before mark_sent committed.
    with sessions.begin() as session:
        session.execute(update(MailRow).values(sent_at=None, claimed_at=None))

    assert send_due(sessions, settings) == 1

    first, second = office.mailbox.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Date"] == second["Date"]


@pytest.fixture
def office_with_login() -> Iterator[OfficeServer]:
    def authenticator(
        server: SMTP, session: SmtpSession, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data == (b"lotse@x", "geheim:ä".encode())
        return AuthResult(success=ok, handled=False)

    server = OfficeServer(
        port=free_port(),
        smtp_kwargs={
            "authenticator": authenticator,
            "auth_required": True,
            "auth_require_tls": False,
        },
    )
    server.start()
    yield server
    server.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize(("password", "delivered"), [("geheim%3A%C3%A4", 1), ("falsch", 0)])
def test_the_sender_logs_in_when_the_url_names_a_user(
    sessions: sessionmaker[Session],
    settings: Settings,
    office_with_login: OfficeServer,
    password: str,
    delivered: int,
) -> None:
    url = f"smtp://lotse%40x:{password}@127.0.0.1:{office_with_login.port}"
    settings = settings.model_copy(update={"smtp_url": SecretStr(url)})
    _queue(sessions)

    assert send_due(sessions, settings) == delivered

    assert len(office_with_login.mailbox.envelopes) == delivered
    assert _row(sessions).error == (None if delivered else "SMTPAuthenticationError")


def test_nothing_is_sent_while_mail_is_switched_off(
    sessions: sessionmaker[Session], settings: Settings, office: OfficeServer
) -> None:
    _queue(sessions)
    for off in ({"smtp_url": SecretStr("")}, {"review_notify_email": ""}):
        assert send_due(sessions, settings.model_copy(update=off)) == 0

    assert office.mailbox.envelopes == []
    assert _row(sessions).attempts == 0


async def test_the_mailer_loop_delivers_until_told_to_stop(
    sessions: sessionmaker[Session], settings: Settings, office: OfficeServer
) -> None:
    _queue(sessions)
    stop = asyncio.Event()
    task = asyncio.create_task(run_mailer(sessions, settings, stop=stop, interval_s=0.05))

    for _ in range(100):
        if office.mailbox.envelopes:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=5)

    assert len(office.mailbox.envelopes) == 1


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("smtp://mail.example.org", SmtpTarget("mail.example.org", 25, "", "", "none")),
        ("smtps://mail.example.org", SmtpTarget("mail.example.org", 465, "", "", "ssl")),
        (
            "smtp://lotse%40amt:p%C3%A4ss%3Aw@mail.example.org:587?starttls=1",
            SmtpTarget("mail.example.org", 587, "lotse@amt", "päss:w", "starttls"),
        ),
        ("smtp://u:p@127.0.0.1:2525", SmtpTarget("127.0.0.1", 2525, "u", "p", "none")),
        ("smtp://[::1]:2525?starttls=0", SmtpTarget("::1", 2525, "", "", "none")),
    ],
)
def test_smtp_urls_are_understood(url: str, target: SmtpTarget) -> None:
    assert parse_smtp_url(url) == target


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://x", "SMTP_URL: „ftp://x“ ist keine smtp://- oder smtps://-Adresse"),
        ("mail.example.org", "SMTP_URL: „mail.example.org“ ist keine smtp://- oder smtps://"),
        ("smtp://", "SMTP_URL: „smtp://“ nennt keinen Server"),
        ("smtp://u:p@:25", "SMTP_URL: „smtp://u:***@:25“ nennt keinen Server"),
        ("smtp://host:abc", "SMTP_URL: „smtp://host:abc“ hat keinen gültigen Port"),
        ("smtp://host:0", "SMTP_URL: „smtp://host:0“ hat keinen gültigen Port"),
        ("smtp://host:70000", "SMTP_URL: „smtp://host:70000“ hat keinen gültigen Port"),
        ("smtp://host?starttls=vielleicht", "starttls muss 1 oder 0 sein"),
        ("smtps://host?starttls=1", "smtps:// verschlüsselt schon"),
    ],
)
def test_bad_smtp_urls_are_refused_in_german(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"^SMTP_URL") as refused:
        parse_smtp_url(url)
    assert message in str(refused.value)


def test_a_refused_url_does_not_show_its_password() -> None:
    with pytest.raises(ValueError, match="ftp") as refused:
        parse_smtp_url("ftp://lotse:streng-geheim@mail.example.org")
    assert "streng-geheim" not in str(refused.value)
    assert "lotse:***@mail.example.org" in str(refused.value)
