"""Drawing the pages of a loaded PDF on a printer: one page per sheet, scaled to fit, never distorted.

The printer gets the very document the preview shows (loaded from the page's bytes), so what prints is
what was seen and what the chart note hashes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QWidget

from ldn_aid.ui import dialogs

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

# Pages are rasterised for the printer at no more than this, which keeps a page image near 35 MB
# at most; text at 300 dpi prints cleanly.
PRINT_MAX_DPI = 300


def sources_output_name(path: str, suffix: str) -> str:
    """The file beside `path` for its sources: handout.pdf -> handout-sources.pdf."""
    from pathlib import Path

    first = Path(path)
    return str(first.with_name(f"{first.stem}{suffix}{first.suffix or '.pdf'}"))


def print_document(parent: QWidget, document: QPdfDocument, printer: QPrinter) -> int:
    """Draw every page of `document` on `printer`; the number of pages printed (errors shown)."""
    painter = QPainter()
    if not painter.begin(printer):
        dialogs.show_error(parent, "Handout not printed", "The printer could not be started.")
        return 0
    printed = 0
    total = document.pageCount()
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        dpi = min(printer.resolution(), PRINT_MAX_DPI)
        for index in range(total):
            if index and not printer.newPage():
                break
            draw_page(painter, document, index, dpi)
            printed += 1
    finally:
        painter.end()
        QApplication.restoreOverrideCursor()
    if printed < total:
        dialogs.show_error(
            parent, "Handout not printed", f"The printer stopped after {printed} of {total} pages."
        )
    return printed


def draw_page(painter: QPainter, document: QPdfDocument, index: int, dpi: int) -> None:
    sheet = QRectF(painter.viewport())
    points = document.pagePointSize(index)
    if points.width() <= 0 or points.height() <= 0:
        return
    # A landscape page on a portrait sheet (or the reverse) is turned a quarter, as a printer's
    # auto-rotate would, so it prints as large as the sheet allows.
    turn = (points.width() > points.height()) != (sheet.width() > sheet.height())
    room_w, room_h = (sheet.height(), sheet.width()) if turn else (sheet.width(), sheet.height())
    scale = min(room_w / points.width(), room_h / points.height())
    width, height = points.width() * scale, points.height() * scale
    pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    if pixels.width() * pixels.height() > width * height:
        pixels = QSize(round(width), round(height))
    image = document.render(index, pixels)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.translate(sheet.center())
    if turn:
        painter.rotate(90)
    painter.drawImage(QRectF(QPointF(-width / 2, -height / 2), QPointF(width / 2, height / 2)), image)
    painter.restore()
