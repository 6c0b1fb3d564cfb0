"""A real bot process against the fake Bot API, and a phone that types and taps like a person."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.bot_process import bot_env, free_port, log_tail
from tests.fakes.telegram_api import FakeTelegram, SentMessage

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123:TEST"
STARTUP_TIMEOUT = 120.0  # index check and model load before the first getUpdates
REPLY_TIMEOUT = 30.0


class BotProcess:
    """`python -m bot.cli bot` as a subprocess, configured only through its environment."""

    def __init__(
        self,
        *,
        fake: FakeTelegram,
        data_dir: Path,
        index: Path,
        staff_chat_id: int,
        knowledge_dir: Path | None = None,
    ):
        shutil.copytree(index, data_dir / "index")
        self.fake = fake
        self.log_path = data_dir / "bot.log"
        self.data_dir = data_dir
        self.review_port = free_port()
        """The review workspace the bot serves beside itself: http://127.0.0.1:<port>/."""
        self.env = bot_env(
            token=TOKEN, data_dir=data_dir, api_base_url=fake.base_url,
            staff_chat_id=staff_chat_id, review_port=self.review_port,
            knowledge_dir=knowledge_dir,
        )  # fmt: skip
        env = self.env
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "bot"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_polling(self) -> None:
        """Ready once the bot asks for updates (it sets its command menu before that)."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self.fake.calls("getUpdates"):
            if self.process.poll() is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}{self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start polling{self.tail()}")
            time.sleep(0.1)

    def tail(self, chars: int = 3000) -> str:
        self._log.flush()
        return log_tail(self.log_path, chars)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


@contextlib.contextmanager
def running_bot(
    fake: FakeTelegram,
    *,
    data_dir: Path,
    index: Path,
    staff_chat_id: int,
    knowledge_dir: Path | None = None,
) -> Iterator[BotProcess]:
    """A bot process polling the fake, stopped afterwards however the test ends."""
    process = BotProcess(
        fake=fake, data_dir=data_dir, index=index, staff_chat_id=staff_chat_id,
        knowledge_dir=knowledge_dir,
    )  # fmt: skip
    try:
        process.wait_until_polling()
        yield process
    finally:
        process.stop()


class Phone:
    """One Telegram user: each action waits for the bot's replies and keeps them in `last`."""

    def __init__(self, fake: FakeTelegram, bot: BotProcess, user_id: int) -> None:
        self.fake = fake
        self.bot = bot
        self.user_id = user_id
        self.last: list[SentMessage] = []
        self.tap_count = 0

    # -- what the user does -------------------------------------------------------------------

    def says(self, text: str, *, replies: int = 1, timeout: float = REPLY_TIMEOUT) -> list[str]:
        return self._act(lambda: self.fake.user_sends_text(self.user_id, text), replies, timeout)

    def taps(self, label: str, *, replies: int = 1, on: SentMessage | None = None) -> list[str]:
        """Tap the button `label` on the newest message carrying it (or on message `on`)."""
        message_id = on.message_id if on is not None else None

        def tap() -> None:
            self.tap_count += 1
            self.fake.user_presses_button_text(self.user_id, label, message_id=message_id)

        return self._act(tap, replies, REPLY_TIMEOUT)

    def taps_old(self, message: SentMessage, label: str, *, replies: int) -> list[str]:
        """Tap `label` on an earlier message, as a phone still showing it would."""
        (data,) = [
            str(b["callback_data"]) for row in message.inline_keyboard for b in row
            if b.get("text") == label
        ]  # fmt: skip

        def tap() -> None:
            self.tap_count += 1
            self.fake.user_presses_button(
                self.user_id, data, message_id=message.message_id, check_button=False
            )

        return self._act(tap, replies, REPLY_TIMEOUT)

    def sends_sticker(self, *, replies: int = 1) -> list[str]:
        return self._act(lambda: self.fake.user_sends_sticker(self.user_id), replies, REPLY_TIMEOUT)

    def sends_photo(self, *, replies: int = 1) -> list[str]:
        return self._act(lambda: self.fake.user_sends_photo(self.user_id), replies, REPLY_TIMEOUT)

    def edits_last_message(self, text: str) -> None:
        """Telegram's "edit" on the user's last text; the bot reads it with the next poll."""
        self.fake.user_sends_text(self.user_id, text, edited=True)

    def says_until(
        self, text: str, done: Callable[[SentMessage], bool], timeout: float = REPLY_TIMEOUT
    ) -> list[str]:
        """Type `text` and collect replies until one satisfies `done` (for split messages)."""
        return self._until(lambda: self.fake.user_sends_text(self.user_id, text), done, timeout)

    def taps_until(
        self, label: str, done: Callable[[SentMessage], bool], *, on: SentMessage | None = None
    ) -> list[str]:
        """Tap `label` and collect replies until one satisfies `done` (for split messages)."""

        def tap() -> None:
            self.tap_count += 1
            message_id = on.message_id if on is not None else None
            self.fake.user_presses_button_text(self.user_id, label, message_id=message_id)

        return self._until(tap, done, REPLY_TIMEOUT)

    def _until(
        self, action: Callable[[], object], done: Callable[[SentMessage], bool], timeout: float
    ) -> list[str]:
        before = len(self.fake.sent_messages(self.user_id))
        action()
        deadline = time.monotonic() + timeout
        while True:
            new = self.fake.sent_messages(self.user_id)[before:]
            if any(done(m) for m in new):
                self.last = new
                return self.texts()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching reply: {new!r}{self.bot.tail()}")
            try:
                self.fake.wait_for_messages(self.user_id, before + len(new) + 1, remaining)
            except AssertionError:
                continue

    # -- what the user sees -------------------------------------------------------------------

    def texts(self) -> list[str]:
        return [m.plain_text or "" for m in self.last]

    def text(self) -> str:
        return "\n\n".join(self.texts())

    def buttons(self) -> list[str]:
        return [label for m in self.last for label in m.button_texts]

    def chat(self) -> list[SentMessage]:
        return self.fake.sent_messages(self.user_id)

    def refused_sends(self) -> list[str]:
        """Descriptions of bot messages to this user that the Bot API refused (e.g. bad HTML)."""
        return [
            f"{c.method} -> HTTP {c.http_status}: {str(c.params.get('text'))[:80]!r}"
            for c in self.fake.calls()
            if c.params.get("chat_id") == self.user_id and c.http_status != 200
        ]

    def answered_taps(self, timeout: float = 5.0) -> int:
        """How many of this user's taps the bot acknowledged (the spinner on the button stops)."""
        prefix = str(self.user_id)
        deadline = time.monotonic() + timeout
        while True:
            answered = [
                query_id for query_id in self.fake.answered_callback_queries
                if query_id.startswith(prefix) and len(query_id) == len(prefix) + 8
            ]  # fmt: skip
            if len(answered) >= self.tap_count or time.monotonic() > deadline:
                return len(answered)
            time.sleep(0.05)

    def _act(self, action: Callable[[], object], replies: int, timeout: float) -> list[str]:
        before = len(self.fake.sent_messages(self.user_id))
        action()
        try:
            messages = self.fake.wait_for_messages(self.user_id, before + replies, timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}{self.bot.tail()}") from None
        self.last = messages[before:]
        return self.texts()


def fill_a_draft(
    user: Phone, *, municipality: str = "Stadt Pirna", title: str = "Sicher im Quartier"
) -> None:
    """The whole dialogue of a fundable draft, answered the short way, up to the summary."""
    user.says("/antrag", replies=2)
    user.taps("Verstanden, weiter")
    user.says(municipality)
    user.taps("Stadt")
    for answer in ("Sächsische Schweiz-Osterzgebirge", "Am Markt 1", "01796", "Pirna"):
        user.says(answer)
    for answer in ("Erika Muster", "Sachgebietsleitung Ordnungsamt", "e.muster@pirna.de"):
        user.says(answer)
    user.says("03501 556-0")
    user.taps("Ja")
    user.says("12.05.2026")
    user.says(title)
    user.says("Pirna-Copitz")
    user.taps("Ja")  # in Saxony
    user.says("01.03.2027")
    user.says("31.12.2027")
    user.says("Der KPR hat das Vorhaben beschlossen und begleitet es.")
    user.taps("überspringen")  # partners
    user.taps("Nein")  # no forwarding
    for number in range(1, 8):
        user.says(f"Unser Text zu Schritt {number}: " + "Das Problem ist belegt. " * 10)
    user.says("2027")
    user.taps("Ja")  # personnel
    user.says("Präventionskoordination")
    user.taps("Hochschule")
    user.says("EG 11")
    user.says("0,5")
    user.says("30.000")
    user.taps("Nein")  # no further post
    user.taps("Ja")  # material
    user.says("Honorare Workshops")
    user.says("6.000,00 €")
    user.taps("Nein")  # no further item
    user.taps("Nein")  # no further year
    for amount in ("3.600", "0", "0", "32.400"):
        user.says(amount)
    user.taps("Nein")  # Vorsteuerabzug
    user.taps("Nein")  # not begun
    user.says_until("15.10.2026", lambda m: "ändern: Vorhaben" in m.button_texts)


def submit_the_draft(user: Phone) -> None:
    user.says_until("/einreichen", lambda m: "Ja, einreichen" in m.button_texts)
    user.taps("Ja, einreichen")
    assert "Eingereicht" in user.text(), user.texts()
