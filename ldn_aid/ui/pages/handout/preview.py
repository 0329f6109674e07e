"""The handout page's preview: words (a note, a refusal, a failure) or the PDF, never both.

It holds the bytes it shows: `show_pdf(data)` loads exactly `data` and `pdf_bytes` returns it, so the
printer and the file get the document on screen. Showing words clears the bytes and closes the
document: nothing stale stays printable. QtPdf loads on first use, so it costs nothing at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from ldn_aid.ui import theme

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView


class PdfPreview(QStackedWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf_bytes = b""
        self.document: QPdfDocument | None = None
        self.view: QPdfView | None = None
        self._pdf_data: QByteArray | None = None
        self._pdf_buffer: QBuffer | None = None
        self.message = QLabel()
        self.message.setObjectName("handout.message")
        self.message.setWordWrap(True)
        # The words sit in a page of their own: centred for a plain note, at the top (boxed, only as
        # tall as the reasons) for a refusal.
        self.message_page = QWidget()
        self._message_layout = QVBoxLayout(self.message_page)
        self._message_layout.setContentsMargins(0, 8, 0, 0)
        self._message_layout.addStretch(1)
        self._message_layout.addWidget(self.message)
        self._message_layout.addStretch(1)
        self.addWidget(self.message_page)
        self.show_message("")

    def show_message(self, text: str, *, refused: bool = False) -> None:
        """Show words instead of a document; the bytes are cleared and the document closed."""
        self.pdf_bytes = b""
        if self.document is not None:
            self.document.close()
        self.message.setText(text)
        self.message.setProperty("refused", refused)
        if refused:
            self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.message.setStyleSheet(theme.BLOCKED_LABEL_CSS)
            self.message.setMargin(10)
        else:
            self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.message.setStyleSheet("")
            self.message.setMargin(24)
        self._message_layout.setStretch(0, 0 if refused else 1)
        self.setCurrentWidget(self.message_page)

    def show_pdf(self, data: bytes) -> int:
        """Load and show exactly `data`, from its first page; the number of pages."""
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        if self.document is None or self.view is None:
            self.document = QPdfDocument(self)
            self.view = QPdfView(self)
            self.view.setObjectName("handout.preview")
            self.view.setAccessibleName("Handout preview")
            self.view.setPageMode(QPdfView.PageMode.MultiPage)
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.view.setDocument(self.document)
            self.addWidget(self.view)
        old_buffer = self._pdf_buffer
        self.document.close()
        # The document reads from the buffer for as long as it is open, so both stay referenced here.
        self._pdf_data = QByteArray(data)
        buffer = QBuffer(self)
        buffer.setData(self._pdf_data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._pdf_buffer = buffer
        self.document.load(buffer)
        if old_buffer is not None:
            old_buffer.close()
            old_buffer.deleteLater()
        self.pdf_bytes = data
        self.setCurrentWidget(self.view)
        self.to_first_page()
        return self.document.pageCount()

    def to_first_page(self) -> None:
        """A new document (or a new visit) starts on its first page, not where the last one was."""
        if self.view is not None:
            self.view.verticalScrollBar().setValue(0)
            self.view.horizontalScrollBar().setValue(0)
            self.view.pageNavigator().jump(0, QPointF(0, 0))

    @property
    def current_page(self) -> int:
        return 0 if self.view is None else self.view.pageNavigator().currentPage()
