"""The Qt part of `--self-test`: the libraries load and the preview engine opens a real handout."""

from __future__ import annotations

from pathlib import Path


def check_qt_preview(pdf: Path) -> str:
    """Open a handout PDF with QtPdf (as the preview and printing do); returns a short detail."""
    from PySide6 import QtPrintSupport, QtSvg, QtWidgets  # noqa: F401 - loading them is the check
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtPdf import QPdfDocument

    app = QCoreApplication.instance() or QCoreApplication([])
    document = QPdfDocument(app)
    error = document.load(str(pdf))
    if error != QPdfDocument.Error.None_:
        raise RuntimeError(f"QtPdf could not open the handout: {error.name}")
    pages = document.pageCount()
    if pages < 1:
        raise RuntimeError("QtPdf found no pages")
    document.close()
    return f"QtPdf opened {pages} pages"
