"""Work a running bot does beside answering: expiring abandoned drafts with a reminder first,
and forgetting old questions from the office's list of unanswered ones.

Storage decides which drafts (`bot.storage.retention`); this module says it to the owner in
German, as an outbox row to their private chat (on Telegram the chat id is the user id), in
the same transaction that records the reminder, so it is sent exactly when it is recorded.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import Reply, texts
from bot.settings import Settings
from bot.storage import inbox_repo, question_log, retention

log = logging.getLogger(__name__)

BERLIN = ZoneInfo("Europe/Berlin")


def expire_drafts(
    sessions: sessionmaker[Session], *, settings: Settings, now: datetime, channel: str = "telegram"
) -> retention.SweepResult | None:
    """One sweep in its own transaction; None when it failed (logged; the next one retries).

    Only drafts of `channel` users: a reminder must be deliverable, and the terminal chat has
    no outbox (its drafts stay until the user deletes them).
    """
    try:
        with sessions.begin() as session:
            result = retention.sweep(
                session,
                now=now,
                retention_days=settings.draft_retention_days,
                remind_days=settings.draft_reminder_days,
                channel=channel,
            )
            forgotten = question_log.purge(
                session, before=now - timedelta(days=settings.question_log_days)
            )
            if forgotten:
                log.info("question_log.purged count=%s", forgotten)
            for reminder in result.reminders:
                text = texts.DRAFT_EXPIRY_REMINDER.format(
                    draft_id=reminder.draft_id,
                    retention_days=settings.draft_retention_days,
                    delete_on=reminder.delete_after.astimezone(BERLIN).date(),
                )
                inbox_repo.add_replies(
                    session,
                    update_id=None,
                    chat_id=reminder.owner_id,
                    payloads=[Reply(text).as_json()],
                    now=now,
                )
    except SQLAlchemyError as exc:
        # E.g. SQLite busy under load: nothing is lost, the sweep runs again in an hour.
        log.warning("retention.sweep_failed error=%s", type(exc).__name__)
        return None
    return result
