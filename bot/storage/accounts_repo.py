"""Staff accounts, their signed-in sessions and failed sign-ins (for throttling).

Passwords arrive here already hashed (`bot.web.passwords`); session ids arrive as SHA-256
digests of the cookie value. The caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.storage.columns import utcnow
from bot.storage.tables import LoginFailureRow, StaffAccountRow, StaffSessionRow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create(session: Session, *, email: str, role: str, password_hash: str) -> StaffAccountRow:
    row = StaffAccountRow(email=normalise_email(email), role=role, password_hash=password_hash)
    session.add(row)
    session.flush()
    return row


def by_email(session: Session, *, email: str) -> StaffAccountRow | None:
    return session.scalars(
        select(StaffAccountRow).where(StaffAccountRow.email == normalise_email(email))
    ).one_or_none()


def get(session: Session, *, account_id: int) -> StaffAccountRow | None:
    return session.get(StaffAccountRow, account_id)


def all_accounts(session: Session) -> list[StaffAccountRow]:
    return list(session.scalars(select(StaffAccountRow).order_by(StaffAccountRow.email)))


def disable(session: Session, *, account_id: int, now: datetime | None = None) -> None:
    """Disable an account and end its sessions at once."""
    row = session.get(StaffAccountRow, account_id)
    if row is None:
        return
    row.disabled_at = now or utcnow()
    session.execute(delete(StaffSessionRow).where(StaffSessionRow.account_id == account_id))


def open_session(
    session: Session, *, session_hash: str, account_id: int, csrf: str, now: datetime
) -> StaffSessionRow:
    row = StaffSessionRow(
        id=session_hash, account_id=account_id, csrf=csrf, created_at=now, seen_at=now
    )
    session.add(row)
    session.flush()
    return row


def find_session(session: Session, *, session_hash: str) -> StaffSessionRow | None:
    return session.get(StaffSessionRow, session_hash)


def end_session(session: Session, *, session_hash: str) -> None:
    session.execute(delete(StaffSessionRow).where(StaffSessionRow.id == session_hash))


def end_expired(session: Session, *, idle_before: datetime, created_before: datetime) -> int:
    result = session.execute(
        delete(StaffSessionRow).where(
            (StaffSessionRow.seen_at < idle_before) | (StaffSessionRow.created_at < created_before)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def record_failure(session: Session, *, email: str, address: str, now: datetime) -> None:
    session.add(LoginFailureRow(email=normalise_email(email)[:254], address=address[:64], at=now))
    # Old failures are of no use to the throttle; keep the table small.
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < now - timedelta(hours=2)))


def failures_since(
    session: Session, *, since: datetime, email: str, address: str
) -> tuple[int, int]:
    """Failed sign-ins since `since`: (for this account, from this address)."""
    count = func.count(LoginFailureRow.id)
    by_account = session.scalar(
        select(count).where(
            LoginFailureRow.at >= since, LoginFailureRow.email == normalise_email(email)
        )
    )
    by_address = session.scalar(
        select(count).where(LoginFailureRow.at >= since, LoginFailureRow.address == address)
    )
    return int(by_account or 0), int(by_address or 0)
