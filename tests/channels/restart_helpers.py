"""A bot subprocess that a test can SIGKILL and restart, users who wait for their answer, and
the check that every update was answered exactly once."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.drafts import Draft
from bot.settings import Settings
from bot.storage import drafts_repo, make_engine, make_sessionmaker
from bot.storage.tables import InboxRow, OutboxRow
from tests.bot_process import bot_env, log_tail
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
STAFF = -100777
STARTUP_TIMEOUT = 120.0  # index check and migrations before the first getUpdates
REPLY_TIMEOUT = 60.0  # includes waiting for a restart after a kill


def data_dir_with_index(target: Path, shipped: Settings) -> Path:
    """A fresh DATA_DIR holding a copy of the prebuilt index, so start-up embeds nothing."""
    shutil.copytree(shipped.index_dir, target / "index")
    return target


class BotProcess:
    """`python -m bot.cli bot`, configured only through its environment, killed at will."""

    # The Bot API call that shows a fresh process is ready (polling: it asks for updates).
    ready_call = "getUpdates"

    def __init__(self, *, fake: FakeTelegram, data_dir: Path) -> None:
        self.fake = fake
        self.data_dir = data_dir
        self.log_path = data_dir / "bot.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        env = bot_env(
            token="123:ABC", data_dir=data_dir, api_base_url=fake.base_url, staff_chat_id=STAFF
        )
        self.env = env

    def start(self) -> None:
        """Start and return once the new process is ready (`ready_call` reached the fake)."""
        before = len(self.fake.calls(self.ready_call))
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} ---\n".encode())
            log.flush()
            # cwd: the data dir, so that no .env of the developer's checkout is read.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "bot"],
                cwd=self.data_dir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                self.fake.wait_for_calls(self.ready_call, before + 1, timeout=0.5)
                return
            except AssertionError:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"bot exited with {self.process.returncode}{self.tail()}"
                    ) from None
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"bot never called {self.ready_call}{self.tail()}"
                    ) from None

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed, the next start finds what is on disk."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Ask the bot to stop (SIGTERM or SIGINT) and return its exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise

    def tail(self, chars: int = 3000) -> str:
        return log_tail(self.log_path, chars)


@dataclass
class TelegramUser:
    """Types and taps in the fake Telegram client, then waits for the bot's answer.

    `steps` keeps, per update the user made, a text the answer to it must contain.
    """

    fake: FakeTelegram
    user_id: int
    steps: list[tuple[int, str]] = field(default_factory=list)

    def says(self, text: str, *, expect: str, wait: bool = True) -> None:
        seen = len(self.fake.sent_messages(self.user_id))
        self.steps.append((self.fake.user_sends_text(self.user_id, text), expect))
        if wait:
            self.wait_for(expect, after=seen)

    def presses(self, label: str, *, expect: str) -> None:
        seen = len(self.fake.sent_messages(self.user_id))
        self.steps.append((self.fake.user_presses_button_text(self.user_id, label), expect))
        self.wait_for(expect, after=seen)

    def wait_for(self, expect: str, *, after: int, timeout: float = REPLY_TIMEOUT) -> None:
        """Until a message sent after the first `after` ones contains `expect`.

        Blocks on the fake's condition instead of polling: polling threads would slow the fake
        down (the GIL is shared with its server threads) and so widen the windows under test.
        """
        deadline = time.monotonic() + timeout
        seen = after
        while True:
            remaining = deadline - time.monotonic()
            try:
                messages = self.fake.wait_for_messages(self.user_id, seen + 1, max(remaining, 0))
            except AssertionError:
                got = [m.plain_text for m in self.fake.sent_messages(self.user_id)[after:]]
                raise AssertionError(f"user {self.user_id}: no {expect!r} in {got!r}") from None
            if any(expect in (m.plain_text or "") for m in messages[after:]):
                return
            seen = len(messages)

    @property
    def update_ids(self) -> list[int]:
        return [update_id for update_id, _ in self.steps]

    def texts(self) -> list[str]:
        return [m.plain_text or "" for m in self.fake.sent_messages(self.user_id)]


def sessions_for(data_dir: Path) -> sessionmaker[Session]:
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    return make_sessionmaker(make_engine(settings.sqlalchemy_url))


def draft_of(sessions: sessionmaker[Session], user_id: int) -> Draft:
    with sessions.begin() as session:
        (row,) = drafts_repo.list_for_owner(session, owner_id=user_id)
        return Draft.model_validate(row.data)


def check_answered_once(
    sessions: sessionmaker[Session], fake: FakeTelegram, users: list[TelegramUser]
) -> int:
    """Every update answered exactly once; returns how many messages were sent a second time.

    The database keeps no reply text once sent, so the check joins three records that do not
    depend on timing: the inbox (one row per update_id), the outbox (update_id, seq, order, sent)
    and the chat as the fake shows it.
    1. Every update a user made is in the inbox and processed: none lost.
    2. Its replies are one processing's: seq 0, 1, ... n-1 with n >= 1; all marked sent.
    3. The chat, with each message that repeats the one right before it removed, has exactly
       one message per outbox row, in outbox order. A repeat is the one duplicate Telegram does
       not let us prevent: the process died after sendMessage succeeded and before the row was
       marked sent, so the restart sends that row again, as the next message in that chat.
       (So a reply must not legitimately repeat its predecessor word for word, and no reply
       may be longer than one message; both hold for the scripts here.)
    4. Mapped this way, the replies to each update contain what the user waited for.
    """
    resent = 0
    with sessions.begin() as session:
        inbox = {r.update_id: r for r in session.scalars(select(InboxRow))}
        outbox = list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))
        for user in users:
            who = f"user {user.user_id}"
            missing = [u for u in user.update_ids if u not in inbox]
            assert not missing, f"{who}: updates never recorded: {missing}"
            rows = [r for r in outbox if r.chat_id == user.user_id]
            assert all(r.sent_at is not None for r in rows), f"{who}: replies left unsent"
            for update_id in user.update_ids:
                assert inbox[update_id].processed_at is not None, f"{who}: {update_id} open"
                seqs = [r.seq for r in rows if r.update_id == update_id]
                assert seqs and seqs == list(range(len(seqs))), f"{update_id}: seqs {seqs}"
            shown = user.texts()
            kept = [t for i, t in enumerate(shown) if i == 0 or t != shown[i - 1]]
            resent += len(shown) - len(kept)
            assert len(kept) == len(rows), (
                f"{who}: {len(rows)} replies queued, {len(kept)} distinct messages shown: {kept}"
            )
            answers: dict[int | None, list[str]] = {}
            for row, text in zip(rows, kept, strict=True):
                answers.setdefault(row.update_id, []).append(text)
            for update_id, expect in user.steps:
                got = answers.get(update_id, [])
                assert any(expect in t for t in got), f"{who}: {update_id} got {got}"
    return resent
