"""The office's systems read the JSON export by its documented keys, with exact amounts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.drafts import Draft, MaterialItem
from bot.drafts.export_json import (
    FIELDS,
    SCHEMA,
    JsonMeta,
    draft_json,
    draft_json_bytes,
    field_table_markdown,
)
from tests.drafts.factories import make_good_draft

META = JsonMeta(
    draft_id=42,
    version=3,
    status="eingereicht",
    submitted_at=datetime(2026, 9, 14, 9, 30, tzinfo=UTC),
    exported_at=datetime(2026, 9, 15, 8, 0, tzinfo=UTC),
)


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key as a dotted path, "[]" for list elements: the naming used in FIELDS."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path} | key_paths(child, path)
    elif isinstance(value, list):
        for child in value:
            paths |= key_paths(child, prefix + "[]")
    return paths


def with_forwarding(draft: Draft) -> Draft:
    data = draft.model_dump(mode="json")
    data["project"]["forwarding"] = {"recipient": "Jugendclub e. V.", "amount": "2500"}
    return Draft.model_validate(data)


def test_every_emitted_key_is_documented_and_every_documented_key_emitted() -> None:
    documented = [f.name for f in FIELDS]
    assert len(documented) == len(set(documented))
    for draft in (make_good_draft(), with_forwarding(make_good_draft())):
        assert key_paths(draft_json(draft, META)) == set(documented)


def test_an_empty_draft_emits_no_undocumented_key() -> None:
    emitted = key_paths(draft_json(Draft(), META))
    assert emitted <= {f.name for f in FIELDS}
    assert "cost_plan.years" in emitted


def test_amounts_are_strings_with_two_decimals_exactly_as_entered() -> None:
    draft = make_good_draft()
    draft.cost_plan[0].material.append(MaterialItem(item="Plakate", amount=Decimal("1234.5")))
    draft.financing.grant = Decimal("37110.45")
    data = draft_json(draft, META)
    year = data["cost_plan"]["years"][0]
    assert year["material"][-1] == {"item": "Plakate", "amount": "1234.50"}
    assert year["personnel"][0]["amount"] == "30000.00"
    assert year["personnel"][0]["share"] == "0.5"
    assert year["total"] == "41234.50"
    assert data["cost_plan"]["total_costs"] == "41234.50"
    assert data["financing"]["grant"] == "37110.45"
    assert data["financing"]["own_share"] == "4000.00"
    assert data["financing"]["total"] == "41110.45"
    assert data["financing"]["grant_rate_percent"] == "90.00"


def test_no_float_anywhere() -> None:
    def leaves(value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [x for v in value.values() for x in leaves(v)]
        if isinstance(value, list):
            return [x for v in value for x in leaves(v)]
        return [value]

    assert not [v for v in leaves(draft_json(make_good_draft(), META)) if isinstance(v, float)]


def test_half_answered_financing_has_no_total() -> None:
    draft = make_good_draft()
    draft.financing.third_party = None
    financing = draft_json(draft, META)["financing"]
    assert financing["total"] is None
    assert financing["third_party"] is None
    assert financing["grant"] == "36000.00"


def test_bytes_round_trip_with_umlauts_dates_and_schema() -> None:
    draft = make_good_draft()
    raw = draft_json_bytes(draft, META)
    assert "Große Kreisstadt Musterstadt".encode() in raw
    assert b"\\u00" not in raw
    loaded = json.loads(raw.decode("utf-8"))
    assert loaded == draft_json(draft, META)
    assert loaded["schema"] == SCHEMA == "kommpraev-draft/1"
    assert loaded["project"]["start"] == "2027-01-01"
    assert loaded["consultation"]["held_on"] == "2026-08-20"
    assert loaded["meta"]["submitted_at"] == "2026-09-14T09:30:00+00:00"
    assert loaded["project"]["forwarding"] == {"recipient": None, "amount": None}


def test_bytes_are_indented_sorted_and_stable() -> None:
    raw = draft_json_bytes(make_good_draft(), META)
    assert raw == draft_json_bytes(make_good_draft(), META)
    assert raw.startswith(b'{\n  "applicant": {')
    top = list(json.loads(raw))
    assert top == sorted(top)


def test_field_table_lists_every_field_with_its_xflb_concept() -> None:
    table = field_table_markdown().splitlines()
    assert table[0] == "| Feld | Bedeutung | XFLB-Entsprechung (Konzept) |"
    assert len(table) == 2 + len(FIELDS)
    assert "| `applicant.name` | Name des Antragstellers | Zuwendungsempfänger – Name |" in table
    assert any(row.startswith("| `meta.draft_id` |") and row.endswith("| – |") for row in table)


def test_the_documented_field_table_is_the_one_the_code_emits() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "export-json.md").read_text("utf-8")
    assert doc.rstrip().endswith(field_table_markdown().rstrip())
