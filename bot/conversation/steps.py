"""The form steps of a draft application as data, in dialogue order, with their branches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.conversation import texts
from bot.drafts import (
    BECCARIA_STEPS,
    ApplicantKind,
    Draft,
    Forwarding,
    MaterialItem,
    ParseError,
    PersonnelItem,
    Qualification,
    YearCosts,
    parse_amount,
    parse_date,
    parse_email,
    parse_phone,
    parse_plz,
    parse_share,
    parse_tvl_group,
    parse_year,
    parse_yes_no,
)

Pending = dict[str, Any]
SHORT_LIMIT = 300
LONG_LIMIT = 3500  # one Telegram message (4096) minus room for the summary around it
SMALL_GRANT = Decimal("10000")


@dataclass(frozen=True)
class Choice:
    label: str
    value: Any


@dataclass(frozen=True)
class Step:
    """One question. `group` is what an "ändern" button re-asks; `section` groups for the summary.

    `branch` picks the next step from the answer (None: the next one in `STEPS` whose `when`
    holds). Choices become buttons; typed text is matched against their labels or parsed.
    """

    key: str
    section: str
    group: str
    label: str
    prompt: str
    parse: Callable[[str], Any]
    apply: Callable[[Draft, Any, Pending], None]
    help: str = ""
    choices: tuple[Choice, ...] = ()
    skippable: bool = False
    free_text: bool = False
    personal: bool = False
    branch: Callable[[Any], str | None] | None = None
    when: Callable[[Draft], bool] | None = None


def short_text(text: str) -> str:
    return _text(text, SHORT_LIMIT)


def long_text(text: str) -> str:
    return _text(text, LONG_LIMIT)


def _text(text: str, limit: int) -> str:
    value = text.strip()
    if not value:
        raise ParseError(texts.REQUIRED)
    if len(value) > limit:
        raise ParseError(texts.TOO_LONG.format(length=len(value), limit=limit))
    return value


YES_NO = (Choice(texts.YES, True), Choice(texts.NO, False))


def _set(path: str) -> Callable[[Draft, Any, Pending], None]:
    """Write the value at a dotted path: _set("applicant.address.plz")."""
    *parents, leaf = path.split(".")

    def apply(draft: Draft, value: Any, _pending: Pending) -> None:
        target: Any = draft
        for name in parents:
            target = getattr(target, name)
        setattr(target, leaf, value)

    return apply


def _if(yes: str | None, no: str | None) -> Callable[[Any], str | None]:
    return lambda value: yes if value else no


def _year(draft: Draft, pending: Pending) -> YearCosts:
    year = pending.get("year") or (
        draft.cost_plan[-1].year if draft.cost_plan else date.today().year
    )
    for entry in draft.cost_plan:
        if entry.year == year:
            return entry
    draft.cost_plan = [*draft.cost_plan, YearCosts(year=year)]
    return next(e for e in draft.cost_plan if e.year == year)


def _start_year(draft: Draft, value: int, pending: Pending) -> None:
    pending["year"] = value
    _year(draft, pending)


def _new_person(draft: Draft, value: str, pending: Pending) -> None:
    _year(draft, pending).personnel.append(PersonnelItem(role=value))


def _person(field: str) -> Callable[[Draft, Any, Pending], None]:
    def apply(draft: Draft, value: Any, pending: Pending) -> None:
        items = _year(draft, pending).personnel
        if not items:
            items.append(PersonnelItem())
        setattr(items[-1], field, value)

    return apply


def _new_material(draft: Draft, value: str, pending: Pending) -> None:
    _year(draft, pending).material.append(MaterialItem(item=value))


def _material_amount(draft: Draft, value: Decimal, pending: Pending) -> None:
    items = _year(draft, pending).material
    if not items:
        items.append(MaterialItem())
    items[-1].amount = value


def _forwarding(draft: Draft, value: bool, _pending: Pending) -> None:
    draft.project.forwarding = (draft.project.forwarding or Forwarding()) if value else None


def _forwarding_field(field: str) -> Callable[[Draft, Any, Pending], None]:
    def apply(draft: Draft, value: Any, _pending: Pending) -> None:
        if draft.project.forwarding is None:
            draft.project.forwarding = Forwarding()
        setattr(draft.project.forwarding, field, value)

    return apply


def _held(draft: Draft, value: bool, _pending: Pending) -> None:
    if not value:
        draft.consultation.held_on = None


def _held_on(draft: Draft, value: date, _pending: Pending) -> None:
    draft.consultation.held_on = value
    draft.consultation.requested = None


def _small_grant(draft: Draft) -> bool:
    grant = draft.financing.grant
    return grant is not None and grant <= SMALL_GRANT


def _beccaria_steps() -> list[Step]:
    return [
        Step(
            key=f"description.{s.key}",
            section="description",
            group=f"description.{s.key}",
            label=f"Schritt {s.number}",
            prompt=f"Projektbeschreibung, {s.title}. Beschreiben Sie in eigenen Worten:",
            help="\n".join(f"• {q}" for q in s.questions),
            parse=long_text,
            apply=_set(f"description.{s.key}"),
            skippable=True,
            free_text=True,
        )
        for s in BECCARIA_STEPS
    ]


def _amount_step(key: str, label: str, prompt: str, **kw: Any) -> Step:
    return Step(key=key, section="financing", group=key, label=label, prompt=prompt,
                parse=parse_amount, apply=_set(key), **kw)  # fmt: skip


STEPS: list[Step] = [
    Step("applicant.name", "applicant", "applicant.name", "Name",
         "Wie heißt die antragstellende Kommune oder Körperschaft?", short_text,
         _set("applicant.name"), personal=True),
    Step("applicant.kind", "applicant", "applicant.kind", "Art",
         "Welche Art von Körperschaft ist das?", str, _set("applicant.kind"),
         choices=tuple(Choice(k.value, k) for k in ApplicantKind)),
    Step("applicant.landkreis", "applicant", "applicant.landkreis", "Landkreis",
         "In welchem Landkreis liegt sie? (Bei kreisfreien Städten: „kreisfrei“)", short_text,
         _set("applicant.landkreis")),
    Step("applicant.street", "applicant", "applicant.address", "Anschrift",
         "Anschrift: Straße und Hausnummer?", short_text, _set("applicant.address.street")),
    Step("applicant.plz", "applicant", "applicant.address", "Anschrift",
         "Postleitzahl?", parse_plz, _set("applicant.address.plz")),
    Step("applicant.city", "applicant", "applicant.address", "Anschrift",
         "Ort?", short_text, _set("applicant.address.city")),
    Step("contact.name", "contact", "contact.name", "Name",
         "Wer ist Ansprechperson für den Antrag? (Vor- und Nachname)", short_text,
         _set("contact.name"), personal=True),
    Step("contact.function", "contact", "contact.function", "Funktion",
         "Welche Funktion hat die Ansprechperson (z. B. Sachgebietsleitung Ordnungsamt)?",
         short_text, _set("contact.function")),
    Step("contact.email", "contact", "contact.email", "E-Mail",
         "E-Mail-Adresse der Ansprechperson?", parse_email, _set("contact.email")),
    Step("contact.phone", "contact", "contact.phone", "Telefon",
         "Telefonnummer der Ansprechperson?", parse_phone, _set("contact.phone")),
    Step("consultation.held", "consultation", "consultation", "Beratung",
         "Hat die Pflichtberatung durch die Geschäftsstelle des Landespräventionsrates schon "
         "stattgefunden?", parse_yes_no, _held, choices=YES_NO,
         help="Vor jedem Antrag ist eine Beratung durch die Geschäftsstelle vorgeschrieben.",
         branch=_if("consultation.date", "consultation.request")),
    Step("consultation.date", "consultation", "consultation", "Beratung",
         "An welchem Tag war die Beratung?", parse_date, _held_on,
         branch=lambda _v: "project.title"),
    Step("consultation.request", "consultation", "consultation", "Beratung",
         "Möchten Sie einen Beratungstermin anfragen? Die Geschäftsstelle meldet sich dann.",
         parse_yes_no, _set("consultation.requested"), choices=YES_NO),
    Step("project.title", "project", "project.title", "Titel",
         "Wie lautet der Titel des Vorhabens?", short_text, _set("project.title")),
    Step("project.place", "project", "project.place", "Ort",
         "Wo findet das Vorhaben statt (Ort, Stadtteil)?", short_text, _set("project.place")),
    Step("project.in_saxony", "project", "project.in_saxony", "In Sachsen",
         "Wird das Vorhaben in Sachsen durchgeführt?", parse_yes_no, _set("project.in_saxony"),
         choices=YES_NO),
    Step("project.start", "project", "project.start", "Beginn",
         "Wann soll das Vorhaben beginnen? (z. B. 01.03.2027)", parse_date,
         _set("project.start")),
    Step("project.end", "project", "project.end", "Ende",
         "Wann soll es enden?", parse_date, _set("project.end")),
    Step("project.kpr", "project", "project.kpr", "Beteiligung KPR",
         "Wie ist der Kommunale Präventionsrat (KPR) beteiligt?", short_text,
         _set("project.kpr_involvement"), skippable=True,
         help="Vorhaben, die ein Gremium vor Ort plant und umsetzt, haben Vorrang."),
    Step("project.partners", "project", "project.partners", "Partner",
         "Welche Kooperationspartner wirken mit (z. B. Polizei, Schulen, Vereine)?", short_text,
         _set("project.partners"), skippable=True),
    Step("project.forwarding", "project", "project.forwarding", "Weiterleitung",
         "Soll ein Teil der Zuwendung an einen Dritten (z. B. einen Verein) weitergeleitet "
         "werden?", parse_yes_no, _forwarding, choices=YES_NO,
         branch=_if("project.forwarding_recipient", "description.step1")),
    Step("project.forwarding_recipient", "project", "project.forwarding", "Weiterleitung",
         "An wen wird weitergeleitet (Name des Empfängers)?", short_text,
         _forwarding_field("recipient")),
    Step("project.forwarding_amount", "project", "project.forwarding", "Weiterleitung",
         "Welcher Betrag wird weitergeleitet? (z. B. 5.000)", parse_amount,
         _forwarding_field("amount")),
    *_beccaria_steps(),
    Step("cost.year", "cost_plan", "cost", "Ausgabenplan",
         "Ausgabenplan: Für welches Jahr erfassen wir die Ausgaben? (z. B. 2027)", parse_year,
         _start_year),
    Step("cost.has_personnel", "cost_plan", "cost", "Ausgabenplan",
         "Sind in diesem Jahr Personalausgaben geplant?", parse_yes_no, lambda *_: None,
         choices=YES_NO, branch=_if("cost.role", "cost.has_material")),
    Step("cost.role", "cost_plan", "cost", "Ausgabenplan",
         "Bezeichnung der Stelle (z. B. Präventionskoordination)?", short_text, _new_person),
    Step("cost.qualification", "cost_plan", "cost", "Ausgabenplan",
         "Welche Qualifikation verlangt die Stelle?", str, _person("qualification"),
         choices=tuple(Choice(q.value, q) for q in Qualification)),
    Step("cost.tvl", "cost_plan", "cost", "Ausgabenplan",
         "In welche TV-L-Entgeltgruppe ist die Stelle eingruppiert? (z. B. EG 11)",
         parse_tvl_group, _person("tvl_group")),
    Step("cost.share", "cost_plan", "cost", "Ausgabenplan",
         "Welcher Stellenanteil? (z. B. 0,5 oder 50 %)", parse_share, _person("share")),
    Step("cost.amount", "cost_plan", "cost", "Ausgabenplan",
         "Personalausgaben für diese Stelle in diesem Jahr, in Euro?", parse_amount,
         _person("amount")),
    Step("cost.more_personnel", "cost_plan", "cost", "Ausgabenplan",
         "Weitere Stelle in diesem Jahr?", parse_yes_no, lambda *_: None, choices=YES_NO,
         branch=_if("cost.role", "cost.has_material")),
    Step("cost.has_material", "cost_plan", "cost", "Ausgabenplan",
         "Sind in diesem Jahr Sachausgaben geplant?", parse_yes_no, lambda *_: None,
         choices=YES_NO, branch=_if("cost.item", "cost.more_years")),
    Step("cost.item", "cost_plan", "cost", "Ausgabenplan",
         "Wofür ist die Sachausgabe (z. B. Honorare Workshops)?", short_text, _new_material),
    Step("cost.item_amount", "cost_plan", "cost", "Ausgabenplan",
         "Betrag dieses Postens in Euro?", parse_amount, _material_amount),
    Step("cost.more_material", "cost_plan", "cost", "Ausgabenplan",
         "Weiterer Posten in diesem Jahr?", parse_yes_no, lambda *_: None, choices=YES_NO,
         branch=_if("cost.item", "cost.more_years")),
    Step("cost.more_years", "cost_plan", "cost", "Ausgabenplan",
         "Läuft das Vorhaben auch in einem weiteren Jahr?", parse_yes_no, lambda *_: None,
         choices=YES_NO, branch=_if("cost.year", "financing.own_money")),
    _amount_step("financing.own_money", "Eigenmittel",
                 "Finanzierung: Wie viel Eigenmittel (Geld) bringen Sie ein? (0, wenn keine)"),
    _amount_step("financing.own_in_kind", "Eigenleistung",
                 "Wie hoch ist die bewertete Eigenleistung (z. B. Arbeitszeit, Räume)?"),
    _amount_step("financing.third_party", "Drittmittel", "Wie viel Drittmittel erhalten Sie?"),
    Step("financing.grant", "financing", "financing.grant", "Zuwendung",
         "Welche Zuwendung beantragen Sie?", parse_amount, _set("financing.grant")),
    Step("exception_reason", "financing", "financing.grant", "Zuwendung",
         "Die Zuwendung liegt bei höchstens 10.000 €. Warum soll das Vorhaben ausnahmsweise "
         "trotzdem gefördert werden?", long_text, _set("exception_reason"),
         when=_small_grant),
    Step("already_begun", "project", "already_begun", "Schon begonnen",
         "Haben Sie mit dem Vorhaben schon begonnen (z. B. Verträge geschlossen)?",
         parse_yes_no, _set("already_begun"), choices=YES_NO),
]  # fmt: skip

BY_KEY: dict[str, Step] = {s.key: s for s in STEPS}
FIRST = STEPS[0].key

SECTIONS: dict[str, str] = {
    "applicant": "Antragsteller",
    "contact": "Ansprechperson",
    "consultation": "Beratung",
    "project": "Vorhaben",
    "description": "Beschreibung",
    "cost_plan": "Ausgabenplan",
    "financing": "Finanzierung",
}


def next_key(step: Step, draft: Draft, value: Any, *, skipped: bool = False) -> str | None:
    """The step after `step` once `value` was applied; None when the form is done."""
    target = step.branch(value) if step.branch and not skipped else None
    index = STEPS.index(BY_KEY[target]) if target else STEPS.index(step) + 1
    while index < len(STEPS):
        candidate = STEPS[index]
        if candidate.when is None or candidate.when(draft):
            return candidate.key
        index += 1
    return None


def groups_of(section: str) -> list[Step]:
    """The first step of each group in a section: one "ändern" button each."""
    seen: dict[str, Step] = {}
    for s in STEPS:
        if s.section == section and s.group not in seen:
            seen[s.group] = s
    return list(seen.values())


def match_choice(step: Step, text: str) -> Any:
    """Typed text for a choice step: a label (any case) or its number; else the parser."""
    wanted = text.strip().casefold()
    for number, choice in enumerate(step.choices, start=1):
        if wanted in (choice.label.casefold(), str(number)):
            return choice.value
    if step.parse is str:
        options = ", ".join(c.label for c in step.choices)
        raise ParseError(texts.NOT_A_CHOICE.format(options=options))
    return step.parse(text)
