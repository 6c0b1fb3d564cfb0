"""Burst benchmark: many private chats ask at once, against Telegram's flood limits.

Prints figures; asserts nothing.

    .venv/bin/python -m bench.telegram_burst [--chats 500] [--within 10] [--timeout 300]

The bot runs as `python -m bot.cli bot` against the fake Bot API with `FloodLimits()` on:
≈30 messages/s overall, ≈1 message/s per chat after a burst of 3, answered 429 "retry after N"
beyond that, as Telegram does. `--chats` users each send one question (bench/dev_questions.yaml),
spread evenly over `--within` seconds. Figures: chats answered, messages seen twice, 429s the
bot waited out, time until the last reply against Telegram's floor (messages / 30 per second),
first-reply latency, the bot's peak RSS, and rows left undelivered in the outbox.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.fakes lives in the repository, not in the package
    sys.path.insert(0, str(ROOT))

from bench.telegram_load import fmt_latency, load_questions  # noqa: E402
from bot.storage import inbox_repo  # noqa: E402
from tests.bot_process import bot_env  # noqa: E402
from tests.channels.restart_helpers import BotProcess, sessions_for  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram, FloodLimits  # noqa: E402

CHAT_BASE = 700_000
OVERALL_PER_S = 30.0
QUIET_S = 3.0


def build_index(data_dir: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "index"],
        cwd=ROOT,
        env=bot_env(token="", data_dir=data_dir, api_base_url=None),
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a running process (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_quiet(fake: FakeTelegram, quiet: float, limit: float) -> None:
    """Until no sendMessage arrived for `quiet` seconds (or `limit` seconds passed)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        calls = fake.calls("sendMessage")
        if not calls or time.time() - calls[-1].timestamp >= quiet:
            return
        time.sleep(0.2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.telegram_burst", description=__doc__)
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--within", type=float, default=10.0, help="seconds to spread them over")
    parser.add_argument("--timeout", type=float, default=300.0, help="per chat, seconds")
    parser.add_argument(
        "--overall-per-s", type=float, default=OVERALL_PER_S,
        help="the fake's overall limit (Telegram: 30); lower it to see many 429s",
    )  # fmt: skip
    args = parser.parse_args(argv)
    limits = FloodLimits(overall_per_s=args.overall_per_s, overall_burst=args.overall_per_s)
    questions = load_questions()
    chats = [CHAT_BASE + n for n in range(args.chats)]
    print(
        f"Telegram-Burst: {args.chats} Chats fragen binnen {args.within:.0f} s; Flutgrenzen "
        f"{limits.overall_per_s:.0f}/s gesamt, {limits.per_chat_per_s:.0f}/s je Chat"
    )
    with tempfile.TemporaryDirectory(prefix="kommpraev-burst-") as tmp:
        data_dir = Path(tmp)
        print(f"Index gebaut in {build_index(data_dir):.1f} s", flush=True)
        with FakeTelegram(long_poll_cap=10, flood_limits=limits) as fake:
            bot = BotProcess(fake=fake, data_dir=data_dir)
            bot.start()
            asked: dict[int, float] = {}

            def ask() -> None:
                start = time.time()
                for n, chat in enumerate(chats):
                    pause = start + n * args.within / len(chats) - time.time()
                    if pause > 0:
                        time.sleep(pause)
                    asked[chat] = time.time()
                    fake.user_sends_text(chat, questions[n % len(questions)])

            assert bot.process is not None
            cpu_before = cpu_seconds(bot.process.pid)
            asking = threading.Thread(target=ask)
            first_question = time.time()
            asking.start()
            asking.join()
            for chat in chats:
                remaining = first_question + args.timeout - time.time()
                with contextlib.suppress(AssertionError):  # counted as unanswered below
                    fake.wait_for_messages(chat, 1, timeout=max(remaining, 0.1))
            wait_quiet(fake, QUIET_S, args.timeout)
            assert bot.process is not None
            rss, cpu = peak_rss_mb(bot.process.pid), cpu_seconds(bot.process.pid) - cpu_before
            bot.stop()

            with sessions_for(data_dir)() as session:
                left = len(inbox_repo.unsent(session)) + len(inbox_repo.dead_letters(session))
            delivered = [c for c in fake.calls("sendMessage") if c.http_status == 200]
            firsts: dict[int, float] = {}
            for call in delivered:
                firsts.setdefault(int(call.params["chat_id"]), call.timestamp)
            answered = sum(1 for chat in chats if chat in firsts)
            duplicates = 0
            for chat in chats:
                seen = [m.plain_text for m in fake.sent_messages(chat)]
                duplicates += len(seen) - len(set(seen))
            last = max((c.timestamp for c in delivered), default=first_question)
            drain = last - first_question
            floor = len(delivered) / limits.overall_per_s
            latency = [firsts[c] - asked[c] for c in chats if c in firsts]

    print(f"Beantwortet:                 {answered} von {args.chats} Chats")
    print(f"Doppelt gesehen:             {duplicates} Nachrichten")
    print(f"429 abgewartet und wiederholt: {fake.throttled()} (Zeilen unzugestellt: {left})")
    print(
        f"Bis zur letzten Antwort:     {drain:.1f} s ab der ersten Frage für "
        f"{len(delivered)} Nachrichten; Untergrenze bei {limits.overall_per_s:.0f}/s: "
        f"{floor:.1f} s (Telegram, {args.chats}/30: {args.chats / OVERALL_PER_S:.1f} s), "
        f"letzte Frage bei "
        f"{args.within:.0f} s"
    )
    print(f"Latenz Frage → 1. Antwort:   {fmt_latency(latency)}")
    print(f"CPU des Bots:                {cpu:.1f} s in {drain:.1f} s")
    print(f"Spitzenspeicher des Bots:    {rss:.0f} MB (VmHWM)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
