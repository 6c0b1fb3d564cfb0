"""Fairness benchmark: how long another user waits for an answer while one user floods the bot.

Prints figures; asserts nothing.

    .venv/bin/python -m bench.telegram_fairness [--flood 300] [--probes 30] [--think 0.2]

The bot runs as a subprocess against the in-process fake Bot API, twice, each time with a fresh
database: once with the shipped limits (a user's backlog and rate are capped, so most of the
flood is left out with one notice) and once without caps, so that only the turn-taking keeps
the other user's answers quick. Per run:

1. Quiet: the probe user asks `--probes`/3 questions one after another (baseline latency).
2. Flood: the flooder sends `--flood` questions at once.
3. While the flood is processed, another user asks a question, waits for the answer, thinks
   `--think` seconds, and the next user asks, up to `--probes` questions. The questions rotate
   over ten users, each asking a few: one person asking 30 questions a minute would meet the
   per-user cap that the flooder meets.

Latency = from the update being queued at the fake to the fake receiving the bot's first
sendMessage to the probe's chat (same clock). Target: p95 below 2 s during the flood.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.fakes lives in the repository, not in the package
    sys.path.insert(0, str(ROOT))

from bench.telegram_load import load_questions, percentile  # noqa: E402
from tests.bot_process import bot_env, log_tail  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

TOKEN = "123:FAIRNESS"
FLOODER = 700_001
WARM_UP = 700_002
PROBES = [700_100 + n for n in range(10)]
STARTUP_TIMEOUT = 180.0
REPLY_TIMEOUT = 120.0
MODES = {"mit Grenzen (ausgeliefert)": "default", "ohne Grenzen (nur Reihum)": "none"}


def fmt(values: Sequence[float]) -> str:
    if not values:
        return "keine Werte"
    p50, p95 = percentile(values, 50), percentile(values, 95)
    return (
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(values) * 1000:.0f} ms "
        f"(n={len(values)})"
    )


@dataclass
class Run:
    label: str
    quiet: list[float] = field(default_factory=list)
    during: list[float] = field(default_factory=list)
    flood_replies: int = 0
    flood_seconds: float = 0.0
    notices: int = 0
    answered_at: list[float] = field(default_factory=list)
    within_flood: int = 0  # probes answered before the flood's last reply went out


class Bot:
    """The bot as a subprocess (`--serve MODE` of this module) on a data dir with an index."""

    def __init__(self, *, fake: FakeTelegram, data_dir: Path, mode: str) -> None:
        self.fake = fake
        self.log_path = data_dir / "bot.log"
        env = bot_env(token=TOKEN, data_dir=data_dir, api_base_url=fake.base_url)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.telegram_fairness", "--serve", mode],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_polling(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                self.fake.wait_for_calls("getUpdates", 1, timeout=0.5)
                return
            except AssertionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"bot did not start{log_tail(self.log_path)}") from None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def ask(fake: FakeTelegram, user: int, question: str) -> float:
    """Send `question` as `user`; seconds until the bot's first message to that chat arrived."""
    before = len(fake.sent_messages(user))
    sent_at = time.time()
    fake.user_sends_text(user, question)
    fake.wait_for_messages(user, before + 1, timeout=REPLY_TIMEOUT)
    stamps = [
        c.timestamp
        for c in fake.calls("sendMessage")
        if c.params.get("chat_id") == user and c.timestamp >= sent_at and c.http_status == 200
    ]
    return min(stamps) - sent_at


def run_mode(label: str, mode: str, *, index: Path, args: argparse.Namespace) -> Run:
    questions = load_questions()
    run = Run(label)
    with tempfile.TemporaryDirectory(prefix="kommpraev-fair-") as tmp:
        data_dir = Path(tmp)
        shutil.copytree(index, data_dir / "index")
        with FakeTelegram() as fake:
            bot = Bot(fake=fake, data_dir=data_dir, mode=mode)
            try:
                bot.wait_until_polling()
                ask(fake, WARM_UP, questions[0])  # loads the model
                quiet_count = max(3, args.probes // 3)
                for n in range(quiet_count):
                    question = questions[(n * 7) % len(questions)]
                    run.quiet.append(ask(fake, PROBES[n % len(PROBES)], question))
                    time.sleep(args.think)
                started = time.monotonic()
                for n in range(args.flood):
                    fake.user_sends_text(FLOODER, questions[n % len(questions)])
                fake.wait_for_messages(FLOODER, 5, timeout=REPLY_TIMEOUT)  # under way
                for n in range(args.probes):
                    question = questions[(n * 11 + 3) % len(questions)]
                    run.during.append(ask(fake, PROBES[n % len(PROBES)], question))
                    run.answered_at.append(time.time())
                    time.sleep(args.think)
                _wait_until_quiet(fake, FLOODER)
                run.flood_seconds = time.monotonic() - started
                flood = [m.plain_text or "" for m in fake.sent_messages(FLOODER)]
                run.notices = sum("sehr viele Nachrichten" in t for t in flood)
                run.flood_replies = len(flood)
                last_flood_reply = max(
                    c.timestamp
                    for c in fake.calls("sendMessage")
                    if c.params.get("chat_id") == FLOODER
                )
                run.within_flood = sum(t < last_flood_reply for t in run.answered_at)
            finally:
                bot.stop()
    return run


def _wait_until_quiet(fake: FakeTelegram, chat_id: int, quiet_s: float = 3.0) -> None:
    """Until no message reached `chat_id` for `quiet_s` seconds (the flood is done)."""
    seen = len(fake.sent_messages(chat_id))
    while True:
        try:
            fake.wait_for_messages(chat_id, seen + 1, timeout=quiet_s)
        except AssertionError:
            return
        seen = len(fake.sent_messages(chat_id))


def report(run: Run, flood: int) -> None:
    print(f"\n=== {run.label} ===")
    print(f"ruhig:              {fmt(run.quiet)}")
    print(f"während der Flut:   {fmt(run.during)}")
    print(
        f"Flut: {flood} Nachrichten -> {run.flood_replies} Antworten "
        f"({run.notices} Hinweis(e) 'sehr viele Nachrichten'), fertig nach "
        f"{run.flood_seconds:.1f} s"
    )
    print(f"davon beantwortet, bevor die Flut fertig war: {run.within_flood}")
    p95 = percentile(run.during, 95)
    print(f"Ziel p95 < 2 s während der Flut: {'erreicht' if p95 < 2 else 'VERFEHLT'}")


def serve(mode: str) -> int:
    """The bot as `kommpraev bot` runs it, with the limits of `mode` (child process)."""
    from bot import logging_setup, wiring
    from bot.channels.telegram import run_bot
    from bot.channels.telegram_admission import Limits
    from bot.settings import Settings

    settings = Settings()
    logging_setup.configure(settings.log_level, secrets=logging_setup.secrets_of(settings))
    limits = None if mode == "default" else Limits(backlog=10**6, per_minute=10**6)
    services = wiring.build_services(settings)
    try:
        return run_bot(settings, services, limits=limits)
    finally:
        services.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.telegram_fairness", description=__doc__)
    p.add_argument("--flood", type=int, default=300, help="Nachrichten des flutenden Nutzers")
    p.add_argument("--probes", type=int, default=30, help="Fragen des anderen Nutzers")
    p.add_argument("--think", type=float, default=0.2, help="Pause zwischen seinen Fragen (s)")
    p.add_argument("--only", choices=sorted(set(MODES.values())), help="nur ein Durchlauf")
    p.add_argument("--serve", choices=sorted(set(MODES.values())), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        return serve(args.serve)
    print(
        f"Fairness: 1 Nutzer schickt {args.flood} Fragen auf einmal, ein anderer fragt "
        f"{args.probes}-mal währenddessen; {os.cpu_count()} CPU-Kerne"
    )
    with tempfile.TemporaryDirectory(prefix="kommpraev-fair-index-") as tmp:
        data_dir = Path(tmp)
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "index"],
            cwd=ROOT,
            env=bot_env(token=TOKEN, data_dir=data_dir, api_base_url=None),
            check=True,
            capture_output=True,
        )
        print(f"Index gebaut in {time.monotonic() - started:.1f} s", flush=True)
        for label, mode in MODES.items():
            if args.only and mode != args.only:
                continue
            report(run_mode(label, mode, index=data_dir / "index", args=args), args.flood)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
