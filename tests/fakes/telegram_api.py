"""A real (in-process, stdlib-only) fake of the Telegram Bot API for tests.

The fake serves ``/bot<token>/<method>`` on ``127.0.0.1:<ephemeral port>`` from a background
thread, so both an in-process ``telegram.ext.Application`` and a bot running as a subprocess can
talk to it over real HTTP. Point PTB at it with::

    ApplicationBuilder().token("123:ABC").base_url(fake.base_url)
        .base_file_url(fake.base_file_url).build()

How python-telegram-bot 22 encodes requests (verified against PTB 22.8 / httpx):

* methods without parameters (``getMe``, ``close`` ...) are POSTs with an empty body;
* everything else is ``application/x-www-form-urlencoded``; string values are sent verbatim and
  every other value (ints, bools, lists, dicts such as ``reply_markup``) is ``json.dumps``-ed;
* as soon as a file is uploaded (``sendDocument`` with bytes) the body is ``multipart/form-data``
  with the same string fields plus a file part named after the parameter (``document``).

The fake also accepts JSON bodies and query strings, as the real Bot API does.

``getUpdates`` follows Telegram's semantics: an update stays pending until a later ``getUpdates``
arrives with ``offset`` greater than its ``update_id``; a negative offset keeps only the last
``-offset`` updates; ``timeout`` long-polls (capped at ``long_poll_cap`` seconds). State lives in
the test process, so a bot subprocess can be killed and restarted against the same fake: confirmed
updates stay confirmed and unconfirmed ones are delivered again.

Telegram's limits: a text longer than 4096 UTF-16 code units after entity parsing is refused
with 400 "message is too long"; with ``flood_limits=FloodLimits()`` sends beyond ≈30 messages/s
overall or ≈1 message/s per chat (after a short burst) get 429 "Too Many Requests: retry after
N" with ``parameters.retry_after``; ``make_unreachable`` makes a chat answer 403 (bot kicked from
the group) or 400 (chat not found).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import mimetypes
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.fakes._http import BackgroundHTTPServer, FakeRequestHandler, UploadedFile, parse_body

__all__ = ["FakeTelegram", "FloodLimits", "RecordedCall", "SentDocument", "SentMessage"]

JSONDict = dict[str, Any]

_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "message_thread_id",
        "from_chat_id",
        "user_id",
        "cache_time",
        "max_connections",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "show_alert",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "allow_paid_broadcast",
    }
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "message_ids",
        "menu_button",
    }
)
# Methods that are accepted, recorded and answered with ``true`` and nothing else.
_TRIVIAL_METHODS = frozenset(
    {
        "close",
        "logout",
        "setmydescription",
        "setmyshortdescription",
        "setmyname",
        "setchatmenubutton",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class TelegramApiError(Exception):
    """Raised inside the fake to produce an ``{"ok": false, ...}`` response."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSONDict:
        body: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(description: str) -> TelegramApiError:
    return TelegramApiError(400, f"Bad Request: {description}")


@dataclass
class RecordedCall:
    """One request the bot made, with parameters decoded to Python values."""

    method: str
    params: JSONDict
    files: list[UploadedFile]
    encoding: str  # "form", "multipart", "json" or "empty"
    content_type: str | None
    http_status: int = 200
    timestamp: float = field(default_factory=time.time)


@dataclass
class SentDocument:
    file_id: str
    filename: str | None
    mime_type: str | None
    data: bytes


@dataclass
class SentMessage:
    """A message the bot sent (``sendMessage`` / ``sendDocument``), kept up to date by edits."""

    chat_id: int
    message_id: int
    text: str | None  # as sent (raw markup); the caption for documents
    parse_mode: str | None
    reply_markup: JSONDict | None
    method: str
    date: int
    plain_text: str | None = None  # text with HTML markup removed (what the user sees)
    entities: list[JSONDict] = field(default_factory=list)
    reply_to_message_id: int | None = None
    document: SentDocument | None = None
    edit_count: int = 0
    history: list[str | None] = field(default_factory=list)  # earlier texts, oldest first
    deleted: bool = False
    params: JSONDict = field(default_factory=dict)

    @property
    def inline_keyboard(self) -> list[list[JSONDict]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [list(row) for row in rows]

    @property
    def button_texts(self) -> list[str]:
        return [str(b.get("text")) for row in self.inline_keyboard for b in row]

    @property
    def callback_data(self) -> list[str]:
        return [
            str(b["callback_data"])
            for row in self.inline_keyboard
            for b in row
            if "callback_data" in b
        ]


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's flood control as token buckets: a burst, then a steady rate.

    Telegram documents "about 30 messages per second" overall and "no more than one message
    per second" in one chat, with short bursts allowed; beyond that it answers 429 with the
    whole seconds to wait. Only the methods that send a message count.
    """

    overall_per_s: float = 30.0
    overall_burst: float = 30.0
    per_chat_per_s: float = 1.0
    per_chat_burst: float = 3.0
    methods: frozenset[str] = frozenset({"sendmessage", "senddocument"})


class _Bucket:
    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, now

    def wait(self, now: float) -> float:
        """Seconds until one token is there (0: there is one now)."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes


@dataclass
class _Fault:
    error_code: int
    retry_after: int | None
    description: str | None


# ---------------------------------------------------------------------------------------------
# HTML parse_mode: validation + conversion to plain text and entities (subset of Telegram's rules)
# ---------------------------------------------------------------------------------------------
_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ATTR_RE = re.compile(r"([a-zA-Z][\w-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_CHAR_REF_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_telegram_html(text: str) -> tuple[str, list[JSONDict]]:
    """Return ``(plain_text, entities)`` or raise a 400 like Telegram does for broken HTML."""
    out: list[str] = []
    out_len = 0  # UTF-16 code units
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[JSONDict] = []
    i = 0

    def err(msg: str, pos: int) -> TelegramApiError:
        offset = len(text[:pos].encode("utf-8"))
        return _bad_request(f"can't parse entities: {msg} at byte offset {offset}")

    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG_RE.match(text, i)
            if m is None:
                raise err("Unexpected end of name token", i)
            closing, name, rest = m.group(1) == "/", m.group(2).lower(), m.group(3)
            if closing:
                if not stack:
                    raise err(f'Unexpected end tag "{name}"', i)
                top, start, attrs = stack.pop()
                if top != name:
                    raise err(f'Unmatched end tag "{name}", expected "</{top}>"', i)
                length = out_len - start
                if name == "code" and stack and stack[-1][0] == "pre":
                    lang = attrs.get("class", "")
                    if lang.startswith("language-"):
                        stack[-1][2]["language"] = lang.removeprefix("language-")
                elif length > 0:
                    entity: JSONDict = {
                        "type": _HTML_ENTITY_TYPES[name],
                        "offset": start,
                        "length": length,
                    }
                    if name == "a":
                        entity["url"] = attrs.get("href", "")
                    elif name == "pre" and attrs.get("language"):
                        entity["language"] = attrs["language"]
                    elif name == "blockquote" and "expandable" in attrs:
                        entity["type"] = "expandable_blockquote"
                    elif name == "tg-emoji":
                        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
                    entities.append(entity)
            else:
                if name not in _HTML_ENTITY_TYPES:
                    raise err(f'Unsupported start tag "{name}"', i)
                attrs = {
                    a.group(1).lower(): unescape(a.group(2) or a.group(3) or a.group(4) or "")
                    for a in _ATTR_RE.finditer(rest)
                }
                if re.search(r"(^|\s)expandable(\s|$)", rest):
                    attrs["expandable"] = ""
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise err('Tag "span" must have class "tg-spoiler"', i)
                stack.append((name, out_len, attrs))
            i = m.end()
            continue
        if ch == "&":
            m = _CHAR_REF_RE.match(text, i)
            if m is not None:
                decoded = unescape(m.group(0))
                out.append(decoded)
                out_len += _utf16_len(decoded)
                i = m.end()
                continue
        out.append(ch)
        out_len += _utf16_len(ch)
        i += 1
    if stack:
        raise _bad_request(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# ---------------------------------------------------------------------------------------------
# HTTP handler
# ---------------------------------------------------------------------------------------------
class _TelegramHandler(FakeRequestHandler):
    server_version = "FakeTelegramBotAPI/1.0"

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        fake = self.server.owner
        assert isinstance(fake, FakeTelegram)
        split = urlsplit(self.path)
        path = unquote(split.path)
        body = self.read_body()

        if path.startswith("/file/bot"):
            token, _, file_path = path.removeprefix("/file/bot").partition("/")
            status, data = fake._download(token, file_path)
            self.send_bytes(status, data, "application/octet-stream")
            return

        if not path.startswith("/bot"):
            self.send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, _, method = path.removeprefix("/bot").partition("/")
        content_type = self.headers.get("Content-Type")
        try:
            fields, files, encoding = parse_body(content_type, body)
        except (ValueError, UnicodeDecodeError) as exc:
            self.send_json(
                400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
            )
            return
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        status, payload = fake._handle_api(
            token, method, {**query, **fields}, files, encoding, content_type
        )
        self.send_json(status, payload)


# ---------------------------------------------------------------------------------------------
# The fake
# ---------------------------------------------------------------------------------------------
class FakeTelegram(BackgroundHTTPServer):
    """Fake Telegram Bot API server. Thread-safe; use as a context manager or start()/stop()."""

    handler_class = _TelegramHandler

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_first_name: str = "KommPräv-Lotse",
        bot_username: str = "kommpraev_test_bot",
        long_poll_cap: float = 1.0,
        first_update_id: int = 1,
        validate_html: bool = True,
        flood_limits: FloodLimits | None = None,
    ) -> None:
        super().__init__()
        self.flood_limits = flood_limits
        self.token = token
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username
        self.long_poll_cap = long_poll_cap
        self.validate_html = validate_html
        self._first_update_id = first_update_id
        self._cond = threading.Condition(threading.RLock())
        self._reset_state()

    def _reset_state(self) -> None:
        with self._cond:
            self._bot_id = _bot_id_from_token(self.token) if self.token else 123
            self._updates: list[JSONDict] = []
            self._next_update_id = self._first_update_id
            self._confirmed_offset = 0
            self._delivery_counts: dict[int, int] = {}
            self._poll_generation = 0
            self._calls: list[RecordedCall] = []
            self._faults: dict[str, deque[_Fault | None]] = {}
            self._buckets: dict[int | None, _Bucket] = {}  # None: the bot's overall bucket
            self._bucket_limits: FloodLimits | None = None
            self._unreachable: dict[int, TelegramApiError] = {}
            self._next_msg_id: dict[int, int] = {}
            self._bot_messages: dict[tuple[int, int], SentMessage] = {}
            self._bot_message_order: list[tuple[int, int]] = []
            self._user_messages: dict[tuple[int, int], JSONDict] = {}
            self._deleted_user_messages: set[tuple[int, int]] = set()
            self._last_user_text: dict[int, int] = {}
            self._users: dict[int, JSONDict] = {}
            self._commands: dict[tuple[str, str], list[JSONDict]] = {}
            self._webhook: JSONDict | None = None
            self._files: dict[str, _StoredFile] = {}
            self._file_paths: dict[str, _StoredFile] = {}
            self._file_counter = itertools.count(1)
            self._callback_counter = itertools.count(1)
            self._open_callbacks: set[str] = set()
            self._answered_callbacks: dict[str, JSONDict] = {}
            self._blocked: set[int] = set()
            self._cond.notify_all()

    def reset(self) -> None:
        """Forget everything (updates, messages, calls, commands, faults)."""
        self._reset_state()

    def _on_stopping(self) -> None:
        with self._cond:
            self._cond.notify_all()

    # -- addresses -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/bot`` - PTB appends the token."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://127.0.0.1:PORT/file/bot`` - for ``ApplicationBuilder().base_file_url``."""
        return f"{self.root_url}/file/bot"

    # ==========================================================================================
    # Test-side API: simulate users
    # ==========================================================================================
    def push_update(self, update: JSONDict) -> int:
        """Queue an arbitrary update (``update_id`` is assigned). Returns the update_id."""
        with self._cond:
            update_id = self._next_update_id
            self._next_update_id += 1
            queued = {"update_id": update_id, **copy.deepcopy(update)}
            self._updates.append(queued)
            self._cond.notify_all()
            return update_id

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Test",
        edited: bool = False,
        message_id: int | None = None,
    ) -> int:
        """A user writes ``text`` in their private chat. ``/commands`` get a bot_command entity.

        With ``edited=True`` an ``edited_message`` update is produced for ``message_id`` (default:
        the user's last text message).
        """
        with self._cond:
            if edited:
                target = message_id or self._last_user_text.get(user_id)
                original = self._user_messages.get((user_id, target)) if target else None
                if target is None or original is None:
                    raise LookupError(f"user {user_id} has no message {target} to edit")
                message = copy.deepcopy(original)
                message["from"] = self._user(user_id, first_name)
                message["text"] = text
                message.pop("entities", None)
                message["edit_date"] = int(time.time())
            else:
                message = self._new_user_message(user_id, first_name)
                message["text"] = text
            entities = _command_entities(text)
            if entities:
                message["entities"] = entities
            self._user_messages[(user_id, message["message_id"])] = message
            if edited:
                return self.push_update({"edited_message": message})
            self._last_user_text[user_id] = message["message_id"]
            return self.push_update({"message": message})

    def user_presses_button(
        self,
        user_id: int,
        callback_data: str,
        *,
        message_id: int,
        first_name: str = "Test",
        check_button: bool = True,
    ) -> int:
        """A user presses an inline button on bot message ``message_id`` in their private chat.

        With ``check_button`` (default) the message must currently carry a button with this
        ``callback_data`` - just like a real client can only press existing buttons.
        """
        with self._cond:
            sent = self._bot_messages.get((user_id, message_id))
            if sent is None or sent.deleted:
                raise LookupError(f"bot message {message_id} not found in chat {user_id}")
            if check_button and callback_data not in sent.callback_data:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {callback_data!r}; "
                    f"buttons: {sent.callback_data!r}"
                )
            user = self._user(user_id, first_name)
            query_id = f"{user_id}{next(self._callback_counter):08d}"
            self._open_callbacks.add(query_id)
            return self.push_update(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": user,
                        "message": self._bot_message_json(sent),
                        "chat_instance": f"-{user_id}777",
                        "data": callback_data,
                    }
                }
            )

    def user_presses_button_text(
        self,
        user_id: int,
        button_text: str,
        *,
        message_id: int | None = None,
        first_name: str = "Test",
    ) -> int:
        """Press the inline button labelled ``button_text`` (on the newest bot message carrying it
        unless ``message_id`` is given)."""
        with self._cond:
            candidates = [
                self._bot_messages[key]
                for key in reversed(self._bot_message_order)
                if key[0] == user_id and (message_id is None or key[1] == message_id)
            ]
            for sent in candidates:
                if sent.deleted:
                    continue
                for row in sent.inline_keyboard:
                    for button in row:
                        if button.get("text") == button_text and "callback_data" in button:
                            return self.user_presses_button(
                                user_id,
                                str(button["callback_data"]),
                                message_id=sent.message_id,
                                first_name=first_name,
                            )
            raise LookupError(f"no inline button {button_text!r} in chat {user_id}")

    def user_sends_sticker(
        self, user_id: int, *, emoji: str = "👍", first_name: str = "Test"
    ) -> int:
        with self._cond:
            message = self._new_user_message(user_id, first_name)
            stored = self._store_file(b"RIFF\x00\x00\x00\x00WEBP", "stickers", ".webp")
            message["sticker"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "set_name": "TestStickers",
                "file_size": len(stored.data),
            }
            return self.push_update({"message": message})

    def user_sends_photo(
        self, user_id: int, *, caption: str | None = None, first_name: str = "Test"
    ) -> int:
        with self._cond:
            message = self._new_user_message(user_id, first_name)
            sizes = []
            for width, height in ((90, 67), (320, 240), (800, 600)):
                data = b"\xff\xd8\xff\xe0" + bytes(width) + b"\xff\xd9"
                stored = self._store_file(data, "photos", ".jpg")
                sizes.append(
                    {
                        "file_id": stored.file_id,
                        "file_unique_id": stored.file_unique_id,
                        "width": width,
                        "height": height,
                        "file_size": len(data),
                    }
                )
            message["photo"] = sizes
            if caption is not None:
                message["caption"] = caption
            return self.push_update({"message": message})

    def user_sends_document(
        self,
        user_id: int,
        filename: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        first_name: str = "Test",
    ) -> int:
        """The user uploads a file; the bot can fetch it via getFile + ``base_file_url``."""
        with self._cond:
            message = self._new_user_message(user_id, first_name)
            suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
            stored = self._store_file(data, "documents", suffix)
            message["document"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": filename,
                "mime_type": mime_type
                or mimetypes.guess_type(filename)[0]
                or "application/octet-stream",
                "file_size": len(data),
            }
            if caption is not None:
                message["caption"] = caption
            return self.push_update({"message": message})

    def make_unreachable(self, chat_id: int, *, reason: str = "kicked") -> None:
        """Sends to ``chat_id`` fail: "kicked" 403 (bot removed from the group), "not_found" 400."""
        errors = {
            "kicked": TelegramApiError(403, "Forbidden: bot was kicked from the supergroup chat"),
            "not_found": _bad_request("chat not found"),
        }
        with self._cond:
            self._unreachable[chat_id] = errors[reason]

    def make_reachable(self, chat_id: int) -> None:
        """Undo ``make_unreachable`` (the bot was added to the group again)."""
        with self._cond:
            self._unreachable.pop(chat_id, None)

    def user_blocks_bot(self, user_id: int, blocked: bool = True) -> None:
        """From now on sends to ``user_id`` fail with 403 "bot was blocked by the user"."""
        with self._cond:
            if blocked:
                self._blocked.add(user_id)
            else:
                self._blocked.discard(user_id)

    # ==========================================================================================
    # Test-side API: fault injection
    # ==========================================================================================
    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        *,
        retry_after: int | None = 1,
        description: str | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Let ``times`` calls of ``method`` fail with ``error_code``, after ``after`` succeed.

        429 responses carry ``parameters.retry_after`` (PTB raises ``RetryAfter``); other codes
        ignore ``retry_after``. The failing calls are still recorded (``http_status`` set).
        """
        fault = _Fault(error_code, retry_after if error_code == 429 else None, description)
        with self._cond:
            queue = self._faults.setdefault(method.lower(), deque())
            queue.extend([None] * after + [fault] * times)

    def throttled(self, method: str = "sendMessage") -> int:
        """How many calls of ``method`` were answered 429 (injected or by ``flood_limits``)."""
        return sum(1 for call in self.calls(method) if call.http_status == 429)

    # ==========================================================================================
    # Test-side API: inspection
    # ==========================================================================================
    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """Recorded requests (all, or those of ``method``; case-insensitive), oldest first."""
        with self._cond:
            return [
                copy.deepcopy(c)
                for c in self._calls
                if method is None or c.method.lower() == method.lower()
            ]

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Snapshot of messages the bot sent (incl. documents; deleted ones flagged), in order."""
        with self._cond:
            return [
                copy.deepcopy(self._bot_messages[key])
                for key in self._bot_message_order
                if chat_id is None or key[0] == chat_id
            ]

    def sent_documents(self, chat_id: int | None = None) -> list[SentMessage]:
        return [m for m in self.sent_messages(chat_id) if m.document is not None]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        with self._cond:
            return copy.deepcopy(self._bot_messages[(chat_id, message_id)])

    def last_message(self, chat_id: int) -> SentMessage:
        messages = self.sent_messages(chat_id)
        if not messages:
            raise LookupError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def my_commands(
        self, *, scope_type: str = "default", language_code: str = ""
    ) -> list[JSONDict]:
        """Commands stored via setMyCommands for a scope type (without chat/user ids)."""
        key = (json.dumps({"type": scope_type}, sort_keys=True), language_code)
        with self._cond:
            return copy.deepcopy(self._commands.get(key, []))

    @property
    def webhook(self) -> JSONDict | None:
        with self._cond:
            return copy.deepcopy(self._webhook)

    @property
    def confirmed_offset(self) -> int:
        """All updates with ``update_id`` below this have been confirmed by the bot."""
        with self._cond:
            return self._confirmed_offset

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed (delivered or not)."""
        with self._cond:
            return copy.deepcopy(self._updates)

    def delivery_count(self, update_id: int) -> int:
        """How often ``update_id`` was returned by getUpdates."""
        with self._cond:
            return self._delivery_counts.get(update_id, 0)

    @property
    def answered_callback_queries(self) -> dict[str, JSONDict]:
        with self._cond:
            return copy.deepcopy(self._answered_callbacks)

    # -- waiting (blocking; use the *_async variants from inside an event loop) -----------------
    def _wait(
        self, predicate: Callable[[], bool], timeout: float, describe: Callable[[], str]
    ) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s: {describe()}")
                self._cond.wait(remaining)

    def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Block until the bot has sent at least ``count`` messages (in total) to ``chat_id``."""

        def describe() -> str:
            got = [(m.message_id, m.method, m.text) for m in self.sent_messages(chat_id)]
            return f"expected {count} message(s) to chat {chat_id}, got {len(got)}: {got!r}"

        self._wait(lambda: len(self._chat_keys(chat_id)) >= count, timeout, describe)
        return self.sent_messages(chat_id)

    def wait_for_calls(self, method: str, count: int, timeout: float = 10.0) -> list[RecordedCall]:
        """Block until ``method`` has been called at least ``count`` times (in total)."""
        self._wait(
            lambda: len(self.calls(method)) >= count,
            timeout,
            lambda: f"expected {count} {method} call(s), got {len(self.calls(method))}",
        )
        return self.calls(method)

    def wait_for_confirmed(self, update_id: int, timeout: float = 10.0) -> None:
        """Block until the bot confirmed ``update_id`` (a getUpdates with offset > update_id)."""
        self._wait(
            lambda: self._confirmed_offset > update_id,
            timeout,
            lambda: f"update {update_id} not confirmed (offset {self._confirmed_offset})",
        )

    def wait_for_delivery(self, update_id: int, timeout: float = 10.0) -> None:
        """Block until ``update_id`` was handed out by getUpdates at least once."""
        self._wait(
            lambda: self._delivery_counts.get(update_id, 0) > 0,
            timeout,
            lambda: f"update {update_id} never delivered",
        )

    async def wait_for_messages_async(
        self,
        chat_id: int,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors the sync API
    ) -> list[SentMessage]:
        return await asyncio.to_thread(self.wait_for_messages, chat_id, count, timeout)

    async def wait_for_calls_async(
        self,
        method: str,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors the sync API
    ) -> list[RecordedCall]:
        return await asyncio.to_thread(self.wait_for_calls, method, count, timeout)

    async def wait_for_confirmed_async(
        self,
        update_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors the sync API
    ) -> None:
        await asyncio.to_thread(self.wait_for_confirmed, update_id, timeout)

    async def wait_for_delivery_async(
        self,
        update_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors the sync API
    ) -> None:
        await asyncio.to_thread(self.wait_for_delivery, update_id, timeout)

    # ==========================================================================================
    # Internals: users, chats, messages, files
    # ==========================================================================================
    def _chat_keys(self, chat_id: int) -> list[tuple[int, int]]:
        return [key for key in self._bot_message_order if key[0] == chat_id]

    def _user(self, user_id: int, first_name: str) -> JSONDict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "de"}
        self._users[user_id] = user
        return dict(user)

    def _chat(self, chat_id: int) -> JSONDict:
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": f"Test Group {chat_id}"}
        user = self._users.get(chat_id)
        first_name = user["first_name"] if user else "Test"
        return {"id": chat_id, "type": "private", "first_name": first_name}

    def _bot_user(self) -> JSONDict:
        return {
            "id": self._bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _allocate_message_id(self, chat_id: int) -> int:
        message_id = self._next_msg_id.get(chat_id, 1)
        self._next_msg_id[chat_id] = message_id + 1
        return message_id

    def _new_user_message(self, user_id: int, first_name: str) -> JSONDict:
        user = self._user(user_id, first_name)
        message: JSONDict = {
            "message_id": self._allocate_message_id(user_id),
            "from": user,
            "chat": self._chat(user_id),
            "date": int(time.time()),
        }
        self._user_messages[(user_id, message["message_id"])] = message
        return message

    def _store_file(self, data: bytes, folder: str, suffix: str) -> _StoredFile:
        n = next(self._file_counter)
        stored = _StoredFile(
            file_id=f"FAKEFILE{n:06d}{'x' * 20}",
            file_unique_id=f"FAKEUNIQ{n:06d}",
            file_path=f"{folder}/file_{n}{suffix}",
            data=data,
        )
        self._files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored
        return stored

    def _bot_message_json(self, sent: SentMessage) -> JSONDict:
        message: JSONDict = {
            "message_id": sent.message_id,
            "from": self._bot_user(),
            "chat": self._chat(sent.chat_id),
            "date": sent.date,
        }
        text_key, entities_key = ("text", "entities")
        if sent.document is not None:
            stored = self._files[sent.document.file_id]
            message["document"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": sent.document.filename,
                "mime_type": sent.document.mime_type,
                "file_size": len(stored.data),
            }
            text_key, entities_key = ("caption", "caption_entities")
        if sent.plain_text is not None:
            message[text_key] = sent.plain_text
            if sent.entities:
                message[entities_key] = copy.deepcopy(sent.entities)
        if sent.edit_count:
            message["edit_date"] = int(time.time())
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            message["reply_markup"] = copy.deepcopy(sent.reply_markup)
        if sent.reply_to_message_id is not None:
            original = self._user_messages.get((sent.chat_id, sent.reply_to_message_id))
            if original is not None:
                message["reply_to_message"] = copy.deepcopy(original)
        return message

    def _render(
        self, text: str | None, parse_mode: str | None, entities: Any
    ) -> tuple[str | None, list[JSONDict]]:
        if text is None:
            return None, []
        if parse_mode and parse_mode.upper() == "HTML" and self.validate_html:
            return parse_telegram_html(text)
        if isinstance(entities, list):
            return text, [e for e in entities if isinstance(e, dict)]
        return text, []

    def _download(self, token: str, file_path: str) -> tuple[int, bytes]:
        with self._cond:
            if self.token is not None and token != self.token:
                return 401, b"Unauthorized"
            stored = self._file_paths.get(file_path)
            if stored is None:
                return 404, b"Not Found"
            return 200, stored.data

    # ==========================================================================================
    # Internals: API dispatch
    # ==========================================================================================
    def _handle_api(
        self,
        token: str,
        method: str,
        raw_params: JSONDict,
        files: list[UploadedFile],
        encoding: str,
        content_type: str | None,
    ) -> tuple[int, JSONDict]:
        params = {key: _coerce(key, value) for key, value in raw_params.items()}
        call = RecordedCall(method, params, files, encoding, content_type)
        with self._cond:
            if self.token is not None and token != self.token:
                call.http_status = 401
                self._calls.append(call)
                self._cond.notify_all()
                return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            self._bot_id = _bot_id_from_token(token)
            self._calls.append(call)
            self._cond.notify_all()
            faults = self._faults.get(method.lower())
            fault = faults.popleft() if faults else None
        try:
            if fault is not None:
                description = fault.description or _default_description(
                    fault.error_code, fault.retry_after
                )
                raise TelegramApiError(fault.error_code, description, fault.retry_after)
            self._check_flood(method, params)
            result = self._call_method(method, params, files)
        except TelegramApiError as exc:
            status, payload = exc.error_code, exc.payload()
        except (KeyError, TypeError, ValueError) as exc:
            status, payload = 400, _bad_request(f"invalid parameters: {exc!r}").payload()
        else:
            status, payload = 200, {"ok": True, "result": result}
        with self._cond:
            call.http_status = status
            self._cond.notify_all()
        return status, payload

    def _check_flood(self, method: str, p: JSONDict) -> None:
        """Take a token from the overall and the chat's bucket, or refuse with 429."""
        limits = self.flood_limits
        if limits is None or method.lower() not in limits.methods:
            return
        chat_id = p.get("chat_id") if isinstance(p.get("chat_id"), int) else None
        with self._cond:
            if self._bucket_limits is not limits:  # new limits: fresh buckets
                self._buckets, self._bucket_limits = {}, limits
            now = time.monotonic()
            overall = self._buckets.setdefault(
                None, _Bucket(limits.overall_per_s, limits.overall_burst, now)
            )
            buckets = [overall]
            if chat_id is not None:
                chat = _Bucket(limits.per_chat_per_s, limits.per_chat_burst, now)
                buckets.append(self._buckets.setdefault(chat_id, chat))
            wait = max(bucket.wait(now) for bucket in buckets)
            if wait > 0:
                retry_after = max(1, math.ceil(wait))
                raise TelegramApiError(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after
                )
            for bucket in buckets:
                bucket.tokens -= 1

    def _call_method(self, method: str, p: JSONDict, files: list[UploadedFile]) -> Any:
        name = method.lower()
        if name == "getupdates":
            return self._get_updates(p)
        with self._cond:
            if name in _TRIVIAL_METHODS:
                return True
            handler = getattr(self, f"_m_{name}", None)
            if handler is None:
                raise TelegramApiError(404, "Not Found: method not found")
            result: Any = handler(p, files)
            self._cond.notify_all()
            return result

    def _get_updates(self, p: JSONDict) -> list[JSONDict]:
        offset = int(p.get("offset") or 0)
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        with self._cond:
            if self._webhook is not None:
                raise TelegramApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            self._apply_offset(offset)
            self._cond.notify_all()
            deadline = time.monotonic() + min(timeout, self.long_poll_cap)
            while True:
                if generation != self._poll_generation:
                    raise TelegramApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                batch = self._updates[:limit]
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self._stopping.is_set():
                    break
                self._cond.wait(remaining)
            for update in batch:
                uid = update["update_id"]
                self._delivery_counts[uid] = self._delivery_counts.get(uid, 0) + 1
            self._cond.notify_all()
            return copy.deepcopy(batch)

    def _apply_offset(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
        elif offset < 0:
            keep = self._updates[offset:]
            self._updates = keep
            new_offset = keep[0]["update_id"] if keep else self._next_update_id
            self._confirmed_offset = max(self._confirmed_offset, new_offset)

    def _drop_pending(self) -> None:
        self._confirmed_offset = max(self._confirmed_offset, self._next_update_id)
        self._updates = []

    # -- method implementations (called with self._cond held) ---------------------------------
    def _m_getme(self, p: JSONDict, files: list[UploadedFile]) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_deletewebhook(self, p: JSONDict, files: list[UploadedFile]) -> bool:
        self._webhook = None
        if p.get("drop_pending_updates"):
            self._drop_pending()
        return True

    def _m_setwebhook(self, p: JSONDict, files: list[UploadedFile]) -> bool:
        url = p.get("url")
        if not url:
            self._webhook = None
            return True
        if not str(url).startswith("https://") and not str(url).startswith("http://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook = {k: v for k, v in p.items() if k != "certificate"}
        if p.get("drop_pending_updates"):
            self._drop_pending()
        return True

    def _m_getwebhookinfo(self, p: JSONDict, files: list[UploadedFile]) -> JSONDict:
        info: JSONDict = {
            "url": (self._webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook and self._webhook.get("allowed_updates"):
            info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    def _m_setmycommands(self, p: JSONDict, files: list[UploadedFile]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("commands must be an array")
        for cmd in commands:
            if not isinstance(cmd, dict) or not _COMMAND_RE.match(str(cmd.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", ""))) <= 256:
                raise _bad_request("command description is empty or too long")
        self._commands[_scope_key(p)] = copy.deepcopy(commands)
        return True

    def _m_getmycommands(self, p: JSONDict, files: list[UploadedFile]) -> list[JSONDict]:
        return copy.deepcopy(self._commands.get(_scope_key(p), []))

    def _m_deletemycommands(self, p: JSONDict, files: list[UploadedFile]) -> bool:
        self._commands.pop(_scope_key(p), None)
        return True

    def _target_chat(self, p: JSONDict) -> int:
        chat_id = p.get("chat_id")
        if not isinstance(chat_id, int):
            raise _bad_request("chat not found")
        if chat_id in self._blocked:
            raise TelegramApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self._unreachable:
            raise self._unreachable[chat_id]
        return chat_id

    def _record_sent(
        self,
        method: str,
        p: JSONDict,
        text: str | None,
        document: SentDocument | None = None,
    ) -> JSONDict:
        chat_id = self._target_chat(p)
        parse_mode = p.get("parse_mode")
        plain, entities = self._render(
            text, parse_mode, p.get("entities") or p.get("caption_entities")
        )
        reply_to = p.get("reply_to_message_id")
        reply_parameters = p.get("reply_parameters")
        if isinstance(reply_parameters, dict) and "message_id" in reply_parameters:
            reply_to = int(reply_parameters["message_id"])
        markup = p.get("reply_markup")
        sent = SentMessage(
            chat_id=chat_id,
            message_id=self._allocate_message_id(chat_id),
            text=text,
            parse_mode=parse_mode,
            reply_markup=markup if isinstance(markup, dict) else None,
            method=method,
            date=int(time.time()),
            plain_text=plain,
            entities=entities,
            reply_to_message_id=reply_to,
            document=document,
            params=copy.deepcopy(p),
        )
        key = (chat_id, sent.message_id)
        self._bot_messages[key] = sent
        self._bot_message_order.append(key)
        return self._bot_message_json(sent)

    def _m_sendmessage(self, p: JSONDict, files: list[UploadedFile]) -> JSONDict:
        self._target_chat(p)
        text = p.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad_request("message text is empty")
        plain, _ = self._render(text, p.get("parse_mode"), None)
        if plain is None or not plain.strip():
            raise _bad_request("message text is empty")
        if _utf16_len(plain) > 4096:
            raise _bad_request("message is too long")
        return self._record_sent("sendMessage", p, text)

    def _m_senddocument(self, p: JSONDict, files: list[UploadedFile]) -> JSONDict:
        self._target_chat(p)
        upload = next((f for f in files if f.field == "document"), None)
        if upload is None and files and str(p.get("document", "")).startswith("attach://"):
            attach = str(p["document"]).removeprefix("attach://")
            upload = next((f for f in files if f.field == attach), None)
        if upload is not None:
            filename = upload.filename or "document"
            mime = upload.content_type or mimetypes.guess_type(filename)[0]
            suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
            stored = self._store_file(upload.data, "documents", suffix)
            document = SentDocument(stored.file_id, filename, mime, upload.data)
        else:
            existing = self._files.get(str(p.get("document", "")))
            if existing is None:
                raise _bad_request("wrong file identifier/HTTP URL specified")
            filename = existing.file_path.rsplit("/", 1)[-1]
            document = SentDocument(
                existing.file_id, filename, mimetypes.guess_type(filename)[0], existing.data
            )
        caption = p.get("caption")
        if caption is not None and _utf16_len(str(caption)) > 1024:
            raise _bad_request("message caption is too long")
        return self._record_sent("sendDocument", p, caption, document)

    def _find_bot_message(self, p: JSONDict, action: str) -> SentMessage:
        chat_id = p.get("chat_id")
        message_id = p.get("message_id")
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            raise _bad_request(f"message to {action} not found")
        sent = self._bot_messages.get((chat_id, message_id))
        if sent is None or sent.deleted:
            if (chat_id, message_id) in self._user_messages and action == "edit":
                raise _bad_request("message can't be edited")
            raise _bad_request(f"message to {action} not found")
        return sent

    def _m_editmessagetext(self, p: JSONDict, files: list[UploadedFile]) -> JSONDict | bool:
        if p.get("inline_message_id"):
            return True
        sent = self._find_bot_message(p, "edit")
        text = p.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad_request("message text is empty")
        plain, entities = self._render(text, p.get("parse_mode"), p.get("entities"))
        markup = p.get("reply_markup") if isinstance(p.get("reply_markup"), dict) else None
        if (plain, entities, markup) == (sent.plain_text, sent.entities, sent.reply_markup):
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        sent.history.append(sent.text)
        sent.text, sent.plain_text, sent.entities = text, plain, entities
        sent.parse_mode = p.get("parse_mode")
        sent.reply_markup = markup
        sent.edit_count += 1
        return self._bot_message_json(sent)

    def _m_editmessagereplymarkup(self, p: JSONDict, files: list[UploadedFile]) -> JSONDict | bool:
        if p.get("inline_message_id"):
            return True
        sent = self._find_bot_message(p, "edit")
        markup = p.get("reply_markup") if isinstance(p.get("reply_markup"), dict) else None
        if markup == sent.reply_markup or (not markup and not sent.reply_markup):
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        sent.reply_markup = markup
        sent.edit_count += 1
        return self._bot_message_json(sent)

    def _m_deletemessage(self, p: JSONDict, files: list[UploadedFile]) -> bool:
        chat_id, message_id = p.get("chat_id"), p.get("message_id")
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            raise _bad_request("message to delete not found")
        key = (chat_id, message_id)
        sent = self._bot_messages.get(key)
        if sent is not None and not sent.deleted:
            sent.deleted = True
            return True
        if key in self._user_messages and key not in self._deleted_user_messages:
            self._deleted_user_messages.add(key)
            return True
        raise _bad_request("message to delete not found")

    def _m_answercallbackquery(self, p: JSONDict, files: list[UploadedFile]) -> bool:
        query_id = str(p.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._open_callbacks.discard(query_id)
        self._answered_callbacks[query_id] = copy.deepcopy(p)
        return True

    def _m_sendchataction(self, p: JSONDict, files: list[UploadedFile]) -> bool:
        self._target_chat(p)
        if not p.get("action"):
            raise _bad_request("action is empty")
        return True

    def _m_getfile(self, p: JSONDict, files: list[UploadedFile]) -> JSONDict:
        stored = self._files.get(str(p.get("file_id", "")))
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _bot_id_from_token(token: str) -> int:
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 123


def _coerce(key: str, value: Any) -> Any:
    """Turn wire strings (form/multipart) into the values the bot meant to send."""
    if not isinstance(value, str):
        return value
    if key in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value  # e.g. chat_id="@channelname"
    if key in _BOOL_FIELDS:
        return value.strip().lower() in {"true", "1"}
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _scope_key(p: JSONDict) -> tuple[str, str]:
    scope = p.get("scope") if isinstance(p.get("scope"), dict) else {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


def _command_entities(text: str) -> list[JSONDict]:
    if not text.startswith("/"):
        return []
    token = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(token)}]


def _default_description(error_code: int, retry_after: int | None) -> str:
    if error_code == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    if error_code == 400:
        return "Bad Request"
    if error_code == 403:
        return "Forbidden: bot was blocked by the user"
    try:
        return HTTPStatus(error_code).phrase
    except ValueError:
        return "Unknown Error"
