"""Pydantic models of a draft funding application, filled step by step in dialogue order."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.drafts.beccaria import BECCARIA_STEPS

CENT = Decimal("0.01")


def to_cents(value: Decimal) -> Decimal:
    """Round to whole cents, commercially (half up), so sums compare exactly.

    Example: Decimal("12500.5") -> Decimal("12500.50"); Decimal("0.125") -> Decimal("0.13").
    """
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# Money is never negative in a draft: differences are computed, not stored.
Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), AfterValidator(to_cents)]
# Share of a full-time post: 0.5 is a half post; more than one post is two items.
PostShare = Annotated[Decimal, Field(gt=0, le=1, allow_inf_nan=False)]


class _Model(BaseModel):
    # Assignments are validated so that `draft.financing.grant = x` is quantized like input is;
    # unknown keys fail loudly instead of silently dropping what a user typed.
    model_config = ConfigDict(validate_assignment=True, extra="forbid", str_strip_whitespace=True)


class ApplicantKind(StrEnum):
    GEMEINDE = "Gemeinde"
    STADT = "Stadt"
    LANDKREIS = "Landkreis"
    EIGENBETRIEB = "Eigenbetrieb"
    VERWALTUNGSVERBAND = "Verwaltungsverband"
    ZWECKVERBAND = "Zweckverband"
    VEREIN = "Verein/freier Träger"
    SONSTIGE = "Sonstige"


class Qualification(StrEnum):
    BERUFSAUSBILDUNG = "Berufsausbildung"
    FACHHOCHSCHULE = "Fachhochschule"
    HOCHSCHULE = "Hochschule"
    HOCHSCHULE_FUEHRUNG = "Hochschule mit Führungsfunktion"


class Address(_Model):
    street: str | None = None
    plz: str | None = Field(default=None, pattern=r"^\d{5}$")
    city: str | None = None


class Applicant(_Model):
    name: str | None = None
    kind: ApplicantKind | None = None
    landkreis: str | None = None
    address: Address = Field(default_factory=Address)


class ContactPerson(_Model):
    name: str | None = None
    function: str | None = None
    email: str | None = None
    phone: str | None = None


class Consultation(_Model):
    """The mandatory consultation with the LPR office (RL IV Nr. 2)."""

    held_on: date | None = None
    requested: bool | None = None


class Forwarding(_Model):
    """Passing (part of) the grant on to a non-state body such as a club (RL III)."""

    recipient: str | None = None
    amount: Money | None = None


class Project(_Model):
    title: str | None = None
    place: str | None = None
    in_saxony: bool | None = None
    start: date | None = None
    end: date | None = None
    kpr_involvement: str | None = None
    partners: str | None = None
    forwarding: Forwarding | None = None


class BeccariaDescription(_Model):
    """One free text per Beccaria step; keys match `BeccariaStep.key`."""

    step1: str | None = None
    step2: str | None = None
    step3: str | None = None
    step4: str | None = None
    step5: str | None = None
    step6: str | None = None
    step7: str | None = None

    def text(self, number: int) -> str | None:
        value: str | None = getattr(self, f"step{number}")
        return value


PayScale = Literal["TV-L", "TVöD SuE"]

# TV-L: EG 1 to 15. EG 9 is split into 9a/9b in the TV-L; 9c exists only in the TVöD, but
# municipal staff are paid by the TVöD and type it, and for the caps (EG 7/11/14/15) any
# 9x is EG 9. "15Ü" and the other Ü groups are transitional and are not accepted.
TVL_GROUPS: frozenset[str] = frozenset({*(str(n) for n in range(1, 16)), "9a", "9b", "9c"})
# TVöD Sozial- und Erziehungsdienst (Anlage C, since the 2015 reform; unchanged in 2022):
# 17 groups. S 5, S 6, S 8 and S 11 no longer exist (merged or split into a/b).
SUE_GROUPS: tuple[str, ...] = (
    "2", "3", "4", "7", "8a", "8b", "9", "10", "11a", "11b", "12", "13", "14", "15", "16", "17",
    "18",
)  # fmt: skip


class PayGroup(BaseModel):
    """A post's pay group: TV-L ("EG 11", "EG 9b") or TVöD SuE ("S 11b").

    The RL caps personnel costs in TV-L groups; SuE groups are compared via a documented
    approximation (money_rules.SUE_COMPARABLE_EG). Example: PayGroup(scale="TVöD SuE",
    group="11b").label == "S 11b"; str(...) == "TVöD SuE S 11b".
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    scale: PayScale
    group: str

    @model_validator(mode="after")
    def _known_group(self) -> PayGroup:
        known = TVL_GROUPS if self.scale == "TV-L" else SUE_GROUPS
        if self.group not in known:
            raise ValueError(f"{self.scale}: die Entgeltgruppe „{self.group}“ gibt es nicht.")
        return self

    @property
    def label(self) -> str:
        return f"EG {self.group}" if self.scale == "TV-L" else f"S {self.group}"

    @property
    def number(self) -> int:
        """The group without its letter: EG 9b -> 9, S 11b -> 11."""
        return int(self.group.rstrip("abc"))

    def __str__(self) -> str:
        return f"{self.scale} {self.label}"


class PersonnelItem(_Model):
    role: str | None = None
    qualification: Qualification | None = None
    pay_group: PayGroup | None = None
    share: PostShare | None = None
    amount: Money | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy_tvl_group(cls, data: Any) -> Any:
        # Drafts saved before TVöD SuE groups were accepted hold `"tvl_group": 11`; they load
        # as PayGroup(scale="TV-L", group="11"), and an impossible 16 is refused as before.
        if isinstance(data, dict) and "tvl_group" in data:
            data = dict(data)
            old = data.pop("tvl_group")
            if old is not None and data.get("pay_group") is None:
                data["pay_group"] = {"scale": "TV-L", "group": str(old)}
        return data

    @property
    def tvl_group(self) -> int | None:
        """The TV-L group as a number (EG 9b -> 9); None for an SuE group or none yet."""
        group = self.pay_group
        return group.number if group is not None and group.scale == "TV-L" else None

    @tvl_group.setter
    def tvl_group(self, value: int | None) -> None:
        self.pay_group = None if value is None else PayGroup(scale="TV-L", group=str(value))


class MaterialItem(_Model):
    item: str | None = None
    amount: Money | None = None


class YearCosts(_Model):
    year: int = Field(ge=2000, le=2100)
    personnel: list[PersonnelItem] = Field(default_factory=list)
    material: list[MaterialItem] = Field(default_factory=list)

    @property
    def personnel_total(self) -> Decimal:
        return sum((p.amount for p in self.personnel if p.amount is not None), Decimal("0.00"))

    @property
    def material_total(self) -> Decimal:
        return sum((m.amount for m in self.material if m.amount is not None), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.personnel_total + self.material_total


class FinancingPlan(_Model):
    own_money: Money | None = None
    own_in_kind: Money | None = None
    third_party: Money | None = None
    grant: Money | None = None

    @property
    def is_complete(self) -> bool:
        """All four lines answered (0 counts): only then may the plan be summed up."""
        return None not in (self.own_money, self.own_in_kind, self.third_party, self.grant)

    @property
    def own_share(self) -> Decimal:
        return (self.own_money or Decimal("0.00")) + (self.own_in_kind or Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        parts = (self.own_money, self.own_in_kind, self.third_party, self.grant)
        return sum((p for p in parts if p is not None), Decimal("0.00"))


class Draft(_Model):
    """A draft application; every field may still be empty while the dialogue runs."""

    applicant: Applicant = Field(default_factory=Applicant)
    contact: ContactPerson = Field(default_factory=ContactPerson)
    consultation: Consultation = Field(default_factory=Consultation)
    project: Project = Field(default_factory=Project)
    # When the formal application is meant to reach the LPR; the deadline and "not begun"
    # rules fall back to today while it is unknown, and say so.
    planned_submission: date | None = None
    description: BeccariaDescription = Field(default_factory=BeccariaDescription)
    cost_plan: list[YearCosts] = Field(default_factory=list)
    financing: FinancingPlan = Field(default_factory=FinancingPlan)
    # Declaration required with the application (VVK Nr. 3.3.3); True means costs are net.
    input_tax_deduction: bool | None = None
    exception_reason: str | None = None
    late_reason: str | None = None  # why the application comes after 15 October (RL VI Nr. 2)
    already_begun: bool | None = None

    @field_validator("cost_plan")
    @classmethod
    def _one_entry_per_year(cls, value: list[YearCosts]) -> list[YearCosts]:
        # Two entries for 2027 would be summed twice in the financing check.
        years = [y.year for y in value]
        if len(years) != len(set(years)):
            raise ValueError("Jedes Jahr darf im Ausgabenplan nur einmal vorkommen.")
        return sorted(value, key=lambda y: y.year)

    @property
    def total_costs(self) -> Decimal | None:
        """Sum of all entered cost items, or None while no amount has been entered."""
        amounts = [p.amount for y in self.cost_plan for p in y.personnel if p.amount is not None]
        amounts += [m.amount for y in self.cost_plan for m in y.material if m.amount is not None]
        return sum(amounts, Decimal("0.00")) if amounts else None

    def submission_date(self, today: date) -> date:
        """The date the application is expected to arrive; today unless one is planned."""
        return self.planned_submission or today


BECCARIA_KEYS: tuple[str, ...] = tuple(step.key for step in BECCARIA_STEPS)
