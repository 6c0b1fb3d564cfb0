"""E-mail to the LPR office: sends the mails queued in `mail_outbox` over SMTP, each once.

`mail_repo.queue` stores a mail in the transaction of its cause, so none is lost while the
server is down; `send_due` delivers what is due, `run_mailer` calls it every few seconds. After a
crash between the server taking a mail and `mark_sent`, the mail goes again with the same
Message-ID (derived from the dedupe key), so the resend is recognisable.
Logs name ids and events only: subjects, bodies and addresses are personal data.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.storage import mail_repo, utcnow
from bot.storage.tables import MailRow

log = logging.getLogger(__name__)

TIMEOUT_S = 10.0
"""Per SMTP connection: a hanging server must not hold the round (and its claims) for long."""

_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
Tls = Literal["none", "ssl", "starttls"]
_YES, _NO = {"1", "true", "yes"}, {"", "0", "false", "no"}


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to deliver, parsed once per round from SMTP_URL."""

    host: str
    port: int
    username: str
    password: str
    tls: Tls


def parse_smtp_url(url: str) -> SmtpTarget:
    """Parse `smtp://user:pass@host:port` or `smtps://…`, optionally with `?starttls=1`.

    A bad URL raises `ValueError` in German (for whoever starts the bot), its password masked.
    """
    url = url.strip()
    parts = urlsplit(url)
    shown = url if parts.password is None else url.replace(f":{parts.password}@", ":***@", 1)
    shown = f"SMTP_URL: „{shown}“"
    if parts.scheme not in _DEFAULT_PORTS:
        raise ValueError(f"{shown} ist keine smtp://- oder smtps://-Adresse")
    if not parts.hostname:
        raise ValueError(f"{shown} nennt keinen Server")
    try:
        port = _DEFAULT_PORTS[parts.scheme] if parts.port is None else parts.port
    except ValueError:  # not a number, or above 65535
        port = 0
    if not 1 <= port <= 65535:
        raise ValueError(f"{shown} hat keinen gültigen Port (1 bis 65535)")
    starttls = parse_qs(parts.query).get("starttls", [""])[-1].lower()
    if starttls not in _YES | _NO:
        raise ValueError(f"{shown}: starttls muss 1 oder 0 sein")
    if parts.scheme == "smtps" and starttls in _YES:
        raise ValueError(f"{shown}: smtps:// verschlüsselt schon, starttls passt nicht dazu")
    tls: Tls = "ssl" if parts.scheme == "smtps" else ("starttls" if starttls in _YES else "none")
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    return SmtpTarget(parts.hostname, port, user, password, tls)


def send_due(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    now: Callable[[], datetime] | None = None,
) -> int:
    """Send the due mails over one connection; return how many went out.

    Each is claimed in a transaction of its own first, so no second process sends it too. The
    first SMTP or network error ends the round: with the server down the rest would fail too.
    """
    if not settings.mail_enabled:
        return 0
    clock = now or utcnow
    target = parse_smtp_url(settings.smtp_url.get_secret_value())
    with sessions.begin() as session:
        pending = mail_repo.due(session, now=clock())
        session.expunge_all()  # keeps the rows loaded after the commit
    sent = 0
    smtp: smtplib.SMTP | None = None
    try:
        for mail in pending:
            with sessions.begin() as session:
                if not mail_repo.claim(session, mail_id=mail.id, now=clock()):
                    continue  # another sender has it
            message = _message(settings, mail)
            try:
                if smtp is None:
                    smtp = _connect(target)
                smtp.send_message(message)
            except Exception as exc:
                # Any error releases the claim at once, not only after STALE_CLAIM.
                with sessions.begin() as session:
                    mail_repo.mark_failed(session, mail_id=mail.id, error=type(exc).__name__)
                log.warning("mail.send_failed id=%s error=%s", mail.id, type(exc).__name__)
                if not isinstance(exc, smtplib.SMTPException | OSError):
                    raise
                break
            with sessions.begin() as session:
                mail_repo.mark_sent(session, mail_id=mail.id, now=clock())
            sent += 1
            log.info("mail.sent id=%s", mail.id)
    finally:
        if smtp is not None:
            _close(smtp)
    return sent


def _message(settings: Settings, mail: MailRow) -> EmailMessage:
    """The mail as sent; the same queued row always yields the same Message-ID and Date."""
    digest = hashlib.sha256(mail.dedupe_key.encode()).hexdigest()[:32]
    domain = settings.smtp_from.rpartition("@")[2] or "kommpraev-lotse"
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = settings.review_notify_email
    message["Subject"] = " ".join(mail.subject.split())  # a line break would make it invalid
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = f"<{digest}.kommpraev@{domain}>"
    # quoted-printable keeps umlauts intact also on servers without 8BITMIME.
    message.set_content(mail.body, charset="utf-8", cte="quoted-printable")
    return message


def _connect(target: SmtpTarget) -> smtplib.SMTP:
    """An open, authenticated connection; TLS certificates are checked as browsers do."""
    context = ssl.create_default_context()
    if target.tls != "ssl":
        smtp = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_S)
    else:
        smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=TIMEOUT_S, context=context)
    try:
        if target.tls == "starttls":
            smtp.starttls(context=context)
        if target.username and (target.username + target.password).isascii():
            smtp.login(target.username, target.password)
        elif target.username:  # smtplib sends ASCII only; RFC 4616 PLAIN allows UTF-8
            smtp.ehlo_or_helo_if_needed()
            plain = f"\0{target.username}\0{target.password}".encode()
            code, reply = smtp.docmd("AUTH", "PLAIN " + base64.b64encode(plain).decode())
            if code != 235:
                raise smtplib.SMTPAuthenticationError(code, reply)
    except BaseException:
        _close(smtp)
        raise
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    """Say goodbye politely; a server that is gone by now changes nothing already sent."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


async def run_mailer(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    stop: asyncio.Event,
    interval_s: float = 5.0,
) -> None:
    """Send due mails every `interval_s` until `stop` is set, in a thread (smtplib blocks).

    Errors are logged by class name and the loop goes on: the queue keeps the mails.
    """
    while not stop.is_set():
        try:
            await asyncio.to_thread(send_due, sessions, settings)
        except Exception as exc:
            log.warning("mail.send_failed error=%s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
