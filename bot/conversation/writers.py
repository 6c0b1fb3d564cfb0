"""How an answer is written into the draft: one small writer per kind of step.

Each writer also reads back what is stored, so a re-asked step can show the current value.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from bot.conversation.state import CostCursor
from bot.drafts import Draft, Forwarding, MaterialItem, PersonnelItem, YearCosts


class Apply(Protocol):
    """Writes an answer into the draft; `read` gives the value stored there now (or None)."""

    def __call__(self, draft: Draft, value: Any, cursor: CostCursor) -> None: ...

    def read(self, draft: Draft, cursor: CostCursor) -> Any: ...


class SetPath:
    """Writes the value at a dotted path: SetPath("applicant.address.plz")."""

    def __init__(self, path: str) -> None:
        *self.parents, self.leaf = path.split(".")

    def _target(self, draft: Draft) -> Any:
        target: Any = draft
        for name in self.parents:
            target = getattr(target, name)
            if target is None:
                return None
        return target

    def __call__(self, draft: Draft, value: Any, cursor: CostCursor) -> None:
        setattr(self._target(draft), self.leaf, value)

    def read(self, draft: Draft, cursor: CostCursor) -> Any:
        target = self._target(draft)
        return getattr(target, self.leaf) if target is not None else None


class NoOp:
    """A yes/no step that only chooses the branch."""

    def __call__(self, draft: Draft, value: Any, cursor: CostCursor) -> None:
        return None

    def read(self, draft: Draft, cursor: CostCursor) -> Any:
        return None


def year_costs(draft: Draft, cursor: CostCursor) -> YearCosts:
    """The year the cost steps write to, created on first use."""
    year = cursor.year or (draft.cost_plan[-1].year if draft.cost_plan else None)
    if year is None:
        raise ValueError("Bitte geben Sie zuerst das Jahr des Ausgabenplans an.")
    for entry in draft.cost_plan:
        if entry.year == year:
            return entry
    draft.cost_plan = [*draft.cost_plan, YearCosts(year=year)]
    return next(e for e in draft.cost_plan if e.year == year)


class StartYear(NoOp):
    def __call__(self, draft: Draft, value: int, cursor: CostCursor) -> None:
        cursor.year = value
        cursor.personnel = cursor.material = None
        year_costs(draft, cursor)


class NewPerson(NoOp):
    def __call__(self, draft: Draft, value: str, cursor: CostCursor) -> None:
        items = year_costs(draft, cursor).personnel
        items.append(PersonnelItem(role=value))
        cursor.personnel = len(items) - 1


class PersonField:
    """A field of the post the cursor points at (the one just added, or the one being edited)."""

    def __init__(self, field: str) -> None:
        self.field = field

    def _item(self, draft: Draft, cursor: CostCursor) -> PersonnelItem | None:
        items = year_costs(draft, cursor).personnel
        index = cursor.personnel if cursor.personnel is not None else len(items) - 1
        return items[index] if 0 <= index < len(items) else None

    def __call__(self, draft: Draft, value: Any, cursor: CostCursor) -> None:
        item = self._item(draft, cursor)
        if item is None:
            raise ValueError(
                "Diese Stelle gibt es nicht mehr. Bitte öffnen Sie den Ausgabenplan neu."
            )
        setattr(item, self.field, value)

    def read(self, draft: Draft, cursor: CostCursor) -> Any:
        item = self._item(draft, cursor)
        return getattr(item, self.field) if item is not None else None


class NewMaterial(NoOp):
    def __call__(self, draft: Draft, value: str, cursor: CostCursor) -> None:
        items = year_costs(draft, cursor).material
        items.append(MaterialItem(item=value))
        cursor.material = len(items) - 1


class MaterialField(PersonField):
    def _item(self, draft: Draft, cursor: CostCursor) -> MaterialItem | None:  # type: ignore[override]
        items = year_costs(draft, cursor).material
        index = cursor.material if cursor.material is not None else len(items) - 1
        return items[index] if 0 <= index < len(items) else None


class ForwardingSwitch(NoOp):
    def __call__(self, draft: Draft, value: bool, cursor: CostCursor) -> None:
        draft.project.forwarding = (draft.project.forwarding or Forwarding()) if value else None


class ForwardingField(SetPath):
    def __init__(self, field: str) -> None:
        super().__init__(f"project.forwarding.{field}")

    def __call__(self, draft: Draft, value: Any, cursor: CostCursor) -> None:
        if draft.project.forwarding is None:
            draft.project.forwarding = Forwarding()
        super().__call__(draft, value, cursor)


class Held(NoOp):
    def __call__(self, draft: Draft, value: bool, cursor: CostCursor) -> None:
        if not value:
            draft.consultation.held_on = None


class HeldOn(SetPath):
    def __init__(self) -> None:
        super().__init__("consultation.held_on")

    def __call__(self, draft: Draft, value: date, cursor: CostCursor) -> None:
        draft.consultation.held_on = value
        draft.consultation.requested = None
