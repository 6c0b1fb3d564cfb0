"""Raw Telegram updates: fetched as JSON, parsed one at a time, and routed by what they are.

Why raw: `Bot.get_updates` parses a whole batch at once. One update PTB cannot parse (a message
without `date`, say) makes the whole call raise, the offset never moves past it, and every later
message of every user waits behind it for good. Here each update is parsed on its own; one that
fails is quarantined (its update_id and error class are kept, nothing of its content) and the
offset moves on.

Routing then decides what a parsed update is to us. Only private chats are conversations, and in
a private chat Telegram's chat id is the user's id: a "private" update whose chat is someone
else's would let one user's /meine_daten reach another chat, so it is refused.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.warnings import PTBUserWarning

from bot.conversation import Incoming

log = logging.getLogger(__name__)

READ_MARGIN_S = 10.0
"""How much longer than the long poll itself we wait for Telegram's answer."""

_GET_UPDATES_HINT = r"Please use 'Bot\.getUpdates'"


@dataclass(frozen=True)
class Quarantined:
    """An update we could not read: only its id and the class of the error are kept."""

    update_id: int
    error: str


@dataclass(frozen=True)
class Batch:
    """One `getUpdates` answer: the updates read, those quarantined, and every id seen."""

    updates: list[Update] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    @property
    def first_id(self) -> int | None:
        return self.ids[0] if self.ids else None

    @property
    def last_id(self) -> int | None:
        return self.ids[-1] if self.ids else None


async def fetch(bot: Bot, *, offset: int | None, wait_s: int) -> Batch:
    """`getUpdates` (long poll of `wait_s`) with the answer left as JSON, then each update
    parsed on its own."""
    params: dict[str, object] = {"timeout": wait_s, "allowed_updates": list(Update.ALL_TYPES)}
    if offset is not None:
        params["offset"] = offset
    # `do_api_request` points to `get_updates` on every call; that method parses the batch as
    # a whole, which is what this module avoids. Only this hint is silenced; installing the
    # filter again replaces the same entry (and survives code that resets the filters).
    warnings.filterwarnings("ignore", message=_GET_UPDATES_HINT, category=PTBUserWarning)
    raw = await bot.do_api_request(
        "getUpdates", api_kwargs=params, read_timeout=wait_s + READ_MARGIN_S
    )
    return parse_batch(raw if isinstance(raw, list) else [], bot)


def parse_batch(raw: Sequence[object], bot: Bot) -> Batch:
    """Read every update alone; one that fails is quarantined, the others are kept in order.

    Example: [{"update_id": 7, "message": {<no date>}}, {"update_id": 8, "message": {...}}]
    -> updates [8], quarantined [(7, "KeyError")], ids [7, 8]. An entry without an integer
    update_id cannot be confirmed or recorded; it is logged and left out (Telegram never sends
    one; a later update's id confirms it with the rest).
    """
    updates: list[Update] = []
    quarantined: list[Quarantined] = []
    ids: list[int] = []
    for data in raw:
        parsed = parse_one(data, bot)
        if parsed is None:
            continue
        if isinstance(parsed, Quarantined):
            quarantined.append(parsed)
        else:
            updates.append(parsed)
        ids.append(parsed.update_id)
    return Batch(updates=updates, quarantined=quarantined, ids=ids)


def parse_one(data: object, bot: Bot) -> Update | Quarantined | None:
    """One update from its JSON; Quarantined when PTB refuses it; None without an update_id."""
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.warning("telegram.update_without_id")
        return None
    try:
        update = Update.de_json(data, bot)  # type: ignore[arg-type]
    except Exception as exc:  # any shape PTB cannot read; its message may quote the content
        return quarantine(update_id, exc)
    return update


def quarantine(update_id: int, exc: BaseException) -> Quarantined:
    """Log by id and error class only: the error's message may quote what the user typed."""
    log.warning("telegram.update_quarantined update_id=%s error=%s", update_id, _name(exc))
    return Quarantined(update_id=update_id, error=_name(exc))


Route = Literal["process", "edited", "group", "foreign_chat", "ignore"]
"""What an update is to us:

* process: a message or a button press in a user's own private chat: to the conversation;
* edited: an edited message in a private chat: we answer with a hint, the edit is not read;
* group: a message in a group or supergroup: a hint that we only talk privately (rate-limited);
* foreign_chat: "private" but the chat is not the sender's: refused, logged by update_id;
* ignore: channel posts, membership changes and the like: nothing to do.
"""


@dataclass(frozen=True)
class Routed:
    """An update's route, the owner it counts against, the chat any answer goes to."""

    route: Route
    owner_id: int = 0
    chat_id: int = 0
    incoming: Incoming | None = None


IGNORE = Routed("ignore")


def route(update: Update) -> Routed:
    """Where an update goes; see `Route`."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return IGNORE
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        # Only new messages get the hint; edits, buttons and membership changes get nothing.
        return Routed("group", owner_id=chat.id, chat_id=chat.id) if update.message else IGNORE
    if chat.type != ChatType.PRIVATE:
        return IGNORE
    if update.message is None and update.edited_message is None and not update.callback_query:
        return IGNORE  # e.g. the user blocked or unblocked the bot (my_chat_member)
    if user is None or user.id != chat.id:
        return Routed("foreign_chat", chat_id=chat.id)
    if update.edited_message is not None:
        return Routed("edited", owner_id=user.id, chat_id=chat.id)
    incoming = to_incoming(update)
    if incoming is None:
        return IGNORE
    return Routed("process", owner_id=user.id, chat_id=chat.id, incoming=incoming)


def to_incoming(update: Update) -> Incoming | None:
    """The neutral form of a message or button press in the sender's own private chat."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE or chat.id != user.id:
        return None
    if update.callback_query is not None:
        data = update.callback_query.data or ""
        return Incoming(user_id=user.id, chat_id=chat.id, kind="button", button=data)
    message = update.message
    if message is None:
        return None  # edited messages, channel posts, ...
    if message.text is not None:
        return Incoming.from_text(user_id=user.id, chat_id=chat.id, text=message.text)
    return Incoming(user_id=user.id, chat_id=chat.id, kind="other")


def _name(exc: BaseException) -> str:
    return type(exc).__name__
