"""What the office sends from the workspace, as the user meets it: a Rückfrage to act on, an
accepted draft that stays as it is, an appointment to confirm by button."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.conversation import office, texts
from bot.conversation.actions import EditGroup, encode
from bot.conversation.messages import Reply
from bot.storage import DraftStatus
from tests.conversation.clerk import Clerk
from tests.drafts.factories import make_good_draft


def a_clerk_whose_draft_the_office_has(status: DraftStatus) -> tuple[Clerk, int]:
    clerk = Clerk()
    record = clerk.store.create(make_good_draft())
    clerk.store.seen_privacy = True
    clerk.store.records[record.id] = replace(record, status=status)
    return clerk, record.id


def taps(clerk: Clerk, reply: Reply, label: str) -> None:
    clerk.last = [reply]
    clerk.presses(label)


def test_the_button_under_a_rueckfrage_opens_the_draft_and_a_change_becomes_version_2() -> None:
    clerk, draft_id = a_clerk_whose_draft_the_office_has(DraftStatus.ZURUECKGEGEBEN)
    query = office.query_notice(draft_id=draft_id, version=1, message="Bitte Titel schärfen.")
    assert "Bitte Titel schärfen." in query.text

    taps(clerk, query, "Entwurf bearbeiten")
    assert "ist geöffnet" in clerk.text()
    assert "ändern: Vorhaben" in clerk.buttons()

    clerk.presses("ändern: Vorhaben")
    clerk.presses("Titel")
    assert texts.NEW_VERSION.format(version=2) in clerk.text()
    clerk.says("Sicher und sauber")
    assert clerk.draft.project.title == "Sicher und sauber"


def test_an_accepted_draft_is_not_changed_any_more() -> None:
    clerk, draft_id = a_clerk_whose_draft_the_office_has(DraftStatus.ANGENOMMEN)
    clerk.state.draft_id = draft_id
    clerk.says("/entwurf")
    assert "bereits als antragsreif angenommen" in clerk.text()
    assert clerk.buttons() == [texts.EXPORT_LABEL]  # nothing to change, the file to take along
    clerk.presses_data(encode(EditGroup(group="project.title")))  # an older "ändern" button
    assert "bereits als antragsreif angenommen" in clerk.text()
    assert clerk.store.get(draft_id).status == DraftStatus.ANGENOMMEN  # type: ignore[union-attr]


def test_a_proposed_appointment_is_confirmed_by_one_tap_and_the_office_hears_of_it() -> None:
    clerk = Clerk()
    moment = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)  # 10:30 in Dresden
    clerk.store.slots[3] = moment
    proposal = office.slot_notice(request_id=3, moment=moment, message="Raum 2.14")
    assert "Dienstag, 08.12.2026, 10:30 Uhr" in proposal.text and "Raum 2.14" in proposal.text

    taps(clerk, proposal, texts.SLOT_ACCEPT)
    assert "ist bestätigt" in clerk.text()
    assert clerk.staff and "Termin bestätigt (Anfrage Nr. 3)" in clerk.staff[-1].text
    assert clerk.store.slot_answers == {3: True}

    taps(clerk, proposal, texts.SLOT_DECLINE)  # the same message tapped again: an old button
    assert texts.OLD_BUTTON in clerk.text()


def test_declining_a_proposal_names_the_office_contact() -> None:
    clerk = Clerk()
    clerk.store.slots[4] = datetime(2026, 12, 9, 13, 0, tzinfo=UTC)
    taps(clerk, office.slot_notice(request_id=4, moment=clerk.store.slots[4], message=""),
         texts.SLOT_DECLINE)  # fmt: skip
    assert "lpr@example.org" in clerk.text()
    assert "passt nicht" in clerk.staff[-1].text
