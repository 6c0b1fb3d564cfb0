"""Load benchmark of the Telegram bot: many users at once against the fake Bot API.

Prints figures; asserts nothing; exits 0 (unless the bot cannot be started at all).

    .venv/bin/python -m bench.telegram_load [--users 200] [--messages 20]
        [--db sqlite|postgres|both] [--timeout 120] [--think 0] [--ramp 1]

The bot runs as a subprocess (`python -m bot.cli bot`), exactly as in production, talking to the
in-process fake Bot API on 127.0.0.1 (tests/fakes/telegram_api.py). Nothing of the bot is
imported; it is driven only from the outside.

How it works:

1. The index is built once into a temporary DATA_DIR (`python -m bot.cli index`).
2. Per database backend: a fresh fake, a fresh bot process and a fresh database.
3. Reference pass (also the warm-up): one user per script variant, each message waited out until
   the chat has been quiet for `--settle` seconds. What the bot sent there, with no other traffic,
   is the expected reply sequence of that variant (count and text per message).
4. Load pass: `--users` users at once, each playing its variant's `--messages` messages (questions
   from bench/dev_questions.yaml, /start, /antrag, the privacy button, form answers, buttons,
   questions in the middle of a form step, /abbrechen). A user sends message k+1 only after the
   expected replies to message k arrived (or `--timeout` passed), like a person who reads the
   answer (and needs its buttons) before going on.
5. After the load, wait until the bot has been quiet for a few seconds, then compare.

Figures, per backend:

* latency = time from the fake creating the update to the fake receiving the first
  sendMessage to that chat after it (both stamped inside the fake, same clock); also to the last
  expected reply of that message;
* lost = messages without any reply within `--timeout`;
* duplicated = replies beyond the expected ones whose text is one the user expected (text
  compared with digits masked, as a multiset per chat); unexpected = extra replies with a text
  the reference never sent; missing = expected replies that never came;
* also per update window: messages that got more replies than expected before the user's next
  message (or the end).

PostgreSQL runs when KOMMPRAEV_BENCH_POSTGRES_URL is set (e.g.
postgresql+psycopg://user:pw@127.0.0.1/kommpraev_bench) and psycopg is importable: the run gets
its own schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import importlib.util
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.fakes lives in the repository, not in the package
    sys.path.insert(0, str(ROOT))

from tests.bot_process import bot_env as shared_bot_env  # noqa: E402
from tests.bot_process import log_tail  # noqa: E402
from tests.fakes.telegram_api import (  # noqa: E402
    FakeTelegram,
    SentDocument,
    _TelegramHandler,
)

QUESTIONS = ROOT / "bench" / "dev_questions.yaml"
TOKEN = "123:BENCH"
POSTGRES_ENV = "KOMMPRAEV_BENCH_POSTGRES_URL"
STARTUP_TIMEOUT = 180.0
QUIET_AFTER_LOAD = 3.0  # the run is over once the bot sent nothing for this long ...
QUIET_MAX_WAIT = 120.0  # ... but never wait longer than this for that
MAX_VARIANTS = 8
USER_ID_BASE = 100_000
REFERENCE_ID_BASE = 900_000

JSONDict = dict[str, Any]
Kind = Literal["question", "step_question", "command", "answer", "button"]


# ---------------------------------------------------------------------------------------------
# What the users do
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    kind: Kind
    value: str  # the text typed, or the label of the button pressed

    @property
    def is_button(self) -> bool:
        return self.kind == "button"


def load_questions(path: Path = QUESTIONS) -> list[str]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [str(item["frage"]).strip() for item in items if item.get("frage")]


def script(variant: int, count: int, questions: Sequence[str]) -> list[Action]:
    """The `count` messages of one user of script `variant` (questions differ per variant).

    Idle questions may be any question; questions typed while a form step is open must look
    like a question (end with "?"), otherwise the bot rightly takes them as the answer.
    """
    marked = [q for q in questions if q.endswith("?")] or list(questions)
    offset = variant * 7

    def q(n: int) -> Action:
        return Action("question", questions[(offset + n) % len(questions)])

    def sq(n: int) -> Action:
        return Action("step_question", marked[(offset + n) % len(marked)])

    def text(value: str) -> Action:
        return Action("answer", value)

    def cmd(value: str) -> Action:
        return Action("command", value)

    def button(label: str) -> Action:
        return Action("button", label)

    actions = [
        cmd("/start"),
        q(0),
        cmd("/antrag"),  # new draft + privacy notice with a button
        button("Verstanden, weiter"),
        text(f"Stadt Pirna {variant}"),
        button("Stadt"),
        sq(1),  # a question while "Landkreis?" is open: answer, then the same step again
        text("Sächsische Schweiz-Osterzgebirge"),
        text("Am Markt 1"),
        text("01796"),
        text("Pirna"),
        cmd("/start"),  # greeting, then back to the open step
        text("Erika Muster"),
        sq(2),
        text("Sachgebietsleitung Ordnungsamt"),
        text("e.muster@pirna.de"),
        text("03501 556-0"),
        button("Ja"),  # consultation held
        cmd("/abbrechen"),
        q(3),
    ]
    n = 4
    while len(actions) < count:  # beyond the scripted story: questions and help, alternating
        actions.append(q(n) if n % 3 else cmd("/hilfe"))
        n += 1
    return actions[:count]


# ---------------------------------------------------------------------------------------------
# The fake, with a per-chat log of sendMessage times for cheap waiting
# ---------------------------------------------------------------------------------------------
class _ChatLog:
    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.times: list[float] = []  # monotonic, ascending
        self.texts: list[str] = []

    def add(self, stamp: float, text: str) -> None:
        with self.cond:
            self.times.append(stamp)
            self.texts.append(text)
            self.cond.notify_all()

    def wait_count_since(self, since: float, count: int, deadline: float) -> bool:
        with self.cond:
            while len(self.times) - bisect.bisect_left(self.times, since) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.cond.wait(remaining)
            return True

    def wait_quiet(self, quiet: float, deadline: float) -> None:
        """Return once nothing arrived for `quiet` seconds (or at `deadline`)."""
        with self.cond:
            while True:
                last = self.times[-1] if self.times else 0.0
                now = time.monotonic()
                if now - last >= quiet or now >= deadline:
                    return
                self.cond.wait(min(quiet - (now - last), deadline - now))

    def snapshot(self) -> tuple[list[float], list[str]]:
        with self.cond:
            return list(self.times), list(self.texts)


class _BenchHandler(_TelegramHandler):
    """The fake's handler with TCP_NODELAY and an optional network delay per request.

    The stock handler writes the headers and the body in two sends; without TCP_NODELAY,
    Nagle's algorithm plus the client's delayed ACK hold the body back ~40 ms, on every call.
    That is an artefact of the fake, not of the bot, so it is off unless --nagle is given.
    """

    disable_nagle_algorithm = True

    def _dispatch(self) -> None:
        delay = getattr(self.server.owner, "api_delay", 0.0)
        if delay > 0:
            time.sleep(delay)
        super()._dispatch()


class _BenchHandlerNagle(_BenchHandler):
    disable_nagle_algorithm = False


class RecordingTelegram(FakeTelegram):
    """FakeTelegram that stamps every update it creates and every sendMessage it receives.

    The stamps are taken while the fake holds its own lock, so "created" and "sent" are on the
    same clock and in the order the bot could observe them. Waiting uses one condition per chat,
    so 200 waiting users do not rescan the fake's whole message list on every request.
    `api_delay` (seconds) is added to every Bot API request, like the round trip to Telegram.
    """

    handler_class = _BenchHandler

    def __init__(self, *, api_delay: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_delay = api_delay
        self._logs_lock = threading.Lock()
        self._logs: dict[int, _ChatLog] = {}
        self.created: dict[int, float] = {}
        self.last_sent_at = 0.0
        self.sent_total = 0

    def chat(self, chat_id: int) -> _ChatLog:
        with self._logs_lock:
            log = self._logs.get(chat_id)
            if log is None:
                log = self._logs[chat_id] = _ChatLog()
            return log

    def push_update(self, update: JSONDict) -> int:
        with self._cond:
            update_id = super().push_update(update)
            self.created[update_id] = time.monotonic()
            return update_id

    def _record_sent(
        self,
        method: str,
        p: JSONDict,
        text: str | None,
        document: SentDocument | None = None,
    ) -> JSONDict:
        result = super()._record_sent(method, p, text, document)
        if method == "sendMessage":
            stamp = time.monotonic()
            self.last_sent_at = stamp
            self.sent_total += 1
            self.chat(int(result["chat"]["id"])).add(stamp, str(result.get("text") or ""))
        return result

    def wait_quiet(self, quiet: float, max_wait: float) -> float:
        """Wait until no sendMessage arrived for `quiet` seconds; returns the seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < max_wait:
            if time.monotonic() - max(self.last_sent_at, started) >= quiet:
                break
            time.sleep(0.1)
        return time.monotonic() - started


class NagleRecordingTelegram(RecordingTelegram):
    handler_class = _BenchHandlerNagle


def normalize(text: str) -> str:
    """Reply text for comparison: digits masked (draft numbers), whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip()


# ---------------------------------------------------------------------------------------------
# The bot process
# ---------------------------------------------------------------------------------------------
def bot_env(data_dir: Path, base_url: str | None, database_url: str) -> dict[str, str]:
    return shared_bot_env(
        token=TOKEN, data_dir=data_dir, api_base_url=base_url, database_url=database_url
    )


class BotProcess:
    def __init__(self, *, fake: FakeTelegram, data_dir: Path, database_url: str, log: Path):
        self.fake = fake
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "bot"],
            cwd=ROOT,
            env=bot_env(data_dir, fake.base_url, database_url),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_polling(self) -> float:
        """Seconds until the bot set its commands and asked for updates."""
        started = time.monotonic()
        while not self.fake.calls("getUpdates"):
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.process.returncode}{self.tail()}")
            if time.monotonic() - started > STARTUP_TIMEOUT:
                raise RuntimeError(f"the bot did not start polling{self.tail()}")
            time.sleep(0.1)
        return time.monotonic() - started

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the bot process so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def tail(self, chars: int = 3000) -> str:
        self._log.flush()
        return log_tail(self.log_path, chars)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # PTB stops cleanly on SIGINT
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


# ---------------------------------------------------------------------------------------------
# One user
# ---------------------------------------------------------------------------------------------
@dataclass
class Sent:
    """One user message and what came back while the user waited for it."""

    user_id: int
    index: int
    kind: Kind
    created: float
    first_reply: float | None = None  # latency to the first reply, if within the timeout
    complete: float | None = None  # latency to the last expected reply, if within the timeout


@dataclass
class UserRun:
    user_id: int
    variant: int
    sent: list[Sent] = field(default_factory=list)
    not_sent: int = 0  # the dialogue diverged (a button to press was missing)
    error: str | None = None


def play(
    fake: RecordingTelegram,
    user_id: int,
    variant: int,
    actions: Sequence[Action],
    *,
    expected: Sequence[int] | None,
    timeout: float,
    settle: float,
    think: float,
    start_at: float,
) -> UserRun:
    """Send the actions one by one, each after the replies to the previous one.

    `expected` given (load pass): wait for that many replies or `timeout`.
    `expected` None (reference pass): wait for the first reply, then until the chat is quiet.
    """
    run = UserRun(user_id, variant)
    log = fake.chat(user_id)
    name = f"Nutzer{user_id}"
    delay = start_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    for index, action in enumerate(actions):
        try:
            if action.is_button:
                update_id = fake.user_presses_button_text(user_id, action.value, first_name=name)
            else:
                update_id = fake.user_sends_text(user_id, action.value, first_name=name)
        except LookupError as exc:
            run.not_sent = len(actions) - index
            run.error = f"message {index + 1}: {exc}"
            break
        created = fake.created[update_id]
        deadline = created + timeout
        sent = Sent(user_id, index, action.kind, created)
        run.sent.append(sent)
        want = 1 if expected is None else max(1, expected[index])
        got_first = log.wait_count_since(created, 1, deadline)
        if got_first:
            times, _ = log.snapshot()
            sent.first_reply = times[bisect.bisect_left(times, created)] - created
            if log.wait_count_since(created, want, deadline):
                times, _ = log.snapshot()
                sent.complete = times[bisect.bisect_left(times, created) + want - 1] - created
            if expected is None:
                log.wait_quiet(settle, time.monotonic() + timeout)
        if think > 0:
            time.sleep(think)
    return run


def run_users(
    fake: RecordingTelegram,
    plans: Sequence[tuple[int, int, list[Action], Sequence[int] | None]],
    *,
    timeout: float,
    settle: float,
    think: float,
    ramp: float,
) -> list[UserRun]:
    """Play all plans (user_id, variant, actions, expected) at once, one thread per user."""
    results: list[UserRun | None] = [None] * len(plans)
    begin = time.monotonic() + 0.2
    rng = random.Random(42)

    def worker(
        slot: int, user_id: int, variant: int, actions: list[Action], exp: Sequence[int] | None
    ) -> None:
        try:
            results[slot] = play(
                fake, user_id, variant, actions, expected=exp, timeout=timeout,
                settle=settle, think=think, start_at=begin + rng.uniform(0, ramp),
            )  # fmt: skip
        except Exception as exc:  # a broken user must not stop the others
            results[slot] = UserRun(user_id, variant, error=f"{type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=worker, args=(slot, *plan), name=f"user-{plan[0]}", daemon=True)
        for slot, plan in enumerate(plans)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


# ---------------------------------------------------------------------------------------------
# Reference: what the bot sends for each variant when nobody else talks to it
# ---------------------------------------------------------------------------------------------
@dataclass
class Reference:
    counts: list[int]  # replies per message
    texts: list[list[str]]  # normalized reply texts per message
    lost: int  # messages without any reply even here


def reference_pass(
    fake: RecordingTelegram,
    variants: dict[int, list[Action]],
    *,
    timeout: float,
    settle: float,
) -> dict[int, Reference]:
    plans = [
        (REFERENCE_ID_BASE + variant, variant, actions, None)
        for variant, actions in variants.items()
    ]
    runs = run_users(fake, plans, timeout=timeout, settle=settle, think=0.0, ramp=0.0)
    fake.wait_quiet(settle, QUIET_MAX_WAIT)
    references: dict[int, Reference] = {}
    for run in runs:
        windows = _windows(fake, run)
        lost = sum(1 for s in run.sent if s.first_reply is None)
        counts = [len(w) for w in windows]
        counts += [1] * (len(variants[run.variant]) - len(counts))  # never sent: assume one
        references[run.variant] = Reference(counts, windows, lost)
    return references


def _windows(fake: RecordingTelegram, run: UserRun) -> list[list[str]]:
    """Normalized reply texts per sent message: from its update to the user's next update."""
    times, texts = fake.chat(run.user_id).snapshot()
    windows: list[list[str]] = []
    for i, sent in enumerate(run.sent):
        end = run.sent[i + 1].created if i + 1 < len(run.sent) else float("inf")
        lo, hi = bisect.bisect_left(times, sent.created), bisect.bisect_left(times, end)
        windows.append([normalize(t) for t in texts[lo:hi]])
    return windows


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------
def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def fmt_latency(values: Sequence[float]) -> str:
    if not values:
        return "keine Werte"
    p50, p95, top = (percentile(values, 50), percentile(values, 95), max(values))
    return (
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {top * 1000:.0f} ms "
        f"(n={len(values)})"
    )


def peak_per_second(stamps: Sequence[float]) -> int:
    """The most events in any one-second window."""
    ordered = sorted(stamps)
    best, lo = 0, 0
    for hi, stamp in enumerate(ordered):
        while stamp - ordered[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


@dataclass
class Figures:
    label: str
    users: int
    messages: int
    startup_s: float
    reference_lost: int
    wall_s: float
    sent: list[Sent]
    not_sent: int
    errors: list[str]
    replies_in_window: int
    lost: int
    incomplete: int
    duplicated: int
    unexpected: int
    missing: int
    over_expected_windows: int
    redelivered: int
    bot_cpu_s: float
    chat_requests_peak: int
    chat_requests_total: int
    typing_total: int
    callbacks_answered: int
    drain_s: float
    examples: list[str]


def analyse(
    fake: RecordingTelegram,
    runs: Sequence[UserRun],
    references: dict[int, Reference],
    *,
    window: tuple[float, float],
    wall_window: tuple[float, float],
) -> dict[str, Any]:
    lost = incomplete = duplicated = unexpected = missing = over = 0
    examples: list[str] = []
    for run in runs:
        ref = references[run.variant]
        for sent in run.sent:
            if sent.first_reply is None:
                lost += 1
            elif sent.complete is None:
                incomplete += 1
        windows = _windows(fake, run)
        for i, got in enumerate(windows):
            if len(got) > ref.counts[i]:
                over += 1
        expected_texts = Counter(t for i in range(len(run.sent)) for t in ref.texts[i])
        got_texts = Counter(t for w in windows for t in w)
        for text, n in got_texts.items():
            extra = n - expected_texts.get(text, 0)
            if extra > 0 and text in expected_texts:
                duplicated += extra
            elif extra > 0:
                unexpected += extra
                examples.append(f"unerwartet bei {run.user_id}: {text[:90]!r}")
        for text, n in expected_texts.items():
            if n > got_texts.get(text, 0):
                missing += n - got_texts.get(text, 0)
                examples.append(f"fehlt bei {run.user_id}: {text[:90]!r}")
    update_ids = [uid for uid, created in fake.created.items() if created >= window[0]]
    redelivered = sum(1 for uid in update_ids if fake.delivery_count(uid) > 1)
    chat_calls = [
        c
        for c in fake.calls()
        if c.method in ("sendMessage", "sendChatAction")
        and wall_window[0] <= c.timestamp <= wall_window[1]
    ]
    return {
        "lost": lost,
        "incomplete": incomplete,
        "duplicated": duplicated,
        "unexpected": unexpected,
        "missing": missing,
        "over_expected_windows": over,
        "redelivered": redelivered,
        "chat_requests_peak": peak_per_second([c.timestamp for c in chat_calls]),
        "chat_requests_total": len(chat_calls),
        "typing_total": sum(1 for c in chat_calls if c.method == "sendChatAction"),
        "examples": examples,
    }


def run_backend(
    label: str,
    *,
    data_dir: Path,
    database_url: str,
    args: argparse.Namespace,
    questions: list[str],
) -> Figures:
    variants = {
        v: script(v, args.messages, questions) for v in range(min(args.users, MAX_VARIANTS))
    }
    fake_class = NagleRecordingTelegram if args.nagle else RecordingTelegram
    with fake_class(token=TOKEN, api_delay=args.api_delay / 1000) as fake:
        bot = BotProcess(
            fake=fake,
            data_dir=data_dir,
            database_url=database_url,
            log=data_dir / f"bot-{label.lower()}.log",
        )
        try:
            startup = bot.wait_until_polling()
            print(f"  Bot bereit nach {startup:.1f} s; Referenzlauf ({len(variants)} Varianten) …")
            references = reference_pass(fake, variants, timeout=args.timeout, settle=args.settle)
            print(f"  Lastlauf: {args.users} Nutzer × {args.messages} Nachrichten …", flush=True)
            plans = [
                (
                    USER_ID_BASE + u,
                    u % len(variants),
                    variants[u % len(variants)],
                    references[u % len(variants)].counts,
                )
                for u in range(args.users)
            ]
            cpu_before = bot.cpu_seconds()
            sent_before = fake.sent_total
            started, started_wall = time.monotonic(), time.time()
            runs = run_users(
                fake, plans, timeout=args.timeout, settle=args.settle,
                think=args.think, ramp=args.ramp,
            )  # fmt: skip
            wall = time.monotonic() - started
            cpu = bot.cpu_seconds() - cpu_before
            replies_in_window = fake.sent_total - sent_before
            drain = fake.wait_quiet(QUIET_AFTER_LOAD, QUIET_MAX_WAIT)
            figures = analyse(
                fake,
                runs,
                references,
                window=(started, started + wall + drain),
                wall_window=(started_wall, started_wall + wall + drain),
            )
            callbacks = len(fake.answered_callback_queries)
        finally:
            bot.stop()
    return Figures(
        label=label,
        users=args.users,
        messages=args.messages,
        startup_s=startup,
        reference_lost=sum(r.lost for r in references.values()),
        wall_s=wall,
        sent=[s for run in runs for s in run.sent],
        not_sent=sum(run.not_sent for run in runs),
        errors=[f"user {run.user_id}: {run.error}" for run in runs if run.error],
        replies_in_window=replies_in_window,
        bot_cpu_s=cpu,
        callbacks_answered=callbacks,
        drain_s=drain,
        **figures,
    )


def report(f: Figures, timeout: float) -> None:
    sent = f.sent
    by_kind = Counter(s.kind for s in sent)
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(by_kind.items()))
    print(f"\n=== {f.label} ===")
    print(f"Nachrichten gesendet:          {len(sent)} von {f.users * f.messages} ({kinds})")
    if f.not_sent:
        print(f"  nicht gesendet (Dialog wich ab, Knopf fehlte): {f.not_sent}")
    print(f"Wandzeit Lastlauf:             {f.wall_s:.1f} s (Bot-Start {f.startup_s:.1f} s)")
    print(
        f"Durchsatz:                     {len(sent) / f.wall_s:.1f} Nutzernachrichten/s, "
        f"{f.replies_in_window / f.wall_s:.1f} Antworten (sendMessage)/s"
    )
    first = [s.first_reply for s in sent if s.first_reply is not None]
    print(f"Latenz Update → 1. Antwort:    {fmt_latency(first)}")
    complete = [s.complete for s in sent if s.complete is not None]
    print(f"Latenz Update → alle Antworten: {fmt_latency(complete)}")
    for kind in ("question", "step_question", "command", "answer", "button"):
        values = [s.first_reply for s in sent if s.kind == kind and s.first_reply is not None]
        if values:
            print(f"  1. Antwort, {kind:14} {fmt_latency(values)}")
    print(f"Verlorene Antworten (keine Antwort binnen {timeout:.0f} s): {f.lost}")
    print(f"Unvollständig (weniger Antworten als erwartet binnen Frist): {f.incomplete}")
    print(
        f"Doppelte Antworten:            {f.duplicated} "
        f"(mehr als erwartet, gleicher Text; unerwarteter Text: {f.unexpected}; "
        f"fehlend am Ende: {f.missing})"
    )
    print(f"  Nachrichten mit mehr Antworten als erwartet: {f.over_expected_windows}")
    print(f"  Updates mehrfach per getUpdates ausgeliefert: {f.redelivered}")
    print(
        f"Bot-CPU:                       {f.bot_cpu_s:.1f} s in {f.wall_s:.1f} s "
        f"({100 * f.bot_cpu_s / f.wall_s:.0f} % eines Kerns)"
    )
    print(
        f"Bot-API-Aufrufe mit chat_id:   {f.chat_requests_total} (davon sendChatAction "
        f"{f.typing_total}), Spitze {f.chat_requests_peak}/s; answerCallbackQuery "
        f"{f.callbacks_answered}"
    )
    print(f"Nachlauf bis Ruhe:             {f.drain_s:.1f} s")
    if f.reference_lost:
        print(f"Achtung: schon im Referenzlauf ohne Antwort: {f.reference_lost} Nachricht(en)")
    for example in f.examples[:6]:
        print(f"  {example}")
    for error in f.errors[:5]:
        print(f"  Fehler: {error}")
    if len(f.errors) > 5:
        print(f"  … und {len(f.errors) - 5} weitere")


# ---------------------------------------------------------------------------------------------
# PostgreSQL: a fresh schema per run
# ---------------------------------------------------------------------------------------------
def postgres_unavailable() -> str | None:
    if not os.environ.get(POSTGRES_ENV):
        return f"{POSTGRES_ENV} ist nicht gesetzt"
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg ist nicht importierbar (pip install -e '.[postgres]')"
    return None


@contextlib.contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    schema = f"kp_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with contextlib.suppress(Exception), admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


# ---------------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.telegram_load",
        description="Load benchmark of the Telegram bot (prints figures, asserts nothing).",
    )
    p.add_argument("--users", type=int, default=200, help="simultaneous users (default 200)")
    p.add_argument("--messages", type=int, default=20, help="messages per user (default 20)")
    p.add_argument(
        "--db",
        choices=("sqlite", "postgres", "both"),
        default="both",
        help="backend(s); PostgreSQL needs " + POSTGRES_ENV + " (default both)",
    )
    p.add_argument("--timeout", type=float, default=120.0, help="per-reply timeout in s")
    p.add_argument("--think", type=float, default=0.0, help="pause after each reply, s")
    p.add_argument("--ramp", type=float, default=1.0, help="users start spread over s")
    p.add_argument(
        "--settle", type=float, default=1.0, help="reference pass: quiet time that ends a reply"
    )
    p.add_argument(
        "--api-delay",
        type=float,
        default=0.0,
        metavar="MS",
        help="added to every Bot API request, like the round trip to Telegram (default 0)",
    )
    p.add_argument(
        "--nagle",
        action="store_true",
        help="keep the stock fake's ~40 ms per request (Nagle + delayed ACK)",
    )
    args = p.parse_args(argv)
    if args.users < 1 or args.messages < 1:
        p.error("--users and --messages must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    questions = load_questions()
    print(
        f"Telegram-Lasttest: {args.users} Nutzer × {args.messages} Nachrichten, "
        f"Frist {args.timeout:.0f} s je Antwort, {os.cpu_count()} CPU-Kerne, "
        f"Bot-API-Verzögerung {args.api_delay:.0f} ms{' + Nagle' if args.nagle else ''}"
    )
    backends: list[tuple[str, str | None]] = []  # (label, DATABASE_URL or None: PostgreSQL)
    if args.db in ("sqlite", "both"):
        backends.append(("SQLite", ""))
    pg_skipped: str | None = None
    if args.db in ("postgres", "both"):
        pg_skipped = postgres_unavailable()
        if pg_skipped is None:
            backends.append(("PostgreSQL", None))
    with tempfile.TemporaryDirectory(prefix="kommpraev-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        if backends:
            started = time.monotonic()
            subprocess.run(
                [sys.executable, "-m", "bot.cli", "index"],
                cwd=ROOT,
                env=bot_env(data_dir, None, ""),
                check=True,
                capture_output=True,
            )
            print(f"Index gebaut in {time.monotonic() - started:.1f} s")
        for label, database_url in backends:
            print(f"\n{label} …", flush=True)
            with contextlib.ExitStack() as stack:
                if database_url is None:
                    database_url = stack.enter_context(postgres_schema(os.environ[POSTGRES_ENV]))
                figures = run_backend(
                    label, data_dir=data_dir, database_url=database_url, args=args,
                    questions=questions,
                )  # fmt: skip
            report(figures, args.timeout)
    if pg_skipped is not None:
        print(f"\n=== PostgreSQL ===\nübersprungen: {pg_skipped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
