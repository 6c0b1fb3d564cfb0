"""The Vorprüfung as a user sees it: which sections are done, what is missing, what is wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.drafts import (
    Draft,
    PayGroup,
    ReadinessReport,
    SectionCheck,
    readiness_report,
    render_text,
)
from tests.drafts.factories import TODAY


def report_of(draft: Draft) -> ReadinessReport:
    return readiness_report(draft, today=TODAY)


def section(report: ReadinessReport, key: str) -> SectionCheck:
    return next(s for s in report.sections if s.key == key)


def test_sections_follow_the_dialogue() -> None:
    keys = [s.key for s in report_of(Draft()).sections]
    assert keys == [
        "applicant",
        "contact",
        "consultation",
        "project",
        *[f"step{n}" for n in range(1, 8)],
        "cost_plan",
        "financing",
    ]


def test_an_empty_draft_is_not_ready_and_every_section_says_what_to_do() -> None:
    report = report_of(Draft())
    assert not report.ready
    assert report.findings == []
    assert all(s.state == "missing" for s in report.sections)
    assert all(s.hints for s in report.sections)


def test_a_complete_clean_draft_is_ready(good_draft: Draft) -> None:
    report = report_of(good_draft)
    assert report.ready
    assert all(s.state == "complete" for s in report.sections)
    assert "bereit" in render_text(report)


def test_a_missing_email_keeps_the_draft_from_being_ready(good_draft: Draft) -> None:
    good_draft.contact.email = None
    report = report_of(good_draft)
    contact = section(report, "contact")
    assert not report.ready
    assert contact.state == "incomplete"
    assert any("E-Mail" in hint for hint in contact.hints)


def test_a_broken_rule_shows_in_its_section_and_blocks(good_draft: Draft) -> None:
    good_draft.financing.grant = Decimal("39000")
    report = report_of(good_draft)
    financing = section(report, "financing")
    assert not report.ready
    assert financing.state == "rule_broken"
    assert {f.code for f in financing.findings} >= {"grant_above_90_percent"}


def test_a_tvl_error_lands_in_the_cost_plan(good_draft: Draft) -> None:
    good_draft.cost_plan[0].personnel[0].tvl_group = 13
    assert section(report_of(good_draft), "cost_plan").state == "rule_broken"


def test_warnings_ask_for_attention_without_blocking(good_draft: Draft) -> None:
    good_draft.cost_plan[0].material[1].item = "Anschaffung Videokamera"
    report = report_of(good_draft)
    assert report.ready
    assert section(report, "cost_plan").state == "attention"


def test_step3_without_a_measurable_target_asks_how_success_is_measured(
    good_draft: Draft,
) -> None:
    good_draft.description.step3 = (
        "Wir wollen, dass sich alle Menschen in unserer Stadt wieder sicher und wohl fühlen "
        "können, besonders die Jugendlichen im Park und die Anwohner rundherum."
    )
    step3 = section(report_of(good_draft), "step3")
    assert step3.state == "attention"
    assert any("überprüfbare Größe" in hint for hint in step3.hints)


def test_step1_without_figures_or_sources_asks_for_both(good_draft: Draft) -> None:
    good_draft.description.step1 = (
        "Im Stadtpark fühlen sich viele Menschen unsicher, es gibt immer wieder Ärger mit "
        "Gruppen, Müll und Lärm, vor allem abends und am Wochenende."
    )
    hints = " ".join(section(report_of(good_draft), "step1").hints)
    assert "Zahlen" in hints
    assert "Woher stammen" in hints


def test_step6_without_a_method_asks_how_success_is_measured(good_draft: Draft) -> None:
    good_draft.description.step6 = (
        "Am Ende schauen wir gemeinsam mit dem KPR, ob das Projekt gut gelaufen ist und was "
        "wir daraus lernen können."
    )
    hints = " ".join(section(report_of(good_draft), "step6").hints)
    assert "Wie messen Sie den Erfolg" in hints


def test_a_one_line_step_is_called_too_short(good_draft: Draft) -> None:
    good_draft.description.step4 = "Streetwork."
    hints = section(report_of(good_draft), "step4").hints
    assert any("knapp" in hint for hint in hints)


def test_an_empty_step_blocks_and_offers_the_guiding_question(good_draft: Draft) -> None:
    good_draft.description.step2 = "   "
    report = report_of(good_draft)
    assert not report.ready
    assert section(report, "step2").state == "missing"
    assert any("Leitfrage" in hint for hint in section(report, "step2").hints)


def test_incomplete_posts_name_what_is_missing(good_draft: Draft) -> None:
    good_draft.cost_plan[0].personnel[0].tvl_group = None
    cost_plan = section(report_of(good_draft), "cost_plan")
    assert cost_plan.state == "incomplete"
    assert any("TV-L-Entgeltgruppe" in hint for hint in cost_plan.hints)


def test_financing_lines_left_open_ask_for_zero(good_draft: Draft) -> None:
    good_draft.financing.third_party = None
    financing = section(report_of(good_draft), "financing")
    assert financing.state == "incomplete"
    assert any("Drittmittel" in hint and "0" in hint for hint in financing.hints)


def test_a_requested_consultation_is_a_warning_not_a_block(good_draft: Draft) -> None:
    good_draft.consultation.held_on = None
    good_draft.consultation.requested = True
    report = report_of(good_draft)
    assert section(report, "consultation").state == "attention"
    assert report.ready


def test_render_text_is_plain_text_with_markers() -> None:
    text = render_text(report_of(Draft()))
    assert "❌" in text
    assert "<" not in text
    assert "Schritt 3" in text


@pytest.mark.parametrize("marker", ["✅", "⚠️", "❌"])
def test_render_text_uses_each_marker_when_it_applies(good_draft: Draft, marker: str) -> None:
    good_draft.cost_plan[0].material[1].item = "Videokamera"  # ⚠️
    good_draft.contact.phone = None  # ❌
    assert marker in render_text(report_of(good_draft))


def test_render_text_shows_findings_with_their_fundstelle(good_draft: Draft) -> None:
    good_draft.project.in_saxony = False
    text = render_text(report_of(good_draft))
    assert "Ziffer IV Nr. 2" not in text
    assert "Ziffer IV Nr. 1" in text
    assert "Noch nicht bereit: 1 Fehler" in text


def test_report_can_be_stored_as_json(good_draft: Draft) -> None:
    good_draft.financing.grant = Decimal("39000")
    report = report_of(good_draft)
    assert ReadinessReport.model_validate(report.model_dump(mode="json")) == report


THIN_STEP3 = "Wir wollen die Sicherheit im Park verbessern."


@pytest.mark.parametrize(
    ("investive", "thin_text", "headline"),
    [
        (True, False, "⚠️ 1 Abschnitt bitte ansehen"),
        (False, True, "⚠️ 1 Abschnitt bitte ansehen"),
        (True, True, "⚠️ 2 Abschnitte bitte ansehen"),
    ],
)
def test_the_warning_count_matches_the_sections_marked_with_a_warning(
    good_draft: Draft, investive: bool, thin_text: bool, headline: str
) -> None:
    # Before: one warning finding plus a thin Beccaria text showed two ⚠️ sections under
    # "⚠️ 1 Punkt bitte in der Beratung klären".
    if investive:
        good_draft.cost_plan[0].material[1].item = "Anschaffung Videokamera"
    if thin_text:
        good_draft.description.step3 = THIN_STEP3
    text = render_text(report_of(good_draft))
    marked = [line for line in text.splitlines() if line.startswith("⚠️ ")]
    assert marked[0].startswith(headline)
    assert len(marked) - 1 == int(headline.split()[1])
    assert "Punkt" not in text


def test_no_warning_headline_without_a_warning_section(good_draft: Draft) -> None:
    assert "⚠️" not in render_text(report_of(good_draft))


def test_an_sue_post_is_not_reported_as_missing_its_pay_group(good_draft: Draft) -> None:
    good_draft.cost_plan[0].personnel[0].pay_group = PayGroup(scale="TVöD SuE", group="11b")
    cost_plan = section(report_of(good_draft), "cost_plan")
    assert cost_plan.state == "complete"  # the SuE comparison is a hint only
    assert any("Näherung" in f.message for f in cost_plan.findings)


def test_input_tax_findings_land_in_the_cost_plan(good_draft: Draft) -> None:
    good_draft.input_tax_deduction = True
    assert section(report_of(good_draft), "cost_plan").state == "attention"


def test_invisible_characters_do_not_hide_a_source(good_draft: Draft) -> None:
    good_draft.description.step1 = (
        "Im Stadtpark gab es 2025 insgesamt 48 Sachbeschädigungen; in unserer Befra\u200bgung "
        "meiden 40 % der Befragten den Park abends, vor allem Familien mit Kindern."
    )
    hints = " ".join(section(report_of(good_draft), "step1").hints)
    assert "Woher stammen" not in hints
