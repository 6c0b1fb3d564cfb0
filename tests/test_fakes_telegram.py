"""The Telegram fake speaks the Bot API well enough for a real python-telegram-bot Application."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram_api import FakeTelegram, FloodLimits

TOKEN = "123:ABC"
USER = 4711


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


def build_app(fake: FakeTelegram, handled: list[str]) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        handled.append("/start")
        await update.effective_message.reply_text("Willkommen!")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        assert update.message.text is not None
        handled.append(update.message.text)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Mehr", callback_data="more")]])
        await update.message.reply_text(
            f"Echo: <b>{update.message.text}</b>",
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        assert query.message is not None
        handled.append(f"button:{query.data}")
        await query.answer("ok")
        await query.edit_message_text(f"Gedrückt: {query.data}")
        await context.bot.send_message(query.message.chat.id, "Hier ist mehr.")

    async def sticker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        assert update.message.sticker is not None
        handled.append("sticker")
        await update.message.reply_text("Sticker erhalten")

    async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        assert update.message.document is not None
        file = await update.message.document.get_file()
        data = await file.download_as_bytearray()
        handled.append(f"document:{update.message.document.file_name}")
        await update.message.reply_document(
            bytes(data).upper(), filename="ANTWORT.txt", caption="zurück"
        )

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(MessageHandler(filters.Sticker.ALL, sticker))
    app.add_handler(MessageHandler(filters.Document.ALL, document))
    app.add_handler(CallbackQueryHandler(button))
    return app


async def run_polling(app: Application) -> None:  # type: ignore[type-arg]
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)


async def stop_polling(app: Application) -> None:  # type: ignore[type-arg]
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()


async def test_polling_echo_button_and_restart(fake: FakeTelegram) -> None:
    handled_first: list[str] = []
    app = build_app(fake, handled_first)
    async with app:
        await run_polling(app)

        first = fake.user_sends_text(USER, "Hallo")
        [reply] = await fake.wait_for_messages_async(USER, 1, timeout=5)
        assert reply.text == "Echo: <b>Hallo</b>"
        assert reply.plain_text == "Echo: Hallo"
        assert reply.parse_mode == "HTML"
        assert reply.callback_data == ["more"]
        second = fake.user_presses_button(USER, "more", message_id=reply.message_id)
        messages = await fake.wait_for_messages_async(USER, 2, timeout=5)
        assert messages[1].text == "Hier ist mehr."
        edited = fake.message(USER, reply.message_id)
        assert edited.text == "Gedrückt: more"
        assert edited.history == ["Echo: <b>Hallo</b>"]
        assert edited.reply_markup is None  # editing without reply_markup drops the keyboard
        assert [c.params["text"] for c in fake.calls("answerCallbackQuery")] == ["ok"]

        await stop_polling(app)

    assert handled_first == ["Hallo", "button:more"]
    # PTB's shutdown calls getUpdates once more with the last offset: everything is confirmed.
    assert fake.confirmed_offset == second + 1
    assert fake.pending_updates() == []

    # The bot is down; a user writes anyway. Telegram keeps the update until someone fetches it.
    while_down = fake.user_sends_text(USER, "Bist du da?")
    assert [u["update_id"] for u in fake.pending_updates()] == [while_down]

    handled_second: list[str] = []
    app2 = build_app(fake, handled_second)
    async with app2:
        await run_polling(app2)
        messages = await fake.wait_for_messages_async(USER, 3, timeout=5)
        assert messages[2].plain_text == "Echo: Bist du da?"
        await stop_polling(app2)

    assert handled_second == ["Bist du da?"]  # confirmed updates were not re-delivered
    assert fake.delivery_count(first) == 1
    assert fake.delivery_count(second) == 1
    assert fake.confirmed_offset == while_down + 1
    message_ids = [m.message_id for m in fake.sent_messages(USER)]
    assert message_ids == sorted(message_ids)


async def test_commands_stickers_and_documents(fake: FakeTelegram) -> None:
    handled: list[str] = []
    app = build_app(fake, handled)
    async with app:
        await app.bot.set_my_commands([BotCommand("start", "Loslegen")])
        assert await app.bot.get_my_commands() == (BotCommand("start", "Loslegen"),)
        assert fake.my_commands() == [{"command": "start", "description": "Loslegen"}]

        await run_polling(app)
        fake.user_sends_text(USER, "/start")
        fake.user_sends_sticker(USER)
        fake.user_sends_document(USER, "antrag.txt", b"inhalt \x00\r\n--binary")
        messages = await fake.wait_for_messages_async(USER, 3, timeout=5)
        await stop_polling(app)

    assert handled == ["/start", "sticker", "document:antrag.txt"]
    assert [m.plain_text for m in messages] == ["Willkommen!", "Sticker erhalten", "zurück"]
    [doc] = fake.sent_documents(USER)
    assert doc.document is not None
    assert doc.document.filename == "ANTWORT.txt"
    assert doc.document.data == b"INHALT \x00\r\n--BINARY"
    [call] = fake.calls("sendDocument")
    assert call.encoding == "multipart"
    assert fake.calls("sendMessage")[0].encoding == "form"


async def test_unconfirmed_updates_are_redelivered(fake: FakeTelegram) -> None:
    """A bot that dies after fetching but before confirming gets the update again."""
    url = f"{fake.base_url}{TOKEN}/getUpdates"
    update_id = fake.user_sends_text(USER, "eins")
    async with httpx.AsyncClient() as client:
        first = (await client.post(url, data={"timeout": "0"})).json()
        again = (await client.post(url, json={"offset": 0, "timeout": 0})).json()
        assert first == again
        assert first["ok"] is True
        assert [u["update_id"] for u in first["result"]] == [update_id]
        update = Update.de_json(first["result"][0], None)
        assert update.message is not None
        assert update.message.text == "eins"
        assert update.message.chat.id == USER
        assert update.message.chat.type == "private"

        # Long poll: returns empty after (capped) timeout once everything is confirmed.
        confirmed = (
            await client.post(url, data={"offset": str(update_id + 1), "timeout": "30"})
        ).json()
        assert confirmed == {"ok": True, "result": []}
        assert fake.confirmed_offset == update_id + 1
        assert fake.delivery_count(update_id) == 2

        unknown = await client.post(f"{fake.base_url}{TOKEN}/frobnicate")
        assert unknown.status_code == 404
        assert unknown.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }


async def test_fault_injection_and_error_mapping(fake: FakeTelegram) -> None:
    app = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).build()
    async with app:
        fake.fail_next("sendMessage", 429, retry_after=3)
        with pytest.raises(RetryAfter) as excinfo:
            await app.bot.send_message(USER, "x")
        retry_after = excinfo.value.retry_after  # int in PTB 22 (timedelta with PTB_TIMEDELTA=1)
        if isinstance(retry_after, timedelta):
            retry_after = int(retry_after.total_seconds())
        assert retry_after == 3

        fake.fail_next("sendMessage", 500)
        with pytest.raises(NetworkError):
            await app.bot.send_message(USER, "x")

        sent = await app.bot.send_message(USER, "jetzt klappt's")
        assert sent.text == "jetzt klappt's"
        assert [c.http_status for c in fake.calls("sendMessage")] == [429, 500, 200]

        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await app.bot.send_message(USER, "a < b", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await app.bot.edit_message_text("jetzt klappt's", USER, sent.message_id)

        fake.user_blocks_bot(USER)
        with pytest.raises(Forbidden):
            await app.bot.send_chat_action(USER, "typing")

        with pytest.raises(EndPointNotFound):
            await app.bot.do_api_request("frobnicate")


async def test_telegrams_limits_length_flood_and_unreachable_chats(fake: FakeTelegram) -> None:
    app = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).build()
    async with app:
        # 4096 UTF-16 code units after entity parsing: "🙂" counts 2, "&amp;" counts 1.
        await app.bot.send_message(USER, "🙂" * 2048)
        await app.bot.send_message(USER, "&amp;" * 4096, parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await app.bot.send_message(USER, "🙂" * 2048 + "x")

        fake.flood_limits = FloodLimits(per_chat_burst=2)
        await app.bot.send_message(USER, "eins")
        await app.bot.send_message(USER, "zwei")
        with pytest.raises(RetryAfter) as excinfo:  # the third within a second, same chat
            await app.bot.send_message(USER, "drei")
        assert str(excinfo.value) == "Flood control exceeded. Retry in 1 seconds"
        assert fake.calls("sendMessage")[-1].http_status == 429
        await app.bot.send_message(USER + 1, "another chat is fine")
        assert fake.throttled() == 1

        fake.flood_limits = FloodLimits(overall_per_s=2, overall_burst=2)
        await app.bot.send_message(USER + 2, "a")
        await app.bot.send_message(USER + 3, "b")
        with pytest.raises(RetryAfter):
            await app.bot.send_message(USER + 4, "c")
        fake.flood_limits = None

        fake.make_unreachable(-100555)
        with pytest.raises(Forbidden, match="kicked"):
            await app.bot.send_message(-100555, "an die Geschäftsstelle")
        fake.make_unreachable(-100555, reason="not_found")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await app.bot.send_message(-100555, "an die Geschäftsstelle")
        fake.make_reachable(-100555)
        await app.bot.send_message(-100555, "an die Geschäftsstelle")

        fake.fail_next("sendMessage", 502, after=1)
        await app.bot.send_message(USER, "geht durch")
        with pytest.raises(NetworkError):
            await app.bot.send_message(USER, "scheitert")


_BOT_SCRIPT = """
import sys
from telegram.ext import ApplicationBuilder, MessageHandler, filters

async def echo(update, context):
    await update.message.reply_text("Echo: " + update.message.text)

app = ApplicationBuilder().token(sys.argv[2]).base_url(sys.argv[1]).build()
app.add_handler(MessageHandler(filters.TEXT, echo))
app.run_polling(poll_interval=0.0, timeout=1)
"""


def _start_bot(fake: FakeTelegram) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", _BOT_SCRIPT, fake.base_url, TOKEN],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_bot_subprocess_killed_and_restarted(fake: FakeTelegram) -> None:
    """SIGKILL gives PTB no chance to confirm on shutdown; the fake keeps the state anyway."""
    bot = _start_bot(fake)
    try:
        first = fake.user_sends_text(USER, "A")
        fake.wait_for_messages(USER, 1, timeout=20)
        fake.wait_for_confirmed(first, timeout=5)
    finally:
        bot.kill()
        bot.wait()

    while_down = fake.user_sends_text(USER, "B")
    bot = _start_bot(fake)
    try:
        messages = fake.wait_for_messages(USER, 2, timeout=20)
        fake.wait_for_confirmed(while_down, timeout=5)
    finally:
        bot.terminate()
        bot.wait()

    assert [m.text for m in messages] == ["Echo: A", "Echo: B"]  # each handled exactly once
    assert fake.delivery_count(first) == 1  # confirmed before the kill: never handed out again
    # "B" may have been handed to the killed bot's still-open long poll (a dead socket) before the
    # restarted bot fetched it; it stayed unconfirmed, so it was delivered again - like Telegram.
    assert fake.delivery_count(while_down) >= 1
