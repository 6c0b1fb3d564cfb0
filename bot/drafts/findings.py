"""What a rule check reports: a finding with its level, the rule's Fundstelle and the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict

Level = Literal["fehler", "warnung", "hinweis"]

# Most severe first, so reports and sorted lists lead with what blocks the application.
LEVEL_ORDER: dict[Level, int] = {"fehler": 0, "warnung": 1, "hinweis": 2}

# Fundstellen. VVK = VwV für Zuwendungen an kommunale Körperschaften (Anlage 3 zur VwV zu
# § 44 SäHO); ANBest-K = its general terms (Anlage 3a).
RL_I_3 = "RL KommPräv Ziffer I Nr. 3"
RL_III = "RL KommPräv Ziffer III"
RL_IV_1 = "RL KommPräv Ziffer IV Nr. 1"
RL_IV_2 = "RL KommPräv Ziffer IV Nr. 2"
RL_V_2 = "RL KommPräv Ziffer V Nr. 2"
RL_V_4 = "RL KommPräv Ziffer V Nr. 4"
RL_V_5 = "RL KommPräv Ziffer V Nr. 5"
RL_V_6 = "RL KommPräv Ziffer V Nr. 6, VVK Nr. 1.1"
RL_VI_2 = "RL KommPräv Ziffer VI Nr. 2"
RL_VI_3_C = "RL KommPräv Ziffer VI Nr. 3 Buchst. c"
RL_VI_6 = "RL KommPräv Ziffer VI Nr. 6, VVK Nr. 7.4"
VVK_1_3 = "VVK Nr. 1.3"
VVK_2_6 = "VVK Nr. 2.6 und 3.3.3"
VVK_3_3_1 = "VVK Nr. 3.3.1, ANBest-K Nr. 1.2"
ASSKOMM_OWN_SHARE = "Angabe der ASSKomm, nicht in der RL; ANBest-K Nr. 1.2"
LPR_PRACTICE = "Förderpraxis der Geschäftsstelle LPR, nicht in der RL"
PLAUSIBILITY = "Plausibilitätsprüfung, keine Vorschrift"


class Finding(BaseModel):
    """One result of a rule; `message` is German, names the rule and ends with its Fundstelle."""

    model_config = ConfigDict(frozen=True)

    level: Level
    code: str
    message: str
    section: str
    field: str


def finding(level: Level, code: str, field: str, section: str, text: str) -> Finding:
    """Build a finding whose message carries the Fundstelle, so no channel can drop it."""
    return Finding(
        level=level, code=code, message=f"{text} ({section})", section=section, field=field
    )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then hints; rule order is kept within a level."""
    return sorted(findings, key=lambda f: LEVEL_ORDER[f.level])


RuleT = TypeVar("RuleT", bound=Callable[..., list[Finding]])
_ENTRY_FIELDS: dict[Callable[..., list[Finding]], frozenset[str]] = {}


def checked_on_entry(*fields: str) -> Callable[[RuleT], RuleT]:
    """Tag a rule with the dialogue fields after whose entry it runs at once.

    The rule itself is unchanged, so `/pruefen` and the check right after an answer show the
    same text and Fundstelle; entry_checks.entry_findings only picks the rules tagged with the
    field just entered. Example: `@checked_on_entry("project.start", "project.end")` on the
    "end before start" rule.
    """

    def tag(rule: RuleT) -> RuleT:
        _ENTRY_FIELDS[rule] = frozenset(fields)
        return rule

    return tag


def entry_fields(rule: Callable[..., list[Finding]]) -> frozenset[str]:
    """The dialogue fields a rule was tagged with; empty for rules that wait for /pruefen."""
    return _ENTRY_FIELDS.get(rule, frozenset())
