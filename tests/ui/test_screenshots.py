"""A PNG of every page for filled-in visits, at 1366 x 768, for people to look at.

The pictures are written under the test's temporary folder (`pytest --basetemp=DIR` keeps them in a
known place). Pages taller than the window are also pictured scrolled to the bottom.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot
from wizard_driver import GUIDELINE_FIRST, LDN_OPTION, WizardDriver

from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId


def dark_pixels(image: QImage, step: int = 3) -> int:
    """How many sampled pixels are dark (text, lines): a blank or grey preview has none."""
    count = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            if image.pixelColor(x, y).lightness() < 110:
                count += 1
    return count


@pytest.mark.parametrize(
    ("name", "answers"),
    [("ldn_option", LDN_OPTION), ("guideline_first_es", GUIDELINE_FIRST)],
)
def test_png_of_every_page(
    name: str, answers: dict[str, Any], window: MainWindow, driver: WizardDriver, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "pages" / name
    folder.mkdir(parents=True)
    window.resize(1366, 768)
    written: list[Path] = []
    pages = [PageId(number) for number in window.wizard.pageIds()]
    assert pages[: PageId.HANDOUT + 1] == list(PageId)[: PageId.HANDOUT + 1]
    for page_id in pages:
        if page_id > PageId.PATIENT:
            assessment = window.wizard.assessment_page
            if page_id == PageId.HANDOUT and assessment.acknowledgement_missing():
                assessment.acknowledge.setChecked(True)
            driver.next()
        # Each question page is pictured with its answers given.
        page = driver.wizard.question_pages.get(page_id)
        for path, value in answers.items():
            if page is not None and path in page.fields:
                if value is None and not driver.shown(path):
                    continue  # not asked of this patient
                driver.answer(path, value)
        if page_id == PageId.HANDOUT:
            handout = window.wizard.handout_page
            qtbot.waitUntil(lambda h=handout: h.pdf_bytes.startswith(b"%PDF"), timeout=5000)
            qtbot.wait(300)
            assert handout.view is not None
            viewport = handout.view.viewport()
            qtbot.waitUntil(lambda v=viewport: dark_pixels(v.grab().toImage(), step=6) > 200, timeout=5000)
        else:
            qtbot.wait(20)
        shot = folder / f"{page_id.value}-{page_id.name.lower()}.png"
        assert window.grab().save(str(shot))
        written.append(shot)
        scroll = window.wizard.currentPage().findChild(QScrollArea)
        if scroll is not None and scroll.verticalScrollBar().maximum() > 0:
            bar = scroll.verticalScrollBar()
            bar.setValue(bar.maximum())
            qtbot.wait(20)
            shot = folder / f"{page_id.value}-{page_id.name.lower()}-bottom.png"
            assert window.grab().save(str(shot))
            written.append(shot)
            bar.setValue(0)

    assert len([p for p in written if not p.stem.endswith("-bottom")]) == len(pages)
    for shot in written:
        assert shot.stat().st_size > 10_000, f"{shot.name} looks empty"
        image = QImage(str(shot))
        assert (image.width(), image.height()) == (window.width(), window.height())
        assert dark_pixels(image, step=7) > 100, f"{shot.name} has almost nothing on it"
