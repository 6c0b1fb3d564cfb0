"""The office sees only what changed between two versions, in the printout's German."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.drafts import Draft, MaterialItem, YearCosts
from bot.drafts.diff import FieldChange, field_changes
from tests.drafts.factories import make_good_draft


def test_no_change_gives_an_empty_list() -> None:
    assert field_changes(make_good_draft(), make_good_draft()) == []
    assert field_changes(Draft(), Draft()) == []


def test_a_changed_amount_in_german_form() -> None:
    new = make_good_draft()
    new.financing.grant = Decimal("12345.67")
    changes = field_changes(make_good_draft(), new)
    assert changes[0] == FieldChange(
        "Finanzierungsplan", "Beantragte Zuwendung", "36.000,00 €", "12.345,67 €"
    )
    # The rate follows the grant; nothing else moved.
    assert [c.label for c in changes] == [
        "Beantragte Zuwendung",
        "Summe",
        "Förderquote (Zuwendung je Gesamtausgaben)",
    ]
    assert changes[2].old == "90,0 %"


def test_a_changed_text_date_and_flag() -> None:
    new = make_good_draft()
    new.project.title = "Sicher im Bürgerpark"
    new.project.start = date(2027, 3, 1)
    new.already_begun = True
    assert field_changes(make_good_draft(), new) == [
        FieldChange("Vorhaben", "Titel", "Sicher im Stadtpark", "Sicher im Bürgerpark"),
        FieldChange("Vorhaben", "Beginn", "01.01.2027", "01.03.2027"),
        FieldChange("Vorhaben", "Vorhaben bereits begonnen", "nein", "ja"),
    ]


def test_an_added_cost_item_shows_a_dash_on_the_old_side() -> None:
    new = make_good_draft()
    new.cost_plan[0].material.append(MaterialItem(item="Plakate", amount=Decimal("1234.5")))
    changes = field_changes(make_good_draft(), new)
    assert changes[:3] == [
        FieldChange(
            "Ausgabenplan", "Haushaltsjahr 2027 – Sachausgabe 3", "–", "Plakate, 1.234,50 €"
        ),
        FieldChange("Ausgabenplan", "Ausgaben 2027", "40.000,00 €", "41.234,50 €"),
        FieldChange("Ausgabenplan", "Gesamtausgaben", "40.000,00 €", "41.234,50 €"),
    ]


def test_a_removed_year_lists_its_items_one_per_line_with_a_dash_on_the_new_side() -> None:
    old = make_good_draft()
    post = {"role": "Koordination", "pay_group": {"scale": "TV-L", "group": "11"}}
    year = {
        "year": 2028,
        "personnel": [{**post, "share": "0.5", "amount": "15000"}],
        "material": [{"item": "Druck von Flyern", "amount": "500"}],
    }
    old.cost_plan = [*old.cost_plan, YearCosts.model_validate(year)]
    changes = field_changes(old, make_good_draft())
    assert changes[0] == FieldChange(
        "Ausgabenplan",
        "Haushaltsjahr 2028",
        "Personalausgabe: Koordination, –, EG 11, 0,5 Stelle (50 %), 15.000,00 €\n"
        "Sachausgabe: Druck von Flyern, 500,00 €\n"
        "Ausgaben 2028: 15.500,00 €",
        "–",
    )
    assert changes[1] == FieldChange("Ausgabenplan", "Gesamtausgaben", "55.500,00 €", "40.000,00 €")
    assert changes[2].label == "Förderquote (Zuwendung je Gesamtausgaben)"


def test_a_changed_personnel_item_is_one_line_per_item() -> None:
    new = make_good_draft()
    new.cost_plan[0].personnel[0].share = Decimal("0.75")
    change = field_changes(make_good_draft(), new)[0]
    assert change.label == "Haushaltsjahr 2027 – Personalausgabe 1"
    assert change.old == "Koordination, Fachhochschule, EG 11, 0,5 Stelle (50 %), 30.000,00 €"
    assert change.new == "Koordination, Fachhochschule, EG 11, 0,75 Stelle (75 %), 30.000,00 €"


def test_a_first_answer_shows_the_dash_for_before() -> None:
    new = Draft()
    new.applicant.name = "Gemeinde Beispielsdorf"
    assert field_changes(Draft(), new) == [
        FieldChange("Antragsteller", "Name", "–", "Gemeinde Beispielsdorf")
    ]
