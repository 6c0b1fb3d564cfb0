"""What the office does with a draft or a request, over one SQL session; knows no HTTP.

Every decision is checked against the state it was made on (the version on the page), so a
decision taken on version 1 never lands on a version 2 handed in meanwhile. Messages to the
user are queued in the same transaction; the bot delivers them like any reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.channels.telegram_delivery import queue_unprompted
from bot.conversation import office
from bot.conversation.messages import Reply
from bot.storage import DraftStatus, ReviewStatus, review_repo, staff_repo
from bot.storage.tables import DraftRow, ReviewRow, StaffRequestRow
from bot.web.auth import Staff
from bot.web.workspace import MAX_TEXT, Refused, frozen_draft, why_undecidable

log = logging.getLogger(__name__)


def _text(value: str, *, what: str | None) -> str:
    """A staff text as stored and sent. `what` names a required one for the messages; None:
    optional, and then only the first MAX_TEXT characters count."""
    text = value.replace("\r\n", "\n").strip()
    if what is None:
        return text[:MAX_TEXT]
    if not text:
        raise Refused(f"Bitte geben Sie {what} ein.")
    if len(text) > MAX_TEXT:
        raise Refused(f"{what[0].upper()}{what[1:]} ist zu lang (höchstens {MAX_TEXT} Zeichen).")
    return text


def _decidable(session: Session, *, draft_id: int, version: int) -> tuple[ReviewRow, int]:
    # Locked (PostgreSQL) in the order the user's side takes them, draft first: two staff
    # deciding at once are served one after the other, and the second is refused.
    draft = session.get(DraftRow, draft_id, with_for_update=True)
    review = session.get(ReviewRow, draft_id, with_for_update=True)
    if (why := why_undecidable(review, draft, version)) is not None:
        raise Refused(why)
    assert review is not None and draft is not None  # why_undecidable says so otherwise
    return review, draft.owner_id


def assign_to_me(session: Session, *, staff: Staff, draft_id: int, now: datetime) -> None:
    if review_repo.get(session, draft_id=draft_id) is None:
        raise Refused("Diesen Entwurf gibt es nicht.")
    review_repo.assign(
        session, draft_id=draft_id, account_id=staff.account_id, actor=staff.email, now=now
    )


def comment(session: Session, *, staff: Staff, draft_id: int, body: str, now: datetime) -> None:
    """An internal note: for the office only, never shown to the user."""
    text = _text(body, what="einen Kommentar")
    latest = frozen_draft(session, draft_id=draft_id, version=None)
    if latest is None or review_repo.get(session, draft_id=draft_id) is None:
        raise Refused("Diesen Entwurf gibt es nicht.")
    review_repo.add_note(
        session,
        draft_id=draft_id,
        kind="intern",
        account_id=staff.account_id,
        version=latest[0],
        body=text,
        now=now,
    )
    review_repo.audit(
        session,
        subject="draft",
        subject_id=draft_id,
        actor=staff.email,
        action="kommentiert",
        now=now,
    )


@dataclass(frozen=True)
class Decision:
    """One of the office's decisions on a version: what the user's side and the review become,
    which note it leaves, and how the user is told."""

    owner_status: DraftStatus
    review_status: ReviewStatus
    note_kind: str
    action: str
    notice: Callable[..., Reply]
    text: str | None  # what the staff text is called when it is required; None: optional


RUECKFRAGE = Decision(
    DraftStatus.ZURUECKGEGEBEN,
    ReviewStatus.RUECKFRAGE,
    "rueckfrage",
    "Rückfrage",
    office.query_notice,
    "die Rückfrage",
)
ANNAHME = Decision(
    DraftStatus.ANGENOMMEN,
    ReviewStatus.ANGENOMMEN,
    "annahme",
    "angenommen",
    office.accepted_notice,
    None,
)
ABLEHNUNG = Decision(
    DraftStatus.ZURUECKGEGEBEN,
    ReviewStatus.ABGELEHNT,
    "ablehnung",
    "abgelehnt",
    office.rejected_notice,
    "eine Begründung",
)


def decide(
    session: Session,
    decision: Decision,
    *,
    staff: Staff,
    draft_id: int,
    version: int,
    text: str,
    now: datetime,
) -> None:
    """Rückfrage (the user gets a button that opens the draft to change), acceptance (the user
    is told what comes next) or rejection with a reason, on the version the page showed."""
    text = _text(text, what=decision.text)
    _review, owner_id = _decidable(session, draft_id=draft_id, version=version)
    staff_repo.set_owner_status(session, draft_id=draft_id, status=decision.owner_status)
    if text:
        review_repo.add_note(
            session,
            draft_id=draft_id,
            kind=decision.note_kind,
            account_id=staff.account_id,
            version=version,
            body=text,
            now=now,
        )
    review_repo.set_status(
        session,
        draft_id=draft_id,
        status=decision.review_status,
        actor=staff.email,
        action=decision.action,
        detail=f"Version {version}",
        now=now,
    )
    notice = decision.notice(draft_id=draft_id, version=version, message=text)
    queue_unprompted(session, chat_id=owner_id, reply=notice)
    log.info(
        "review.decided draft_id=%s version=%s status=%s",
        draft_id,
        version,
        decision.review_status.value,
    )


def answer_question(
    session: Session, *, staff: Staff, request_id: int, answer: str, now: datetime
) -> None:
    """The answer goes to the asker in Telegram and stays with the question."""
    text = _text(answer, what="eine Antwort")
    row = _request(session, request_id, kind="frage")
    if row.status != "offen":
        raise Refused("Diese Frage ist schon beantwortet.")
    row.answer = text
    reply = office.answer_notice(question=row.question or "", answer=text)
    _handled(session, row, staff=staff, status="beantwortet", reply=reply, now=now)


def propose_slot(
    session: Session,
    *,
    staff: Staff,
    request_id: int,
    moment: datetime,
    message: str,
    now: datetime,
) -> None:
    """Offer an appointment; the user confirms or declines it by button."""
    row = _request(session, request_id, kind="termin")
    if row.status == "bestaetigt":
        raise Refused("Für diese Anfrage ist schon ein Termin bestätigt.")
    if moment <= now:
        raise Refused("Der Termin liegt in der Vergangenheit. Bitte ein künftiges Datum wählen.")
    text = _text(message, what=None)
    row.proposed_for = moment
    reply = office.slot_notice(request_id=row.id, moment=moment, message=text)
    _handled(
        session,
        row,
        staff=staff,
        status="vorgeschlagen",
        reply=reply,
        now=now,
        action="Termin vorgeschlagen",
        detail=office.when(moment),
    )


def _request(session: Session, request_id: int, *, kind: str) -> StaffRequestRow:
    row = review_repo.get_request(session, request_id=request_id)
    if row is None or row.kind != kind:
        what = "Frage" if kind == "frage" else "Terminanfrage"
        raise Refused(f"Diese {what} gibt es nicht mehr (vom Nutzer gelöscht).")
    return row


def _handled(
    session: Session,
    row: StaffRequestRow,
    *,
    staff: Staff,
    status: str,
    reply: Reply,
    now: datetime,
    action: str = "",
    detail: str = "",
) -> None:
    """Who handled the request, in the row and the audit trail, and the user is told."""
    row.status, row.handled_at, row.handled_by = status, now, staff.account_id
    review_repo.audit(
        session,
        subject="request",
        subject_id=row.id,
        actor=staff.email,
        action=action or status,
        detail=detail,
        now=now,
    )
    queue_unprompted(session, chat_id=row.owner_id, reply=reply)
