"""Issue 9, round 2: what a clinical pharmacist (P) and a prescriber walking the real window (W) found
in the wizard, one test each. Every test drives the widgets and checks against the rules' own
answers (`decide`), never against a copy of them."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
)
from pytestqt.qtbot import QtBot
from wizard_driver import WizardDriver, answer_review, child, choose, wheel_over

from ldn_aid.content import ContentBundle
from ldn_aid.content.words import blocker_text, question_text
from ldn_aid.domain.followup import SIDE_EFFECTS
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import decide
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.followup import FollowUpPage
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.visit_file import load_visit

CASES = Path(__file__).resolve().parent / "cases"
ADVANCE = CASES / "followup_advance.json"
STOP = CASES / "followup_stop.json"
MAN = CASES / "followup_man.json"
# Past opioid use disorder with a negative urine screen at screening; the one review stopped LDN for
# an opioid taken on 2026-12-12 (the opioid-free wait ends on 2026-12-22).
OUD_OPIOID_STOP = CASES / "followup_oud_opioid_stop.json"
CHILD_ABOVE_CEILING = CASES / "child_target_above_ceiling.json"
# A 9-year-old on the gentle schedule with 4-week steps: the response review falls after 16 weeks.
CHILD_LONG_TRIAL = CASES / "child9_gentle_4_week_steps.json"
URINE = "follow_ups.safety.urine_opioid_screen"


def listed(combo: QComboBox) -> list[Any]:
    return [combo.itemData(index) for index in range(combo.count())]


def open_on_follow_up(window: MainWindow, path: Path) -> FollowUpPage:
    assert window.open_visit(path)
    assert window.wizard.currentId() == PageId.FOLLOW_UP
    return window.wizard.follow_up_page


def variant(tmp_path: Path, source: Path, change: Any, name: str = "") -> Path:
    data = json.loads(source.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / (name or source.name)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def unanswered_of(decision: Any) -> tuple[str, ...]:
    """The questions the rules found not asked at a review (their `followup_safety_unanswered`)."""
    return tuple(
        path
        for reason in decision.reasons
        if reason.rule_id == "followup_safety_unanswered"
        for path in reason.inputs
    )


def refusal(page: FollowUpPage) -> str:
    error = child(page, QLabel, "followup.new.error")
    return error.text() if error.isVisible() else ""


def outlined(page: FollowUpPage) -> set[str]:
    return {field for field, widget in page.inputs.items() if widget.styleSheet()}


# ---- 1. (P-H4) every answer of a review starts "not asked"; the dose taken is typed ---------------


def test_p_h4_grades_missed_doses_and_days_off_start_not_asked_and_add_review_names_them(
    window: MainWindow, content: ContentBundle
) -> None:
    page = open_on_follow_up(window, ADVANCE)
    for name in SIDE_EFFECTS:
        assert child(page, QComboBox, f"followup.new.side_effects.{name}").currentData() is None
    assert child(page, QSpinBox, "followup.new.missed_doses_last_week").text() == "— not asked —"
    assert child(page, QSpinBox, "followup.new.days_without_ldn").text() == "— not asked —"
    dose = child(page, QLineEdit, "followup.new.dose_mg")
    assert dose.text() == ""  # never the scheduled dose as if it were the dose taken
    assert "planned 4.5 mg" in dose.placeholderText()

    assert not page.add_review()
    text = refusal(page)
    for field in ("dose_mg", "missed_doses_last_week", "days_without_ldn"):
        assert question_text(content, f"follow_ups.{field}") in text
    for name in SIDE_EFFECTS:
        assert question_text(content, f"follow_ups.side_effects.{name}") in text

    # Everything but the grades: the refusal names the grades, exactly as the rules list them.
    answer_review(page)
    for name in SIDE_EFFECTS:
        choose(page, f"followup.new.side_effects.{name}", None)
    assert not page.add_review()
    draft = page.unanswered()
    assert draft == tuple(f"follow_ups.side_effects.{name}" for name in SIDE_EFFECTS)
    assert outlined(page) == {f"side_effects.{name}" for name in SIDE_EFFECTS}
    assert window.state.visit is not None
    assert len(window.state.visit.follow_ups) == 2

    answer_review(page, grades={"headache": "mild"})
    assert page.add_review()
    added = window.state.visit.follow_ups[-1]
    assert added.dose_mg == 4.5
    assert added.missed_doses_last_week == 0
    assert added.side_effects.headache == "mild"
    assert all(grade is not None for grade in added.side_effects.graded().values())


# ---- 2. (W-3) the urine opioid screen only where the rules ask for it ------------------------------


def test_w3_the_urine_screen_is_asked_only_before_a_restart_after_an_opioid_stop_where_screening_needed_it(
    window: MainWindow, content: ContentBundle, tmp_path: Path
) -> None:
    words = question_text(content, URINE)
    # An ordinary review never asks it, and never counts it as unanswered.
    page = open_on_follow_up(window, ADVANCE)
    urine = child(page, QComboBox, "followup.new.safety.urine_opioid_screen")
    assert not urine.isVisible()
    assert not page.is_asked("safety.urine_opioid_screen")
    assert not page.add_review()
    assert words not in refusal(page)
    answer_review(page)
    assert not urine.isVisible()
    assert page.add_review()
    assert window.state.visit is not None
    assert window.state.visit.follow_ups[-1].safety.urine_opioid_screen is None

    window.state.mark_saved()
    page = open_on_follow_up(window, OUD_OPIOID_STOP)
    urine = child(page, QComboBox, "followup.new.safety.urine_opioid_screen")
    assert [value for value in listed(urine) if value is not None] == ["negative", "positive", "not_done"]
    # Still inside the opioid-free wait: no restart yet, so no screen asked.
    child(page, QDateEdit, "followup.new.date").setDate(QDate(2026, 12, 20))
    answer_review(page, dose="1.5")
    assert not urine.isVisible()
    # After the wait, a restart is due: now the rules ask for a new negative screen, and so does the form.
    child(page, QDateEdit, "followup.new.date").setDate(QDate(2026, 12, 28))
    assert page.is_asked("safety.urine_opioid_screen")
    assert urine.isVisible()
    assert not page.add_review()
    assert words in refusal(page)
    choose(page, "followup.new.safety.urine_opioid_screen", "negative")
    # Back inside the wait, it is no longer asked and its answer goes (never recorded where not asked).
    child(page, QDateEdit, "followup.new.date").setDate(QDate(2026, 12, 20))
    assert not urine.isVisible()
    assert urine.currentData() is None
    child(page, QDateEdit, "followup.new.date").setDate(QDate(2026, 12, 28))
    choose(page, "followup.new.safety.urine_opioid_screen", "negative")
    assert page.add_review()
    visit = window.state.visit
    assert visit is not None
    assert visit.follow_ups[-1].safety.urine_opioid_screen == "negative"
    assert page.decision is not None
    assert page.decision == decide(visit).latest
    assert page.decision.decision == "restart"


# ---- 3. the longer-trial sign-off, beside the age sign-off ----------------------------------------


def test_the_longer_trial_signoff_alone_lifts_the_16_week_limit(
    window: MainWindow, driver: WizardDriver, content: ContentBundle
) -> None:
    assert window.open_visit(CHILD_LONG_TRIAL)
    driver.go_to(PageId.ASSESSMENT)
    page = window.wizard.assessment_page
    age_signoff = child(page, QCheckBox, "plan.specialist_signoff")
    longer = child(page, QCheckBox, "plan.specialist_signoff_longer_trial")
    # A 9-year-old needs no age sign-off; the longer trial is asked (the plan runs past 16 weeks).
    assert not age_signoff.isVisible()
    assert longer.isVisible()
    assert longer.accessibleName() == content.language.questions["plan.specialist_signoff_longer_trial"].text
    blocker = blocker_text(content, "paediatric_trial_too_long", window.state.decision.handout_gate.params)  # type: ignore[union-attr]
    message = child(page, QLabel, "plan.specialist_signoff_longer_trial:error")
    assert message.isVisible()
    assert message.text() == blocker
    assert not driver.next_enabled()
    # The age sign-off does not lift the limit ...
    window.state.set("plan.specialist_signoff", True)
    assert "paediatric_trial_too_long" in window.state.decision.handout_gate.blockers  # type: ignore[union-attr]
    window.state.set("plan.specialist_signoff", None)
    # ... the longer-trial sign-off does.
    driver.qtbot.keyClick(longer, Qt.Key.Key_Space)
    assert window.state.get("plan.specialist_signoff_longer_trial") is True
    assert window.state.decision is not None
    assert window.state.decision.handout_gate.allowed
    assert not message.isVisible()
    assert driver.next_enabled()

    # A 7-year-old is asked both, side by side in one box.
    driver.go_to(PageId.PATIENT)
    driver.answer("patient.age_years", 7)
    driver.answer("patient.weight_kg", 23)
    driver.go_to(PageId.ASSESSMENT)
    assert age_signoff.isVisible()
    assert longer.isVisible()
    assert age_signoff.parentWidget().parentWidget() is longer.parentWidget().parentWidget()


# ---- 4. (W-4) "not applicable" for pregnancy only where the rules accept it -----------------------


def test_w4_not_applicable_is_offered_only_where_accepted_and_child_bearing_is_asked_first(
    window: MainWindow, driver: WizardDriver, tmp_path: Path
) -> None:
    driver.answer("patient.sex_at_birth", "female")
    driver.go_to(PageId.LDN_SCREEN)
    screen = window.wizard.question_pages[PageId.LDN_SCREEN]
    paths = list(screen.paths())
    assert paths.index("ldn_screen.childbearing_potential") < paths.index("ldn_screen.pregnancy")
    bearing = driver.field("ldn_screen.childbearing_potential")
    pregnancy = driver.field("ldn_screen.pregnancy")
    assert bearing.mapTo(screen, QPoint(0, 0)).y() < pregnancy.mapTo(screen, QPoint(0, 0)).y()
    combo = pregnancy.combo  # type: ignore[attr-defined]
    assert "not_applicable" not in listed(combo)
    driver.answer("ldn_screen.childbearing_potential", "yes")
    assert "not_applicable" not in listed(combo)
    driver.answer("ldn_screen.childbearing_potential", "no")
    assert "not_applicable" in listed(combo)
    driver.answer("ldn_screen.pregnancy", "not_applicable")
    assert driver.state.assessment is not None
    assert "ldn_screen.pregnancy" not in driver.state.assessment.missing
    assert driver.error_text("ldn_screen.pregnancy") == ""
    # Child-bearing potential changes: the recorded answer stays shown, and the page says plainly why
    # the rules no longer accept it (they list pregnancy as missing).
    driver.answer("ldn_screen.childbearing_potential", "yes")
    assert combo.currentData() == "not_applicable"
    assert "ldn_screen.pregnancy" in driver.state.assessment.missing
    assert "not accepted" in driver.error_text("ldn_screen.pregnancy")
    assert driver.next_enabled()  # a missing answer, not an invalid one
    driver.answer("ldn_screen.pregnancy", "no")
    assert "not_applicable" not in listed(combo)
    assert driver.error_text("ldn_screen.pregnancy") == ""

    # The follow-up form: the same rule, said beside the question.
    window.state.mark_saved()
    page = open_on_follow_up(window, ADVANCE)  # female, child-bearing potential yes
    follow_up = child(page, QComboBox, "followup.new.safety.pregnancy")
    assert "not_applicable" not in listed(follow_up)
    hint = child(page, QLabel, "followup.new.safety.pregnancy:hint")
    assert hint.isVisible()
    assert "not offered" in hint.text()

    def no_child_bearing(data: dict[str, Any]) -> None:
        data["ldn_screen"]["childbearing_potential"] = "no"
        data["ldn_screen"]["pregnancy"] = "not_applicable"
        for review in data["follow_ups"]:
            review["safety"]["pregnancy"] = "not_applicable"

    window.state.mark_saved()
    page = open_on_follow_up(window, variant(tmp_path, ADVANCE, no_child_bearing))
    follow_up = child(page, QComboBox, "followup.new.safety.pregnancy")
    assert "not_applicable" in listed(follow_up)
    assert not child(page, QLabel, "followup.new.safety.pregnancy:hint").isVisible()
    answer_review(page, pregnancy="not_applicable")
    assert page.add_review()


# ---- 5. (W-5) only the choices the rules could accept; a refused one is withdrawn -----------------


def accepted_by_rules(visit_data: dict[str, Any], choice: str) -> bool:
    data = json.loads(json.dumps(visit_data))
    data["follow_ups"][-1].update(clinician_decision=choice, override_reason="test")
    latest = decide(Visit.model_validate(data)).latest
    return latest is not None and not latest.override_refused and latest.decision == choice


def test_w5_choose_differently_offers_only_what_the_rules_accept_and_a_refused_choice_can_be_withdrawn(
    window: MainWindow, content: ContentBundle, tmp_path: Path, qtbot: QtBot
) -> None:
    def surgery(data: dict[str, Any]) -> None:
        data["follow_ups"][-1]["safety"]["surgery_planned"] = "yes"

    path = variant(tmp_path, ADVANCE, surgery)
    page = open_on_follow_up(window, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert page.decision is not None
    assert page.decision.computed == "hold"
    offered = [value for value in listed(child(page, QComboBox, "followup.choice")) if value != "hold"]
    assert offered
    assert "advance" not in offered  # surgery planned: no rise may be chosen
    for choice in ("advance", "continue", "step_down", "switch_to_morning", "restart", "stop"):
        assert (choice in offered) == accepted_by_rules(data, choice), choice

    # A safety stop: nothing else may be chosen, and one line says why.
    window.state.mark_saved()
    page = open_on_follow_up(window, STOP)
    combo = child(page, QComboBox, "followup.choice")
    assert listed(combo) == ["stop"]
    assert not combo.isEnabled()
    assert not child(page, QPushButton, "followup.choice_apply").isEnabled()
    locked = child(page, QLabel, "followup.choice_locked")
    assert locked.isVisible()
    # The stop is named in words, never by its rule id.
    assert content.language.review.reason_label["followup_stop_no_response"] in locked.text()
    assert "followup_stop_no_response" not in locked.text()
    assert "\n" not in locked.text()
    assert not child(page, QPushButton, "followup.choice_withdraw").isVisible()

    # A refused choice that stands (from the file): shown as refused, with a plain way to withdraw it.
    def refused(data: dict[str, Any]) -> None:
        data["follow_ups"][-1].update(clinician_decision="continue", override_reason="patient asks")

    window.state.mark_saved()
    page = open_on_follow_up(window, variant(tmp_path, STOP, refused, "refused.json"))
    assert page.decision is not None
    assert page.decision.override_refused
    combo = child(page, QComboBox, "followup.choice")
    assert combo.currentData() == "continue"
    assert "(refused)" in combo.currentText()
    withdraw = child(page, QPushButton, "followup.choice_withdraw")
    assert withdraw.isVisible()
    assert withdraw.isEnabled()
    status = child(page, QLabel, "followup.choice_status").text()
    assert "Refused" in status
    assert "follow-up sheet is not printed" in status
    assert "Withdraw the refused choice" in status
    # The sheet is refused meanwhile, and the handout page says how to withdraw it.
    handout = window.wizard.handout_page
    assert "followup_override_refused" in window.state.decision.followup_gate.blockers  # type: ignore[union-attr]
    refusal_words = handout.refusal("followup")
    assert refusal_words is not None
    assert blocker_text(content, "followup_override_refused") in refusal_words
    assert "Withdraw the refused choice" in refusal_words

    qtbot.mouseClick(withdraw, Qt.MouseButton.LeftButton)
    visit = window.state.visit
    assert visit is not None
    assert visit.follow_ups[-1].clinician_decision is None
    assert visit.follow_ups[-1].override_reason is None
    assert window.state.decision is not None
    assert window.state.decision.followup_gate.allowed
    assert not withdraw.isVisible()


# ---- 6. (W-7) the history counts only what the rules list as not asked ----------------------------


def test_w7_the_history_counts_only_the_questions_the_rules_list_as_not_asked(
    window: MainWindow, tmp_path: Path
) -> None:
    page = open_on_follow_up(window, MAN)  # pregnancy is not asked of a man
    table = child(page, QTableWidget, "followup.history")
    for row in range(table.rowCount()):
        assert "not asked" not in table.item(row, 4).text()

    def two_blank(data: dict[str, Any]) -> None:
        del data["follow_ups"][-1]["safety"]["surgery_planned"]
        del data["follow_ups"][-1]["side_effects"]["nausea"]

    window.state.mark_saved()
    path = variant(tmp_path, MAN, two_blank)
    page = open_on_follow_up(window, path)
    latest = decide(load_visit(path)).latest
    assert latest is not None
    assert len(unanswered_of(latest)) == 2
    table = child(page, QTableWidget, "followup.history")
    assert "safety questions not asked: 2" in table.item(table.rowCount() - 1, 4).text()
    assert "not asked" not in table.item(0, 4).text()


# ---- 7. (W-8) the weight confirmation shows the range and comes after its explanation -------------


def test_w8_the_weight_confirmation_names_the_range_and_the_pound_slip_and_is_not_next_after_the_weight(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.answer("patient.age_years", 8)
    driver.answer("patient.weight_kg", 60)
    assert driver.state.assessment is not None
    finding = next(f for f in driver.state.assessment.findings if f.rule_id == "weight_check")
    low, high = finding.params["low_kg"], finding.params["high_kg"]
    page = driver.wizard.question_pages[PageId.PATIENT]
    explanation = child(page, QLabel, "patient.weight_confirmed:explanation")
    box = driver.field("patient.weight_confirmed").box  # type: ignore[attr-defined]
    assert explanation.isVisible()
    assert f"{low} to {high} kg" in explanation.text()
    assert "2.2 times" in explanation.text()
    assert "pounds" in explanation.text()
    assert f"{low} to {high} kg" in driver.error_text("patient.weight_kg")  # a pointer, not a block
    # The explanation is read before the box ...
    assert explanation.mapTo(page, QPoint(0, 0)).y() < box.mapTo(page, QPoint(0, 0)).y()
    # ... and Tab from the weight goes on to sex at birth, the box coming last.
    weight = driver.field("patient.weight_kg").focus_target()
    weight.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(weight.hasFocus, timeout=1000)
    qtbot.keyClick(weight, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is driver.field("patient.sex_at_birth").focus_target()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is driver.field("patient.handout_language").focus_target()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is driver.field("patient.handout_large_print").focus_target()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is box
    # Once confirmed, the range stays in view beside the tick.
    driver.answer("patient.weight_confirmed", True)
    assert f"{low} to {high} kg" in explanation.text()


# ---- 8. (W-9) the target's help names this patient's ceiling; no ".;" in the side panel ----------


def test_w9_the_target_help_names_the_patients_ceiling_and_the_side_panel_reads_cleanly(
    window: MainWindow, driver: WizardDriver, content: ContentBundle, tmp_path: Path
) -> None:
    def no_reason(data: dict[str, Any]) -> None:
        del data["plan"]["change_reason"]

    assert window.open_visit(variant(tmp_path, CHILD_ABOVE_CEILING, no_reason))
    driver.go_to(PageId.ASSESSMENT)
    decision = window.state.decision
    assert decision is not None
    assert decision.protocol is not None
    assert str(decision.protocol.ceiling_mg.normalize()) == "3"
    why = child(window.wizard.assessment_page, QLabel, "plan.target_mg:why")
    assert "ceiling is 3 mg" in why.text()
    assert "4.5 mg" in why.text()  # and the cap, still
    gate = decision.handout_gate
    assert len(gate.blockers) == 2
    panel = child(window.wizard, QLabel, "outcome_panel.detail").text()
    assert ".;" not in panel
    for blocker in gate.blockers:
        assert escape(blocker_text(content, blocker, gate.params)) in panel


# ---- 9. (W-10) the refusal stays beside Add review and follows each answer ------------------------


def test_w10_the_add_review_refusal_stays_beside_the_button_and_follows_each_answer(
    window: MainWindow, content: ContentBundle, qtbot: QtBot
) -> None:
    page = open_on_follow_up(window, ADVANCE)
    button = child(page, QPushButton, "followup.add")
    error = child(page, QLabel, "followup.new.error")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert error.isVisible()
    # Beside the button, below the scrolling page: in view wherever the page is scrolled.
    footer = button.parentWidget()
    assert footer is not None
    assert footer.isAncestorOf(error)
    assert not page.scroll_area.isAncestorOf(error)
    # A long list scrolls inside the footer instead of squeezing the form (the walk of issue 10 saw
    # 19 names take the page at 1280x720 and leave the form a 20-pixel sliver).
    assert footer.height() <= error.fontMetrics().lineSpacing() * 6 + 24
    assert page.scroll_area.viewport().height() > footer.height()
    for end in (0, page.scroll_area.verticalScrollBar().maximum()):
        page.scroll_area.verticalScrollBar().setValue(end)
        qtbot.wait(10)
        assert error.isVisible()
        assert not error.visibleRegion().isEmpty()
    # Each answer takes its question off the list and its red mark off the input, at once.
    pregnancy = question_text(content, "follow_ups.safety.pregnancy")
    assert pregnancy in error.text()
    assert "safety.pregnancy" in outlined(page)
    choose(page, "followup.new.safety.pregnancy", "no")
    assert pregnancy not in error.text()
    assert "safety.pregnancy" not in outlined(page)
    assert question_text(content, "follow_ups.safety.suicidal_thoughts") in error.text()
    assert "safety.suicidal_thoughts" in outlined(page)
    child(page, QLineEdit, "followup.new.dose_mg").setText("4.5")
    assert question_text(content, "follow_ups.dose_mg") not in error.text()
    assert "dose_mg" not in outlined(page)
    answer_review(page)
    assert outlined(page) == set()
    assert "Not added" not in error.text()
    assert page.add_review()
    assert not error.isVisible()


# ---- 10. (W-1) the wheel never changes an unfocused value ---------------------------------------


def test_w1_the_mouse_wheel_scrolls_the_page_and_never_changes_an_unfocused_value(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    # The patient page: sex at birth does not turn under a passing wheel.
    sex = driver.field("patient.sex_at_birth").focus_target()
    assert isinstance(sex, QComboBox)
    driver.field("patient.display_name").focus_target().setFocus()
    before = sex.currentData()
    wheel_over(sex)
    wheel_over(sex, notches=1)
    assert sex.currentData() == before
    assert driver.state.get("patient.sex_at_birth") is None

    # The follow-up form: a grade, a spin box and a date stay put; the page scrolls instead.
    assert window.open_visit(ADVANCE)
    page = window.wizard.follow_up_page
    qtbot.wait(20)
    dose = child(page, QLineEdit, "followup.new.dose_mg")
    dose.setFocus()
    qtbot.waitUntil(dose.hasFocus, timeout=1000)
    bar = page.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)
    grade = child(page, QComboBox, "followup.new.side_effects.nausea")
    missed = child(page, QSpinBox, "followup.new.missed_doses_last_week")
    date = child(page, QDateEdit, "followup.new.date")
    day = date.date()
    for widget in (grade, missed, date):
        scrolled = bar.value()
        wheel_over(widget)
        assert bar.value() != scrolled, f"the page did not scroll over {widget.objectName()}"
    assert grade.currentData() is None
    assert missed.text() == "— not asked —"
    assert date.date() == day
    assert dose.hasFocus()

    # With the focus, the wheel is the clinician's own: it may change the value.
    grade.setFocus()
    qtbot.waitUntil(grade.hasFocus, timeout=1000)
    wheel_over(grade)
    assert grade.currentData() is not None

    # Every drop-down and spin box (numbers, dates) in the wizard is guarded the same way.
    from ldn_aid.ui.widgets.wheel import is_guarded

    wizard = window.wizard
    inputs = [*wizard.findChildren(QComboBox), *wizard.findChildren(QAbstractSpinBox)]
    assert len(inputs) > 30
    assert [w.objectName() for w in inputs if not is_guarded(w)] == []
    assert all(w.focusPolicy() != Qt.FocusPolicy.WheelFocus for w in inputs)
