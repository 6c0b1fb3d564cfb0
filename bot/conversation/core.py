"""The conversation core: one `handle(Incoming) -> list[Reply]` per user action, state in SQL."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import asking, texts, views
from bot.conversation.asking import Offered, QuestionAnswerer
from bot.conversation.form import Form
from bot.conversation.messages import Button, Incoming, Reply
from bot.conversation.steps import SECTIONS
from bot.drafts import Draft, readiness_report, render_summary, render_text
from bot.settings import Settings
from bot.storage import (
    DraftRow,
    DraftStatus,
    dialogue_repo,
    drafts_repo,
    users_repo,
)
from retrieval import Answer

log = logging.getLogger(__name__)
BERLIN = ZoneInfo("Europe/Berlin")
Clock = Callable[[], datetime]


class Conversation:
    """The assistant's dialogue, independent of any channel; all state lives in the database."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        answerer: QuestionAnswerer,
        clock: Clock,
        settings: Settings,
        channel: str = "telegram",
    ) -> None:
        self.sessions = sessions
        self.answerer = answerer
        self.clock = clock
        self.settings = settings
        self.channel = channel

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Handle one user action in one transaction, committed before the replies return."""
        with self.sessions.begin() as session:
            return self.handle_in(session, incoming)

    def handle_in(self, session: Session, incoming: Incoming) -> list[Reply]:
        """Like `handle`, inside the caller's transaction (adapters add their outbox rows)."""
        return _Turn(self, session, incoming).run()

    @property
    def can_reach_staff(self) -> bool:
        """The console shows staff messages itself; Telegram needs a configured staff chat."""
        return self.channel != "telegram" or self.settings.staff_chat_id is not None

    def today(self) -> date:
        return self.clock().astimezone(BERLIN).date()


class _Turn(Form):
    """One user action: loads the dialogue state, reacts, saves the state."""

    def __init__(self, conv: Conversation, session: Session, incoming: Incoming) -> None:
        self.conv = conv
        self.session = session
        self.incoming = incoming
        self.owner_id = incoming.user_id
        self.now = conv.clock()
        self.deleted = False
        self.user = users_repo.get_or_create(
            session, owner_id=self.owner_id, channel=conv.channel, now=self.now
        )
        row = dialogue_repo.get(session, owner_id=self.owner_id)
        self.step: str | None = row.step if row else None
        self.draft_id: int | None = row.draft_id if row else None
        self.pending: dict[str, Any] = dict(row.pending) if row else {}
        # A confirmation is valid only for the very next action.
        self.confirm: str | None = self.pending.pop("confirm", None)
        self.forward_question: str | None = self.pending.pop("forward", None)
        # The suggestions of an ask-back in the previous action: a typed "2" picks from them.
        self.offered = asking.take_offer(self.pending)

    def run(self) -> list[Reply]:
        kind = self.incoming.kind
        if kind == "command":
            replies = self.command(self.incoming.command or "")
        elif kind == "button":
            replies = self.button(self.incoming.button or "")
        elif kind == "text":
            replies = self.text(self.incoming.text or "")
        else:
            replies = [Reply(texts.ONLY_TEXT), *self.reprompt()]
        if not self.deleted:
            dialogue_repo.save(
                self.session,
                owner_id=self.owner_id,
                step=self.step,
                draft_id=self.draft_id,
                pending=self.pending,
                now=self.now,
            )
        log.info(
            "conversation.handled owner_id=%s kind=%s step=%s draft_id=%s",
            self.owner_id, kind, self.step, self.draft_id,
        )  # fmt: skip
        return replies

    # -- text and questions ------------------------------------------------------------------

    def text(self, text: str) -> list[Reply]:
        if not text.strip():
            return [Reply(texts.EMPTY), *self.reprompt()]
        picked = asking.typed_pick(text, self.offered)
        if picked is not None:
            return self.pick(picked.key)
        if self.step is None or self.step == self.PRIVACY:
            return self.question(text)
        return self.typed_answer(text)

    def question(self, text: str) -> list[Reply]:
        """Answer from the documents, then the open step again.

        What the documents cannot answer may go to the office. After an ask-back the open step
        waits: the suggestions are the open prompt, so that a typed "2" picks one of them.
        """
        answer = self.conv.answerer.answer(text)
        offered = asking.offered_by(answer)
        asking.keep_offer(self.pending, offered)
        reply = self.answer_reply(answer, offered, question=text)
        return [reply] if offered else [reply, *self.step_again()]

    def pick(self, key: str) -> list[Reply]:
        """A suggestion of an ask-back was chosen: its cited answer, then the open step again."""
        answer = self.conv.answerer.resolve(key)
        if answer is None:  # e.g. the knowledge base changed since the suggestion was shown
            log.info("conversation.suggestion_stale owner_id=%s", self.owner_id)
            return [Reply(texts.SUGGESTION_STALE), *self.step_again()]
        reply = self.answer_reply(answer, (), question=answer.question)
        return [reply, *self.step_again()]

    def answer_reply(self, answer: Answer, offered: Sequence[Offered], *, question: str) -> Reply:
        """The answer with its buttons; the forward offer remembers `question` for one action."""
        forward = asking.needs_office(answer) and self.conv.can_reach_staff
        if forward:
            self.pending["forward"] = question
            self.confirm_next("forward")
        return asking.answer_reply(answer, offered, forward=forward)

    def forward(self) -> list[Reply]:
        """The user asked to pass an unanswered question to the LPR office."""
        assert self.forward_question is not None
        draft = self.current_draft()
        email = views.load_draft(draft).contact.email if draft else None
        settings = self.conv.settings
        to_user = texts.FORWARDED.format(
            reply_to=texts.FORWARD_REPLY_TO_DRAFT
            if email
            else texts.FORWARD_REPLY_UNKNOWN.format(
                email=settings.office_email, phone=settings.office_phone
            )
        )
        to_staff = texts.STAFF_QUESTION.format(
            owner_id=self.owner_id,
            question=self.forward_question,
            reply_to=email or "keine E-Mail angegeben",
        )
        log.info("conversation.question_forwarded owner_id=%s", self.owner_id)
        return [Reply(to_user), Reply(to_staff, to_staff=True), *self.reprompt()]

    # -- commands ---------------------------------------------------------------------------

    def command(self, name: str) -> list[Reply]:
        informational: dict[str, Callable[[], list[Reply]]] = {
            "start": lambda: [Reply(texts.GREETING)],
            "hilfe": lambda: [Reply(texts.help_text(self.conv.answerer.document_labels()))],
            "help": lambda: [Reply(texts.help_text(self.conv.answerer.document_labels()))],
            "datenschutz": lambda: [Reply(texts.PRIVACY)],
            "meine_daten": self.my_data,
            "entwurf": self.show_draft,
            "pruefen": self.check,
        }
        actions: dict[str, Callable[[], list[Reply]]] = {
            "antrag": self.start_or_resume,
            "abbrechen": self.cancel,
            "einreichen": self.ask_submit,
            "loeschen": self.ask_delete,
        }
        if name in informational:
            return [*informational[name](), *self.reprompt(intro=True)]
        if name in actions:
            return actions[name]()
        return [Reply(texts.UNKNOWN_COMMAND.format(name=name)), *self.reprompt()]

    def current_draft(self) -> DraftRow | None:
        if self.draft_id is not None:
            row = drafts_repo.get(self.session, owner_id=self.owner_id, draft_id=self.draft_id)
            if row is not None:
                return row
        row = drafts_repo.latest_open(self.session, owner_id=self.owner_id)
        if row is None:
            rows = drafts_repo.list_for_owner(self.session, owner_id=self.owner_id)
            row = rows[-1] if rows else None
        self.draft_id = row.id if row else None
        return row

    def start_or_resume(self) -> list[Reply]:
        row = drafts_repo.latest_open(self.session, owner_id=self.owner_id)
        if row is None:
            return self.new_draft()
        self.confirm_next("resume")
        text = texts.RESUME_OFFER.format(
            draft_id=row.id, summary=render_summary(views.load_draft(row))
        )
        buttons = [
            [Button(texts.RESUME_LABEL, f"draft:continue:{row.id}")],
            [Button(texts.NEW_DRAFT_LABEL, "draft:new")],
        ]
        return [Reply(text, buttons)]

    def new_draft(self) -> list[Reply]:
        row = drafts_repo.create(
            self.session, owner_id=self.owner_id, data=Draft().model_dump(mode="json"), now=self.now
        )
        self.draft_id = row.id
        self.pending = {}
        return [Reply(texts.NEW_DRAFT.format(draft_id=row.id)), *self.ask(self.first_key())]

    def resume(self, draft_id: int) -> list[Reply]:
        row = drafts_repo.get(self.session, owner_id=self.owner_id, draft_id=draft_id)
        if row is None or row.status != DraftStatus.ENTWURF:
            return [Reply(texts.OLD_BUTTON)]
        self.draft_id = row.id
        self.pending.pop("edit", None)
        key = self.pending.get("last_step", {}).get(str(row.id)) or self.first_key()
        return [Reply(texts.RESUMED.format(draft_id=row.id)), *self.ask(key)]

    def cancel(self) -> list[Reply]:
        if self.step is None:
            return [Reply(texts.NOTHING_TO_CANCEL)]
        self.step = None
        self.pending.pop("edit", None)
        return [Reply(texts.CANCELLED)]

    def show_draft(self) -> list[Reply]:
        row = self.current_draft()
        return [views.summary(row)] if row else [Reply(texts.NO_DRAFT)]

    def check(self) -> list[Reply]:
        row = self.current_draft()
        if row is None:
            return [Reply(texts.NO_DRAFT)]
        report = readiness_report(views.load_draft(row), today=self.conv.today())
        buttons = [[Button(texts.SUMMARY_LABEL, "cmd:entwurf")]]
        if row.status == DraftStatus.ENTWURF:
            buttons[0].append(Button(texts.SUBMIT_LABEL, "cmd:einreichen"))
        return [Reply(render_text(report), buttons)]

    def ask_submit(self) -> list[Reply]:
        row = self.current_draft()
        if row is None:
            return [Reply(texts.NO_DRAFT)]
        if row.status != DraftStatus.ENTWURF:
            return [Reply(texts.ALREADY_SUBMITTED.format(draft_id=row.id, version=row.version))]
        self.step = None
        self.pending.pop("edit", None)
        report = readiness_report(views.load_draft(row), today=self.conv.today())
        text = texts.SUBMIT_CONFIRM.format(
            summary=f"{views.header(row)}\n\n{render_summary(views.load_draft(row))}",
            report=render_text(report),
            version=row.version,
        )
        if not report.ready:
            text += "\n\n" + texts.SUBMIT_NOT_READY
        self.confirm_next(f"submit:{row.id}")
        buttons = [
            [Button(texts.SUBMIT_YES, f"submit:yes:{row.id}"), Button(texts.SUBMIT_NO, "submit:no")]
        ]
        return [Reply(text, buttons)]

    def submit(self, draft_id: int) -> list[Reply]:
        drafts_repo.submit(self.session, owner_id=self.owner_id, draft_id=draft_id, now=self.now)
        row = drafts_repo.get(self.session, owner_id=self.owner_id, draft_id=draft_id)
        assert row is not None
        report = readiness_report(views.load_draft(row), today=self.conv.today())
        log.info("conversation.submitted owner_id=%s draft_id=%s", self.owner_id, draft_id)
        return [
            Reply(texts.SUBMITTED.format(draft_id=row.id, version=row.version)),
            views.staff_notification(row, report),
        ]

    def my_data(self) -> list[Reply]:
        export = users_repo.export_all(self.session, owner_id=self.owner_id)
        drafts = drafts_repo.list_for_owner(self.session, owner_id=self.owner_id)
        return [Reply(views.my_data(export, drafts))]

    def ask_delete(self) -> list[Reply]:
        self.confirm_next("delete")
        buttons = [[Button(texts.DELETE_YES, "delete:yes"), Button(texts.DELETE_NO, "delete:no")]]
        return [Reply(texts.DELETE_CONFIRM, buttons)]

    def delete_everything(self) -> list[Reply]:
        users_repo.delete_all(self.session, owner_id=self.owner_id)
        self.deleted = True
        return [Reply(texts.DELETED)]

    def confirm_next(self, what: str) -> None:
        self.pending["confirm"] = what

    # -- buttons ----------------------------------------------------------------------------

    def button(self, data: str) -> list[Reply]:
        head, _, rest = data.partition(":")
        handled: list[Reply] | None = None
        if head in ("a", "skip", "back", "privacy"):
            handled = self.form_button(head, rest)
        elif head == "cmd":
            handled = self.command(rest)
        elif head == "s" and rest:
            handled = self.pick(rest)
        elif head == "sec" and rest in SECTIONS and self.current_draft():
            handled = [views.section(rest)]
        elif head == "edit":
            handled = self.start_edit(rest)
        elif head == "draft" and self.confirm == "resume":
            handled = self.new_draft() if rest == "new" else self.resume(_int(rest, "continue:"))
        elif (
            head == "submit"
            and rest == "no"
            and self.confirm
            and self.confirm.startswith("submit:")
        ):
            handled = [Reply(texts.SUBMIT_CANCELLED)]
        elif head == "submit" and rest.startswith("yes:") and self.confirm == f"submit:{rest[4:]}":
            handled = self.submit(int(rest[4:]))
        elif head == "forward" and self.confirm == "forward" and self.forward_question:
            handled = self.forward()
        elif head == "delete" and self.confirm == "delete":
            handled = self.delete_everything() if rest == "yes" else [Reply(texts.DELETE_CANCELLED)]
        if handled is None:
            log.info("conversation.old_button owner_id=%s", self.owner_id)
            return [Reply(texts.OLD_BUTTON), *self.reprompt()]
        return handled

    def start_edit(self, group: str) -> list[Reply] | None:
        row = self.current_draft()
        first = views.first_step_of(group)
        if row is None or first is None:
            return None
        intro: list[Reply] = []
        if row.status in drafts_repo.REOPENABLE:
            row = drafts_repo.reopen_as_new_version(
                self.session, owner_id=self.owner_id, draft_id=row.id, now=self.now
            )
            intro.append(Reply(texts.NEW_VERSION.format(version=row.version)))
        elif row.status != DraftStatus.ENTWURF:
            return None
        self.draft_id = row.id
        self.pending["edit"] = group
        self.pending["history"] = []
        if group == "cost":
            draft = views.load_draft(row)
            draft.cost_plan = []
            self.pending.pop("year", None)
            self.save_draft(draft)
            intro.append(Reply(texts.REDO_COSTS))
        return [*intro, *self.ask(first.key)]

    def save_draft(self, draft: Draft) -> None:
        assert self.draft_id is not None
        drafts_repo.save_data(
            self.session,
            owner_id=self.owner_id,
            draft_id=self.draft_id,
            data=draft.model_dump(mode="json"),
            now=self.now,
        )

    def summary_reply(self, intro: str) -> Reply:
        row = self.current_draft()
        return views.summary(row, intro=intro) if row else Reply(intro)


def _int(text: str, prefix: str) -> int:
    try:
        return int(text.removeprefix(prefix))
    except ValueError:
        return -1
