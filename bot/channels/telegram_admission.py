"""Which incoming updates reach the conversation core, and what the others are answered.

Decided while recording, in the same transaction as the inbox row, so a redelivered update is
recognised and answered at most once:

* quarantined (unreadable) updates are remembered by id only;
* a private chat whose chat is not the sender's is refused and not recorded;
* an edited message gets a hint (we do not reread earlier messages);
* a group message gets a hint that we only talk privately, at most once per group per hour;
* a user with too many updates waiting, or too many in the last minute, is told once that the
  rest is left out; those updates are recorded as handled and never processed.

Hints and the notice go to the outbox right away (the update is marked processed with them), so
they do not wait behind the user's backlog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session
from telegram import Update

from bot.channels.telegram_updates import Quarantined, Routed, quarantine, route
from bot.conversation import Incoming, Reply, texts
from bot.storage import inbox_repo

log = logging.getLogger(__name__)

PAYLOAD_KEYS = ("kind", "text", "button", "command")
"""The fields of an `Incoming` kept in the inbox row (user and chat have their own columns)."""

Answer = Callable[[Session, int, int, list[Reply]], None]
"""Marks an update processed and queues its replies: (session, update_id, chat_id, replies)."""


@dataclass(frozen=True)
class Limits:
    """How much one user may ask of the bot at once, so that no one crowds out the others.

    Example with the defaults: 300 messages pasted at once -> the first 30 are processed, one
    notice says so, the other 269 are recorded as handled and left out. A person tapping
    through the form briskly sends about 30 updates a minute; 60 leaves room for that.
    """

    backlog: int = 30
    """Updates of one user waiting to be processed; beyond this new ones are left out."""
    per_minute: int = 60
    """Updates of one user recorded in the last minute (left-out ones included)."""
    group_hint_every: timedelta = timedelta(hours=1)
    """At most one 'private chats only' hint per group chat in this time."""


class Admission:
    """Records each update as what it is (see the module docstring); one per channel."""

    def __init__(self, *, limits: Limits, answer: Answer) -> None:
        self.limits = limits
        self.answer = answer
        self._told: set[int] = set()  # owners told about the cap since they last got through

    def admit(self, session: Session, item: Update | Quarantined, *, now: datetime) -> Routed:
        """Record one update; its route, with `incoming` set only when it is to be processed."""
        if isinstance(item, Quarantined):
            inbox_repo.record_quarantined(
                session, update_id=item.update_id, error=item.error, now=now
            )
            return Routed("ignore")
        update_id = item.update_id
        try:
            routed = route(item)
        except Exception as exc:  # a shape PTB accepted but we cannot read
            bad = quarantine(update_id, exc)
            inbox_repo.record_quarantined(session, update_id=update_id, error=bad.error, now=now)
            return Routed("ignore")
        if routed.route == "ignore":
            return routed
        if routed.route == "foreign_chat":
            log.warning("telegram.foreign_chat_refused update_id=%s", update_id)
            return Routed("ignore")
        if routed.route == "group":
            since = now - self.limits.group_hint_every
            if inbox_repo.chat_recorded_since(session, chat_id=routed.chat_id, since=since):
                return Routed("ignore")
            self._handled(session, update_id, routed, now, texts.PRIVATE_CHATS_ONLY)
            return Routed("ignore")
        cap = self._cap_reached(session, routed.owner_id, now)
        if cap is not None:
            first = routed.owner_id not in self._told
            self._told.add(routed.owner_id)
            notice = texts.TOO_MANY_MESSAGES.format(count=cap) if first else None
            log.info("telegram.over_cap update_id=%s told=%s", update_id, first)
            self._handled(session, update_id, routed, now, notice)
            return Routed("ignore")
        self._told.discard(routed.owner_id)
        if routed.route == "edited":
            self._handled(session, update_id, routed, now, texts.EDITED_MESSAGE_HINT)
            return Routed("ignore")
        assert routed.incoming is not None
        inbox_repo.record(
            session,
            update_id=update_id,
            owner_id=routed.owner_id,
            chat_id=routed.chat_id,
            payload=payload_of(routed.incoming),
            now=now,
        )
        return routed

    def _cap_reached(self, session: Session, owner_id: int, now: datetime) -> int | None:
        """The limit this owner has reached (the number to name in the notice), or None."""
        if inbox_repo.pending_count(session, owner_id=owner_id) >= self.limits.backlog:
            return self.limits.backlog
        since = now - timedelta(minutes=1)
        if inbox_repo.received_since(session, owner_id=owner_id, since=since) >= (
            self.limits.per_minute
        ):
            return self.limits.per_minute
        return None

    def _handled(
        self, session: Session, update_id: int, routed: Routed, now: datetime, text: str | None
    ) -> None:
        """Record the update as handled, answered with `text` (or nothing), unless seen before."""
        new = inbox_repo.record(
            session,
            update_id=update_id,
            owner_id=routed.owner_id,
            chat_id=routed.chat_id,
            payload={},
            now=now,
        )
        if new:
            replies = [Reply(text)] if text else []
            self.answer(session, update_id, routed.chat_id, replies)


def payload_of(incoming: Incoming) -> dict[str, object]:
    """The inbox payload of an `Incoming` (user and chat are columns of their own)."""
    return {key: getattr(incoming, key) for key in PAYLOAD_KEYS}
