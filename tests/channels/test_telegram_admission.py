"""What is not passed to the conversation: other people's chats, edits, groups, floods."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.channels.telegram_admission import Limits
from bot.conversation import texts
from bot.storage import InboxRow, inbox_repo
from tests.channels.intake_helpers import (
    group_message,
    private_message,
    running_bot,
    wait_for_text,
)
from tests.fakes.telegram_api import FakeTelegram

ERIKA = 1001
MALLORY = 1666
FLOODER = 2001
CALM = 2002
GROUP = -4001
SUPERGROUP = -1004002
CAP = Limits().backlog


def texts_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.plain_text or "" for m in fake.sent_messages(chat_id)]


async def test_only_the_senders_own_private_chat_is_a_conversation(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """Erika's chat never sees Mallory's data; an edit gets a hint; a group one hint an hour."""
    foreign = fake.push_update(private_message("/meine_daten", sender=MALLORY, chat=ERIKA))
    fake.push_update(private_message("geändert", sender=ERIKA, chat=ERIKA, edited=True))
    fake.push_update(group_message("/hilfe", sender=ERIKA, group=GROUP))
    fake.push_update(group_message("/start", sender=MALLORY, group=GROUP))
    fake.push_update(group_message("/hilfe", sender=ERIKA, group=SUPERGROUP, kind="supergroup"))
    fake.user_sends_text(ERIKA, "/hilfe")  # answered after everything above was decided

    async with running_bot(fake, tmp_path) as bot:
        await wait_for_text(fake, ERIKA, "/antrag")
        assert texts_to(fake, ERIKA)[0] == texts.EDITED_MESSAGE_HINT
        assert len(texts_to(fake, ERIKA)) == 2  # the hint and the help, no /meine_daten
        assert fake.sent_messages(MALLORY) == []
        assert texts_to(fake, GROUP) == [texts.PRIVATE_CHATS_ONLY]
        assert texts_to(fake, SUPERGROUP) == [texts.PRIVATE_CHATS_ONLY]

        fake.push_update(group_message("/hilfe", sender=MALLORY, group=GROUP))  # a later batch
        fake.user_sends_text(ERIKA, "/start")
        await wait_for_text(fake, ERIKA, "Willkommen")
        assert texts_to(fake, GROUP) == [texts.PRIVATE_CHATS_ONLY]

    with bot.sessions.begin() as session:
        assert inbox_repo.get(session, update_id=foreign) is None
        assert inbox_repo.pending_heads(session) == []


async def test_a_flood_is_cut_with_one_polite_notice_and_others_are_still_answered(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """300 messages at once: the first 30 (the backlog cap) are answered, one notice, no more."""
    flood = [fake.user_sends_text(FLOODER, f"/hilfe {n}") for n in range(300)]
    calm = fake.user_sends_text(CALM, "/hilfe")

    async with running_bot(fake, tmp_path) as bot:
        await wait_for_text(fake, CALM, "/antrag")
        await fake.wait_for_confirmed_async(calm)
        await fake.wait_for_messages_async(FLOODER, CAP + 1, timeout=60)

    shown = texts_to(fake, FLOODER)
    notices = [t for t in shown if "sehr viele Nachrichten" in t]
    assert notices == [texts.TOO_MANY_MESSAGES.format(count=CAP)]
    assert len(shown) == CAP + 1  # the answers and the notice: everything admitted answered
    with bot.sessions.begin() as session:
        recorded = select(func.count()).where(InboxRow.owner_id == FLOODER)
        assert session.scalar(recorded) == len(flood)  # every id known: no redelivery answered
        assert inbox_repo.pending_count(session, owner_id=FLOODER) == 0


async def test_more_than_the_rate_in_a_minute_is_left_out_with_one_notice(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """A user who waits for each answer but sends too many in a minute: told once, then cut."""
    async with running_bot(fake, tmp_path, limits=Limits(per_minute=5)) as bot:
        for n in range(5):
            fake.user_sends_text(CALM, f"/hilfe {n}")
            await fake.wait_for_messages_async(CALM, n + 1)
        for n in range(3):
            fake.user_sends_text(CALM, f"/start {n}")
        fake.user_sends_text(ERIKA, "/hilfe")  # a later update: the three were decided before
        await wait_for_text(fake, ERIKA, "/antrag")
        await wait_for_text(fake, CALM, "sehr viele Nachrichten")
        assert texts_to(fake, CALM)[5:] == [texts.TOO_MANY_MESSAGES.format(count=5)]
        with bot.sessions.begin() as session:  # none of the three waits to be processed
            assert inbox_repo.pending_count(session, owner_id=CALM) == 0
