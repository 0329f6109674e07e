"""Wrapped lines beside an answer keep their full height as answers come in (the walk at 1280x720 saw
page 2's "why" lines squeezed to half a line after the baseline and the earlier medicines were
answered: the scrolled body kept its old height and the form squeezed its rows)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from wizard_driver import WizardDriver

from ldn_aid.content import ContentBundle
from ldn_aid.settings import ClinicSettings, LoadedSettings
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId


def clipped_lines(window: MainWindow, page_id: PageId) -> list[str]:
    page = window.wizard.question_pages[page_id]
    QApplication.processEvents()
    clipped = []
    for label in page.findChildren(QLabel):
        if not label.isVisible() or not label.wordWrap() or not label.text():
            continue
        if label.height() < label.heightForWidth(label.width()):
            clipped.append(label.text())
    return clipped


def test_page_2_lines_keep_their_height_after_answering_at_1280x720(
    qtbot: QtBot, content: ContentBundle
) -> None:
    # A window opened at this size (as on a 1280x720 screen), not resized down from a larger one.
    window = MainWindow(content, settings_source=lambda: LoadedSettings(ClinicSettings()))
    qtbot.addWidget(window, before_close_func=lambda widget: widget.state.mark_saved())
    window.resize(1280, 690)
    window.show()
    driver = WizardDriver(qtbot, window)
    driver.fill(
        {"patient.age_years": 34, "patient.weight_kg": 72.5, "patient.sex_at_birth": "female"},
        stop_at=PageId.DIAGNOSIS,
    )
    for path, value in (
        ("diagnosis.adhd_confirmed", "yes"),
        ("diagnosis.baseline.scale", "aisrs"),
        ("diagnosis.baseline.score", 30),
        ("history.methylphenidate", "side_effects"),
        ("history.amphetamine", "side_effects"),
    ):
        driver.answer(path, value)
        QApplication.processEvents()  # as between a clinician's keys: each answer is laid out
    assert driver.page_id == PageId.DIAGNOSIS
    assert clipped_lines(window, PageId.DIAGNOSIS) == []
