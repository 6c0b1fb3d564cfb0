"""Checks right after an answer: the /pruefen rules that concern the field just entered."""

# No rule is written twice: each rule carries the dialogue fields it concerns
# (`findings.checked_on_entry`), and this module only picks those rules and filters their
# findings. So a Verein hears at once what /pruefen would tell it, with the same words and
# Fundstelle. A "fehler" should stop the step (the answer cannot stand), a "warnung" or
# "hinweis" lets the dialogue go on.

from __future__ import annotations

from datetime import date

from bot.drafts.findings import Finding, entry_fields, sort_findings
from bot.drafts.models import Draft
from bot.drafts.rules import RULES

ENTRY_FIELDS: frozenset[str] = frozenset(field for rule in RULES for field in entry_fields(rule))
"""Every field key `entry_findings` answers for; any other key simply yields no findings."""


def entry_findings(
    draft: Draft, field: str, *, today: date, post: tuple[int, int] | None = None
) -> list[Finding]:
    """The findings of the rules tagged with `field`, errors first, for the answer just given.

    `draft` already holds the answer. `post` = (year, index in that year's personnel) limits
    cost findings to the post being entered, so an older post does not stop a new one.
    Example: costs 40.000,00 €, own money 3.000, in kind 1.000, third party 0; after
    "financing.grant" = 30.000,00 € -> [fehler financing_unbalanced "… Es fehlen 6.000,00 €."].
    After "applicant.kind" = Verein -> [fehler applicant_not_municipal, RL KommPräv Ziffer III].
    """
    found = [f for rule in RULES if field in entry_fields(rule) for f in rule(draft, today)]
    if post is not None:
        prefix = _post_prefix(draft, post)
        found = [f for f in found if not f.field.startswith("cost_plan[") or _within(f, prefix)]
    return sort_findings(found)


def _post_prefix(draft: Draft, post: tuple[int, int]) -> str | None:
    """ "cost_plan[0].personnel[1]" for (2027, 1) when 2027 is the first year in the plan."""
    year, index = post
    for i, entry in enumerate(draft.cost_plan):
        if entry.year == year:
            return f"cost_plan[{i}].personnel[{index}]"
    return None


def _within(f: Finding, prefix: str | None) -> bool:
    return prefix is not None and (f.field == prefix or f.field.startswith(f"{prefix}."))
