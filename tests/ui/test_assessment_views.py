"""The assessment page after its split (issue 10, code review §2.3): the Qt-free presenter, the shared
report widgets, and the page's behaviour the walk asked for — findings named in words with their
sources on hover, the "Change the plan" box hidden for STOP and INCOMPLETE, the starting focus, a
fresh view for each visit, mnemonics that focus and never tick, and the wheel guard over the plan."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from wizard_driver import INCOMPLETE, LDN_OPTION, STOP, DialogLog, WizardDriver, settle_focus, wheel_over

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.schema import plain_number
from ldn_aid.domain.assessment import Outcome
from ldn_aid.domain.protocol import Step
from ldn_aid.rules import decide
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.ui.present import assessment as present
from ldn_aid.ui.widgets.sources import short_citation
from ldn_aid.ui.widgets.step_table import StepTable
from ldn_aid.visit_file import load_visit

CASES = Path(__file__).resolve().parent / "cases"
GUIDELINE_CASE = CASES / "guideline_first_no_ack.json"


# ---- the presenter, without a window --------------------------------------------------------------


def test_plan_problems_name_each_blocker_where_it_is_lifted() -> None:
    blockers = {"change_reason_missing": "Write a reason.", "no_follow_up": "No review."}
    found = present.plan_problems({}, visit_valid=True, blockers=blockers)
    assert found == {"plan.change_reason": "Write a reason.", "gate:no_follow_up": "No review."}
    refused = present.plan_problems(
        {"plan.target_mg": "Input should be a valid decimal"}, visit_valid=False, blockers={}
    )
    assert refused == {"plan.target_mg": "Type a number of mg, such as 3.5."}
    typo = present.plan_problems(
        {"plan.target_mg": "Value error, must be a number, not text in quotes"},
        visit_valid=False,
        blockers={},
    )
    assert typo == refused
    assert present.plan_problems({}, visit_valid=False, blockers={}) == {"visit": present.VISIT_INVALID}


def test_readable_error_reads_as_a_sentence() -> None:
    assert (
        present.readable_error("Value error, target_mg must be at most 4.5")
        == "The target must be at most 4.5."
    )
    assert present.readable_error("Input should be a valid decimal") == "Type a number of mg, such as 3.5."


def test_the_plan_box_is_hidden_for_stop_and_incomplete_unless_a_value_needs_fixing() -> None:
    for outcome in (Outcome.STOP, Outcome.INCOMPLETE):
        assert not present.plan_changeable(outcome, protocol=False, refused=False, blocked=True)
        assert present.plan_changeable(outcome, protocol=False, refused=True, blocked=False)
    assert present.plan_changeable(Outcome.LDN_OPTION, protocol=True, refused=False, blocked=False)
    assert not present.plan_changeable(Outcome.GUIDELINE_FIRST, protocol=False, refused=False, blocked=False)


def test_signoffs_are_asked_by_age(content: ContentBundle) -> None:
    assert present.signoffs_asked(content, 7) == {present.SIGNOFF_PATH: True, present.LONGER_TRIAL_PATH: True}
    assert present.signoffs_asked(content, 12) == {
        present.SIGNOFF_PATH: False,
        present.LONGER_TRIAL_PATH: True,
    }
    assert present.signoffs_asked(content, 30) == {
        present.SIGNOFF_PATH: False,
        present.LONGER_TRIAL_PATH: False,
    }
    assert present.signoffs_asked(content, None) == {
        present.SIGNOFF_PATH: False,
        present.LONGER_TRIAL_PATH: False,
    }
    assert present.signoffs_asked(content, True) == {
        present.SIGNOFF_PATH: False,
        present.LONGER_TRIAL_PATH: False,
    }


def test_untried_guideline_medicines_are_named_from_the_core(content: ContentBundle) -> None:
    visit = load_visit(GUIDELINE_CASE)
    assert present.untried_guideline(content, visit) == (
        "atomoxetine",
        "guanfacine or clonidine",
        "viloxazine",
    )
    assert present.untried_guideline(content, None) == ()


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_screening_finding_has_a_label_and_every_label_is_words(language: str) -> None:
    bundle = load_content(language)
    for rule_id in bundle.rules.rules:
        label = present.finding_label(bundle, rule_id)
        assert label, rule_id
        assert "_" not in label, (rule_id, label)
        if not rule_id.startswith("followup_"):
            assert bundle.language.findings[rule_id].label == label


def test_a_short_citation_names_the_first_author_and_year(content: ContentBundle) -> None:
    references = content.rules.references
    assert short_citation("SM13", references["SM13"]).startswith("Smith JP et al.")
    assert "2013" in short_citation("SM13", references["SM13"])
    assert short_citation("NOPE", None) == "NOPE"


def test_the_protocol_line_keeps_the_units_as_written(content: ContentBundle) -> None:
    protocol = decide(load_visit(CASES / "child_target_above_ceiling.json")).protocol
    assert protocol is not None
    line = present.protocol_line(content, protocol)
    assert line.startswith(
        " → ".join(plain_number(step.dose_mg) for step in protocol.steps) + " mg, oral liquid"
    )
    # Doses are written the safe-medication way: never a trailing zero ("3.0 mg" is misread as 30 mg).
    assert not re.search(r"\d\.0\b", line), line
    assert "mg/mL" in line
    assert line.endswith(f"{protocol.step_weeks}-week steps")


# ---- the shared widgets -----------------------------------------------------------------------------


def test_the_step_table_shows_the_volume_only_for_a_liquid(qtbot: QtBot) -> None:
    table = StepTable("steps", "Dose steps")
    qtbot.addWidget(table)
    day = dt.date(2026, 3, 2)
    capsules = [Step(start=day, dose_mg=Decimal("1.5"), volume_ml=None)]
    table.show(capsules, liquid=False)
    assert table.isColumnHidden(3)
    assert [table.item(0, c).text() for c in range(4)] == ["1", "2026-03-02 (Mon)", "1.5", "—"]
    table.show([Step(start=day, dose_mg=Decimal("1.5"), volume_ml=Decimal("1.5"))])
    assert not table.isColumnHidden(3)
    assert table.item(0, 3).text() == "1.5"
    assert table.focusPolicy() == Qt.FocusPolicy.NoFocus


# ---- the page ----------------------------------------------------------------------------------------


def test_findings_are_named_by_label_with_sources_in_words_and_citations_on_hover(
    window: MainWindow, driver: WizardDriver, content: ContentBundle
) -> None:
    driver.fill(STOP, stop_at=PageId.ASSESSMENT)
    page = window.wizard.assessment_page
    finding = page.findChild(QWidget, "finding:opioid_agonist_treatment")
    assert finding is not None
    assert finding.isVisible()
    texts = [label.text() for label in finding.findChildren(QLabel)]
    assert any("Methadone or buprenorphine treatment" in text for text in texts)
    assert not any("opioid_agonist_treatment" in text for text in texts)
    sources = next(label for label in finding.findChildren(QLabel) if label.text().startswith("Sources:"))
    first = next(f for f in window.state.assessment.findings if f.rule_id == "opioid_agonist_treatment")  # type: ignore[union-attr]
    for ref_id in first.references:
        reference = content.rules.references[ref_id]
        assert short_citation(ref_id, reference) in sources.text()
        assert reference.citation.split(".")[0] in sources.toolTip()


def test_stop_hides_the_change_the_plan_box(window: MainWindow, driver: WizardDriver) -> None:
    driver.fill(STOP, stop_at=PageId.ASSESSMENT)
    box = window.wizard.assessment_page.findChild(QWidget, "assessment.plan_controls")
    assert box is not None
    assert box.isHidden()
    assert window.wizard.assessment_page.findChild(QLabel, "assessment.no_protocol").isVisible()


def test_incomplete_hides_the_plan_box_and_starts_on_the_first_missing_answers_link(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.fill(INCOMPLETE, stop_at=PageId.ASSESSMENT)
    page = window.wizard.assessment_page
    assert page.findChild(QWidget, "assessment.plan_controls").isHidden()
    focused = settle_focus(qtbot, window.wizard)
    assert focused is not None
    assert focused.objectName() == "missing:ldn_screen.planned_surgery"


def test_guideline_first_starts_on_the_acknowledgement_and_alt_i_focuses_without_ticking(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    assert window.open_visit(GUIDELINE_CASE)
    driver.go_to(PageId.ASSESSMENT)
    page = window.wizard.assessment_page
    assert settle_focus(qtbot, window.wizard) is page.acknowledge
    untried = page.findChild(QLabel, "assessment.acknowledge_guideline_first:untried")
    assert untried.isVisible()
    assert "atomoxetine" in untried.text()
    # Away and back with Alt+I: the box has the focus, and it is still not ticked.
    page.start_date.setFocus()
    qtbot.waitUntil(page.start_date.hasFocus, timeout=1000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(page.acknowledge.hasFocus, timeout=1000)
    assert not page.acknowledge.isChecked()
    assert window.state.get("plan.guideline_options_discussed") is not True
    # Tab goes on down the page, to the first plan control.
    qtbot.keyClick(page.acknowledge, Qt.Key.Key_Tab)
    assert page.start_date.hasFocus() or QApplication.focusWidget() in page.start_date.findChildren(QWidget)


def test_a_changed_plan_starts_on_the_reason_and_a_clean_plan_on_next(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.fill(LDN_OPTION, stop_at=PageId.ASSESSMENT)
    page = window.wizard.assessment_page
    assert page.first_focus() is None  # nothing to fix: the wizard focuses Next
    assert settle_focus(qtbot, window.wizard) is driver.next_button
    page.schedule.setCurrentIndex(page.schedule.findData("gentle"))
    assert page.first_focus() is page.change_reason


def test_the_wheel_over_the_unfocused_weeks_between_steps_leaves_it(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.fill(LDN_OPTION, stop_at=PageId.ASSESSMENT)
    page = window.wizard.assessment_page
    weeks = page.step_weeks
    assert weeks.value() == 2
    page.change_reason.setFocus()
    qtbot.waitUntil(page.change_reason.hasFocus, timeout=1000)
    for notches in (-1, 1, -1):
        wheel_over(weeks, notches)
    assert weeks.value() == 2
    assert window.state.get("plan.step_weeks") in (None, 2)


def test_a_new_visit_opens_the_assessment_at_the_top(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog
) -> None:
    driver.fill(STOP, stop_at=PageId.ASSESSMENT)
    page = window.wizard.assessment_page
    window.resize(900, 500)
    QApplication.processEvents()
    bar = page.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    dialog_log.discard_answers.append("discard")
    assert window.open_visit(GUIDELINE_CASE)
    QApplication.processEvents()
    assert bar.value() == 0
