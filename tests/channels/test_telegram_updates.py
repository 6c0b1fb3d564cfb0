"""Raw updates: one that PTB cannot read is quarantined, the ones around it are answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Bot, Update

from bot.channels.telegram_updates import Quarantined, parse_batch, route
from bot.storage import inbox_repo
from tests.channels.intake_helpers import (
    group_message,
    private_message,
    running_bot,
    wait_for_text,
)
from tests.fakes.telegram_api import FakeTelegram

ERIKA = 1001
MAX = 1002
POISON = {  # a message without `date` (and so without everything PTB needs): Update.de_json fails
    "message": {
        "message_id": 77,
        "from": {"id": MAX, "is_bot": False, "first_name": "Max"},
        "chat": {"id": MAX, "type": "private"},
        "text": "Hallo",
    }
}


async def test_an_unreadable_update_is_quarantined_and_the_users_around_it_are_answered(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    before = fake.user_sends_text(ERIKA, "/hilfe")
    poison = fake.push_update(POISON)
    after = fake.user_sends_text(MAX, "/hilfe")  # all three come in the first batch

    async with running_bot(fake, tmp_path) as bot:
        await wait_for_text(fake, ERIKA, "/antrag")
        await wait_for_text(fake, MAX, "/antrag")
        await fake.wait_for_confirmed_async(after)

    assert fake.delivery_count(poison) == 1  # confirmed with its batch, never asked for again
    with bot.sessions.begin() as session:
        row = inbox_repo.get(session, update_id=poison)
        assert row is not None and row.processed_at is not None
        assert row.owner_id == inbox_repo.QUARANTINE_OWNER
        assert row.payload == {"quarantined": "KeyError"}  # the error class, no content
        assert [r.update_id for r in inbox_repo.pending_heads(session)] == []
        assert inbox_repo.get(session, update_id=before) is not None


def test_a_batch_keeps_every_id_and_only_the_readable_updates() -> None:
    bot = Bot("123:ABC")
    batch = parse_batch(
        [
            {"update_id": 5, **private_message("/hilfe", sender=ERIKA, chat=ERIKA)},
            {"update_id": 6, **POISON},
            {"no_update_id": True},
            {"update_id": 7, "message": "not an object"},
            {"update_id": 8, **private_message("/start", sender=MAX, chat=MAX)},
        ],
        bot,
    )
    assert [u.update_id for u in batch.updates] == [5, 8]
    assert batch.quarantined == [Quarantined(6, "KeyError"), Quarantined(7, "AttributeError")]
    assert batch.ids == [5, 6, 7, 8]
    assert (batch.first_id, batch.last_id) == (5, 8)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (private_message("/hilfe", sender=ERIKA, chat=ERIKA), "process"),
        (private_message("/meine_daten", sender=MAX, chat=ERIKA), "foreign_chat"),
        (private_message("neu", sender=ERIKA, chat=ERIKA, edited=True), "edited"),
        (private_message("neu", sender=MAX, chat=ERIKA, edited=True), "foreign_chat"),
        (group_message("/hilfe", sender=ERIKA, group=-5), "group"),
        (group_message("/hilfe", sender=ERIKA, group=-1005, kind="supergroup"), "group"),
        (group_message("Kanal", sender=ERIKA, group=-1006, kind="channel"), "ignore"),
        ({"edited_message": group_message("x", sender=ERIKA, group=-5)["message"]}, "ignore"),
    ],
)
def test_each_update_is_routed_by_what_it_is(raw: dict[str, object], expected: str) -> None:
    update = Update.de_json({"update_id": 1, **raw}, Bot("123:ABC"))
    assert update is not None
    assert route(update).route == expected
