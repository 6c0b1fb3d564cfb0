"""Kill benchmark: SIGKILL the bot many times around submissions; count what the office got.

Prints figures; asserts nothing.

    .venv/bin/python -m bench.telegram_kills [--kills 200] [--users 4] [--seed 1]

`--users` applicants submit version after version of their draft (the scenario of
tests/channels/submission_kills.py) while the bot (`python -m bot.cli bot`, fake Bot API) is
killed `--kills` times: half at a random moment, half right after Telegram accepted a message.
Figures: submitted versions the office received 0 / 1 / 2+ times, staff and user messages that
arrived twice in a row (the window "sent, killed before marked sent"), kills per minute.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.fakes lives in the repository, not in the package
    sys.path.insert(0, str(ROOT))

from bench.telegram_burst import build_index  # noqa: E402
from tests.channels import submission_kills  # noqa: E402
from tests.channels.restart_helpers import BotProcess  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

USER_BASE = 800_000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.telegram_kills", description=__doc__)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    users = [USER_BASE + n for n in range(args.users)]
    print(f"Telegram-Kills: {args.kills} × SIGKILL, {args.users} Nutzer reichen Versionen ein")
    with tempfile.TemporaryDirectory(prefix="kommpraev-kills-") as tmp:
        data_dir = Path(tmp)
        print(f"Index gebaut in {build_index(data_dir):.1f} s", flush=True)
        submission_kills.prepare(data_dir, users)
        with FakeTelegram(long_poll_cap=10) as fake:
            bot = BotProcess(fake=fake, data_dir=data_dir)
            bot.start()

            def progress(done: int) -> None:
                if done % 10 == 0:
                    print(f"  {done} Kills …", flush=True)

            figures = submission_kills.run(
                fake, bot, user_ids=users, rounds=10**9, kills=args.kills, seed=args.seed,
                progress=progress,
            )  # fmt: skip
    received = figures.received
    print(f"Kills:                        {figures.kills} in {figures.elapsed_s / 60:.1f} min")
    print(f"Eingereichte Versionen:       {figures.versions}")
    print(
        f"Geschäftsstelle erhielt je Version: 0× {received['0']}, 1× {received['1']}, "
        f"2+× {received['2+']}"
    )
    print(f"Staff-Nachrichten doppelt:    {figures.staff_resent}")
    print(f"Nutzer-Nachrichten doppelt:   {figures.user_resent}")
    for error in figures.errors[:5]:
        print(f"  Fehler: {error}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
