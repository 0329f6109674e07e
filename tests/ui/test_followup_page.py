"""The follow-up page: an opened visit with follow-ups lands on it; it shows the history and the decision
the rules make, takes a new review, and records the clinician's different choice (or says why not)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
)
from pytestqt.qtbot import QtBot
from wizard_driver import WizardDriver, answer_review, child, choose

from ldn_aid.content import ContentBundle
from ldn_aid.rules import decide
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.followup import REASON_NEEDED, FollowUpPage
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.visit_file import load_visit

# Format-2 visits with every question answered (tests/ui/cases): an adult on the standard ladder.
CASES = Path(__file__).resolve().parent / "cases"
ADVANCE = CASES / "followup_advance.json"
STOP = CASES / "followup_stop.json"


def review(path_or_visit: Any) -> Any:
    """The rules' decision for the latest follow-up (what the page must show)."""
    visit = load_visit(path_or_visit) if isinstance(path_or_visit, Path) else path_or_visit
    return decide(visit).latest


def answer_safety(page: FollowUpPage, **answers: Any) -> None:
    """Answer every question of the new review: 4.5 mg taken, none missed, no side effects, every
    safety question no (or as given), no days without LDN."""
    answer_review(page, **answers)


def open_on_follow_up(window: MainWindow, path: Path) -> FollowUpPage:
    assert window.open_visit(path)
    assert window.wizard.currentId() == PageId.FOLLOW_UP
    page = window.wizard.follow_up_page
    assert page.isVisible()
    return page


def table_rows(page: FollowUpPage, name: str) -> list[list[str]]:
    table = child(page, QTableWidget, name)
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def visit_file(tmp_path: Path, source: Path, change: Any) -> Path:
    data = json.loads(source.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / source.name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_opened_visit_with_follow_ups_lands_on_the_follow_up_page(
    window: MainWindow, content: ContentBundle
) -> None:
    expected = review(ADVANCE)
    assert expected is not None
    assert expected.decision == "advance"
    assert expected.next_dose_mg == Decimal("4.5")

    page = open_on_follow_up(window, ADVANCE)
    assert page.decision == expected
    banner = child(page, QLabel, "followup.banner")
    assert banner.property("decision") == "advance"
    assert banner.text().startswith("STEP UP")
    assert "Go up to 4.5 mg at bedtime" in banner.text()
    assert "4.5 mg" in child(page, QLabel, "followup.next").text()
    assert "2027-01-11" in child(page, QLabel, "followup.next").text()
    assert table_rows(page, "followup.revised") == [["1", "2026-12-28 (Mon)", "4.5", "—"]]
    # Every reason, named in words (never its rule id), with its sources (citations in the tooltip).
    for reason in expected.reasons:
        frame = child(page, QFrame, f"reason:{reason.rule_id}")
        texts = [label.text() for label in frame.findChildren(QLabel)]
        name = content.language.review.reason_label[reason.rule_id]
        assert any(name in text for text in texts)
        assert not any(reason.rule_id in text for text in texts)
        sources = next(label for label in frame.findChildren(QLabel) if label.text().startswith("Sources:"))
        for ref_id in reason.references:
            assert ref_id in sources.text()
            assert ref_id in sources.toolTip()

    history = table_rows(page, "followup.history")
    assert [row[0] for row in history] == ["2026-12-14", "2026-12-28"]
    assert [row[1] for row in history] == ["1.5 mg", "3 mg"]
    assert "Vivid dreams: mild" in history[0][4]
    assert "Headache: mild" in history[1][4]
    assert [row[-1] for row in history] == ["Step up", "Step up"]
    # The new review starts from the planned review date and the timing now in force; the dose now
    # in force is only a hint, never a pre-filled answer.
    dose = child(page, QLineEdit, "followup.new.dose_mg")
    assert dose.text() == ""
    assert "4.5" in dose.placeholderText()
    assert child(page, QComboBox, "followup.new.timing").currentData() == "bedtime"
    assert page.isComplete()


def test_the_stop_example_shows_stop_with_its_reason(window: MainWindow) -> None:
    expected = review(STOP)
    assert expected is not None
    page = open_on_follow_up(window, STOP)
    banner = child(page, QLabel, "followup.banner")
    assert banner.property("decision") == "stop" == expected.decision
    assert banner.text().startswith("STOP")
    assert "none — stop LDN" in child(page, QLabel, "followup.next").text()
    assert not child(page, QTableWidget, "followup.revised").isVisible()
    child(page, QFrame, "reason:followup_stop_no_response")
    assert table_rows(page, "followup.history")[-1][5:] == ["30", "3", "Stop"]


def test_a_first_visit_opens_on_the_first_page_and_the_follow_up_page_comes_last(
    window: MainWindow, driver: WizardDriver
) -> None:
    assert window.open_visit(CASES / "ldn_option.json")
    wizard = window.wizard
    assert wizard.currentId() == PageId.PATIENT
    driver.go_to(PageId.HANDOUT)
    assert wizard.nextId() == PageId.FOLLOW_UP
    driver.go_to(PageId.FOLLOW_UP)
    assert wizard.nextId() == -1
    page = wizard.follow_up_page
    assert child(page, QLabel, "followup.banner").text().startswith("NO FOLLOW-UP YET")
    assert child(page, QLabel, "followup.empty").isVisible()
    assert page.isComplete()


def test_adding_a_review_with_an_opioid_gives_stop(window: MainWindow, qtbot: QtBot) -> None:
    page = open_on_follow_up(window, ADVANCE)
    answer_safety(page, missed=3, opioid_needed_or_taken="yes", grades={"nausea": "mild"})
    last_dose = child(page, QCheckBox, "followup.new.safety.last_opioid_dose:known")
    assert last_dose.isEnabled()  # asked once an opioid was taken
    last_dose.setChecked(True)
    child(page, QDateEdit, "followup.new.safety.last_opioid_dose:date").setDate(QDate(2027, 1, 8))
    qtbot.mouseClick(child(page, QPushButton, "followup.add"), Qt.MouseButton.LeftButton)

    visit = window.state.visit
    assert visit is not None
    assert len(visit.follow_ups) == 3
    added = visit.follow_ups[-1]
    assert added.date.isoformat() == "2027-01-11"  # the planned review date, as pre-filled
    assert added.dose_mg == Decimal("4.5")
    assert added.safety.opioid_needed_or_taken == "yes"
    assert added.safety.last_opioid_dose is not None
    assert added.safety.last_opioid_dose.isoformat() == "2027-01-08"
    assert added.side_effects.nausea == "mild"
    decision = review(visit)
    assert decision is not None
    assert decision.decision == "stop"
    assert page.decision == decision
    banner = child(page, QLabel, "followup.banner")
    assert banner.property("decision") == "stop"
    assert banner.text().startswith("STOP")
    child(page, QFrame, "reason:followup_stop_opioids")
    # More than two doses missed: the adherence point is shown in words.
    adherence = child(page, QFrame, "followup.adherence")
    assert adherence.isVisible()
    assert "ADHERENCE POINT" in adherence.findChild(QLabel).text()
    history = table_rows(page, "followup.history")
    assert len(history) == 3
    assert "Any opioid needed or taken since the last visit? YES" in history[-1][4]
    assert not child(page, QLabel, "followup.new.error").isVisible()
    # A stop for safety cannot be chosen away: nothing else is offered, and the page says why.
    assert page.acceptable == ()
    assert not child(page, QComboBox, "followup.choice").isEnabled()
    assert not child(page, QPushButton, "followup.choice_apply").isEnabled()
    locked = child(page, QLabel, "followup.choice_locked")
    assert locked.isVisible()
    # The stop is named in words, never by its rule id.
    assert "Opioid since the last visit" in locked.text()
    assert "followup_stop_opioids" not in locked.text()


def test_a_review_dated_before_the_last_one_is_refused_with_the_reason(window: MainWindow) -> None:
    page = open_on_follow_up(window, ADVANCE)
    answer_safety(page)
    child(page, QDateEdit, "followup.new.date").setDate(QDate(2026, 12, 20))
    assert not page.add_review()
    error = child(page, QLabel, "followup.new.error")
    assert error.isVisible()
    assert "must come after the last review (2026-12-28)" in error.text()
    assert window.state.visit is not None
    assert len(window.state.visit.follow_ups) == 2

    child(page, QDateEdit, "followup.new.date").setDate(QDate(2027, 1, 11))
    child(page, QLineEdit, "followup.new.dose_mg").setText("200")
    assert not page.add_review()
    assert "cap" in error.text()
    child(page, QLineEdit, "followup.new.dose_mg").setText("4.5")
    child(page, QLineEdit, "followup.new.score").setText("60")
    assert not page.add_review()
    assert "outside the baseline scale" in error.text()
    assert len(window.state.visit.follow_ups) == 2
    child(page, QLineEdit, "followup.new.score").setText("10")
    assert page.add_review()
    assert not error.isVisible()
    assert len(window.state.visit.follow_ups) == 3


def test_choosing_hold_with_a_reason_is_recorded(window: MainWindow, qtbot: QtBot) -> None:
    page = open_on_follow_up(window, ADVANCE)
    choose(page, "followup.choice", "hold")
    reason = child(page, QLineEdit, "followup.choice_reason")
    apply = child(page, QPushButton, "followup.choice_apply")
    # Without a reason nothing is recorded, and the page says why.
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    assert REASON_NEEDED in child(page, QLabel, "followup.choice_status").text()
    assert window.state.visit is not None
    assert window.state.visit.follow_ups[-1].clinician_decision is None

    reason.setText("exams next week; no change until they are over")
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    latest = window.state.visit.follow_ups[-1]
    assert latest.clinician_decision == "hold"
    assert latest.override_reason == "exams next week; no change until they are over"
    assert window.state.get("follow_ups")[-1]["clinician_decision"] == "hold"
    assert page.decision is not None
    assert page.decision.decision == "hold"
    assert page.decision.computed == "advance"
    assert not page.decision.override_refused
    assert child(page, QLabel, "followup.banner").property("decision") == "hold"
    assert "Applied" in child(page, QLabel, "followup.choice_status").text()
    assert "Hold the dose (clinician; suggested Step up)" in table_rows(page, "followup.history")[-1][-1]
    assert window.state.has_unsaved_changes

    # Choosing the suggested decision again clears the clinician's choice.
    choose(page, "followup.choice", "advance")
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    assert window.state.visit.follow_ups[-1].clinician_decision is None
    assert window.state.visit.follow_ups[-1].override_reason is None
    assert page.decision.decision == "advance"


def test_cannot_judge_is_shown_and_the_clinician_may_extend_once(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    def no_score(data: dict[str, Any]) -> None:
        data["follow_ups"][-1]["score"] = None
        data["follow_ups"][-1]["cgi_i"] = None

    page = open_on_follow_up(window, visit_file(tmp_path, STOP, no_score))
    assert page.decision is not None
    assert page.decision.cannot_judge
    assert page.decision.decision == "stop"
    box = child(page, QFrame, "followup.cannot_judge")
    assert box.isVisible()
    assert "CANNOT JUDGE" in box.findChild(QLabel).text()
    extend = child(page, QCheckBox, "followup.latest.extend_once")
    assert extend.isVisible()
    extend.setChecked(True)
    visit = window.state.visit
    assert visit is not None
    assert visit.follow_ups[-1].extend_once
    assert page.decision.decision == "continue"
    assert "followup_extend_once" in page.decision.rule_ids
    assert page.decision.next_dose_mg == Decimal("4.5")


def test_the_chart_paints_and_says_what_it_shows(window: MainWindow, tmp_path: Path) -> None:
    page = open_on_follow_up(window, STOP)
    chart = page.chart
    assert chart.objectName() == "followup.chart"
    assert chart.width() > 400
    shot = tmp_path / "chart.png"
    assert chart.grab().save(str(shot))
    assert shot.stat().st_size > 5_000
    words = chart.accessibleDescription()
    assert "3 mg on 2026-12-28" in words
    assert "baseline 36" in words
    assert "30 on 2027-02-23 (down 17% from baseline)" in words
    assert "Stopped on 2027-02-23" in words


@pytest.mark.parametrize("source", [ADVANCE, STOP])
def test_the_page_fits_the_window(window: MainWindow, source: Path) -> None:
    page = open_on_follow_up(window, source)
    # No side-scrolling: the body is as wide as its viewport.
    body = page.scroll_area.widget()
    assert body is not None
    assert body.width() <= page.scroll_area.viewport().width()


def test_a_mistyped_score_is_never_every_question_answered(window: MainWindow) -> None:
    """Wizard walk, December 2026: after a refusal, typing "n" as the score turned the line green,
    "Every question is answered", with the form unreadable."""
    page = open_on_follow_up(window, ADVANCE)
    assert not page.add_review()  # refused: questions unanswered, so the line follows each answer
    answer_safety(page)
    score = child(page, QLineEdit, "followup.new.score")
    score.setText("n")
    score.textEdited.emit("n")
    error = child(page, QLabel, "followup.new.error")
    assert "Every question is answered" not in error.text()
    assert error.text() == "Rating-scale score (same scale as the baseline): type a number, such as 12."
    assert "border" in score.styleSheet()  # the mistyped field is outlined
    # The typo does not hide a question still unanswered (re-walk, December 2026).
    choose(page, "followup.new.side_effects.vivid_dreams", None)
    assert error.text().startswith("Rating-scale score (same scale as the baseline): type a number")
    assert "Not added: 1 question not answered" in error.text()
    assert "Vivid dreams" in error.text()
    choose(page, "followup.new.side_effects.vivid_dreams", "none")
    score.setText("10")
    score.textEdited.emit("10")
    assert error.text() == "Every question is answered: press Add review to record it."
