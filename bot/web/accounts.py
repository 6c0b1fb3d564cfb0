"""Managing staff accounts, shared by `kommpraev staff` and the workspace's admin page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.storage import StaffRole, accounts_repo, review_repo
from bot.web import passwords
from bot.web.workspace import Refused

ROLES = tuple(role.value for role in StaffRole)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}$")


@dataclass(frozen=True)
class AccountLine:
    id: int
    email: str
    role: str
    active: bool
    created_at: datetime


def listing(session: Session) -> list[AccountLine]:
    return [
        AccountLine(a.id, a.email, a.role, a.disabled_at is None, a.created_at)
        for a in accounts_repo.all_accounts(session)
    ]


def add(
    session: Session, *, email: str, role: str, password: str, actor: str, now: datetime
) -> int:
    """A new account; Refused with a German reason for a bad address, role or password."""
    email = accounts_repo.normalise_email(email)
    if not _EMAIL.match(email):
        raise Refused(f"„{email}“ ist keine gültige E-Mail-Adresse.")
    if role not in ROLES:
        raise Refused(f"Die Rolle muss {' oder '.join(ROLES)} sein.")
    if problem := passwords.weakness(password):
        raise Refused(problem)
    if accounts_repo.by_email(session, email=email) is not None:
        raise Refused(f"Ein Konto für {email} gibt es schon.")
    row = accounts_repo.create(
        session, email=email, role=role, password_hash=passwords.hash_password(password)
    )
    review_repo.audit(
        session,
        subject="account",
        subject_id=row.id,
        actor=actor,
        action="angelegt",
        detail=role,
        now=now,
    )
    return row.id


def disable(session: Session, *, account_id: int, actor: str, now: datetime) -> None:
    row = accounts_repo.get(session, account_id=account_id)
    if row is None:
        raise Refused("Dieses Konto gibt es nicht.")
    accounts_repo.disable(session, account_id=account_id, now=now)
    review_repo.audit(
        session, subject="account", subject_id=account_id, actor=actor, action="gesperrt", now=now
    )


def disable_by_email(session: Session, *, email: str, actor: str, now: datetime) -> None:
    row = accounts_repo.by_email(session, email=email)
    if row is None:
        raise Refused(f"Kein Konto für {accounts_repo.normalise_email(email)}.")
    disable(session, account_id=row.id, actor=actor, now=now)
