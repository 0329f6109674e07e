"""Code review F4 in the wizard: it saved the follow-up dose and the plan's target as text ("4.5"),
where the schema and the examples hold numbers. A review added on the page and a target typed on
the assessment page are now saved as JSON numbers, and a typo in the target is refused beside the
field rather than saved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot
from wizard_driver import DialogLog, answer_review, child

from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId

CASES = Path(__file__).resolve().parent / "cases"


def test_an_added_review_and_a_typed_target_are_saved_as_numbers(
    window: MainWindow, qtbot: QtBot, dialog_log: DialogLog, tmp_path: Path
) -> None:
    visit_file = tmp_path / "visit.json"
    shutil.copyfile(CASES / "followup_advance.json", visit_file)
    assert window.open_visit(visit_file)
    page = window.wizard.follow_up_page
    answer_review(page, dose="4,5")  # a decimal comma, as typed on a Spanish keyboard
    qtbot.mouseClick(child(page, QPushButton, "followup.add"), Qt.MouseButton.LeftButton)
    assert window.save_visit()
    saved = json.loads(visit_file.read_text("utf-8"))
    doses = [follow_up["dose_mg"] for follow_up in saved["follow_ups"]]
    assert doses[-1] == 4.5
    assert all(type(dose) is float for dose in doses), doses


def test_a_target_typed_on_the_assessment_page_is_saved_as_a_number(
    window: MainWindow, qtbot: QtBot, dialog_log: DialogLog, tmp_path: Path
) -> None:
    visit_file = tmp_path / "visit.json"
    shutil.copyfile(CASES / "ldn_option.json", visit_file)
    assert window.open_visit(visit_file)
    window.wizard.go_to(PageId.ASSESSMENT)
    page = window.wizard.assessment_page
    qtbot.keyClicks(page.target_mg, "3")
    qtbot.keyClicks(page.plan.change_reason, "Agreed a lower target with the patient.")
    assert window.save_visit()
    saved = json.loads(visit_file.read_text("utf-8"))
    assert saved["plan"]["target_mg"] == 3.0
    assert type(saved["plan"]["target_mg"]) is float

    # A typo is not read as "no target": it is refused beside the field, and the visit is not saved.
    qtbot.keyClicks(page.target_mg, "x")
    assert window.state.get("plan.target_mg") == "3x"
    message = child(page, QLabel, "plan.target_mg:error")
    assert message.isVisible()
    assert message.text() == "Type a number of mg, such as 3.5."
    assert not window.save_visit()
    assert dialog_log.errors[-1] == (
        "Cannot save yet",
        "“Lower target dose (mg), if wanted” is out of range or not a number: fix it first.",
    )
    panel = window.findChild(QLabel, "outcome_panel.banner")
    assert panel is not None
    assert "A value is out of range or not a number." in panel.text()
    assert json.loads(visit_file.read_text("utf-8"))["plan"]["target_mg"] == 3.0
