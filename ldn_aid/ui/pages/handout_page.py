"""Page 7, Handout: a live preview of the very PDF that prints and saves, with its switches.

The page composes the handout through `compose_for_visit` (the path the command line uses), renders
it once to bytes, and shows those bytes in a QPdfView. Printing draws those PDF pages on the printer
and saving writes the same render; nothing here lays out the handout. reportlab and QtPdf load on
first use, so they cost nothing at start-up.

Printing obeys the core's gate (`VisitDecision.handout_gate` for the handout, `followup_gate` for the
follow-up sheet), the same gate `ldn-aid handout` and `ldn-aid followup-sheet` obey: while it refuses,
no document is shown as printable; the page lists the reasons in words and Print and Save stay
disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPageSize, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ldn_aid.atomic import SaveError
from ldn_aid.content import ContentBundle
from ldn_aid.content.words import blocker_text
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.errors import LdnAidError
from ldn_aid.settings import ClinicSettings, load_settings
from ldn_aid.ui import dialogs
from ldn_aid.ui.state import VisitState

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
    from PySide6.QtPrintSupport import QPrinter

    from ldn_aid.handout.model import Handout
    from ldn_aid.handout.render_pdf import RenderOptions

Paper = Literal["letter", "a4"]
LANGUAGES = (("en", "English"), ("es", "Español"))
PAPERS: tuple[tuple[Paper, str], ...] = (("letter", "Letter"), ("a4", "A4"))
# Pages are rasterised for the printer at no more than this, which keeps a page image near 35 MB
# at most; text at 300 dpi prints cleanly.
PRINT_MAX_DPI = 300
WALLET_NOTE = "The wallet card and the dose calendar are the last pages."
REFUSED_CSS = (
    "QLabel { color: #5c0010; background: #fdecec; border: 2px solid #b00020; border-left: 8px solid"
    " #b00020; border-radius: 4px; font-weight: bold; }"
)
DOCUMENT_NAMES = {"handout": "handout", "followup": "follow-up sheet"}
# Where a refused clinician choice is withdrawn (the follow-up review page comes after this one).
WITHDRAW_HINT = (
    "To withdraw the refused choice: press Next to go to the follow-up review, then press"
    " \u201cWithdraw the refused choice\u201d under \u201cChoose differently\u201d."
)
NO_VISIT = (
    "The handout cannot be made yet: some answers on earlier pages are not valid. Go back and fix"
    " the values marked in red."
)


class HandoutPage(QWizardPage):
    """The patient handout: preview, language, large print and paper, Print… and Save PDF….

    Attributes:
        pdf_bytes: the PDF currently shown (empty when there is none), exactly what Save PDF… writes.
    """

    def __init__(
        self,
        state: VisitState,
        content: ContentBundle,
        settings_provider: Callable[[], ClinicSettings] | None = None,
    ) -> None:
        super().__init__()
        self.state = state
        # The clinician's words for the gate's blockers (the wizard's language, not the handout's).
        self.content = content
        self.settings_provider: Callable[[], ClinicSettings] = settings_provider or load_settings
        self.clinic = ClinicSettings()
        self.pdf_bytes = b""
        self.handout: Handout | None = None
        self.options: RenderOptions | None = None
        self.document: QPdfDocument | None = None
        self.view: QPdfView | None = None
        self._pdf_data: QByteArray | None = None
        self._pdf_buffer: QBuffer | None = None
        self._syncing = False
        self._visit_language: str | None = None
        self._settings_paper: str | None = None
        self.setTitle("Handout")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.document_kind = QComboBox()
        self.document_kind.setObjectName("handout.document")
        self.document_kind.setAccessibleName("Which document")
        self.document_kind.addItem("Full handout", "handout")
        self.document_kind.addItem("Follow-up sheet", "followup")
        self.language = QComboBox()
        self.language.setObjectName("handout.language")
        self.language.setAccessibleName("Handout language")
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.paper = QComboBox()
        self.paper.setObjectName("handout.paper")
        self.paper.setAccessibleName("Paper size")
        for code, name in PAPERS:
            self.paper.addItem(name, code)
        self.large_print = QCheckBox("Lar&ge print")
        self.large_print.setObjectName("handout.large_print")
        self.large_print.setAccessibleName("Large print")
        for text, combo in (
            ("&Document:", self.document_kind),
            ("&Language:", self.language),
            ("Pape&r:", self.paper),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            bar.addWidget(label)
            bar.addWidget(combo)
            bar.addSpacing(8)
        bar.addWidget(self.large_print)
        bar.addStretch(1)
        self.print_button = QPushButton("&Print…")
        self.print_button.setObjectName("handout.print")
        self.save_button = QPushButton("&Save PDF…")
        self.save_button.setObjectName("handout.save")
        # Enter on this page must not press them by accident.
        for button in (self.print_button, self.save_button):
            button.setAutoDefault(False)
            bar.addWidget(button)
        layout.addLayout(bar)

        info = QHBoxLayout()
        self.note = QLabel()
        self.note.setObjectName("handout.note")
        self.note.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("handout.status")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status.setStyleSheet("color: #1b6e2a; font-weight: bold;")
        info.addWidget(self.note, 1)
        info.addWidget(self.status)
        layout.addLayout(info)

        self.stack = QStackedWidget()
        self.message = QLabel()
        self.message.setObjectName("handout.message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMargin(24)
        # The words sit in a page of their own: centred for a plain note, at the top (boxed, only as
        # tall as the reasons) for a refusal.
        self.message_page = QWidget()
        self._message_layout = QVBoxLayout(self.message_page)
        self._message_layout.setContentsMargins(0, 8, 0, 0)
        self._message_layout.addStretch(1)
        self._message_layout.addWidget(self.message)
        self._message_layout.addStretch(1)
        self.stack.addWidget(self.message_page)
        layout.addWidget(self.stack, 1)

        self.document_kind.currentIndexChanged.connect(self._on_option_changed)
        self.language.currentIndexChanged.connect(self._on_option_changed)
        self.paper.currentIndexChanged.connect(self._on_option_changed)
        self.large_print.toggled.connect(self._on_option_changed)
        self.print_button.clicked.connect(self.print_handout)
        self.save_button.clicked.connect(self.save_pdf)
        state.loaded.connect(self._on_loaded)

    # ---- options ----------------------------------------------------------------------------------

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        """Pick up the visit's language and the clinic's paper, unless the clinician chose others here."""
        self.clinic = self.settings_provider()
        visit = self.state.visit
        first_look = self._visit_language is None
        self._syncing = True
        try:
            if visit is not None and visit.patient.handout_language != self._visit_language:
                self._visit_language = visit.patient.handout_language
                self.language.setCurrentIndex(max(self.language.findData(self._visit_language), 0))
            # The follow-up sheet exists only once a review is recorded; after one, it is the likely print.
            has_follow_ups = visit is not None and bool(visit.follow_ups)
            sheet_item = self.document_kind.model().item(1)  # type: ignore[attr-defined]
            sheet_item.setEnabled(has_follow_ups)
            if first_look or not has_follow_ups:
                self.document_kind.setCurrentIndex(1 if has_follow_ups else 0)
            if self.clinic.default_paper != self._settings_paper:
                self._settings_paper = self.clinic.default_paper
                self.paper.setCurrentIndex(max(self.paper.findData(self._settings_paper), 0))
        finally:
            self._syncing = False
        self.status.clear()
        self.refresh_preview()

    def _on_loaded(self) -> None:
        """A new or opened visit starts from its own language, the clinic's paper and normal print."""
        self._visit_language = None
        self._settings_paper = None
        self._syncing = True
        try:
            self.large_print.setChecked(False)
        finally:
            self._syncing = False
        if self.isVisible():
            self.initializePage()

    def _on_option_changed(self) -> None:
        if not self._syncing:
            self.status.clear()
            self.refresh_preview()

    def selected_language(self) -> str:
        return str(self.language.currentData())

    def selected_paper(self) -> Paper:
        return "a4" if self.paper.currentData() == "a4" else "letter"

    # ---- rendering ----------------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Compose and render the handout for the current visit and options, and show it."""
        from ldn_aid.handout.compose import compose_followup_for_visit, compose_for_visit
        from ldn_aid.handout.render_pdf import RenderOptions, render_pdf_bytes

        visit = self.state.visit
        if visit is None:
            self._show_message(NO_VISIT)
            return
        language = self.selected_language()
        options = RenderOptions(paper=self.selected_paper(), large_print=self.large_print.isChecked())
        kind = self.shown_kind()
        refusal = self.refusal(kind)
        if refusal is not None:
            self._show_message(refusal, refused=True)
            return
        try:
            # The same composition as `ldn-aid handout` / `ldn-aid followup-sheet`, so the bytes match.
            if kind == "followup":
                sheet = compose_followup_for_visit(visit, language, self.clinic)
                if sheet is None:
                    self._show_message("There is no follow-up review to print.")
                    return
                handout = sheet
            else:
                handout = compose_for_visit(visit, language, self.clinic)
            data = render_pdf_bytes(handout, options)
        except LdnAidError as exc:
            self._show_message(f"The handout cannot be made: {exc}")
            return
        self.handout, self.options, self.pdf_bytes = handout, options, data
        self._show_pdf(data)

    def gate(self, kind: str) -> Gate | None:
        """The core's gate for the handout or the follow-up sheet (None while the visit is invalid)."""
        decision = self.state.decision
        if decision is None:
            return None
        return decision.followup_gate if kind == "followup" else decision.handout_gate

    def refusal(self, kind: str) -> str | None:
        """Why the document may not be given to the patient, in words; None when it may."""
        gate = self.gate(kind)
        if gate is None or gate.allowed:
            return None
        lines = [f"This {DOCUMENT_NAMES[kind]} cannot be printed or saved yet:"]
        lines += [f"• {blocker_text(self.content, blocker, gate.params)}" for blocker in gate.blockers]
        if "followup_override_refused" in gate.blockers:
            lines.append(WITHDRAW_HINT)
        return "\n".join(lines)

    def shown_kind(self) -> str:
        """The document the page is set to show: the follow-up sheet only when there is a review."""
        visit = self.state.visit
        wanted = self.document_kind.currentData()
        return "followup" if wanted == "followup" and visit is not None and visit.follow_ups else "handout"

    def _refused_now(self) -> bool:
        """Ask the gate again at the moment of printing or saving: if the visit changed since the
        preview and the gate now refuses, say why instead (nothing refused ever leaves the page)."""
        refusal = self.refusal(self.shown_kind()) if self.state.visit is not None else NO_VISIT
        if refusal is None:
            return False
        self._show_message(refusal, refused=refusal != NO_VISIT)
        return True

    def _show_message(self, text: str, *, refused: bool = False) -> None:
        """Show words instead of a document; nothing is printable while they show."""
        self.handout, self.options, self.pdf_bytes = None, None, b""
        if self.document is not None:
            self.document.close()
        self.message.setText(text)
        self.message.setProperty("refused", refused)
        if refused:
            self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.message.setStyleSheet(REFUSED_CSS)
            self.message.setMargin(10)
        else:
            self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.message.setStyleSheet("")
            self.message.setMargin(24)
        self._message_layout.setStretch(0, 0 if refused else 1)
        self.stack.setCurrentWidget(self.message_page)
        self.note.clear()
        for widget in (self.print_button, self.save_button):
            widget.setEnabled(False)

    def _show_pdf(self, data: bytes) -> None:
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
            self.stack.addWidget(self.view)
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
        self.stack.setCurrentWidget(self.view)
        pages = self.document.pageCount()
        parts = [f"{pages} page{'s' if pages != 1 else ''}."]
        if self.state.protocol is not None:
            parts.append(WALLET_NOTE)
        self.note.setText(" ".join(parts))
        for widget in (self.print_button, self.save_button):
            widget.setEnabled(True)

    # ---- printing ---------------------------------------------------------------------------------

    def _ask_printer(self, printer: QPrinter) -> bool:
        """The system print dialog; True when the clinician chose to print. Tests replace this."""
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print handout")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_handout(self) -> None:
        """Print the PDF pages as shown, one page per sheet, scaled to fit without distortion."""
        from PySide6.QtPrintSupport import QPrinter

        if self.document is None or not self.pdf_bytes or self._refused_now():
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("LDN handout")  # never the patient's name: print queues are shared
        printer.setFullPage(True)  # the PDF has its own margins
        size = QPageSize.PageSizeId.A4 if self.selected_paper() == "a4" else QPageSize.PageSizeId.Letter
        printer.setPageSize(QPageSize(size))
        if not self._ask_printer(printer):
            return
        printed = self.print_to(printer)
        if printed:
            self.status.setText(f"Sent {printed} page{'s' if printed != 1 else ''} to the printer.")

    def print_to(self, printer: QPrinter) -> int:
        """Draw every page of the shown PDF on `printer`; the number of pages printed."""
        document = self.document
        if document is None:
            return 0
        painter = QPainter()
        if not painter.begin(printer):
            dialogs.show_error(self, "Handout not printed", "The printer could not be started.")
            return 0
        printed = 0
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            dpi = min(printer.resolution(), PRINT_MAX_DPI)
            for index in range(document.pageCount()):
                if index and not printer.newPage():
                    break
                self._draw_page(painter, document, index, dpi)
                printed += 1
        finally:
            painter.end()
            QApplication.restoreOverrideCursor()
        if printed < document.pageCount():
            total = document.pageCount()
            message = f"The printer stopped after {printed} of {total} pages."
            dialogs.show_error(self, "Handout not printed", message)
        return printed

    @staticmethod
    def _draw_page(painter: QPainter, document: QPdfDocument, index: int, dpi: int) -> None:
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

    # ---- saving ------------------------------------------------------------------------------------

    def suggested_file_name(self) -> str:
        """No patient name in it: file names show up in folders, recent lists and backups."""
        visit = self.state.visit
        day = visit.visit_date.isoformat() if visit is not None else "visit"
        return f"ldn-handout-{day}.pdf"

    def save_pdf(self) -> None:
        from ldn_aid.handout.render_pdf import write_pdf

        handout, options = self.handout, self.options
        if handout is None or options is None or self._refused_now():
            return
        path = dialogs.ask_save_path(self, "Save handout", self.suggested_file_name(), dialogs.PDF_FILTER)
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            write_pdf(handout, path, options)
        except (SaveError, OSError) as exc:
            dialogs.show_error(self, "Handout not saved", str(exc))
            return
        self.status.setText(f"Saved {path.name}")
