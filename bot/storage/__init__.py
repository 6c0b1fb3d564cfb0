"""Storage of KommPräv-Lotse: SQLAlchemy tables, owner-scoped repositories, migrations.

Callers import from here: `from bot.storage import drafts_repo, make_engine, migrate`.
Repository functions take a `Session` and keyword arguments; the caller commits.
"""

from bot.storage import (
    accounts_repo,
    dialogue_repo,
    drafts_repo,
    inbox_repo,
    mail_repo,
    question_log,
    review_repo,
    staff_repo,
    users_repo,
)
from bot.storage.columns import JsonDict, utcnow
from bot.storage.database import make_engine, make_sessionmaker, migrate
from bot.storage.errors import DraftNotEditable, DraftNotFound, UserNotFound
from bot.storage.tables import (
    Base,
    DialogueRow,
    DraftRow,
    DraftStatus,
    DraftVersionRow,
    InboxRow,
    OutboxRow,
    ReviewStatus,
    StaffRole,
    UserRow,
)

__all__ = [
    "Base",
    "DialogueRow",
    "DraftNotEditable",
    "DraftNotFound",
    "DraftRow",
    "DraftStatus",
    "DraftVersionRow",
    "InboxRow",
    "JsonDict",
    "OutboxRow",
    "ReviewStatus",
    "StaffRole",
    "UserNotFound",
    "UserRow",
    "accounts_repo",
    "dialogue_repo",
    "drafts_repo",
    "inbox_repo",
    "mail_repo",
    "make_engine",
    "make_sessionmaker",
    "migrate",
    "question_log",
    "review_repo",
    "staff_repo",
    "users_repo",
    "utcnow",
]
