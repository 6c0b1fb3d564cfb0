"""Submissions while the bot is SIGKILLed at random moments: does the office get each version
once, and does any user see a message twice? Shared by a short test and `bench.telegram_kills`.

Each user has a complete draft (written to the database, as the web workspace would) and, in
rounds: /einreichen, taps "Ja, einreichen", waits for "Eingereicht", then the draft is reopened
as the next version. Meanwhile the bot is killed: half of the kills at a random moment, half
right after Telegram accepted a message (the window between sending and marking it sent).
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from bot.conversation import texts
from bot.drafts import Draft
from bot.settings import Settings
from bot.storage import DraftVersionRow, drafts_repo, migrate, users_repo
from tests.channels.restart_helpers import STAFF, BotProcess, sessions_for
from tests.fakes.telegram_api import FakeTelegram, SentMessage

WAIT_S = 120.0  # one answer, including restarts in between
GAP_S = 3.2
"""Between two messages of one user: below the bot's 20 per minute per user (admission)."""
_HEADER = re.compile(r"Entwurf Nr\. (\d+), Version (\d+)")


@dataclass
class KillFigures:
    kills: int
    rounds_done: int
    versions: int  # frozen in the database (each one submitted)
    received: Counter[str]  # "0", "1", "2+": how many versions the office got that often
    staff_resent: int  # staff messages that arrived twice in a row
    user_resent: int  # user messages that arrived twice in a row
    elapsed_s: float
    errors: list[str] = field(default_factory=list)


def prepare(data_dir: Path, user_ids: list[int]) -> None:
    """Migrate, then give each user a draft that can be submitted (not complete: it need not)."""
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    migrate(settings.sqlalchemy_url)
    draft = Draft()
    draft.applicant.name = "Stadt Pirna"
    draft.project.title = "Sicher im Quartier"
    draft.contact.name = "Erika Muster"
    draft.contact.email = "e.muster@pirna.de"
    for number in range(1, 8):
        setattr(draft.description, f"step{number}", f"Unser Text zu Schritt {number}.")
    with sessions_for(data_dir).begin() as session:
        for user_id in user_ids:
            users_repo.get_or_create(session, owner_id=user_id, channel="telegram")
            drafts_repo.create(session, owner_id=user_id, data=draft.model_dump(mode="json"))


class Applicant:
    """One user submitting version after version, each step waited out (across restarts)."""

    def __init__(self, fake: FakeTelegram, data_dir: Path, user_id: int) -> None:
        self.fake, self.data_dir, self.user_id = fake, data_dir, user_id
        self.rounds = 0
        self._last_sent = 0.0

    def _pace(self) -> None:
        pause = self._last_sent + GAP_S - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self._last_sent = time.monotonic()

    def _wait(self, after: int, found: Callable[[SentMessage], bool]) -> None:
        deadline = time.monotonic() + WAIT_S
        seen = after
        while True:
            remaining = deadline - time.monotonic()
            messages = self.fake.wait_for_messages(self.user_id, seen + 1, max(remaining, 0))
            if any(found(m) for m in messages[after:]):
                return
            seen = len(messages)

    def submit_once(self) -> None:
        seen = len(self.fake.sent_messages(self.user_id))
        self._pace()
        self.fake.user_sends_text(self.user_id, "/einreichen")
        self._wait(seen, lambda m: texts.SUBMIT_YES in m.button_texts)
        seen = len(self.fake.sent_messages(self.user_id))
        self._pace()
        self.fake.user_presses_button_text(self.user_id, texts.SUBMIT_YES)
        self._wait(seen, lambda m: (m.plain_text or "").startswith("Eingereicht"))
        with sessions_for(self.data_dir).begin() as session:  # the next version, in the web UI
            (row,) = drafts_repo.list_for_owner(session, owner_id=self.user_id)
            drafts_repo.reopen_as_new_version(session, owner_id=self.user_id, draft_id=row.id)
        self.rounds += 1


def _kill_now(
    fake: FakeTelegram, rng: random.Random, kill_number: int, busy: Callable[[], bool]
) -> None:
    """Wait for the moment of this kill: random, or just after a message reached Telegram."""
    if kill_number % 2:
        sends = len(fake.calls("sendMessage"))
        while busy():
            try:
                fake.wait_for_calls("sendMessage", sends + 1, timeout=0.5)
                break
            except AssertionError:
                continue
        time.sleep(rng.uniform(0.0, 0.02))
    else:
        time.sleep(rng.uniform(0.2, 2.0))


def run(
    fake: FakeTelegram,
    bot: BotProcess,
    *,
    user_ids: list[int],
    rounds: int,
    kills: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    stop_after_kills: bool = True,
) -> KillFigures:
    """Users submit up to `rounds` versions each while the bot is killed `kills` times; after
    the last kill they finish the round in hand (or, with `stop_after_kills` off, all
    `rounds`: a test then knows how many versions to expect, however fast the kills came)."""
    rng = random.Random(seed)
    applicants = [Applicant(fake, bot.data_dir, u) for u in user_ids]
    errors: list[str] = []
    enough = threading.Event()

    def work(applicant: Applicant) -> None:
        try:
            while applicant.rounds < rounds and not enough.is_set():
                applicant.submit_once()
        except BaseException as exc:  # reported, the others go on
            errors.append(f"user {applicant.user_id}: {exc!r}")

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(a,), daemon=True) for a in applicants]
    for thread in threads:
        thread.start()

    def busy() -> bool:
        return any(t.is_alive() for t in threads)

    done = 0
    while done < kills and busy():
        _kill_now(fake, rng, done, busy)
        bot.kill()
        done += 1
        bot.start()
        if progress is not None:
            progress(done)
    if stop_after_kills:
        enough.set()
    for thread in threads:
        thread.join(timeout=WAIT_S * 2)
    if bot.stop() != 0:
        errors.append("the bot did not stop cleanly")
    return _figures(fake, bot, applicants, kills=done, started=started, errors=errors)


def _resent(messages: list[SentMessage]) -> int:
    shown = [m.plain_text for m in messages]
    return sum(1 for i in range(1, len(shown)) if shown[i] == shown[i - 1])


def _figures(
    fake: FakeTelegram,
    bot: BotProcess,
    applicants: list[Applicant],
    *,
    kills: int,
    started: float,
    errors: list[str],
) -> KillFigures:
    with sessions_for(bot.data_dir)() as session:
        frozen = {(v.draft_id, v.version) for v in session.scalars(select(DraftVersionRow))}
    staff = fake.sent_messages(STAFF)
    headers = Counter(
        (int(m.group(1)), int(m.group(2)))
        for s in staff
        if (s.plain_text or "").startswith("Neuer Antragsentwurf eingereicht")
        and (m := _HEADER.search(s.plain_text or "")) is not None
    )
    received: Counter[str] = Counter()
    for version in frozen:
        n = headers.get(version, 0)
        received["0" if n == 0 else "1" if n == 1 else "2+"] += 1
    unknown = set(headers) - frozen
    if unknown:
        errors.append(f"the office got versions never submitted: {sorted(unknown)}")
    return KillFigures(
        kills=kills,
        rounds_done=sum(a.rounds for a in applicants),
        versions=len(frozen),
        received=received,
        staff_resent=_resent(staff),
        user_resent=sum(_resent(fake.sent_messages(a.user_id)) for a in applicants),
        elapsed_s=time.monotonic() - started,
        errors=errors,
    )
