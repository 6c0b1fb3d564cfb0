"""Staff passwords: argon2id hashes (OWASP's minimum: t=2, m=19 MiB, p=1) and a length rule."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1000  # the sign-in form reads no more
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
# Verified against when the e-mail is unknown, so that a wrong address costs the same time as a
# wrong password and the response time does not tell which accounts exist.
_DUMMY = HASHER.hash("kein-konto-mit-dieser-adresse")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


def weakness(password: str) -> str | None:
    """Why a new password is refused, in German; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein."
    if len(password) > MAX_LENGTH:
        return f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein."
    if password.strip() != password:
        return "Das Passwort darf nicht mit Leerzeichen beginnen oder enden."
    if len(set(password)) < 5:
        return "Das Passwort ist zu gleichförmig; bitte mehr verschiedene Zeichen verwenden."
    return None
