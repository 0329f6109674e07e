"""Every page, widget by widget: names for assistive tools and tests, keyboard answers and tab order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from wizard_driver import WizardDriver

from ldn_aid.content import ContentBundle
from ldn_aid.domain.visit import LDN_SCREEN_FIELDS, PRIORITIES, Plan, Visit
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId, page_of
from ldn_aid.ui.pages.preferences_page import PriorityField
from ldn_aid.ui.widgets.fields import ChoiceField, NumberField, TextField, YesNoField

# A format-2 visit with a protocol (every question answered).
CASES = Path(__file__).resolve().parent / "cases"
# Visit parts that are not questions: the file's format tag, and the follow-up reviews made later.
NOT_ASKED = {"format", "follow_ups", "documents_given"}


def leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every answer a visit file can hold, as dotted paths."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if path in NOT_ASKED:
            continue
        annotation = info.annotation
        inner = [
            arg
            for arg in getattr(annotation, "__args__", (annotation,))
            if isinstance(arg, type) and issubclass(arg, BaseModel)
        ]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            inner = [annotation]
        if inner:
            paths |= leaf_paths(inner[0], path + ".")
        else:
            paths.add(path)
    return paths


def test_every_visit_answer_has_one_input_named_by_its_path(
    window: MainWindow, content: ContentBundle
) -> None:
    wizard = window.wizard
    asked: dict[str, Any] = {}
    for page_id, page in wizard.question_pages.items():
        for path, field in page.fields.items():
            assert path not in asked, f"{path} is asked twice"
            asked[path] = field
            assert page_of(path) == page_id
            assert field.objectName() == path
            question = content.language.questions.get(path)
            assert question is not None, f"{path} has no question text"
            assert field.accessibleName() == question.text
            assert field.focus_target().accessibleName().startswith(question.text)
            assert field.focusPolicy() != Qt.FocusPolicy.NoFocus or field.focus_target() is not field
    plan_controls = wizard.assessment_page.controls
    for path, control in plan_controls.items():
        assert control.objectName() == path
        assert control.accessibleName()
        asked[path] = control
    # The plan's acknowledgement is the assessment page's check box.
    asked["plan.guideline_options_discussed"] = wizard.assessment_page.acknowledge
    assert set(asked) == leaf_paths(Visit)
    assert {f"plan.{name}" for name in Plan.model_fields} <= set(asked)
    # (The acknowledgement is named for what it asks, "assessment.acknowledge_guideline_first".)
    assert asked["plan.guideline_options_discussed"].objectName() == "assessment.acknowledge_guideline_first"
    for path in set(asked) - {"plan.guideline_options_discussed"}:
        assert len(wizard.findChildren(QWidget, path)) == 1, f"not exactly one widget is named {path}"


def test_every_label_leads_to_its_input(window: MainWindow) -> None:
    """Each question's label is the buddy of its input, so its mnemonic (Alt+letter) reaches it (a
    tick box's label leads to its row, so the Alt key never ticks it)."""
    for page in window.wizard.question_pages.values():
        buddies = {label.buddy() for label in page.findChildren(QLabel) if label.buddy() is not None}
        for path, field in page.fields.items():
            assert field.focus_target() in buddies or field in buddies, f"{path} has no label pointing at it"


INPUT_TYPES = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractButton)


@pytest.mark.parametrize("page_id", list(PageId), ids=[p.name for p in PageId])
def test_every_input_on_every_page_has_an_accessible_name(
    page_id: PageId, window: MainWindow, driver: WizardDriver
) -> None:
    # Reach each page with a visit that has a protocol, so the assessment and handout show everything.
    assert window.open_visit(CASES / "ldn_option.json")
    driver.go_to(page_id)
    page = window.wizard.page(page_id)
    unnamed = []
    checked = 0
    for widget in page.findChildren(QWidget):
        if not isinstance(widget, INPUT_TYPES) or not widget.isVisibleTo(page):
            continue
        if widget.objectName().startswith("qt_"):  # a spin box's own line edit, named by the spin box
            continue
        name = widget.accessibleName()
        if isinstance(widget, QAbstractButton) and not name:
            name = widget.text().replace("&", "")
        checked += 1
        if not name.strip():
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert checked >= 3
    assert unnamed == []


# The answers that bring in a further question (the urine opioid screen): answered no in the walk below.
REVEALING = {"ldn_screen.past_opioid_use_disorder", "ldn_screen.doubt_about_recent_opioids"}


def test_yes_no_rows_answer_with_y_and_n_and_move_on(driver: WizardDriver, qtbot: QtBot) -> None:
    driver.go_to(PageId.LDN_SCREEN)
    # In the order asked: child-bearing potential comes before the pregnancy question it controls.
    names = [
        path.removeprefix("ldn_screen.") for path in driver.wizard.question_pages[PageId.LDN_SCREEN].paths()
    ]
    assert names.index("childbearing_potential") < names.index("pregnancy")
    assert sorted(names) == sorted(LDN_SCREEN_FIELDS)
    before_pregnancy = names[: names.index("pregnancy")]
    yes_no = [f"ldn_screen.{name}" for name in before_pregnancy if driver.shown(f"ldn_screen.{name}")]
    assert "ldn_screen.urine_opioid_screen" not in yes_no  # not asked until it applies
    first = driver.field(yes_no[0])
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus, timeout=1000)
    wanted = {}
    for index, path in enumerate(yes_no):
        focused = QApplication.focusWidget()
        assert focused is driver.field(path), f"focus is on {focused.objectName()}, not {path}"
        answer = "yes" if index % 3 == 0 and path not in REVEALING else "no"
        qtbot.keyClick(focused, Qt.Key.Key_Y if answer == "yes" else Qt.Key.Key_N)
        wanted[path] = answer
    # After the last yes/no row, the pregnancy drop-down has the focus.
    assert QApplication.focusWidget() is driver.field("ldn_screen.pregnancy").combo
    for path, answer in wanted.items():
        field = driver.field(path)
        assert isinstance(field, YesNoField)
        assert driver.state.get(path) == answer
        assert field.yes.isChecked() == (answer == "yes")
        assert field.no.isChecked() == (answer == "no")
        assert field.status.text() == ""
    # Delete (or Backspace) returns a row to unanswered, shown as such.
    last = driver.field(yes_no[-1])
    assert isinstance(last, YesNoField)
    qtbot.keyClick(last, Qt.Key.Key_Delete)
    assert driver.state.get(yes_no[-1]) is None
    assert last.status.text() == "Not answered"
    assert not last.yes.isChecked()
    assert not last.no.isChecked()
    # Other letters do not answer.
    qtbot.keyClick(last, Qt.Key.Key_X)
    assert driver.state.get(yes_no[-1]) is None


def test_radio_buttons_answer_by_click_too(driver: WizardDriver, qtbot: QtBot) -> None:
    driver.go_to(PageId.LDN_SCREEN)
    field = driver.field("ldn_screen.thioridazine")
    assert isinstance(field, YesNoField)
    qtbot.mouseClick(field.yes, Qt.MouseButton.LeftButton)
    assert driver.state.get("ldn_screen.thioridazine") == "yes"
    qtbot.mouseClick(field.no, Qt.MouseButton.LeftButton)
    assert driver.state.get("ldn_screen.thioridazine") == "no"
    assert not field.yes.isChecked()


def tab_through(qtbot: QtBot, count: int) -> list[str]:
    names = []
    for _ in range(count):
        focused = QApplication.focusWidget()
        names.append(focused.objectName())
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    return names


def test_tab_moves_forward_through_the_ldn_screen_in_question_order(
    driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.go_to(PageId.LDN_SCREEN)
    page = driver.wizard.question_pages[PageId.LDN_SCREEN]
    first = page.fields["ldn_screen.current_opioid_use"]
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus, timeout=1000)
    shown = [path for path in page.paths() if page.is_shown(path)]
    # A blank visit (sex at birth not stated) asks about pregnancy; the urine screen is not yet asked.
    assert "ldn_screen.pregnancy" in shown
    assert "ldn_screen.urine_opioid_screen" not in shown
    order = tab_through(qtbot, len(shown))
    expected = [path if path != "ldn_screen.pregnancy" else "ldn_screen.pregnancy:combo" for path in shown]
    assert order == expected
    # Then on to the wizard's own buttons (Back, Next), not back into the page.
    assert QApplication.focusWidget() in (driver.back_button, driver.next_button)


def test_tab_moves_forward_through_the_patient_page(driver: WizardDriver, qtbot: QtBot) -> None:
    page = driver.wizard.question_pages[PageId.PATIENT]
    first = page.fields["visit_date"].focus_target()
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus, timeout=1000)
    # One Tab leaves the date (its year, month and day are reached with the arrow keys or by typing).
    shown = [path for path in page.fields if page.is_shown(path)]
    assert "patient.weight_confirmed" not in shown  # asked only for an implausible weight
    order = tab_through(qtbot, len(shown))
    assert order == [page.fields[path].focus_target().objectName() for path in shown]


def test_priorities_stop_at_three_and_keep_the_model_order(driver: WizardDriver, qtbot: QtBot) -> None:
    driver.go_to(PageId.PREFERENCES)
    field = driver.field("preferences.priorities")
    assert isinstance(field, PriorityField)
    chosen = ["protect_appetite", "strong_evidence", "low_cost"]
    for name in chosen:
        qtbot.keyClick(field.boxes[name], Qt.Key.Key_Space)
    assert driver.state.get("preferences.priorities") == [p for p in PRIORITIES if p in chosen]
    assert field.hint.text().startswith("Up to three chosen")
    others = [box for name, box in field.boxes.items() if name not in chosen]
    assert others
    assert not any(box.isEnabled() for box in others)
    assert driver.next_enabled()
    qtbot.keyClick(field.boxes["low_cost"], Qt.Key.Key_Space)
    assert driver.state.get("preferences.priorities") == ["strong_evidence", "protect_appetite"]
    assert all(box.isEnabled() for box in others)


@pytest.mark.parametrize(
    ("path", "typed", "stored"),
    [
        ("patient.weight_kg", "72,5", 72.5),  # a decimal comma is read as a point
        ("patient.weight_kg", " 80 ", 80.0),
        ("patient.age_years", "7", 7),
        ("patient.display_name", "  Ana María  ", "Ana María"),
        ("patient.display_name", "   ", None),
    ],
)
def test_typed_values_are_stored_as_the_visit_reads_them(
    driver: WizardDriver, path: str, typed: str, stored: object
) -> None:
    field = driver.field(path)
    assert isinstance(field, NumberField | TextField)
    driver.type_into(path, typed)
    assert driver.state.get(path) == stored
    assert type(driver.state.get(path)) is type(stored)


def test_choice_fields_offer_not_answered_only_where_the_answer_may_be_missing(driver: WizardDriver) -> None:
    confirmed = driver.field("diagnosis.adhd_confirmed")
    sex = driver.field("patient.sex_at_birth")
    assert isinstance(confirmed, ChoiceField)
    assert isinstance(sex, ChoiceField)
    assert confirmed.combo.itemData(0) is None
    assert confirmed.combo.currentData() is None
    assert None not in [sex.combo.itemData(i) for i in range(sex.combo.count())]
    assert sex.combo.currentData() == "not_stated"  # shows the model's default, which the file reads
