"""The keyboard, as a clinician at the keyboard meets it: where the cursor starts on each page, Y/N
answering and moving on, Enter always going Next (never Back), Alt letters unique on each page and
never ticking a value, a date left with one Tab, the focused yes/no row drawn, widgets following the
visit, and the pregnancy question asked only where it can apply.

Every test here drives the real window with key events (the walk's defects #2, #3, #4, #7, #8, #9,
#10 and #17 on 10e0919)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QWidget, QWizard
from pytestqt.qtbot import QtBot
from wizard_driver import WizardDriver, mnemonic_letter, row_label, settle_focus

from ldn_aid.content import load_content
from ldn_aid.domain.visit import STIMULANT_SCREEN_FIELDS
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.ui.pages.preferences_page import PriorityField
from ldn_aid.ui.widgets.fields import YesNoField
from ldn_aid.ui.wizard import LdnWizard

CASES = Path(__file__).resolve().parent / "cases"
QUESTION_PAGES = (
    PageId.PATIENT,
    PageId.DIAGNOSIS,
    PageId.LDN_SCREEN,
    PageId.STIMULANT_SCREEN,
    PageId.PREFERENCES,
)


# The wizard of the test running (set by the autouse fixture below).
WINDOW_OF: list[LdnWizard] = []


@pytest.fixture(autouse=True)
def _wizard_for_press(window: MainWindow) -> None:
    WINDOW_OF[:] = [window.wizard]


def focused_after_page_change(qtbot: QtBot, driver: WizardDriver) -> QWidget | None:
    return settle_focus(qtbot, driver.wizard)


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """One key on whatever has the focus (as the keyboard would send it), and what it set off."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key, modifier)
    settle_focus(qtbot, WINDOW_OF[0])


def answer_page_by_keys(qtbot: QtBot, driver: WizardDriver, key: Qt.Key = Qt.Key.Key_N) -> list[str]:
    """Press `key` on the focused yes/no row until the cursor leaves the page's yes/no rows."""
    answered = []
    settle_focus(qtbot, driver.wizard)
    while isinstance(focused := QApplication.focusWidget(), YesNoField):
        answered.append(focused.path)
        press(qtbot, key)
        assert len(answered) < 40
    return answered


# ---- where the cursor starts ---------------------------------------------------------------------


def test_a_blank_visit_starts_on_age_and_each_question_page_on_its_first_unanswered_field(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    window = driver.window
    window.new_visit(confirm=False)
    assert focused_after_page_change(qtbot, driver) is driver.field("patient.age_years").focus_target()
    expected = {
        PageId.DIAGNOSIS: "diagnosis.adhd_confirmed",
        PageId.LDN_SCREEN: "ldn_screen.current_opioid_use",
        PageId.STIMULANT_SCREEN: f"stimulant_screen.{STIMULANT_SCREEN_FIELDS[0]}",
        # The priorities are optional: the first question the visit needs is the first yes/no.
        PageId.PREFERENCES: "preferences.declines_stimulants",
    }
    for page_id, path in expected.items():
        driver.next()
        assert driver.page_id == page_id
        focused = focused_after_page_change(qtbot, driver)
        assert focused is driver.field(path).focus_target(), (
            f"{page_id.name} starts on {focused and focused.objectName()}"
        )
    # Back again: the page before starts on its first unanswered field too, not on Back or Next.
    driver.back()
    first = driver.field(f"stimulant_screen.{STIMULANT_SCREEN_FIELDS[0]}")
    assert focused_after_page_change(qtbot, driver) is first


def test_a_page_that_is_all_answered_starts_on_next_so_enter_goes_on(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    assert window.open_visit(CASES / "ldn_option.json")
    for page_id in QUESTION_PAGES:
        driver.go_to(page_id)
        assert focused_after_page_change(qtbot, driver) is driver.next_button, page_id.name


@pytest.mark.parametrize("page_id", list(PageId), ids=[p.name for p in PageId])
def test_every_page_starts_with_the_cursor_on_the_page_or_on_next(
    page_id: PageId, window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    assert window.open_visit(CASES / "ldn_option.json")
    driver.go_to(page_id)
    focused = focused_after_page_change(qtbot, driver)
    assert focused is not None
    page = window.wizard.currentPage()
    assert focused is driver.next_button or page.isAncestorOf(focused), (
        f"{page_id.name}: the cursor is on {focused.objectName()!r}"
    )
    assert focused.isVisible()
    assert focused is not driver.back_button


def test_a_jump_to_a_missing_answer_keeps_the_cursor_on_that_answer(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.go_to(PageId.ASSESSMENT)
    driver.wizard.jump_to("ldn_screen.planned_surgery")
    assert driver.page_id == PageId.LDN_SCREEN
    assert focused_after_page_change(qtbot, driver) is driver.field("ldn_screen.planned_surgery")


# ---- Y/N and Enter -------------------------------------------------------------------------------


def test_y_and_n_move_on_to_the_next_unanswered_question_and_after_the_last_to_next(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.go_to(PageId.LDN_SCREEN)
    # Two questions further down already answered: the cursor skips them.
    driver.answer("ldn_screen.planned_surgery", "no")
    driver.answer("ldn_screen.thioridazine", "no")
    driver.field("ldn_screen.current_opioid_use").setFocus()
    answered = answer_page_by_keys(qtbot, driver)
    assert "ldn_screen.planned_surgery" not in answered
    assert "ldn_screen.thioridazine" not in answered
    assert answered[-1] == "ldn_screen.childbearing_potential"
    # Then the pregnancy drop-down, the last unanswered question on the page.
    assert QApplication.focusWidget() is driver.field("ldn_screen.pregnancy").focus_target()

    driver.next()
    answered = answer_page_by_keys(qtbot, driver)
    assert answered == [f"stimulant_screen.{name}" for name in STIMULANT_SCREEN_FIELDS]
    assert QApplication.focusWidget() is driver.next_button


def test_enter_after_the_last_yes_no_goes_next_never_back(driver: WizardDriver, qtbot: QtBot) -> None:
    driver.go_to(PageId.STIMULANT_SCREEN)
    # (As in the walk: the cursor put on the first question, then N on every one.)
    settle_focus(qtbot, driver.wizard)
    driver.field(f"stimulant_screen.{STIMULANT_SCREEN_FIELDS[0]}").setFocus(Qt.FocusReason.TabFocusReason)
    answer_page_by_keys(qtbot, driver)
    press(qtbot, Qt.Key.Key_Return)
    assert driver.page_id == PageId.PREFERENCES
    settle_focus(qtbot, driver.wizard)
    driver.field("preferences.declines_stimulants").setFocus(Qt.FocusReason.TabFocusReason)
    answer_page_by_keys(qtbot, driver, Qt.Key.Key_Y)
    press(qtbot, Qt.Key.Key_Return)
    assert driver.page_id == PageId.ASSESSMENT


def test_enter_goes_next_from_any_field_and_does_nothing_while_next_is_disabled(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    back = driver.back_button
    assert isinstance(back, QAbstractButton)
    assert not back.autoDefault()  # type: ignore[attr-defined]
    assert back.focusPolicy() == Qt.FocusPolicy.NoFocus
    # A child's age without a weight blocks Next: Enter in the age box does nothing.
    driver.type_into("patient.age_years", "12")
    assert not driver.next_enabled()
    press(qtbot, Qt.Key.Key_Return)
    assert driver.page_id == PageId.PATIENT
    driver.type_into("patient.weight_kg", "38")
    # From a drop-down (closed), Enter goes Next too.
    sex = driver.field("patient.sex_at_birth").focus_target()
    sex.setFocus()
    qtbot.waitUntil(sex.hasFocus)
    press(qtbot, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert driver.page_id == PageId.DIAGNOSIS
    # Alt+N is Next, Alt+B is Back, from a field.
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert driver.page_id == PageId.LDN_SCREEN
    press(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert driver.page_id == PageId.DIAGNOSIS


def test_alt_n_on_a_yes_no_row_goes_next_without_answering_it(driver: WizardDriver, qtbot: QtBot) -> None:
    driver.go_to(PageId.STIMULANT_SCREEN)
    first = driver.field(f"stimulant_screen.{STIMULANT_SCREEN_FIELDS[0]}")
    assert focused_after_page_change(qtbot, driver) is first
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert driver.page_id == PageId.PREFERENCES
    assert driver.state.get(first.path) is None


def test_enter_in_an_open_drop_down_picks_the_item_and_stays_on_the_page(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    combo = driver.field("patient.sex_at_birth").focus_target()
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    index = combo.findData("male")
    view.setCurrentIndex(view.model().index(index, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert driver.state.get("patient.sex_at_birth") == "male"
    assert driver.page_id == PageId.PATIENT


@pytest.mark.parametrize(
    ("keys", "modifier"),
    [
        ((Qt.Key.Key_Return,), Qt.KeyboardModifier.ControlModifier),
        ((Qt.Key.Key_Right,), Qt.KeyboardModifier.AltModifier),
    ],
    ids=["ctrl+enter", "alt+right"],
)
def test_ctrl_enter_and_alt_right_go_to_the_next_page_from_anywhere(
    keys: tuple[Qt.Key, ...], modifier: Qt.KeyboardModifier, driver: WizardDriver, qtbot: QtBot
) -> None:
    name = driver.field("patient.display_name").focus_target()
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    for key in keys:
        press(qtbot, key, modifier)
    assert driver.page_id == PageId.DIAGNOSIS
    press(qtbot, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert driver.page_id == PageId.PATIENT


# ---- what the focused row looks like -------------------------------------------------------------


def test_the_focused_yes_no_row_is_drawn_differently(driver: WizardDriver, qtbot: QtBot) -> None:
    driver.go_to(PageId.LDN_SCREEN)
    row = driver.field("ldn_screen.planned_surgery")
    other = driver.field("ldn_screen.thioridazine")
    row.setFocus()
    qtbot.waitUntil(row.hasFocus)
    focused = row.grab().toImage()
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    unfocused = row.grab().toImage()
    middle = focused.height() // 2
    # The frame (the left edge) and the tint (the empty space right of the answers) both show.
    assert focused.pixelColor(1, middle) != unfocused.pixelColor(1, middle)
    right = focused.width() - 6
    assert focused.pixelColor(right, middle) != unfocused.pixelColor(right, middle)


# ---- Alt letters ---------------------------------------------------------------------------------


def page_letters(window: MainWindow, page: QWidget) -> list[str]:
    """Every Alt letter a key could reach on this page: its labels and buttons (shown or not), the
    wizard's buttons and the menu bar's menus."""
    texts = [label.text() for label in page.findChildren(QLabel)]
    texts += [button.text() for button in page.findChildren(QAbstractButton)]
    wizard = window.wizard
    texts += [
        wizard.button(b).text() for b in (QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton)
    ]
    texts += [action.text() for action in window.menuBar().actions()]
    return [letter for text in texts if (letter := mnemonic_letter(text)) is not None]


@pytest.mark.parametrize("page_id", QUESTION_PAGES, ids=[p.name for p in QUESTION_PAGES])
def test_alt_letters_are_unique_on_each_page_and_n_and_b_are_next_and_back(
    page_id: PageId, window: MainWindow
) -> None:
    letters = page_letters(window, window.wizard.page(page_id))
    assert sorted(letters) == sorted(set(letters)), f"{page_id.name}: {sorted(letters)}"
    assert letters.count("n") == 1
    assert letters.count("b") == 1


@pytest.mark.parametrize("page_id", QUESTION_PAGES, ids=[p.name for p in QUESTION_PAGES])
def test_each_alt_letter_puts_the_cursor_on_its_question_and_changes_nothing(
    page_id: PageId, driver: WizardDriver, qtbot: QtBot
) -> None:
    page = driver.wizard.question_pages[page_id]
    # Every conditional row shown (each asked where its answer brings it in).
    for path in ("history.methylphenidate", "history.amphetamine"):
        driver.state.set(path, "no_benefit")
    driver.state.set("ldn_screen.past_opioid_use_disorder", "yes")
    driver.go_to(page_id)
    before = driver.state.data
    checked = 0
    for path, field in page.fields.items():
        label = row_label(page, field)
        letter = mnemonic_letter(label.text()) if label is not None else None
        if letter is None or not field.isVisibleTo(page) or not field.focus_target().isEnabled():
            continue
        press(qtbot, Qt.Key(ord(letter.upper())), Qt.KeyboardModifier.AltModifier)
        focused = QApplication.focusWidget()
        assert focused is not None
        assert focused is field.focus_target() or field.isAncestorOf(focused), (
            f"Alt+{letter} went to {focused.objectName()!r}, not {path}"
        )
        assert driver.page_id == page_id
        checked += 1
    # (The stimulant screen is all yes/no rows, answered with Y/N: no Alt letters there.)
    assert checked >= 1 or page_id == PageId.STIMULANT_SCREEN
    assert driver.state.data == before


def test_alt_w_puts_the_cursor_on_the_priorities_without_ticking_one(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.go_to(PageId.PREFERENCES)
    priorities = driver.field("preferences.priorities")
    assert isinstance(priorities, PriorityField)
    settle_focus(qtbot, driver.wizard)
    press(qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert driver.state.get("preferences.priorities") is None
    assert not any(box.isChecked() for box in priorities.boxes.values())
    assert QApplication.focusWidget() in priorities.boxes.values()
    # Space ticks the box the cursor is on, as usual.
    press(qtbot, Qt.Key.Key_Space)
    assert driver.state.get("preferences.priorities") == ["strong_evidence"]


def test_the_diagnosis_page_alt_letters_reach_behavioural_support_in_one_press(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.go_to(PageId.DIAGNOSIS)
    page = driver.wizard.question_pages[PageId.DIAGNOSIS]
    label = row_label(page, driver.field("history.behavioural_support"))
    assert label is not None
    letter = mnemonic_letter(label.text())
    assert letter not in (None, "n", "b")
    settle_focus(qtbot, driver.wizard)
    press(qtbot, Qt.Key(ord(str(letter).upper())), Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is driver.field("history.behavioural_support").focus_target()


# ---- drop-downs: the first letter picks one choice only ------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_pregnancy_choices_start_with_distinct_letters(language: str) -> None:
    labels = load_content(language).language.choices["pregnancy"].values()
    firsts = [label[0].lower() for label in labels]
    assert len(firsts) == len(set(firsts)), list(labels)


def test_a_quick_n_n_on_the_pregnancy_question_leaves_not_pregnant(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.answer("patient.sex_at_birth", "female")
    driver.go_to(PageId.LDN_SCREEN)
    driver.answer("ldn_screen.childbearing_potential", "no")  # "does not apply" is offered too
    combo = driver.field("ldn_screen.pregnancy").focus_target()
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClicks(combo, "nn")
    assert driver.state.get("ldn_screen.pregnancy") == "no"


# ---- a date is one Tab stop ----------------------------------------------------------------------


def test_one_tab_leaves_a_date_and_the_arrows_move_between_its_parts(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    date = driver.field("visit_date").focus_target()
    date.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(date.hasFocus)
    qtbot.keyClick(date, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is driver.field("patient.display_name").focus_target()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is date
    # Shift+Tab came back to its last part (the day); Up changes the day, not the year.
    before = driver.state.get("visit_date")
    qtbot.keyClick(date, Qt.Key.Key_Up)
    after = driver.state.get("visit_date")
    assert before[:7] == after[:7] or after[8:] == "01"
    assert before != after


# ---- the widgets follow the visit ----------------------------------------------------------------


def test_an_answer_changed_elsewhere_shows_in_its_field_but_a_typo_is_kept(driver: WizardDriver) -> None:
    language = driver.field("patient.handout_language").focus_target()
    assert isinstance(language, QComboBox)
    # The handout page writes the language chosen there back to the visit.
    driver.state.set("patient.handout_language", "es")
    assert language.currentData() == "es"
    driver.type_into("patient.weight_kg", "70kg")
    driver.state.set("patient.age_years", 30)
    assert driver.field("patient.age_years").focus_target().text() == "30"  # type: ignore[attr-defined]
    assert driver.field("patient.weight_kg").focus_target().text() == "70kg"  # type: ignore[attr-defined]


# ---- each visit starts fresh ---------------------------------------------------------------------


def test_a_new_visit_shows_every_question_page_from_its_top(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    window.resize(1000, 600)
    driver.go_to(PageId.LDN_SCREEN)
    page = driver.wizard.question_pages[PageId.LDN_SCREEN]
    bar = page.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    window.new_visit(confirm=False)
    assert bar.value() == 0
    assert driver.page_id == PageId.PATIENT


# ---- pregnancy only where it can apply -----------------------------------------------------------


@pytest.mark.parametrize(("age", "weight"), [(9, "25"), (40, "82")], ids=["boy-9", "man-40"])
def test_boys_and_men_are_not_asked_about_pregnancy_and_nothing_about_it_is_missing(
    age: int, weight: str, driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.type_into("patient.age_years", str(age))
    driver.type_into("patient.weight_kg", weight)
    driver.answer("patient.sex_at_birth", "male")
    driver.go_to(PageId.LDN_SCREEN)
    page = driver.wizard.question_pages[PageId.LDN_SCREEN]
    for path in ("ldn_screen.pregnancy", "ldn_screen.childbearing_potential"):
        assert not driver.field(path).isVisibleTo(page)
    answer_page_by_keys(qtbot, driver)
    assistant = driver.state.assessment
    assert assistant is not None
    assert not [path for path in assistant.missing if path.startswith("ldn_screen.")]
    assert QApplication.focusWidget() is driver.next_button


def test_a_girl_of_nine_is_asked_about_pregnancy_the_safer_reading(driver: WizardDriver) -> None:
    driver.type_into("patient.age_years", "9")
    driver.type_into("patient.weight_kg", "25")
    driver.answer("patient.sex_at_birth", "female")
    driver.go_to(PageId.LDN_SCREEN)
    page = driver.wizard.question_pages[PageId.LDN_SCREEN]
    assert driver.field("ldn_screen.pregnancy").isVisibleTo(page)
    assert driver.field("ldn_screen.childbearing_potential").isVisibleTo(page)
    # A "no" child-bearing potential makes "does not apply" an accepted answer.
    driver.answer("ldn_screen.childbearing_potential", "no")
    driver.answer("ldn_screen.pregnancy", "not_applicable")
    assistant = driver.state.assessment
    assert assistant is not None
    assert "ldn_screen.pregnancy" not in assistant.missing
