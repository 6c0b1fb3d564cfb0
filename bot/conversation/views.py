"""Replies that show stored things: a draft's overview, one section, the user's own data."""

from __future__ import annotations

from typing import Any

from bot.conversation import texts
from bot.conversation.actions import (
    AddItem,
    DeleteItem,
    EditGroup,
    EditItemField,
    Export,
    RunCommand,
    ShowItem,
    ShowSection,
    encode,
)
from bot.conversation.messages import Button, Reply
from bot.conversation.state import CostCursor, ItemKind
from bot.conversation.steps import EDIT_STEPS, SECTIONS, STEPS, display, groups_of
from bot.conversation.store import DraftRecord
from bot.drafts import (
    Draft,
    ReadinessReport,
    format_amount,
    render_blocks,
    render_section,
    render_text,
)
from bot.storage import DraftStatus

PART_LIMIT = 3000
"""Characters per message of a long overview: well below Telegram's 4096 UTF-16 units."""


def header(record: DraftRecord) -> str:
    status = texts.STATUS_LABELS.get(record.status.value, record.status.value)
    return texts.SUMMARY_HEADER.format(draft_id=record.id, version=record.version, status=status)


def overview(record: DraftRecord, *, intro: str | None = None) -> list[Reply]:
    """The whole draft, packed section by section into messages that fit a phone screen.

    Sections are never cut, so "Ausgabenplan" stays one readable block; the last message
    carries the buttons.
    """
    blocks = [header(record), *(b for b in render_blocks(record.draft) if b)]
    if len(blocks) == 1:
        blocks.append(texts.SUMMARY_EMPTY)
    if intro:
        blocks.insert(0, intro)
    parts: list[str] = []
    for block in blocks:
        if parts and len(parts[-1]) + len(block) + 2 <= PART_LIMIT:
            parts[-1] += "\n\n" + block
        else:
            parts.append(block)
    replies = [Reply(p) for p in parts]
    last = replies[-1]
    if record.status == DraftStatus.ANGENOMMEN:  # decided by the office: read and export only
        export = Button(texts.EXPORT_LABEL, encode(Export(draft_id=record.id, format="docx")))
        note = texts.ACCEPTED_LOCKED.format(draft_id=record.id)
        replies[-1] = Reply(f"{last.text}\n\n{note}", [[export]])
        return replies
    replies[-1] = Reply(f"{last.text}\n\n{texts.CHOOSE_SECTION}", _overview_buttons(record))
    return replies


def _overview_buttons(record: DraftRecord) -> list[list[Button]]:
    names = list(SECTIONS.items())
    rows = [
        [Button(f"ändern: {label}", encode(ShowSection(section=key))) for key, label in pair]
        for pair in (names[i : i + 2] for i in range(0, len(names), 2))
    ]
    rows.append(
        [
            Button(texts.CHECK_LABEL, encode(RunCommand(name="pruefen"))),
            Button(texts.SUBMIT_LABEL, encode(RunCommand(name="einreichen"))),
        ]
    )
    rows.append([Button(texts.EXPORT_LABEL, encode(Export(draft_id=record.id, format="docx")))])
    return rows


def section_view(record: DraftRecord, key: str, *, intro: str | None = None) -> Reply:
    """One section as stored now, with a button per field (per item in the cost plan)."""
    body = render_section(record.draft, key) or f"{SECTIONS[key]}\n{texts.SECTION_EMPTY}"
    text = "\n\n".join(
        [*([intro] if intro else []), body, texts.CHOOSE_FIELD.format(section=SECTIONS[key])]
    )
    if key == "cost_plan":
        rows = _cost_buttons(record.draft)
    else:
        firsts = groups_of(key)
        rows = [
            [Button(s.label, encode(EditGroup(group=s.group))) for s in firsts[i : i + 2]]
            for i in range(0, len(firsts), 2)
        ]
    rows.append([Button(texts.SUMMARY_LABEL, encode(RunCommand(name="entwurf")))])
    return Reply(text, rows)


def _cost_buttons(draft: Draft) -> list[list[Button]]:
    rows: list[list[Button]] = []
    for year in draft.cost_plan:
        for i, person in enumerate(year.personnel):
            label = f"{year.year}: {person.role or 'Stelle'}"
            rows.append([Button(fit(label), encode(ShowItem(year=year.year, kind="p", index=i)))])
        for i, material in enumerate(year.material):
            label = f"{year.year}: {material.item or 'Sachausgabe'}"
            rows.append([Button(fit(label), encode(ShowItem(year=year.year, kind="m", index=i)))])
        rows.append(
            [
                Button(f"+ Stelle {year.year}", encode(AddItem(kind="p", year=year.year))),
                Button(f"+ Sachausgabe {year.year}", encode(AddItem(kind="m", year=year.year))),
            ]
        )
    rows.append([Button(texts.ADD_YEAR_LABEL, encode(AddItem(kind="y", year=0)))])
    return rows


def check_buttons(record: DraftRecord) -> list[list[Button]]:
    row = [Button(texts.SUMMARY_LABEL, encode(RunCommand(name="entwurf")))]
    if record.editable:
        row.append(Button(texts.SUBMIT_LABEL, encode(RunCommand(name="einreichen"))))
    return [row]


def compact(draft: Draft) -> str:
    """Three lines that say which draft this is, for choosing between drafts."""
    filled = sum(1 for block in render_blocks(draft) if block)
    lines = [
        f"Antragsteller: {draft.applicant.name or '–'}",
        f"Vorhaben: {draft.project.title or '–'}",
        texts.SECTIONS_FILLED.format(filled=filled, total=len(SECTIONS)),
    ]
    return "\n".join(lines)


def fit(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def item_view(draft: Draft, year: int, kind: ItemKind, index: int) -> Reply | None:
    """One cost item with its values and what can be done with it; None if it is gone."""
    found = find_item(draft, year, kind, index)
    if found is None:
        return None
    fields = ITEM_FIELDS[kind]
    cursor = CostCursor(
        year=year, personnel=index if kind == "p" else None, material=index if kind == "m" else None
    )
    lines = [texts.ITEM_HEADER.format(year=year)]
    for key in fields:
        value = EDIT_STEPS[key].apply.read(draft, cursor)
        lines.append(f"• {EDIT_STEPS[key].label}: {_show(key, value)}")
    rows = [
        [
            Button(
                f"{EDIT_STEPS[k].label} ändern",
                encode(EditItemField(year=year, kind=kind, index=index, step=k)),
            )
        ]
        for k in fields
    ]
    rows.append(
        [Button(texts.ITEM_DELETE_LABEL, encode(DeleteItem(year=year, kind=kind, index=index)))]
    )
    rows.append([Button(texts.BACK_TO_COSTS_LABEL, encode(ShowSection(section="cost_plan")))])
    return Reply("\n".join(lines), rows)


ITEM_FIELDS: dict[ItemKind, tuple[str, ...]] = {
    "p": (
        "cost.edit_role",
        "cost.edit_qualification",
        "cost.edit_pay_group",
        "cost.edit_share",
        "cost.edit_amount",
    ),
    "m": ("cost.edit_item", "cost.edit_item_amount"),
}


def _show(key: str, value: Any) -> str:
    return display(value, EDIT_STEPS[key]) if value not in (None, "") else "–"


def find_item(draft: Draft, year: int, kind: ItemKind, index: int) -> Any:
    for entry in draft.cost_plan:
        if entry.year == year:
            items: list[Any] = entry.personnel if kind == "p" else entry.material
            return items[index] if 0 <= index < len(items) else None
    return None


def staff_notification(record: DraftRecord, report: ReadinessReport, review_url: str = "") -> Reply:
    draft = record.draft
    grant = draft.financing.grant
    readiness = "bereit" if report.ready else f"noch offen ({len(report.errors)} Fehler)"
    text = texts.STAFF_NOTIFICATION.format(
        draft_id=record.id,
        version=record.version,
        applicant=draft.applicant.name or "–",
        title=draft.project.title or "–",
        grant=format_amount(grant) if grant is not None else "–",
        readiness=readiness,
    )
    # The office sees the same Vorprüfung the applicant saw, and the whole draft.
    link = texts.STAFF_LINK.format(url=f"{review_url}/entwuerfe/{record.id}") if review_url else ""
    details = "\n\n".join(
        [*([link] if link else []), render_text(report), *(b for b in render_blocks(draft) if b)]
    )
    # Keyed per version: however often it is produced, the office gets it once.
    key = f"draft:{record.id}:v{record.version}"
    return Reply(f"{text}\n\n{details}", to_staff=True, dedupe_key=key)


def my_data(export: dict[str, Any], drafts: list[DraftRecord]) -> str:
    """Everything `Store.export_all` returned, readable instead of JSON."""
    user = export.get("user")
    if user is None:
        return texts.MY_DATA_EMPTY
    dialogue = export.get("dialogue") or {}
    step_key = dialogue.get("step")
    step = next((s for s in STEPS if s.key == step_key), None)
    lines = [
        texts.MY_DATA_HEADER.format(
            user_id=user["id"],
            channel=user["channel"],
            created=str(user["created_at"])[:10],
            privacy=str(user["privacy_seen_at"])[:10] if user["privacy_seen_at"] else "nein",
            step=step.prompt if step else "keine",
            inbox=len(export.get("inbox", [])),
            outbox=len(export.get("outbox", [])),
        )
    ]
    versions = {d["id"]: len(d["versions"]) for d in export.get("drafts", [])}
    for record in drafts:
        lines.append(
            texts.MY_DATA_DRAFT.format(
                draft_id=record.id,
                version=record.version,
                status=texts.STATUS_LABELS.get(record.status.value, record.status.value),
                versions=versions.get(record.id, 0),
                summary="\n\n".join(b for b in render_blocks(record.draft) if b)
                or texts.SUMMARY_EMPTY,
            )
        )
    for request in export.get("requests", []):
        kind = texts.MY_DATA_KINDS.get(request["kind"], request["kind"])
        lines.append(
            texts.MY_DATA_REQUEST.format(
                kind=kind,
                created=str(request["created_at"])[:10],
                status=request["status"],
                question=f": „{request['question']}“" if request.get("question") else "",
            )
        )
    for waiting in export.get("waiting_for_answers", []):
        lines.append(texts.MY_DATA_WAITING.format(question=waiting["question"]))
    return "\n\n".join(lines)
