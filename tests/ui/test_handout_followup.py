"""After a follow-up review, the handout page offers the one-page follow-up sheet, identical to the
command line's `ldn-aid followup-sheet`."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from ldn_aid.cli import main
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId

# Format-2 visits with every question answered (the follow-up reviews ask every safety question).
CASES = Path(__file__).resolve().parent / "cases"


def test_follow_up_visit_prints_the_follow_up_sheet(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    visit_path = CASES / "followup_advance.json"
    assert window.open_visit(visit_path)
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    assert page.document_kind.currentData() == "followup"
    qtbot.waitUntil(lambda: bool(page.pdf_bytes))
    out = tmp_path / "sheet.pdf"
    assert main(["followup-sheet", str(visit_path), "-o", str(out)]) == 0
    assert page.pdf_bytes == out.read_bytes()
    page.document_kind.setCurrentIndex(page.document_kind.findData("handout"))
    handout = tmp_path / "handout.pdf"
    assert main(["handout", str(visit_path), "-o", str(handout)]) == 0
    assert page.pdf_bytes == handout.read_bytes()


def test_first_visit_cannot_choose_the_follow_up_sheet(window: MainWindow) -> None:
    assert window.open_visit(CASES / "ldn_option.json")
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    assert page.document_kind.currentData() == "handout"
    assert not page.document_kind.model().item(1).isEnabled()
