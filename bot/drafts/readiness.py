"""The "Vorprüfung": per section, is the draft complete, missing, weak or breaking a rule?"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.drafts.beccaria import BECCARIA_STEPS
from bot.drafts.findings import Finding
from bot.drafts.models import Draft
from bot.drafts.rules import check
from bot.drafts.summary import format_date
from bot.drafts.text_checks import step_advice

# complete ✅ · attention ⚠️ (weak text or a warning) · incomplete / missing / rule_broken ❌
SectionState = Literal["complete", "attention", "incomplete", "missing", "rule_broken"]
BLOCKING: frozenset[SectionState] = frozenset({"incomplete", "missing", "rule_broken"})


class SectionCheck(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    state: SectionState
    hints: list[str]
    findings: list[Finding]


class ReadinessReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    checked_on: date
    sections: list[SectionCheck]
    findings: list[Finding]
    ready: bool

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "fehler"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warnung"]


@dataclass
class _Gaps:
    """What one section lacks: required items (block submission) and advice (does not)."""

    missing: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    filled: bool = True


def _blank(text: str | None) -> bool:
    return not (text and text.strip())


def _missing(pairs: list[tuple[str, object]]) -> _Gaps:
    labels = [label for label, value in pairs if value is None or value == ""]
    hint = [f"Es fehlen noch: {', '.join(labels)}."] if labels else []
    return _Gaps(missing=hint, filled=len(labels) < len(pairs))


def _applicant(d: Draft) -> _Gaps:
    a = d.applicant
    return _missing(
        [
            ("Name der Kommune", a.name),
            ("Art der Körperschaft", a.kind),
            ("Landkreis (bei kreisfreien Städten „kreisfrei“)", a.landkreis),
            ("Straße", a.address.street),
            ("Postleitzahl", a.address.plz),
            ("Ort", a.address.city),
        ]
    )


def _contact(d: Draft) -> _Gaps:
    c = d.contact
    return _missing(
        [("Name", c.name), ("Funktion", c.function), ("E-Mail", c.email), ("Telefon", c.phone)]
    )


def _consultation(d: Draft) -> _Gaps:
    c = d.consultation
    if c.held_on is not None or c.requested is not None:
        return _Gaps()
    return _Gaps(
        missing=["Hat die Pflichtberatung durch die Geschäftsstelle schon stattgefunden? "
                 "Nennen Sie das Datum oder bitten Sie um einen Termin."],
        filled=False,
    )  # fmt: skip


def _project(d: Draft) -> _Gaps:
    p = d.project
    gaps = _missing(
        [
            ("Titel", p.title),
            ("Ort", p.place),
            ("Durchführung in Sachsen (ja/nein)", p.in_saxony),
            ("Beginn", p.start),
            ("Ende", p.end),
            ("schon begonnen? (ja/nein)", d.already_begun),
        ]
    )
    if gaps.filled and _blank(p.kpr_involvement):
        gaps.advice.append(
            "Wie ist der Kommunale Präventionsrat beteiligt? Vorhaben, die ein Gremium vor Ort "
            "plant und umsetzt, haben Vorrang (RL KommPräv Ziffer II Nr. 4)."
        )
    return gaps


def _step(number: int) -> Callable[[Draft], _Gaps]:
    step = BECCARIA_STEPS[number - 1]

    def gaps(d: Draft) -> _Gaps:
        text = d.description.text(number)
        if text is None or _blank(text):
            return _Gaps(missing=[f"Noch kein Text. Leitfrage: {step.questions[0]}"], filled=False)
        return _Gaps(advice=step_advice(number, text))

    return gaps


def _cost_plan(d: Draft) -> _Gaps:
    if not d.cost_plan:
        return _Gaps(
            missing=["Legen Sie mindestens ein Jahr mit Personal- oder Sachausgaben an."],
            filled=False,
        )
    missing: list[str] = []
    for year in d.cost_plan:
        if not year.personnel and not year.material:
            missing.append(f"{year.year}: noch keine Ausgaben erfasst.")
        for p in year.personnel:
            labels = [
                label
                for label, value in (
                    ("Stelle", p.role),
                    ("Qualifikation", p.qualification),
                    ("TV-L-Entgeltgruppe (oder TVöD SuE)", p.pay_group),
                    ("Stellenanteil", p.share),
                    ("Betrag", p.amount),
                )
                if value is None
            ]
            if labels:
                name = p.role or "ohne Bezeichnung"
                missing.append(f"{year.year}, Stelle „{name}“: es fehlen {', '.join(labels)}.")
        for m in year.material:
            if _blank(m.item) or m.amount is None:
                missing.append(
                    f"{year.year}: Sachausgabe „{m.item or '?'}“ braucht Posten und Betrag."
                )
    return _Gaps(missing=missing)


def _financing(d: Draft) -> _Gaps:
    f = d.financing
    gaps = _missing(
        [
            ("Eigenmittel", f.own_money),
            ("Eigenleistung", f.own_in_kind),
            ("Drittmittel", f.third_party),
            ("beantragte Zuwendung", f.grant),
        ]
    )
    if gaps.missing:
        gaps.missing[0] += " Geben Sie 0 ein, wo nichts vorgesehen ist."
    return gaps


_SECTIONS: list[tuple[str, str, tuple[str, ...], Callable[[Draft], _Gaps]]] = [
    ("applicant", "Antragsteller", ("applicant",), _applicant),
    ("contact", "Ansprechperson", ("contact",), _contact),
    ("consultation", "Beratung", ("consultation",), _consultation),
    (
        "project",
        "Vorhaben",
        ("project", "planned_submission", "already_begun", "late_reason"),
        _project,
    ),
    *[
        (step.key, step.title, (f"description.{step.key}",), _step(step.number))
        for step in BECCARIA_STEPS
    ],
    ("cost_plan", "Ausgabenplan", ("cost_plan", "input_tax_deduction"), _cost_plan),
    ("financing", "Finanzierungsplan", ("financing", "exception_reason"), _financing),
]


def _belongs(f: Finding, prefixes: tuple[str, ...]) -> bool:
    return any(f.field == p or f.field.startswith((f"{p}.", f"{p}[")) for p in prefixes)


def _state(gaps: _Gaps, findings: list[Finding]) -> SectionState:
    if any(f.level == "fehler" for f in findings):
        return "rule_broken"
    if not gaps.filled:
        return "missing"
    if gaps.missing:
        return "incomplete"
    if gaps.advice or any(f.level == "warnung" for f in findings):
        return "attention"
    return "complete"


def readiness_report(draft: Draft, *, today: date) -> ReadinessReport:
    """Check every section so the user sees, before the consultation, what is still open."""
    findings = check(draft, today=today)
    sections = []
    for key, title, prefixes, gaps_of in _SECTIONS:
        gaps = gaps_of(draft)
        own = [f for f in findings if _belongs(f, prefixes)]
        sections.append(
            SectionCheck(
                key=key,
                title=title,
                state=_state(gaps, own),
                hints=gaps.missing + gaps.advice,
                findings=own,
            )
        )
    ready = all(s.state not in BLOCKING for s in sections) and not any(
        f.level == "fehler" for f in findings
    )
    return ReadinessReport(checked_on=today, sections=sections, findings=findings, ready=ready)


_MARK: dict[SectionState, str] = {
    "complete": "✅",
    "attention": "⚠️",
    "incomplete": "❌",
    "missing": "❌",
    "rule_broken": "❌",
}
_LEVEL_MARK = {"fehler": "❌", "warnung": "⚠️", "hinweis": "ℹ️"}


def render_text(report: ReadinessReport) -> str:
    """Plain German text with ✅ / ⚠️ / ❌, short lines for a phone; adapters escape it."""
    open_sections = sum(1 for s in report.sections if s.state in ("incomplete", "missing"))
    lines = [f"Vorprüfung Ihres Antragsentwurfs (Stand {format_date(report.checked_on)})"]
    if report.ready:
        lines.append("✅ Der Entwurf ist bereit für die Übergabe an die Geschäftsstelle.")
    else:
        counts = [f"{len(report.errors)} Fehler"] if report.errors else []
        if open_sections:
            counts.append(f"{open_sections} Abschnitt{'' if open_sections == 1 else 'e'} offen")
        lines.append(f"❌ Noch nicht bereit: {', '.join(counts)}.")
    # Count what carries ⚠️ below: sections in "attention" (a warning or thin text). Counting
    # warning findings said "1 Punkt" above two ⚠️ sections when one only had thin text.
    if attention := sum(1 for s in report.sections if s.state == "attention"):
        sections = "Abschnitt" if attention == 1 else "Abschnitte"
        lines.append(
            f"⚠️ {attention} {sections} bitte ansehen: Hinweise zum Text oder Fragen für die "
            "Beratung."
        )
    lines.append("")
    for section in report.sections:
        empty = " – noch keine Angaben" if section.state == "missing" else ""
        lines.append(f"{_MARK[section.state]} {section.title}{empty}")
        details = [f"  • {hint}" for hint in section.hints]
        details += [f"  {_LEVEL_MARK[f.level]} {f.message}" for f in section.findings]
        # A blank line only after details keeps a finished draft short on a phone screen.
        lines.extend([*details, ""] if details else [])
    placed = {f for s in report.sections for f in s.findings}
    rest = [f for f in report.findings if f not in placed]
    if rest:
        lines += ["Weitere Hinweise"] + [f"  {_LEVEL_MARK[f.level]} {f.message}" for f in rest]
    return "\n".join(lines).rstrip() + "\n"
