"""The follow-up page's views (walk #11 and the split of the page): an added review can be taken
out again, a review with safety questions not asked says "safety not checked" and is not added, Tab
follows the screen, the Decision drop-down shows its whole text, and each visit starts fresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPushButton, QTableWidget, QWidget
from pytestqt.qtbot import QtBot
from wizard_driver import answer_review, child

from ldn_aid.content import ContentBundle
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId

CASES = Path(__file__).resolve().parent / "cases"
ADVANCE = CASES / "followup_advance.json"
STOP = CASES / "followup_stop.json"


def open_on_follow_up(window: MainWindow, path: Path) -> Any:
    assert window.open_visit(path)
    assert window.wizard.currentId() == PageId.FOLLOW_UP
    return window.wizard.follow_up_page


def test_an_added_review_can_be_removed_again_and_the_record_follows(
    window: MainWindow, qtbot: QtBot
) -> None:
    page = open_on_follow_up(window, ADVANCE)
    assert window.state.visit is not None
    before = window.state.visit.follow_ups
    answer_review(page)
    assert page.add_review()
    assert len(window.state.visit.follow_ups) == len(before) + 1
    assert window.state.has_unsaved_changes
    added_review = window.state.visit.follow_ups[-1]
    remove = child(page, QPushButton, "followup.remove_last")
    assert remove.isVisible()

    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert window.state.visit.follow_ups == before
    assert child(page, QTableWidget, "followup.history").rowCount() == len(before)
    # The page shows the decision of the review that is now the latest, and says what was removed.
    assert page.decision is not None
    assert page.decision.review_date == before[-1].date
    assert "was removed" in child(page, QLabel, "followup.remove_status").text()
    # The record is back to the file as it was saved: nothing of the removed review is left.
    assert not window.state.has_unsaved_changes
    # Its answers are back on the form: one Add review records the very same review again.
    added = window.state.visit.follow_ups
    assert page.add_review()
    assert window.state.visit.follow_ups[:-1] == added
    assert window.state.visit.follow_ups[-1] == added_review


def test_a_review_with_safety_questions_not_asked_says_safety_not_checked_and_is_not_added(
    window: MainWindow, content: ContentBundle
) -> None:
    page = open_on_follow_up(window, ADVANCE)
    answer_review(page, surgery_planned=None)
    assert not page.add_review()
    error = child(page, QLabel, "followup.new.error")
    assert error.text().startswith("Safety not checked.")
    assert content.language.questions["follow_ups.safety.surgery_planned"].text in error.text()
    assert window.state.visit is not None
    assert len(window.state.visit.follow_ups) == 2
    # What is not asked is also where the cursor goes.
    assert QApplication.focusWidget() is child(page, QComboBox, "followup.new.safety.surgery_planned")


def test_tab_walks_the_review_form_in_screen_order(window: MainWindow, qtbot: QtBot) -> None:
    page = open_on_follow_up(window, ADVANCE)
    window.show()
    qtbot.waitExposed(window)
    # Down the left column (dose taken, then response), then down the right one (side effects):
    # one Tab per field, the review date included.
    expected = [
        f"followup.new.{field}"
        for field in (
            "date",
            "dose_mg",
            "timing",
            "missed_doses_last_week",
            "days_without_ldn",
            "score",
            "cgi_i",
            "extend_once",
            "side_effects.vivid_dreams",
            "side_effects.sleep_trouble",
        )
    ]
    first = child(page, QWidget, expected[0])
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    seen = [expected[0]]
    for _ in expected[1:]:
        focused = QApplication.focusWidget()
        assert focused is not None
        QTest.keyClick(focused, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        seen.append(now.objectName() if now is not None else "")
    assert seen == expected
    # After the last safety question, Add review.
    page.findChild(QComboBox, "followup.new.safety.suicidal_thoughts").setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is child(page, QPushButton, "followup.add")


def test_the_decision_drop_down_is_never_narrower_than_its_text(window: MainWindow, qtbot: QtBot) -> None:
    page = open_on_follow_up(window, ADVANCE)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    combo = child(page, QComboBox, "followup.choice")
    assert "(suggested)" in combo.currentText()
    widest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.width() >= widest


def test_the_cgi_i_anchors_are_the_contents(window: MainWindow, content: ContentBundle) -> None:
    page = open_on_follow_up(window, ADVANCE)
    combo = child(page, QComboBox, "followup.new.cgi_i")
    shown = {combo.itemData(i): combo.itemText(i) for i in range(1, combo.count())}
    assert shown == {value: f"{value} — {anchor}" for value, anchor in content.language.review.cgi_i.items()}


def test_starting_focus_is_the_first_unanswered_field_of_the_new_review(window: MainWindow) -> None:
    page = open_on_follow_up(window, ADVANCE)
    dose = child(page, QLineEdit, "followup.new.dose_mg")
    assert page.first_focus() is dose
    dose.setText("4.5")
    assert page.first_focus() is child(page, QWidget, "followup.new.missed_doses_last_week")


def test_each_visit_starts_at_the_top_with_an_empty_form(window: MainWindow, qtbot: QtBot) -> None:
    page = open_on_follow_up(window, ADVANCE)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    bar = page.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    child(page, QLineEdit, "followup.new.dose_mg").setText("4.5")
    assert not page.add_review()  # a refusal line is shown

    open_on_follow_up(window, STOP)
    qtbot.waitUntil(lambda: bar.value() == 0)
    assert child(page, QLineEdit, "followup.new.dose_mg").text() == ""
    assert not child(page, QLabel, "followup.new.error").isVisible()
