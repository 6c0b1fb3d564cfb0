"""Button payloads: one encoder and decoder, within Telegram's 64 bytes, forgeries harmless."""

from __future__ import annotations

import pytest

from bot.conversation.actions import (
    ACTIONS,
    AddItem,
    Choose,
    Confirm,
    EditItemField,
    Export,
    Pick,
    Submit,
    Unknown,
    decode,
    encode,
)
from bot.conversation.state import AwaitDelete, AwaitSubmit, DialogueState

LONGEST = [
    Choose(step="description.step7", index=11),
    EditItemField(year=2027, kind="p", index=12, step="cost.edit_qualification"),
    Submit(draft_id=2_147_483_647, version=999),
    Export(draft_id=2_147_483_647, format="docx"),
    AddItem(kind="m", year=2030),
    Confirm(what="item_delete", yes=True),
    Pick(key="faq:" + "x" * 40),
]


@pytest.mark.parametrize("action", LONGEST, ids=lambda a: type(a).__name__)
def test_every_action_survives_its_round_trip_within_64_bytes(action: object) -> None:
    data = encode(action)  # type: ignore[arg-type]
    assert len(data.encode()) <= 64
    assert decode(data) == action


def test_every_action_type_has_its_own_code() -> None:
    codes = [cls.CODE for cls in ACTIONS]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(
    "forged",
    ["", "völlig:unbekannt", "a:applicant.kind", "a:applicant.kind:zwei", "submit:1",
     "ok:delete:vielleicht", "privacy:ok:extra", "item:2027:x:0", "delete:yes"],
)  # fmt: skip
def test_a_payload_we_never_encoded_is_unknown(forged: str) -> None:
    assert decode(forged) == Unknown()


def test_the_dialogue_state_round_trips_through_json_and_garbage_starts_afresh() -> None:
    state = DialogueState(step="contact.email", draft_id=3)
    state.wait_for(AwaitDelete())
    state.wait_for(AwaitSubmit(draft_id=3, version=2))
    state.last_step[3] = "contact.email"
    assert DialogueState.load(state.dump()) == state
    assert DialogueState.load({"step": 5, "awaiting": [{"kind": "nonsense"}]}) == DialogueState()
    assert DialogueState.load(None) == DialogueState()
