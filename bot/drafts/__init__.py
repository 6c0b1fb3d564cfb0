"""Draft applications under the RL KommPräv: models, German parsing, rules and reports."""

# Pure and channel-independent: nothing here imports chat, web or database code
# (tests/drafts/test_models.py keeps it that way).

from bot.drafts.beccaria import BECCARIA_STEPS, BeccariaStep
from bot.drafts.findings import LEVEL_ORDER, Finding, Level
from bot.drafts.models import (
    Address,
    Applicant,
    ApplicantKind,
    BeccariaDescription,
    Consultation,
    ContactPerson,
    Draft,
    FinancingPlan,
    Forwarding,
    MaterialItem,
    PersonnelItem,
    Project,
    Qualification,
    YearCosts,
)
from bot.drafts.money_rules import TVL_CAPS
from bot.drafts.parsing import (
    ParsedDate,
    ParseError,
    parse_amount,
    parse_date,
    parse_date_detailed,
    parse_email,
    parse_phone,
    parse_plz,
    parse_share,
    parse_tvl_group,
    parse_year,
    parse_yes_no,
    plz_in_saxony,
)
from bot.drafts.readiness import (
    ReadinessReport,
    SectionCheck,
    SectionState,
    readiness_report,
    render_text,
)
from bot.drafts.rules import RULES, check
from bot.drafts.summary import (
    format_amount,
    format_date,
    format_percent,
    format_share,
    render_summary,
)

__all__ = [
    "BECCARIA_STEPS",
    "LEVEL_ORDER",
    "RULES",
    "TVL_CAPS",
    "Address",
    "Applicant",
    "ApplicantKind",
    "BeccariaDescription",
    "BeccariaStep",
    "Consultation",
    "ContactPerson",
    "Draft",
    "FinancingPlan",
    "Finding",
    "Forwarding",
    "Level",
    "MaterialItem",
    "ParseError",
    "ParsedDate",
    "PersonnelItem",
    "Project",
    "Qualification",
    "ReadinessReport",
    "SectionCheck",
    "SectionState",
    "YearCosts",
    "check",
    "format_amount",
    "format_date",
    "format_percent",
    "format_share",
    "parse_amount",
    "parse_date",
    "parse_date_detailed",
    "parse_email",
    "parse_phone",
    "parse_plz",
    "parse_share",
    "parse_tvl_group",
    "parse_year",
    "parse_yes_no",
    "plz_in_saxony",
    "readiness_report",
    "render_summary",
    "render_text",
]
