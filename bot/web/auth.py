"""Staff sign-in: sessions in SQL behind a random cookie, CSRF tokens, timeouts, throttling.

The cookie holds 32 random bytes; the table holds only their SHA-256, so a copy of the
database signs nobody in. A new session id at every sign-in (no fixation); idle timeout 30 min,
absolute 12 h. At most `FAILURE_LIMIT` failed sign-ins per hour per account and per address.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.storage import StaffRole, accounts_repo, review_repo
from bot.web import passwords

log = logging.getLogger(__name__)

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
FAILURE_LIMIT = 100
FAILURE_WINDOW = timedelta(hours=1)
_SEEN_EVERY = timedelta(minutes=1)  # refresh `seen_at` at most this often: fewer writes

WRONG = "E-Mail-Adresse oder Passwort stimmt nicht."
THROTTLED = (
    "Zu viele fehlgeschlagene Anmeldungen in der letzten Stunde. Bitte warten Sie eine Stunde "
    "oder lassen Sie Ihr Passwort von der Administration neu setzen."
)


@dataclass(frozen=True)
class Staff:
    """The signed-in person as every page sees it."""

    account_id: int
    email: str
    role: str
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.ADMIN.value

    @property
    def is_editor(self) -> bool:
        """May change the knowledge base (FAQ, documents)."""
        return self.role in (StaffRole.EDITOR.value, StaffRole.ADMIN.value)


def cookie_name(secure: bool) -> str:
    # `__Host-` binds the cookie to this host and path "/", but browsers accept it only Secure.
    return "__Host-kp_session" if secure else "kp_session"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def sign_in(
    session: Session, *, email: str, password: str, address: str, now: datetime
) -> tuple[str, Staff] | str:
    """(cookie value, staff) for a good sign-in, else the German message to show."""
    by_account, by_address = accounts_repo.failures_since(
        session, since=now - FAILURE_WINDOW, email=email, address=address
    )
    if by_account >= FAILURE_LIMIT or by_address >= FAILURE_LIMIT:
        log.warning("review.login_throttled")
        return THROTTLED
    account = accounts_repo.by_email(session, email=email)
    ok = passwords.verify(account.password_hash if account else None, password)
    if account is None or not ok or account.disabled_at is not None:
        accounts_repo.record_failure(session, email=email, address=address, now=now)
        log.info("review.login_failed")
        return WRONG
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    token = new_token()
    row = accounts_repo.open_session(
        session, session_hash=digest(token), account_id=account.id, csrf=new_token(), now=now
    )
    review_repo.audit(
        session,
        subject="account",
        subject_id=account.id,
        actor=account.email,
        action="angemeldet",
        now=now,
    )
    log.info("review.login account_id=%s", account.id)
    return token, Staff(account.id, account.email, account.role, row.csrf)


def current(session: Session, *, token: str | None, now: datetime) -> Staff | None:
    """The staff member behind a cookie value; None when absent, expired or disabled."""
    if not token or len(token) > 100:
        return None
    row = accounts_repo.find_session(session, session_hash=digest(token))
    if row is None:
        return None
    account = accounts_repo.get(session, account_id=row.account_id)
    expired = now - row.seen_at > IDLE or now - row.created_at > ABSOLUTE
    if account is None or account.disabled_at is not None or expired:
        accounts_repo.end_session(session, session_hash=row.id)
        return None
    if now - row.seen_at > _SEEN_EVERY:
        row.seen_at = now
    return Staff(account.id, account.email, account.role, row.csrf)


def sign_out(session: Session, *, token: str | None) -> None:
    if token:
        accounts_repo.end_session(session, session_hash=digest(token))
