"""The form steps of a draft application as data, in dialogue order, with their branches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.conversation import texts
from bot.conversation.writers import (
    Apply,
    ForwardingField,
    ForwardingSwitch,
    Held,
    HeldOn,
    MaterialField,
    NewMaterial,
    NewPerson,
    NoOp,
    PersonField,
    SetPath,
    StartYear,
)
from bot.drafts import (
    BECCARIA_STEPS,
    ApplicantKind,
    Draft,
    ParseError,
    Qualification,
    clean_text,
    format_amount,
    format_date,
    format_share,
    parse_date,
    parse_email,
    parse_pay_group,
    parse_phone,
    parse_plz,
    parse_year,
    parse_yes_no,
    read_amount,
    read_share,
)
from bot.drafts.rules import submission_window

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
    holds on the draft and today's date). Choices become buttons; typed text is matched
    against their labels or parsed. `confirm` names the value to confirm when the text was
    understood only loosely ("20k"). `effect` names what else happens after the answer.
    """

    key: str
    section: str
    group: str
    label: str
    prompt: str
    parse: Callable[[str], Any]
    apply: Apply
    help: str = ""
    choices: tuple[Choice, ...] = ()
    skippable: bool = False
    free_text: bool = False
    personal: bool = False
    branch: Callable[[Any], str | None] | None = None
    when: Callable[[Draft, date], bool] | None = None
    confirm: Callable[[str], str | None] | None = None
    show: Callable[[Any], str] | None = None
    effect: str | None = None
    checks: str = ""
    """The field key the entry checks know this answer by (default: `key`)."""

    @property
    def text_step(self) -> bool:
        """Any text is a valid answer here, so a typed question is ambiguous."""
        return self.parse in (short_text, long_text)


def short_text(text: str) -> str:
    return _text(text, SHORT_LIMIT)


def long_text(text: str) -> str:
    return _text(text, LONG_LIMIT)


def _text(text: str, limit: int) -> str:
    value = clean_text(text).strip()
    if not value:
        raise ParseError(texts.REQUIRED)
    if len(value) > limit:
        raise ParseError(texts.TOO_LONG.format(length=len(value), limit=limit))
    return value


def amount(text: str) -> Decimal:
    return read_amount(text).value


def share(text: str) -> Decimal:
    return read_share(text).value


def share_to_confirm(text: str) -> str | None:
    """ "20 Wochenstunden" -> "0,5 Stelle (50 %) bei 40 Wochenstunden Vollzeit" to confirm."""
    reading = read_share(text)
    return reading.shown if reading.needs_confirmation else None


def amount_to_confirm(text: str) -> str | None:
    """ "20k" -> "20.000,00 €" (to be confirmed); "20.000" -> None (clear as typed)."""
    reading = read_amount(text)
    return reading.shown if reading.needs_confirmation else None


YES_NO = (Choice(texts.YES, True), Choice(texts.NO, False))


def _if(yes: str | None, no: str | None) -> Callable[[Any], str | None]:
    return lambda value: yes if value else no


def _small_grant(draft: Draft, _today: date) -> bool:
    grant = draft.financing.grant
    return grant is not None and grant <= SMALL_GRANT


def _late(draft: Draft, today: date) -> bool:
    """The planned submission is after the deadline but still possible with a reason."""
    return any(f.code == "submission_late" for f in submission_window(draft, today))


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
            apply=SetPath(f"description.{s.key}"),
            skippable=True,
            free_text=True,
        )
        for s in BECCARIA_STEPS
    ]


def _amount_step(key: str, label: str, prompt: str, **kw: Any) -> Step:
    return Step(key=key, section="financing", group=key, label=label, prompt=prompt,
                parse=amount, apply=SetPath(key), confirm=amount_to_confirm, **kw)  # fmt: skip


STEPS: list[Step] = [
    Step("applicant.name", "applicant", "applicant.name", "Name",
         "Wie heißt die antragstellende Kommune oder Körperschaft?", short_text,
         SetPath("applicant.name"), personal=True),
    Step("applicant.kind", "applicant", "applicant.kind", "Art",
         "Welche Art von Körperschaft ist das?", str, SetPath("applicant.kind"),
         choices=tuple(Choice(k.value, k) for k in ApplicantKind)),
    Step("applicant.landkreis", "applicant", "applicant.landkreis", "Landkreis",
         "In welchem Landkreis liegt sie? (Bei kreisfreien Städten: „kreisfrei“)", short_text,
         SetPath("applicant.landkreis")),
    Step("applicant.street", "applicant", "applicant.address", "Anschrift",
         "Anschrift: Straße und Hausnummer?", short_text, SetPath("applicant.address.street")),
    Step("applicant.plz", "applicant", "applicant.address", "Anschrift",
         "Postleitzahl?", parse_plz, SetPath("applicant.address.plz")),
    Step("applicant.city", "applicant", "applicant.address", "Anschrift",
         "Ort?", short_text, SetPath("applicant.address.city")),
    Step("contact.name", "contact", "contact.name", "Name",
         "Wer ist Ansprechperson für den Antrag? (Vor- und Nachname)", short_text,
         SetPath("contact.name"), personal=True),
    Step("contact.function", "contact", "contact.function", "Funktion",
         "Welche Funktion hat die Ansprechperson (z. B. Sachgebietsleitung Ordnungsamt)?",
         short_text, SetPath("contact.function")),
    Step("contact.email", "contact", "contact.email", "E-Mail",
         "E-Mail-Adresse der Ansprechperson?", parse_email, SetPath("contact.email")),
    Step("contact.phone", "contact", "contact.phone", "Telefon",
         "Telefonnummer der Ansprechperson?", parse_phone, SetPath("contact.phone")),
    Step("consultation.held", "consultation", "consultation", "Beratung",
         "Hat die Pflichtberatung durch die Geschäftsstelle des Landespräventionsrates schon "
         "stattgefunden?", parse_yes_no, Held(), choices=YES_NO,
         help="Vor jedem Antrag ist eine Beratung durch die Geschäftsstelle vorgeschrieben.",
         branch=_if("consultation.date", "consultation.request")),
    Step("consultation.date", "consultation", "consultation", "Beratung",
         "An welchem Tag war die Beratung?", parse_date, HeldOn(),
         branch=lambda _v: "project.title"),
    Step("consultation.request", "consultation", "consultation", "Beratung",
         "Möchten Sie einen Beratungstermin anfragen? Die Geschäftsstelle meldet sich dann.",
         parse_yes_no, SetPath("consultation.requested"), choices=YES_NO,
         effect="appointment"),
    Step("project.title", "project", "project.title", "Titel",
         "Wie lautet der Titel des Vorhabens?", short_text, SetPath("project.title")),
    Step("project.place", "project", "project.place", "Ort",
         "Wo findet das Vorhaben statt (Ort, Stadtteil)?", short_text, SetPath("project.place")),
    Step("project.in_saxony", "project", "project.in_saxony", "In Sachsen",
         "Wird das Vorhaben in Sachsen durchgeführt?", parse_yes_no, SetPath("project.in_saxony"),
         choices=YES_NO),
    Step("project.start", "project", "project.start", "Beginn",
         "Wann soll das Vorhaben beginnen? (z. B. 01.03.2027)", parse_date,
         SetPath("project.start")),
    Step("project.end", "project", "project.end", "Ende",
         "Wann soll es enden?", parse_date, SetPath("project.end")),
    Step("project.kpr", "project", "project.kpr", "Beteiligung KPR",
         "Wie ist der Kommunale Präventionsrat (KPR) beteiligt?", short_text,
         SetPath("project.kpr_involvement"), skippable=True,
         help="Vorhaben, die ein Gremium vor Ort plant und umsetzt, haben Vorrang."),
    Step("project.partners", "project", "project.partners", "Partner",
         "Welche Kooperationspartner wirken mit (z. B. Polizei, Schulen, Vereine)?", short_text,
         SetPath("project.partners"), skippable=True),
    Step("project.forwarding", "project", "project.forwarding", "Weiterleitung",
         "Soll ein Teil der Zuwendung an einen Dritten (z. B. einen Verein) weitergeleitet "
         "werden?", parse_yes_no, ForwardingSwitch(), choices=YES_NO,
         branch=_if("project.forwarding_recipient", "description.step1")),
    Step("project.forwarding_recipient", "project", "project.forwarding", "Weiterleitung",
         "An wen wird weitergeleitet (Name des Empfängers)?", short_text,
         ForwardingField("recipient")),
    Step("project.forwarding_amount", "project", "project.forwarding", "Weiterleitung",
         "Welcher Betrag wird weitergeleitet? (z. B. 5.000)", amount,
         ForwardingField("amount"), confirm=amount_to_confirm),
    *_beccaria_steps(),
    Step("cost.year", "cost_plan", "cost", "Ausgabenplan",
         "Ausgabenplan: Für welches Jahr erfassen wir die Ausgaben? (z. B. 2027)", parse_year,
         StartYear()),
    Step("cost.has_personnel", "cost_plan", "cost", "Ausgabenplan",
         "Sind in diesem Jahr Personalausgaben geplant?", parse_yes_no, NoOp(),
         choices=YES_NO, branch=_if("cost.role", "cost.has_material")),
    Step("cost.role", "cost_plan", "cost.person", "Ausgabenplan",
         "Bezeichnung der Stelle (z. B. Präventionskoordination)?", short_text, NewPerson()),
    Step("cost.qualification", "cost_plan", "cost.person", "Ausgabenplan",
         "Welche Qualifikation verlangt die Stelle?", str, PersonField("qualification"),
         choices=tuple(Choice(q.value, q) for q in Qualification)),
    Step("cost.tvl", "cost_plan", "cost.person", "Ausgabenplan",
         "In welche Entgeltgruppe ist die Stelle eingruppiert? (z. B. EG 11 nach TV-L oder "
         "S 11b nach TVöD SuE)",
         parse_pay_group, PersonField("pay_group")),
    Step("cost.share", "cost_plan", "cost.person", "Ausgabenplan",
         "Welcher Stellenanteil? (z. B. 0,5 oder 50 %)", share, PersonField("share"),
         show=format_share, confirm=share_to_confirm),
    Step("cost.amount", "cost_plan", "cost.person", "Ausgabenplan",
         "Personalausgaben für diese Stelle in diesem Jahr, in Euro?", amount,
         PersonField("amount"), confirm=amount_to_confirm),
    Step("cost.more_personnel", "cost_plan", "cost", "Ausgabenplan",
         "Weitere Stelle in diesem Jahr?", parse_yes_no, NoOp(), choices=YES_NO,
         branch=_if("cost.role", "cost.has_material")),
    Step("cost.has_material", "cost_plan", "cost", "Ausgabenplan",
         "Sind in diesem Jahr Sachausgaben geplant?", parse_yes_no, NoOp(),
         choices=YES_NO, branch=_if("cost.item", "cost.more_years")),
    Step("cost.item", "cost_plan", "cost.material", "Ausgabenplan",
         "Wofür ist die Sachausgabe (z. B. Honorare Workshops)?", short_text, NewMaterial()),
    Step("cost.item_amount", "cost_plan", "cost.material", "Ausgabenplan",
         "Betrag dieses Postens in Euro?", amount, MaterialField("amount"),
         confirm=amount_to_confirm),
    Step("cost.more_material", "cost_plan", "cost", "Ausgabenplan",
         "Weiterer Posten in diesem Jahr?", parse_yes_no, NoOp(), choices=YES_NO,
         branch=_if("cost.item", "cost.more_years")),
    Step("cost.more_years", "cost_plan", "cost", "Ausgabenplan",
         "Läuft das Vorhaben auch in einem weiteren Jahr?", parse_yes_no, NoOp(),
         choices=YES_NO, branch=_if("cost.year", "financing.own_money")),
    _amount_step("financing.own_money", "Eigenmittel",
                 "Finanzierung: Wie viel Eigenmittel (Geld) bringen Sie ein? (0, wenn keine)"),
    _amount_step("financing.own_in_kind", "Eigenleistung",
                 "Wie hoch ist die bewertete Eigenleistung (z. B. Arbeitszeit, Räume)?"),
    _amount_step("financing.third_party", "Drittmittel", "Wie viel Drittmittel erhalten Sie?"),
    Step("financing.grant", "financing", "financing.grant", "Zuwendung",
         "Welche Zuwendung beantragen Sie?", amount, SetPath("financing.grant"),
         confirm=amount_to_confirm),
    Step("exception_reason", "financing", "financing.grant", "Zuwendung",
         "Die Zuwendung liegt bei höchstens 10.000 €. Warum soll das Vorhaben ausnahmsweise "
         "trotzdem gefördert werden?", long_text, SetPath("exception_reason"),
         when=_small_grant),
    Step("input_tax_deduction", "financing", "input_tax_deduction", "Vorsteuerabzug",
         "Ist die Kommune für dieses Vorhaben zum Vorsteuerabzug berechtigt?", parse_yes_no,
         SetPath("input_tax_deduction"), choices=YES_NO,
         help="Wer die Vorsteuer abziehen kann, plant die Ausgaben ohne Umsatzsteuer (netto)."),
    Step("already_begun", "project", "already_begun", "Schon begonnen",
         "Haben Sie mit dem Vorhaben schon begonnen (z. B. Verträge geschlossen)?",
         parse_yes_no, SetPath("already_begun"), choices=YES_NO),
    Step("planned_submission", "project", "planned_submission", "Antragseingang",
         "Wann wollen Sie den förmlichen Antrag bei der Bewilligungsbehörde einreichen? "
         "(Datum, z. B. 30.09.2026)", parse_date, SetPath("planned_submission"), skippable=True,
         help="Danach richtet sich die Prüfung der Antragsfrist. Ohne Angabe rechne ich mit "
         "dem heutigen Tag."),
    Step("late_reason", "project", "planned_submission", "Antragseingang",
         "Dieser Termin liegt nach der Antragsfrist. Warum kann der Antrag nicht "
         "fristgerecht eingehen?", long_text, SetPath("late_reason"), when=_late,
         help="Ein späterer Antrag geht nur im begründeten Einzelfall, spätestens sechs Wochen "
         "vor Projektbeginn."),
]  # fmt: skip


def _edit_step(
    key: str, label: str, prompt: str, parse: Callable[[str], Any], apply: Apply, **kw: Any
) -> Step:
    return Step(key=key, section="cost_plan", group="cost.edit", label=label, prompt=prompt,
                parse=parse, apply=apply, **kw)  # fmt: skip


EDIT_STEPS: dict[str, Step] = {s.key: s for s in [
    _edit_step("cost.edit_role", "Bezeichnung", "Neue Bezeichnung der Stelle?", short_text,
               PersonField("role")),
    _edit_step("cost.edit_qualification", "Qualifikation", "Welche Qualifikation verlangt die "
               "Stelle?", str, PersonField("qualification"),
               choices=tuple(Choice(q.value, q) for q in Qualification),
               checks="cost.qualification"),
    _edit_step("cost.edit_pay_group", "Entgeltgruppe", "Welche Entgeltgruppe? (z. B. EG 11 "
               "oder S 11b)", parse_pay_group, PersonField("pay_group"), checks="cost.pay_group"),
    _edit_step("cost.edit_share", "Stellenanteil", "Welcher Stellenanteil? (z. B. 0,5, 50 % "
               "oder halbe Stelle)", share, PersonField("share"), show=format_share,
               confirm=share_to_confirm),
    _edit_step("cost.edit_amount", "Betrag", "Personalausgaben für diese Stelle in diesem "
               "Jahr, in Euro?", amount, PersonField("amount"), confirm=amount_to_confirm),
    _edit_step("cost.edit_item", "Bezeichnung", "Wofür ist die Sachausgabe?", short_text,
               MaterialField("item")),
    _edit_step("cost.edit_item_amount", "Betrag", "Betrag dieses Postens in Euro?", amount,
               MaterialField("amount"), confirm=amount_to_confirm),
]}  # fmt: skip
"""Steps that change one field of an existing cost item; never part of the dialogue order."""

BY_KEY: dict[str, Step] = {s.key: s for s in [*STEPS, *EDIT_STEPS.values()]}
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


def next_key(
    step: Step, draft: Draft, value: Any, *, today: date, skipped: bool = False
) -> str | None:
    """The step after `step` once `value` was applied; None when the form is done."""
    if step not in STEPS:
        return None
    target = step.branch(value) if step.branch and not skipped else None
    index = STEPS.index(BY_KEY[target]) if target else STEPS.index(step) + 1
    while index < len(STEPS):
        candidate = STEPS[index]
        if candidate.when is None or candidate.when(draft, today):
            return candidate.key
        index += 1
    return None


def display(value: Any, step: Step | None = None) -> str:
    """A stored value as the user typed it: 12.500,00 €, 01.03.2027, Ja."""
    if step is not None and step.show is not None:
        return step.show(value)
    if isinstance(value, bool):
        return texts.YES if value else texts.NO
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, date):
        return format_date(value)
    return str(getattr(value, "value", value))


def first_step_of(group: str) -> Step | None:
    return next((s for s in STEPS if s.group == group), None)


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
