"""Pure rule checks over a draft: who may apply, where and when; `check` runs every rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from bot.drafts.findings import (
    PLAUSIBILITY,
    RL_III,
    RL_IV_1,
    RL_IV_2,
    RL_VI_2,
    VVK_1_3,
    Finding,
    checked_on_entry,
    finding,
    sort_findings,
)
from bot.drafts.models import ApplicantKind, Draft
from bot.drafts.money_rules import MONEY_RULES
from bot.drafts.parsing import plz_in_saxony
from bot.drafts.summary import format_amount, format_date

Rule = Callable[[Draft, date], list[Finding]]

LATE_MIN_LEAD = timedelta(weeks=6)


# Example: kind "Verein/freier Träger" -> fehler; "Zweckverband" -> warnung; "Stadt" -> nothing.
@checked_on_entry("applicant.kind")
def applicant_eligible(draft: Draft, today: date) -> list[Finding]:
    kind = draft.applicant.kind
    if kind in (ApplicantKind.VEREIN, ApplicantKind.SONSTIGE):
        return [
            finding(
                "fehler",
                "applicant_not_municipal",
                "applicant.kind",
                RL_III,
                f"Als „{kind.value}“ können Sie nicht selbst beantragen: antragsberechtigt sind "
                "Gemeinden, Städte und Landkreise samt Eigenbetrieben. Die Kommune kann die "
                "Zuwendung aber an einen Verein oder freien Träger weiterleiten, wenn der "
                "Zuwendungsbescheid das gestattet. Den Antrag stellt dann die Kommune.",
            )
        ]
    if kind in (ApplicantKind.VERWALTUNGSVERBAND, ApplicantKind.ZWECKVERBAND):
        return [
            finding(
                "warnung",
                "applicant_association",
                "applicant.kind",
                RL_III,
                f"Antragsberechtigt sind grundsätzlich Gemeinden, Städte und Landkreise. Ob ein "
                f"{kind.value} beantragen kann, ist nicht eindeutig geregelt: bitte mit der "
                "Geschäftsstelle des LPR klären.",
            )
        ]
    return []


# Example: PLZ "10115" (Berlin) -> hinweis; "01097" or an unclear border area -> nothing.
def applicant_address_outside_saxony(draft: Draft, today: date) -> list[Finding]:
    plz = draft.applicant.address.plz
    if plz is None or plz_in_saxony(plz) is not False:
        return []
    return [
        finding(
            "hinweis",
            "applicant_plz_outside_saxony",
            "applicant.address.plz",
            RL_III,
            f"Die Postleitzahl {plz} liegt nicht in Sachsen. Gefördert werden sächsische "
            "Kommunen: bitte prüfen Sie die Anschrift.",
        )
    ]


# Example: in_saxony False -> fehler; None (not yet asked) -> nothing.
def project_in_saxony(draft: Draft, today: date) -> list[Finding]:
    if draft.project.in_saxony is not False:
        return []
    return [
        finding(
            "fehler",
            "project_outside_saxony",
            "project.in_saxony",
            RL_IV_1,
            "Das Vorhaben muss im Freistaat Sachsen durchgeführt werden.",
        )
    ]


# Example: neither held nor requested -> fehler; requested only -> warnung; held on 20.10. for a
# planned submission on 10.10. -> fehler (the consultation must come first); held "on" a day
# after today -> fehler (it has not taken place yet).
@checked_on_entry("consultation.date", "consultation.held_on", "planned_submission")
def consultation_held(draft: Draft, today: date) -> list[Finding]:
    c, planned = draft.consultation, draft.planned_submission
    if c.held_on is not None:
        if planned is not None and c.held_on > planned:
            text = (
                f"Die Beratung am {format_date(c.held_on)} liegt nach dem geplanten "
                f"Antragseingang ({format_date(planned)}). Die Pflichtberatung muss vor dem "
                "Antrag stattfinden."
            )
            code, field = "consultation_after_submission", "consultation"
            return [finding("fehler", code, field, RL_IV_2, text)]
        if c.held_on > today:
            text = (
                f"Das Datum der Beratung ({format_date(c.held_on)}) liegt in der Zukunft. Bitte "
                "nennen Sie den Tag, an dem sie stattgefunden hat. Steht der Termin noch aus, "
                "antworten Sie auf die Frage, ob die Beratung schon war, mit „nein“."
            )
            code, field = "consultation_in_future", "consultation.held_on"
            return [finding("fehler", code, field, RL_IV_2, text)]
        return []
    if c.requested is True:
        text = (
            "Die Pflichtberatung durch die Geschäftsstelle des LPR steht noch aus. Reichen Sie "
            "den Antrag erst nach der Beratung ein."
        )
        return [finding("warnung", "consultation_pending", "consultation", RL_IV_2, text)]
    if c.requested is False:
        text = (
            "Vor dem Antrag ist eine Beratung durch die Geschäftsstelle des LPR Pflicht. Bitte "
            "vor dem Antrag nachholen: Termin über lpr@smi.sachsen.de oder 0351 564-3090."
        )
        return [finding("fehler", "consultation_missing", "consultation", RL_IV_2, text)]
    return []


# Example: start 01.06.2027, end 31.12.2026 -> fehler.
@checked_on_entry("project.start", "project.end")
def end_after_start(draft: Draft, today: date) -> list[Finding]:
    p = draft.project
    if p.start is None or p.end is None or p.end >= p.start:
        return []
    return [
        finding(
            "fehler",
            "end_before_start",
            "project.end",
            PLAUSIBILITY,
            f"Das Projektende ({format_date(p.end)}) liegt vor dem Beginn "
            f"({format_date(p.start)}). Bitte prüfen Sie die Laufzeit.",
        )
    ]


def _submission(draft: Draft, today: date) -> tuple[date, str]:
    """The expected receipt date and, when it is today for want of a plan, a sentence saying so.

    Example: planned_submission None, today 02.11.2026 -> (02.11.2026, " Ein geplantes Datum
    für die Einreichung fehlt noch; gerechnet ist mit heute, dem 02.11.2026.").
    """
    if draft.planned_submission is not None:
        return draft.planned_submission, ""
    note = (
        " Ein geplantes Datum für die Einreichung fehlt noch; gerechnet ist mit heute, dem "
        f"{format_date(today)}."
    )
    return today, note


# Example: already_begun True -> fehler.
def already_begun(draft: Draft, today: date) -> list[Finding]:
    if not draft.already_begun:
        return []
    text = (
        "Sie haben angegeben, dass das Vorhaben schon begonnen hat (z. B. Verträge "
        "geschlossen). Ein Beginn vor dem Antragseingang ist förderschädlich."
    )
    return [finding("fehler", "project_already_begun", "already_begun", VVK_1_3, text)]


# Example: start 01.09.2026 with submission 01.10.2026 -> fehler.
@checked_on_entry("project.start", "planned_submission")
def start_before_submission(draft: Draft, today: date) -> list[Finding]:
    (submission, basis), start = _submission(draft, today), draft.project.start
    if start is None or start >= submission:
        return []
    text = (
        f"Der Projektbeginn ({format_date(start)}) liegt vor dem Antragseingang "
        f"({format_date(submission)}). Ein Beginn vor dem Antragseingang ist "
        f"förderschädlich; bitte verschieben Sie den Beginn.{basis}"
    )
    return [finding("fehler", "start_before_submission", "project.start", VVK_1_3, text)]


# Example: start 01.01.2027 -> window 31.08.2026–15.10.2026. Submission 01.09.2026 -> nothing;
# 01.11.2026 -> warnung asking for a reason (with one: warnung, to clarify with the LPR);
# 15.12.2026 (less than six weeks before) -> fehler. Without a planned date today stands in,
# and a today before the window is only a hinweis: the application is simply not due yet.
@checked_on_entry("project.start", "planned_submission", "late_reason")
def submission_window(draft: Draft, today: date) -> list[Finding]:
    (submission, basis), start = _submission(draft, today), draft.project.start
    if start is None or submission > start:
        return []  # a submission after the start is the "already begun" error
    opens, closes = date(start.year - 1, 8, 31), date(start.year - 1, 10, 15)
    window = f"{format_date(opens)} bis {format_date(closes)}"
    field = "planned_submission"
    if submission < opens and draft.planned_submission is None:
        text = (
            f"Für einen Projektbeginn am {format_date(start)} gehen Anträge vom {window} ein. "
            "Planen Sie die Einreichung in diesem Zeitraum."
        )
        return [finding("hinweis", "submission_window_ahead", field, RL_VI_2, text)]
    if submission < opens:
        text = (
            f"Für einen Projektbeginn am {format_date(start)} gehen Anträge vom {window} ein. "
            f"Ein Eingang am {format_date(submission)} ist zu früh."
        )
        return [finding("warnung", "submission_too_early", field, RL_VI_2, text)]
    if submission <= closes:
        return []
    latest = start - LATE_MIN_LEAD
    if submission > latest:
        text = (
            f"Die Antragsfrist ist der {window}. Später geht es nur im begründeten Einzelfall "
            f"und spätestens sechs Wochen vor Projektbeginn, also bis {format_date(latest)}. "
            f"Ein Eingang am {format_date(submission)} ist zu spät.{basis}"
        )
        return [finding("fehler", "submission_too_late", field, RL_VI_2, text)]
    late = (
        f"Der Eingang am {format_date(submission)} liegt nach der Frist ({window}). Das geht nur "
        "im begründeten Einzelfall; seit dem Förderjahr 2024 wird die Frist grundsätzlich "
        "angewandt."
    )
    if draft.late_reason:
        agree = (
            "Ihre Begründung liegt vor; bitte stimmen Sie sie vorher mit der Geschäftsstelle ab."
        )
        text = f"{late} {agree}{basis}"
        return [finding("warnung", "submission_late", field, RL_VI_2, text)]
    text = f"{late} Bitte begründen Sie, warum der Antrag später kommt.{basis}"
    return [finding("warnung", "submission_late", "late_reason", RL_VI_2, text)]


# Example: forwarding 30.000,00 € to "Jugendclub e. V." -> hinweis; more than the grant -> warnung.
def forwarding_conditions(draft: Draft, today: date) -> list[Finding]:
    fw, grant = draft.project.forwarding, draft.financing.grant
    if fw is None or (not fw.recipient and fw.amount is None):
        return []
    found = [
        finding(
            "hinweis",
            "forwarding",
            "project.forwarding",
            RL_III,
            "Eine Weiterleitung an einen nicht-staatlichen Träger ist nur möglich, wenn der "
            "Zuwendungsbescheid sie gestattet. Die Kommune lässt sich die Verwendung vom Träger "
            "nachweisen und fügt die Nachweise ihrem eigenen bei, so verlangt es ANBest-K "
            "Nr. 6.6.",
        )
    ]
    if fw.amount is not None and grant is not None and fw.amount > grant:
        found.append(
            finding(
                "warnung",
                "forwarding_above_grant",
                "project.forwarding.amount",
                RL_III,
                f"Weitergeleitet werden sollen {format_amount(fw.amount)}, beantragt sind nur "
                f"{format_amount(grant)}. Weiterleiten lässt sich höchstens die Zuwendung.",
            )
        )
    return found


RULES: tuple[Rule, ...] = (
    applicant_eligible,
    applicant_address_outside_saxony,
    project_in_saxony,
    consultation_held,
    end_after_start,
    already_begun,
    start_before_submission,
    submission_window,
    forwarding_conditions,
    *MONEY_RULES,
)


def check(draft: Draft, *, today: date) -> list[Finding]:
    """Run every rule, errors first, so the user sees what blocks the application at the top.

    A rule only speaks once its inputs are filled in: an empty draft yields no findings and a
    half-filled one no false errors. `today` stands in for a submission date not yet planned.
    """
    return sort_findings([f for rule in RULES for f in rule(draft, today)])
