"""A complete, rule-clean draft as a municipality would hand it in, and finding helpers."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.drafts import Draft, Finding

# Early September: inside the window for a project starting next January.
TODAY = date(2026, 9, 1)

GOOD_DRAFT: dict[str, Any] = {
    "applicant": {
        "name": "Große Kreisstadt Musterstadt",
        "kind": "Stadt",
        "landkreis": "Bautzen",
        "address": {"street": "Markt 1", "plz": "02625", "city": "Musterstadt"},
    },
    "contact": {
        "name": "Anna Beispiel",
        "function": "Sachgebietsleiterin Ordnung",
        "email": "anna.beispiel@musterstadt.de",
        "phone": "03591 123-456",
    },
    "consultation": {"held_on": "2026-08-20"},
    "project": {
        "title": "Sicher im Stadtpark",
        "place": "Stadtpark Musterstadt",
        "in_saxony": True,
        "start": "2027-01-01",
        "end": "2027-12-31",
        "kpr_involvement": "Der KPR hat das Projekt beschlossen und steuert es.",
        "partners": "Polizeirevier, Jugendhilfe",
    },
    "planned_submission": "2026-09-15",
    "description": {
        "step1": "Laut Polizeilagebild gab es im Stadtpark 2025 insgesamt 48 Sachbeschädigungen "
        "und 12 Körperverletzungen, doppelt so viele wie 2023; in der Bürgerbefragung meiden "
        "40 % der Befragten den Park abends.",
        "step2": "Der Park ist schlecht einsehbar, es fehlen Treffpunkte für Jugendliche, und "
        "die soziale Kontrolle am Abend ist gering; das zeigt die Sicherheitsanalyse von 2024.",
        "step3": "Präventionsziel ist ein sicherer Park. Projektziel: die Zahl der "
        "Sachbeschädigungen bis Ende 2027 um 25 % senken; Zielgruppe sind Jugendliche zwischen "
        "14 und 18 Jahren sowie die Anwohner.",
        "step4": "Aufsuchende Jugendarbeit an drei Abenden pro Woche, gemeinsame Parkaktionen "
        "mit Anwohnern und Beteiligung der Jugendlichen an der Gestaltung; der Ansatz ist in "
        "anderen Städten erprobt.",
        "step5": "Im ersten Quartal Einstellung der Koordination, ab April aufsuchende Arbeit, "
        "Meilenstein im Juni mit dem KPR, Zwischenbericht im Oktober; verantwortlich ist das "
        "Ordnungsamt.",
        "step6": "Wir messen die Zahl der Sachbeschädigungen vorher und nachher anhand der "
        "Polizeistatistik und wiederholen die Befragung der Anwohner Ende 2027.",
        "step7": "Die Ergebnisse fassen wir in einem Abschlussbericht zusammen, stellen sie im "
        "KPR vor und entscheiden über eine Verstetigung aus dem städtischen Haushalt.",
    },
    "cost_plan": [
        {
            "year": 2027,
            "personnel": [
                {
                    "role": "Koordination",
                    "qualification": "Fachhochschule",
                    "pay_group": {"scale": "TV-L", "group": "11"},
                    "share": "0.5",
                    "amount": "30000",
                }
            ],
            "material": [
                {"item": "Honorare für Workshops", "amount": "6000"},
                {"item": "Druck von Flyern", "amount": "4000"},
            ],
        }
    ],
    "financing": {
        "own_money": "3000",
        "own_in_kind": "1000",
        "third_party": "0",
        "grant": "36000",
    },
    "input_tax_deduction": False,
    "already_begun": False,
}


def make_good_draft() -> Draft:
    """Costs 40.000,00 €, grant 36.000,00 € (90 %), own share 4.000,00 € (10 %)."""
    return Draft.model_validate(GOOD_DRAFT)


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def only(findings: list[Finding], code: str) -> Finding:
    """The single finding with this code; fails loudly if there is none or several."""
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, f"expected one {code!r}, got {[f.code for f in findings]}"
    return matching[0]
