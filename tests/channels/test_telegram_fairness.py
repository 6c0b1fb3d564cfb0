"""Users take turns: one user's flood does not hold up another user's answer."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.channels.telegram_admission import Limits
from retrieval import Answer
from tests.channels.intake_helpers import running_bot, wait_for_text
from tests.fakes.answerer import PreparedAnswerer, cited
from tests.fakes.telegram_api import FakeTelegram

FLOODER = 3001
OTHER = 3002
NO_CAPS = Limits(backlog=10_000, per_minute=10_000)  # the turns alone, without the caps


async def test_another_user_is_answered_while_a_flood_is_still_being_processed(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    for n in range(300):
        fake.user_sends_text(FLOODER, f"/hilfe {n}")
    async with running_bot(fake, tmp_path, limits=NO_CAPS):
        await fake.wait_for_messages_async(FLOODER, 5, timeout=60)  # the flood is under way
        fake.user_sends_text(OTHER, "/hilfe")
        await wait_for_text(fake, OTHER, "/antrag", timeout=60)

        order = [m.chat_id for m in fake.sent_messages()]
        flooder_before = order[: order.index(OTHER)].count(FLOODER)
        assert flooder_before < 50, f"{flooder_before} flood replies went out first"


async def test_each_users_own_messages_keep_their_order(fake: FakeTelegram, tmp_path: Path) -> None:
    for n in range(40):
        fake.user_sends_text(FLOODER, f"/hilfe {n}")
    fake.user_sends_text(OTHER, "/start")
    fake.user_sends_text(OTHER, "/hilfe")
    async with running_bot(fake, tmp_path, limits=NO_CAPS):
        await wait_for_text(fake, OTHER, "/antrag")
        other = [m.plain_text or "" for m in fake.sent_messages(OTHER)]
        assert "Willkommen" in other[0]
        await fake.wait_for_messages_async(FLOODER, 40, timeout=60)


class MeetingAnswerer(PreparedAnswerer):
    """Answers only once two questions are being answered at the same time."""

    def __init__(self) -> None:
        super().__init__(
            {q: cited(q, "Bis zum 15. Oktober.", "Ziffer VI Nr. 2") for q in QUESTIONS}
        )
        self.meeting = threading.Barrier(2, timeout=20)

    def answer(self, question: str) -> Answer:
        self.meeting.wait()  # raises BrokenBarrierError when the other never comes
        return super().answer(question)


QUESTIONS = ("Bis wann muss der Antrag da sein?", "Wann ist die Antragsfrist?")


async def test_two_users_questions_are_answered_side_by_side(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """A slow answer (an LLM, say) for one user does not make the next user wait for it."""
    fake.user_sends_text(FLOODER, QUESTIONS[0])
    fake.user_sends_text(OTHER, QUESTIONS[1])
    async with running_bot(fake, tmp_path, limits=NO_CAPS, answerer=MeetingAnswerer()):
        for user in (FLOODER, OTHER):
            await wait_for_text(fake, user, "15. Oktober", timeout=60)
