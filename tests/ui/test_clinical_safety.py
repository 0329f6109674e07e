"""The wizard keeps the clinical-safety promises (issue 9): questions asked where they apply, a review
added only with its safety questions answered, and nothing printed that the core's gate refuses, the
same gate the command line obeys."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFrame, QLabel, QPushButton, QSpinBox, QWidget
from pytestqt.qtbot import QtBot
from wizard_driver import LDN_OPTION, WizardDriver, answer_review, child, choose

from ldn_aid import cli
from ldn_aid.content import ContentBundle
from ldn_aid.content.words import blocker_text, question_text
from ldn_aid.domain.followup import SAFETY_ITEMS
from ldn_aid.rules import decide
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.followup import FollowUpPage
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.visit_file import load_visit, save_visit

CASES = Path(__file__).resolve().parent / "cases"
ADVANCE = CASES / "followup_advance.json"
MAN = CASES / "followup_man.json"
GUIDELINE_NO_ACK = CASES / "guideline_first_no_ack.json"
CHILD_ABOVE_CEILING = CASES / "child_target_above_ceiling.json"
FORMAT_1 = CASES / "format1_followup.json"
# The safety questions a review asks of everyone (the last opioid dose only after an opioid, the
# urine opioid screen only before a restart after an opioid stop where screening needed one).
ALWAYS_ASKED = tuple(name for name in SAFETY_ITEMS if name not in ("last_opioid_dose", "urine_opioid_screen"))


def open_on_follow_up(window: MainWindow, path: Path) -> FollowUpPage:
    assert window.open_visit(path)
    assert window.wizard.currentId() == PageId.FOLLOW_UP
    return window.wizard.follow_up_page


def variant(tmp_path: Path, source: Path, change: Any) -> Path:
    data = json.loads(source.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / source.name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# ---- the follow-up form: no review without its safety questions ------------------------------------


def test_add_review_is_refused_while_safety_questions_are_unanswered_and_names_them(
    window: MainWindow, content: ContentBundle, qtbot: QtBot
) -> None:
    page = open_on_follow_up(window, ADVANCE)
    error = child(page, QLabel, "followup.new.error")
    # Every safety item starts "not asked", and so does the number of days without LDN.
    for name in ALWAYS_ASKED:
        assert child(page, QComboBox, f"followup.new.safety.{name}").currentData() is None
    assert child(page, QSpinBox, "followup.new.days_without_ldn").text() == "— not asked —"

    qtbot.mouseClick(child(page, QPushButton, "followup.add"), Qt.MouseButton.LeftButton)
    assert window.state.visit is not None
    assert len(window.state.visit.follow_ups) == 2  # not added
    assert error.isVisible()
    for name in ALWAYS_ASKED:
        assert question_text(content, f"follow_ups.safety.{name}") in error.text()
    assert question_text(content, "follow_ups.days_without_ldn") in error.text()
    # (The last opioid dose is asked only after an opioid: not named here.)
    assert question_text(content, "follow_ups.safety.last_opioid_dose") not in error.text()

    # Answer all but two: the refusal names exactly those two, as the rules do.
    answer_review(page, pregnancy=None, suicidal_thoughts=None)
    assert not page.add_review()
    named = [
        question_text(content, f"follow_ups.{field}")
        for field in (*(f"safety.{name}" for name in SAFETY_ITEMS), "days_without_ldn")
        if question_text(content, f"follow_ups.{field}") in error.text()
    ]
    assert named == [
        question_text(content, "follow_ups.safety.pregnancy"),
        question_text(content, "follow_ups.safety.suicidal_thoughts"),
    ]
    assert len(window.state.visit.follow_ups) == 2
    # The unanswered inputs are outlined, and the first one has the focus.
    assert child(page, QComboBox, "followup.new.safety.pregnancy").styleSheet()
    assert not child(page, QComboBox, "followup.new.safety.allergic_reaction").styleSheet()

    choose(page, "followup.new.safety.pregnancy", "no")
    choose(page, "followup.new.safety.suicidal_thoughts", "no")
    assert page.add_review()
    assert not error.isVisible()
    assert len(window.state.visit.follow_ups) == 3
    latest = window.state.visit.follow_ups[-1]
    assert latest.days_without_ldn == 0
    assert all(getattr(latest.safety, name) is not None for name in ALWAYS_ASKED)


def test_the_follow_up_form_asks_pregnancy_of_no_man_and_the_last_opioid_dose_only_after_an_opioid(
    window: MainWindow, content: ContentBundle
) -> None:
    page = open_on_follow_up(window, MAN)
    error = child(page, QLabel, "followup.new.error")
    last_dose = child(page, QCheckBox, "followup.new.safety.last_opioid_dose:known")
    assert not last_dose.isEnabled()
    # Pregnancy is not asked of a man: its row is not on the form.
    assert not page.is_asked("safety.pregnancy")
    assert not child(page, QComboBox, "followup.new.safety.pregnancy").isVisible()
    # An opioid was taken: now the date of the last dose is asked, and needed.
    answer_review(page, opioid_needed_or_taken="yes")
    assert last_dose.isEnabled()
    assert not page.add_review()
    assert question_text(content, "follow_ups.safety.last_opioid_dose") in error.text()
    assert question_text(content, "follow_ups.safety.pregnancy") not in error.text()

    last_dose.setChecked(True)
    child(page, QDateEdit, "followup.new.safety.last_opioid_dose:date").setDate(QDate(2027, 1, 8))
    assert page.add_review()  # pregnancy left unasked: not needed for male sex at birth
    visit = window.state.visit
    assert visit is not None
    assert visit.follow_ups[-1].safety.pregnancy is None
    assert page.decision is not None
    assert page.decision.decision == "stop"


# ---- questions asked where they apply ---------------------------------------------------------------


@pytest.mark.parametrize(
    "medicine", ["methylphenidate", "amphetamine", "atomoxetine", "alpha2_agonist", "viloxazine"]
)
def test_the_adequate_trial_question_appears_only_for_no_benefit(driver: WizardDriver, medicine: str) -> None:
    driver.next()
    assert driver.page_id == PageId.DIAGNOSIS
    question = f"history.{medicine}_adequate_trial"
    assert not driver.field(question).isVisible()
    for outcome in ("helped", "partial", "side_effects"):
        driver.answer(f"history.{medicine}", outcome)
        assert not driver.field(question).isVisible(), outcome
    driver.answer(f"history.{medicine}", "no_benefit")
    assert driver.field(question).isVisible()
    assert driver.state.assessment is not None
    assert question in driver.state.assessment.missing  # the rules need it now
    driver.answer(question, "yes")
    assert driver.state.get(question) == "yes"
    # Another outcome: the question no longer applies, so it goes, answer and all.
    driver.answer(f"history.{medicine}", "helped")
    assert not driver.field(question).isVisible()
    assert driver.state.get(question) is None


def test_a_migrated_non_stimulant_answer_is_shown_read_only(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    assert window.open_visit(FORMAT_1)
    driver.go_to(PageId.DIAGNOSIS)
    field = driver.field("history.non_stimulant_unspecified")
    assert field.isVisible()
    assert field.value() == "side_effects"
    assert not field.combo.isEnabled()
    assert "non_stimulant_unspecified" in [f.rule_id for f in window.state.assessment.findings]  # type: ignore[union-attr]
    # It can only be removed, and only once the clinician has said which non-stimulant it was.
    remove = child(window.wizard, QPushButton, "history.non_stimulant_unspecified:remove")
    assert not remove.isEnabled()
    driver.answer("history.atomoxetine", "side_effects")
    assert remove.isEnabled()
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert window.state.get("history.non_stimulant_unspecified") is None
    assert not field.isVisible()
    assert "non_stimulant_unspecified" not in [f.rule_id for f in window.state.assessment.findings]  # type: ignore[union-attr]
    window.state.mark_saved()
    window.new_visit(confirm=False)
    driver.go_to(PageId.DIAGNOSIS)
    assert not driver.field("history.non_stimulant_unspecified").isVisible()


def test_the_urine_opioid_screen_is_asked_only_after_past_opioid_use_disorder_or_doubt(
    driver: WizardDriver,
) -> None:
    driver.go_to(PageId.LDN_SCREEN)
    urine = "ldn_screen.urine_opioid_screen"
    assert not driver.field(urine).isVisible()
    driver.answer("ldn_screen.past_opioid_use_disorder", "no")
    driver.answer("ldn_screen.doubt_about_recent_opioids", "no")
    assert not driver.field(urine).isVisible()
    assert urine not in driver.state.assessment.missing  # type: ignore[union-attr]

    driver.answer("ldn_screen.past_opioid_use_disorder", "yes")
    assert driver.field(urine).isVisible()
    assert urine in driver.state.assessment.missing  # type: ignore[union-attr]
    combo = driver.field(urine).combo
    assert [combo.itemData(i) for i in range(combo.count())] == [None, "negative", "positive", "not_done"]
    driver.answer(urine, "not_done")
    assert urine in driver.state.assessment.missing  # type: ignore[union-attr]  # not done is not enough
    driver.answer(urine, "negative")
    assert urine not in driver.state.assessment.missing  # type: ignore[union-attr]
    driver.answer("ldn_screen.past_opioid_use_disorder", "no")
    assert not driver.field(urine).isVisible()
    assert driver.state.get(urine) is None

    driver.answer("ldn_screen.doubt_about_recent_opioids", "yes")
    assert driver.field(urine).isVisible()


def test_pregnancy_is_not_required_for_a_man(driver: WizardDriver) -> None:
    driver.answer("patient.sex_at_birth", "male")
    driver.go_to(PageId.LDN_SCREEN)
    for path in ("ldn_screen.pregnancy", "ldn_screen.childbearing_potential"):
        assert not driver.field(path).isVisible()
    for path, value in LDN_OPTION.items():
        if path.startswith("ldn_screen.") and driver.shown(path):
            driver.answer(path, value)
    assert driver.state.assessment is not None
    assert not [path for path in driver.state.assessment.missing if path.startswith("ldn_screen.")]

    # Not male: pregnancy and child-bearing potential are asked, and pregnancy is needed.
    driver.go_to(PageId.PATIENT)
    driver.answer("patient.sex_at_birth", "female")
    driver.go_to(PageId.LDN_SCREEN)
    assert driver.field("ldn_screen.pregnancy").isVisible()
    assert driver.field("ldn_screen.childbearing_potential").isVisible()
    assert "ldn_screen.pregnancy" in driver.state.assessment.missing


def test_a_recorded_pregnancy_answer_goes_when_sex_at_birth_becomes_male(driver: WizardDriver) -> None:
    driver.go_to(PageId.LDN_SCREEN)
    driver.answer("ldn_screen.pregnancy", "no")
    driver.answer("ldn_screen.childbearing_potential", "yes")
    driver.go_to(PageId.PATIENT)
    driver.answer("patient.sex_at_birth", "male")
    assert driver.state.get("ldn_screen.pregnancy") is None
    assert driver.state.get("ldn_screen.childbearing_potential") is None
    driver.go_to(PageId.LDN_SCREEN)
    assert not driver.field("ldn_screen.pregnancy").isVisible()
    assert driver.field("ldn_screen.pregnancy").combo.currentData() is None


def test_an_implausible_weight_asks_for_confirmation(driver: WizardDriver) -> None:
    confirm = "patient.weight_confirmed"
    driver.answer("patient.age_years", 8)
    driver.answer("patient.weight_kg", 26)
    assert not driver.field(confirm).isVisible()
    driver.answer("patient.weight_kg", 60)  # 60 kg at 8: a pound value typed as kg?
    assert driver.state.assessment is not None
    assert confirm in driver.state.assessment.missing
    assert driver.field(confirm).isVisible()
    driver.answer(confirm, True)
    assert driver.state.get(confirm) is True
    assert confirm not in driver.state.assessment.missing
    # A new weight needs a new confirmation.
    driver.answer("patient.weight_kg", 61)
    assert driver.state.get(confirm) is None
    assert confirm in driver.state.assessment.missing


# ---- the plan and printing obey the core's gate -----------------------------------------------------


def test_a_target_above_a_childs_ceiling_is_refused_naming_the_ceiling_and_blocks_printing(
    window: MainWindow, driver: WizardDriver, content: ContentBundle
) -> None:
    assert window.open_visit(CHILD_ABOVE_CEILING)
    driver.go_to(PageId.ASSESSMENT)
    decision = window.state.decision
    assert decision is not None
    protocol = decision.protocol
    assert protocol is not None
    assert str(protocol.ceiling_mg.normalize()) == "3"  # 0.1 mg/kg of 30 kg
    assert protocol.refused_target_mg is not None  # kept to be named, never used as a dose
    assert all(step.dose_mg <= protocol.ceiling_mg for step in protocol.steps)
    assert "target_above_ceiling" in decision.handout_gate.blockers
    assert decision.handout_gate.params["ceiling_mg"] == "3"

    page = window.wizard.assessment_page
    message = child(page, QLabel, "plan.target_mg:error")
    assert message.isVisible()
    expected = blocker_text(content, "target_above_ceiling", decision.handout_gate.params)
    assert message.text() == expected
    assert "3" in expected
    # The typed target is still what the clinician typed: refused, not silently replaced.
    assert page.target_mg.text() == "4.0"
    assert Decimal(str(window.state.get("plan.target_mg"))) == Decimal("4")
    assert protocol.refused_target_mg == Decimal("4")
    gate = child(page, QFrame, "assessment.gate")
    assert gate.isVisible()
    assert expected in child(page, QLabel, "assessment.gate:blockers").text()
    assert not driver.next_enabled()
    assert not window.wizard.go_to(PageId.HANDOUT)

    # The handout page, reached anyway, shows why and prints nothing.
    handout = window.wizard.handout_page
    handout.refresh_preview()
    assert handout.pdf_bytes == b""
    assert not handout.print_button.isEnabled()
    assert not handout.save_button.isEnabled()
    assert expected in handout.message.text()

    # A target at or below the ceiling is used and lifts the refusal.
    driver.qtbot.keyClick(page.target_mg, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    driver.qtbot.keyClicks(page.target_mg, "2.5")
    assert window.state.decision is not None
    assert "target_above_ceiling" not in window.state.decision.handout_gate.blockers
    assert not message.isVisible()


def test_guideline_first_without_the_tick_cannot_print_the_same_gate_as_the_command_line(
    window: MainWindow,
    driver: WizardDriver,
    content: ContentBundle,
    qtbot: QtBot,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert window.open_visit(GUIDELINE_NO_ACK)
    decision = window.state.decision
    assert decision is not None
    assert decision.assessment.outcome.value == "guideline_first"
    assert decision.handout_gate.blockers == ("guideline_ack_missing",)
    words = blocker_text(content, "guideline_ack_missing")

    driver.go_to(PageId.ASSESSMENT)
    page = window.wizard.assessment_page
    assert not driver.next_enabled()
    assert words in child(page, QLabel, "assessment.gate:blockers").text()
    assert words in child(window.wizard, QLabel, "outcome_panel.detail").text()
    handout = window.wizard.handout_page
    handout.refresh_preview()
    assert handout.pdf_bytes == b""
    assert not handout.print_button.isEnabled()
    assert not handout.save_button.isEnabled()
    assert words in handout.message.text()
    # The command line refuses the same visit.
    out = tmp_path / "handout.pdf"
    assert cli.main(["handout", str(GUIDELINE_NO_ACK), "-o", str(out)]) == 2
    assert not out.exists()
    assert words in capsys.readouterr().err

    # With the tick, both print, and the same bytes.
    qtbot.keyClick(page.acknowledge, Qt.Key.Key_Space)
    assert driver.next_enabled()
    driver.next()
    assert driver.page_id == PageId.HANDOUT
    qtbot.waitUntil(lambda: handout.pdf_bytes.startswith(b"%PDF"), timeout=5000)
    assert handout.print_button.isEnabled()
    saved = tmp_path / "ticked.json"
    assert window.state.visit is not None
    save_visit(window.state.visit, saved)
    assert cli.main(["handout", str(saved), "-o", str(out)]) == 0
    assert handout.pdf_bytes == out.read_bytes()


def test_a_child_under_the_youngest_age_needs_the_specialist_sign_off(driver: WizardDriver) -> None:
    driver.answer("patient.age_years", 7)
    driver.answer("patient.weight_kg", 23)
    driver.go_to(PageId.ASSESSMENT)
    page = driver.wizard.assessment_page
    signoff = page.signoff
    assert signoff.isVisible()
    assert signoff.isEnabled()  # asked with or without a protocol
    assert driver.state.assessment is not None
    assert "age_under_min" in [f.rule_id for f in driver.state.assessment.findings]
    driver.qtbot.keyClick(signoff, Qt.Key.Key_Space)
    assert driver.state.get("plan.specialist_signoff") is True
    assert "age_under_min" not in [f.rule_id for f in driver.state.assessment.findings]
    # An adult is not asked.
    driver.go_to(PageId.PATIENT)
    driver.answer("patient.age_years", 30)
    driver.go_to(PageId.ASSESSMENT)
    assert signoff.isVisible()  # still ticked, so still shown: a recorded sign-off is never hidden
    driver.qtbot.keyClick(signoff, Qt.Key.Key_Space)
    assert driver.state.get("plan.specialist_signoff") is None
    page.refresh()
    assert not signoff.isVisible()


# ---- decisions with no plan, and a restart ----------------------------------------------------------


def test_a_follow_up_on_a_visit_without_a_plan_gives_no_dose_and_says_why(
    window: MainWindow, content: ContentBundle
) -> None:
    # A format-1 file: the new questions are unanswered, so the first visit has no plan.
    page = open_on_follow_up(window, FORMAT_1)
    decision = page.decision
    assert decision is not None
    assert decision.decision == "no_plan"
    assert decision.next_dose_mg is None
    banner = child(page, QLabel, "followup.banner")
    assert banner.property("decision") == "no_plan"
    assert banner.text().startswith(content.language.choices["decision"]["no_plan"].upper())
    next_text = child(page, QLabel, "followup.next").text()
    assert "No plan" in next_text
    assert "mg" not in next_text
    assert "Next dose" not in next_text
    assert not child(page, QWidget, "followup.revised").isVisible()
    assert not child(page, QFrame, "followup.choose").isVisible()
    frame = child(page, QFrame, "reason:followup_no_protocol")
    assert frame.isVisible()
    # The missing answers are named in words (the reason's {questions}).
    missing = window.state.decision.assessment.missing  # type: ignore[union-attr]
    assert missing
    text = " ".join(label.text() for label in frame.findChildren(QLabel))
    assert question_text(content, missing[0]) in text

    # The follow-up sheet is refused with the gate's words; the first-visit handout (no plan) is not.
    window.wizard.go_to(PageId.HANDOUT)
    handout = window.wizard.handout_page
    handout.document_kind.setCurrentIndex(handout.document_kind.findData("followup"))
    assert handout.pdf_bytes == b""
    assert not handout.print_button.isEnabled()
    assert blocker_text(content, "followup_no_plan") in handout.message.text()
    handout.document_kind.setCurrentIndex(handout.document_kind.findData("handout"))
    assert handout.pdf_bytes.startswith(b"%PDF")
    assert handout.print_button.isEnabled()


def test_a_long_break_restarts_at_step_one(
    window: MainWindow, tmp_path: Path, content: ContentBundle
) -> None:
    def long_break(data: dict[str, Any]) -> None:
        data["follow_ups"][-1]["days_without_ldn"] = 20

    path = variant(tmp_path, ADVANCE, long_break)
    expected = decide(load_visit(path))
    assert expected.latest is not None
    assert expected.latest.decision == "restart"
    page = open_on_follow_up(window, path)
    banner = child(page, QLabel, "followup.banner")
    assert banner.property("decision") == "restart"
    assert banner.text().startswith(content.language.choices["decision"]["restart"].upper())
    assert page.decision == expected.latest


def test_a_follow_up_on_a_plan_the_gate_refused_shows_the_gates_reasons(
    window: MainWindow, content: ContentBundle, tmp_path: Path
) -> None:
    def with_reviews(data: dict[str, Any]) -> None:
        data["follow_ups"] = json.loads(ADVANCE.read_text(encoding="utf-8"))["follow_ups"]

    assert window.open_visit(variant(tmp_path, GUIDELINE_NO_ACK, with_reviews))
    # The plan was never given (no acknowledgement), so the wizard stops on the assessment page.
    assert window.wizard.currentId() == PageId.ASSESSMENT
    page = window.wizard.follow_up_page
    page.refresh()
    assert page.decision is not None
    assert page.decision.decision == "no_plan"
    frame = child(page, QFrame, "reason:followup_plan_not_given")
    blockers = child(frame, QLabel, "followup.plan_blockers")
    assert blocker_text(content, "guideline_ack_missing") in blockers.text()


def test_print_and_save_ask_the_gate_again_at_the_moment_they_are_pressed(
    window: MainWindow, content: ContentBundle, qtbot: QtBot, dialog_log: Any
) -> None:
    assert window.open_visit(ADVANCE)
    window.wizard.go_to(PageId.HANDOUT)
    handout = window.wizard.handout_page
    assert handout.document_kind.currentData() == "followup"
    qtbot.waitUntil(lambda: handout.pdf_bytes.startswith(b"%PDF"), timeout=5000)
    assert handout.print_button.isEnabled()
    # An answer changes behind the preview: the first visit is now incomplete, so no plan may be given.
    window.state.set("ldn_screen.suicidal_thoughts", None)
    assert window.state.decision is not None
    assert not window.state.decision.followup_gate.allowed
    handout.print_handout()  # the print dialog would fail the test (conftest)
    assert handout.pdf_bytes == b""
    assert not handout.print_button.isEnabled()
    assert blocker_text(content, "followup_no_plan") in handout.message.text()
    handout.save_pdf()  # nothing to save, and no file dialog asked
    assert dialog_log.save_suggestions == []


def test_a_question_that_comes_in_leaves_every_why_line_readable(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    """Showing a row once re-laid the form without height-for-width: two-line "why" lines around it
    were clipped to one line."""
    assert window.open_visit(CASES / "ldn_option.json")
    driver.go_to(PageId.LDN_SCREEN)
    qtbot.wait(100)
    page = driver.wizard.question_pages[PageId.LDN_SCREEN]
    field = driver.field("ldn_screen.past_opioid_use_disorder")
    qtbot.mouseClick(field.yes, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert driver.field("ldn_screen.urine_opioid_screen").isVisible()
    qtbot.wait(100)
    whys = [
        label
        for label in page.findChildren(QLabel)
        if label.objectName().endswith(":why") and label.isVisible() and label.width() > 0
    ]
    assert len(whys) > 10
    clipped = [w.objectName() for w in whys if w.height() < w.heightForWidth(w.width())]
    assert clipped == []
