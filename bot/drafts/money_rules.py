"""Rules over the cost and financing plan: 90 % cap, own share, balance, TV-L caps, investments."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from bot.drafts.findings import (
    ASSKOMM_OWN_SHARE,
    LPR_PRACTICE,
    RL_I_3,
    RL_V_2,
    RL_V_4,
    RL_V_5,
    RL_V_6,
    RL_VI_3_C,
    RL_VI_6,
    VVK_2_6,
    VVK_3_3_1,
    Finding,
    checked_on_entry,
    finding,
)
from bot.drafts.models import Draft, PayGroup, Qualification
from bot.drafts.parsing import clean_text, fold_text
from bot.drafts.summary import format_amount, format_percent

MAX_GRANT_RATIO = Decimal("0.90")
MIN_OWN_SHARE_RATIO = Decimal("0.10")
SMALL_GRANT_LIMIT = Decimal("10000")
REIMBURSEMENT_LIMIT = Decimal("20000")

# Highest fundable TV-L pay group per qualification, each at Stufe 3 (RL V Nr. 4, since 2020).
TVL_CAPS: dict[Qualification, int] = {
    Qualification.BERUFSAUSBILDUNG: 7,
    Qualification.FACHHOCHSCHULE: 11,
    Qualification.HOCHSCHULE: 14,
    Qualification.HOCHSCHULE_FUEHRUNG: 15,
}

# Comparable TV-L groups (lowest, highest) for TVöD SuE groups, used only to apply the caps
# above to posts in the Sozial- und Erziehungsdienst. Anchors: ver.di, "drei" Nr. 62 (2017),
# sets the social-work groups beside the general TVöD table: S 8b ≈ 8, S 11b ≈ 9b, S 12 ≈ 9b,
# S 14 ≈ 9c, S 15 ≈ 10, S 17 ≈ 11, S 18 ≈ 12 (the TV-L has no 9c: 9b–10). The TV-L pays
# Erzieher (S 8a) in EG 8. The other groups sit between the anchors by their table values at
# Stufe 3 (S 11b/S 12 also reach EG 10 there). Weakest below S 7, where every cap is far off.
SUE_COMPARABLE_EG: dict[str, tuple[str, str]] = {
    "2": ("3", "4"), "3": ("5", "6"), "4": ("6", "7"), "7": ("7", "8"), "8a": ("8", "8"),
    "8b": ("8", "8"), "9": ("8", "9a"), "10": ("8", "9a"), "11a": ("9a", "9b"),
    "11b": ("9b", "10"), "12": ("9b", "10"), "13": ("9b", "10"), "14": ("9b", "10"),
    "15": ("10", "11"), "16": ("10", "11"), "17": ("11", "11"), "18": ("12", "12"),
}  # fmt: skip
SUE_APPROXIMATION = "Zuordnung TVöD SuE → TV-L ist eine Näherung; bitte in der Beratung klären."

# Stems that suggest an investment, folded like the item text (fold_text) before matching.
# "auto" must end the word so that "Autor" or "Autofahrt" do not match; "bau" only in building
# words, because "Aufbau eines Präventionsrates" is exactly what the guideline funds.
INVESTIVE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("fahrzeug", r"fahrzeug"),
    ("Auto", r"autos?\b"),
    ("PKW", r"\bpkw"),
    ("Transporter", r"transporter"),
    ("Kamera", r"kamera"),
    ("Videoüberwachung", r"videoüberwachung"),
    ("Bau", r"\bbau(massnahmen?|arbeiten|kosten|leistungen?|material|lich\w*)?\b"),
    ("Umbau", r"(um|neu|an)bau"),
    ("Sanierung", r"sanierung"),
    ("Beleuchtung", r"beleuchtung|laterne"),
    ("Anschaffung", r"anschaffung"),
    ("Ausstattung", r"ausstattung"),
    ("Gerät", r"gerät"),
    ("Hardware", r"hardware|computer|laptop|notebook|tablet|beamer"),
    ("Möbel", r"möbel|mobiliar"),
    ("Zaun", r"zaun|poller"),
    ("Drohne", r"drohne"),
)
_FOLDED_INVESTIVE = tuple((label, re.compile(fold_text(p))) for label, p in INVESTIVE_PATTERNS)


def _eligible_costs(draft: Draft) -> Decimal | None:
    total = draft.total_costs
    return total if total else None


# Example: costs 100.000,00 €, grant 95.000,00 € -> fehler: at most 90.000,00 €.
@checked_on_entry("financing.grant")
def grant_above_90_percent(draft: Draft, today: date) -> list[Finding]:
    grant, costs = draft.financing.grant, _eligible_costs(draft)
    if grant is None or costs is None or grant <= costs * MAX_GRANT_RATIO:
        return []
    cap = format_amount(costs * MAX_GRANT_RATIO)
    return [
        finding(
            "fehler",
            "grant_above_90_percent",
            "financing.grant",
            RL_V_2,
            f"Die beantragte Zuwendung ({format_amount(grant)}) ist höher als 90 % der "
            f"zuwendungsfähigen Ausgaben ({format_amount(costs)}). Höchstens {cap} sind möglich.",
        )
    ]


# Example: own money 0,00 €, in kind 0,00 €, third party 0,00 € -> fehler; with third-party
# funds of 5.000,00 € -> warnung (earmarked donations may stand in for the own share).
def own_share_missing(draft: Draft, today: date) -> list[Finding]:
    f = draft.financing
    if f.own_money is None or f.own_in_kind is None or f.own_share > 0:
        return []
    if f.third_party:
        return [
            finding(
                "warnung",
                "own_share_only_third_party",
                "financing.own_money",
                RL_V_5,
                "Die Kommune bringt weder Geld noch Eigenleistung ein. Ein Eigenanteil ist "
                "Voraussetzung; zweckgebundene Spenden oder ähnliche Drittmittel können ihn "
                "decken (ANBest-K Nr. 1.2). Bitte in der Beratung klären.",
            )
        ]
    return [
        finding(
            "fehler",
            "own_share_missing",
            "financing.own_money",
            RL_V_5,
            "Es ist kein Eigenanteil eingeplant. Die Förderung setzt einen Eigenanteil der "
            "Kommune voraus; auch eigenes Personal oder Sachmittel der Verwaltung zählen.",
        )
    ]


# Example: costs 100.000,00 €, own money 5.000,00 € -> warnung: 5,0 % is below 10 %.
def own_share_below_10_percent(draft: Draft, today: date) -> list[Finding]:
    f, costs = draft.financing, _eligible_costs(draft)
    if f.own_money is None or f.own_in_kind is None or not f.own_share or costs is None:
        return []
    ratio = f.own_share / costs
    if ratio >= MIN_OWN_SHARE_RATIO:
        return []
    return [
        finding(
            "warnung",
            "own_share_below_10_percent",
            "financing.own_money",
            ASSKOMM_OWN_SHARE,
            f"Ihr Eigenanteil beträgt {format_percent(ratio)} der Ausgaben. Die ASSKomm nennt "
            "mindestens 10 %; die RL selbst nennt keine Zahl. Zweckgebundene Spenden dürfen den "
            "Eigenanteil decken. Bitte in der Beratung klären.",
        )
    ]


# Example: costs 100.000,00 €; 10.000 + 0 + 0 + 85.000 = 95.000,00 € -> fehler, 5.000,00 € short.
# At entry it speaks once the grant, the last figure of the plan, is in.
@checked_on_entry("financing.grant")
def financing_unbalanced(draft: Draft, today: date) -> list[Finding]:
    f, costs = draft.financing, draft.total_costs
    if not f.is_complete or costs is None or f.total == costs:
        return []
    gap = costs - f.total
    what = f"Es fehlen {format_amount(gap)}" if gap > 0 else f"{format_amount(-gap)} zu viel"
    return [
        finding(
            "fehler",
            "financing_unbalanced",
            "financing",
            VVK_3_3_1,
            f"Der Finanzierungsplan ist nicht ausgeglichen: Eigenmittel, Eigenleistung, "
            f"Drittmittel und Zuwendung ergeben {format_amount(f.total)}, die Ausgaben betragen "
            f"{format_amount(costs)}. {what}.",
        )
    ]


# Example: grant 8.000,00 € and no exception reason -> warnung.
@checked_on_entry("financing.grant")
def small_grant_without_reason(draft: Draft, today: date) -> list[Finding]:
    grant = draft.financing.grant
    if grant is None or not 0 < grant <= SMALL_GRANT_LIMIT or draft.exception_reason:
        return []
    return [
        finding(
            "warnung",
            "small_grant_without_reason",
            "exception_reason",
            RL_V_6,
            f"Zuwendungen von 10.000 € oder weniger ({format_amount(grant)} beantragt) gibt es "
            "nur als begründete Ausnahme, etwa bei kurzfristigem regionalem Bedarf, einem "
            "konkreten Anlass oder einer aktuellen Lage. Bitte nennen Sie den Grund.",
        )
    ]


# Example: grant 15.000,00 € -> hinweis: paid only after proof of spending, plan to pre-finance.
@checked_on_entry("financing.grant")
def reimbursement_procedure(draft: Draft, today: date) -> list[Finding]:
    grant = draft.financing.grant
    if grant is None or not 0 < grant < REIMBURSEMENT_LIMIT:
        return []
    return [
        finding(
            "hinweis",
            "reimbursement_procedure",
            "financing.grant",
            RL_VI_6,
            "Bei Einzelprojekten unter 20.000 € Zuwendung ist das Erstattungsverfahren "
            "vorgesehen: Das Geld kommt erst nach dem Nachweis der Ausgaben. Planen Sie die "
            "Vorfinanzierung ein; Einzelheiten regelt der Zuwendungsbescheid.",
        )
    ]


# Example: Fachhochschule at EG 12 -> fehler: the cap is EG 11 Stufe 3. Fachhochschule at
# S 18 (about EG 12) -> warnung; at S 11b (about EG 9b–10) -> hinweis; both name the
# approximation.
@checked_on_entry("cost.tvl", "cost.pay_group", "cost.qualification")
def personnel_above_tvl_cap(draft: Draft, today: date) -> list[Finding]:
    found: list[Finding] = []
    for i, year in enumerate(draft.cost_plan):
        for j, item in enumerate(year.personnel):
            group, qualification = item.pay_group, item.qualification
            if qualification is None or group is None:
                continue
            cap, field = TVL_CAPS[qualification], f"cost_plan[{i}].personnel[{j}].pay_group"
            post = f"{year.year}: Die Stelle „{item.role or 'ohne Bezeichnung'}“"
            if group.scale == "TVöD SuE":
                found.append(_sue_cap(post, group, qualification, cap, field))
            elif group.number > cap:
                text = (
                    f"{post} ist mit {group.label} geplant. Für {qualification.value} wird "
                    f"höchstens EG {cap} Stufe 3 gefördert; der Teil darüber ist nicht "
                    "zuwendungsfähig."
                )
                found.append(finding("fehler", "personnel_above_tvl_cap", field, RL_V_4, text))
    return found


def _sue_cap(
    post: str, group: PayGroup, qualification: Qualification, cap: int, field: str
) -> Finding:
    """Compare an SuE group with a TV-L cap through the table; never an error, it is a guess."""
    low, high = SUE_COMPARABLE_EG[group.group]
    near = f"EG {low}" if low == high else f"EG {low}–{high}"
    head = (
        f"{post} ist nach TVöD SuE in {group.label} eingruppiert, das entspricht etwa {near} "
        f"des TV-L. Für {qualification.value} wird höchstens EG {cap} Stufe 3 gefördert"
    )
    if _eg(high) <= cap:
        text = f"{head}; die Stelle liegt damit innerhalb der Obergrenze. {SUE_APPROXIMATION}"
        return finding("hinweis", "personnel_sue_within_cap", field, RL_V_4, text)
    over = "liegt damit darüber" if _eg(low) > cap else "könnte darüber liegen"
    text = (
        f"{head}; die Stelle {over}, und der Teil über der Grenze wäre nicht zuwendungsfähig. "
        f"{SUE_APPROXIMATION}"
    )
    return finding("warnung", "personnel_sue_above_cap", field, RL_V_4, text)


def _eg(label: str) -> int:
    """A TV-L group label without its letter: "9b" -> 9, as the caps are whole groups."""
    return int(label.rstrip("abc"))


# Example: input tax deduction "ja" -> warnung: enter net amounts. Not answered while costs are
# entered -> hinweis: the declaration belongs to the application.
@checked_on_entry("input_tax_deduction")
def input_tax(draft: Draft, today: date) -> list[Finding]:
    field = "input_tax_deduction"
    if draft.input_tax_deduction:
        text = (
            "Sie sind für das Vorhaben zum Vorsteuerabzug berechtigt. Abziehbare Vorsteuer ist "
            "nicht zuwendungsfähig: bitte setzen Sie alle Ausgaben netto an, ohne Umsatzsteuer."
        )
        return [finding("warnung", "input_tax_net", field, VVK_2_6, text)]
    if draft.input_tax_deduction is None and draft.total_costs is not None:
        text = (
            "Zum Antrag gehört eine Erklärung, ob die Kommune für das Vorhaben zum "
            "Vorsteuerabzug berechtigt ist. Bitte geben Sie das noch an; wenn ja, zählen nur "
            "Nettobeträge."
        )
        return [finding("hinweis", "input_tax_unanswered", field, VVK_2_6, text)]
    return []


# Example: material item "Anschaffung Dienstfahrzeug" -> warnung (stem "fahrzeug").
def investive_items(draft: Draft, today: date) -> list[Finding]:
    found: list[Finding] = []
    for i, year in enumerate(draft.cost_plan):
        for j, item in enumerate(year.material):
            text = fold_text(clean_text(item.item or ""))
            hits = [label for label, pattern in _FOLDED_INVESTIVE if pattern.search(text)]
            if not hits:
                continue
            found.append(
                finding(
                    "warnung",
                    "investive_item",
                    f"cost_plan[{i}].material[{j}].item",
                    RL_V_4,
                    f"{year.year}: „{item.item}“ klingt nach einer investiven Ausgabe "
                    f"(Stichwort: {hits[0]}). Investive Ausgaben sind nicht zuwendungsfähig; "
                    "bitte in der Beratung klären.",
                )
            )
    return found


# Example: personnel in 2027, 2028 and 2029 -> warnung about 50 % in 2029; one year -> hinweis.
def degressive_personnel(draft: Draft, today: date) -> list[Finding]:
    years = [y.year for y in draft.cost_plan if y.personnel]
    if not years:
        return []
    practice = (
        "Nach der Förderpraxis der Geschäftsstelle wird Personal drei Jahre degressiv "
        "gefördert, im dritten Jahr mit 50 %. In der RL steht das nicht: bitte in der Beratung "
        "bestätigen."
    )
    if len(years) >= 3:
        return [
            finding(
                "warnung",
                "degressive_personnel",
                "cost_plan",
                LPR_PRACTICE,
                f"Sie planen Personal für {len(years)} Jahre. {practice} Planen Sie für "
                f"{years[2]} ein, wie Sie den nicht geförderten Teil finanzieren.",
            )
        ]
    return [
        finding(
            "hinweis",
            "degressive_personnel",
            "cost_plan",
            LPR_PRACTICE,
            f"{practice} Ein Anspruch auf Folgeförderung besteht nicht ({RL_I_3}); planen "
            "Sie, wie die Stelle danach weiter finanziert wird.",
        )
    ]


# Example: any personnel item -> hinweis: attach proof of each person's qualification.
def education_proof(draft: Draft, today: date) -> list[Finding]:
    if not any(y.personnel for y in draft.cost_plan):
        return []
    return [
        finding(
            "hinweis",
            "education_proof",
            "cost_plan",
            RL_VI_3_C,
            "Für jede Person, die aus der Zuwendung bezahlt wird, gehört ein Nachweis des "
            "beruflichen Bildungsabschlusses zum Antrag.",
        )
    ]


MONEY_RULES = (
    grant_above_90_percent,
    own_share_missing,
    own_share_below_10_percent,
    financing_unbalanced,
    small_grant_without_reason,
    reimbursement_procedure,
    personnel_above_tvl_cap,
    input_tax,
    investive_items,
    degressive_personnel,
    education_proof,
)
