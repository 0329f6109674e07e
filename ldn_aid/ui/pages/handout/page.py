"""Page 7, Handout: a live preview of the very PDF that prints and saves, with its switches.

One source of truth: the page composes the document through `compose_for_visit` /
`compose_followup_for_visit` (the path the command line uses), renders it once, and the preview holds
those bytes. Print draws the document loaded from them and Save PDF… writes them; after either, the
visit records what was given (`VisitState.record_given`), so the chart note hashes the bytes the
patient got, never a fresh render.

The preview follows everything that changes the document: the page being shown (Next or Back), any
change of the visit, the language, print size, paper and document kind, and the clinic settings
(`reload_clinic`). A render that fails says why and leaves nothing printable.

Printing obeys the core's gate (`VisitDecision.handout_gate` for the handout, `followup_gate` for the
follow-up sheet), the same gate `ldn-aid handout` and `ldn-aid followup-sheet` obey: while it refuses,
the page lists the reasons in words and Print and Save stay disabled.

"Print the sources too" (off by default, remembered for the session only) adds the evidence sheet as a
second document: printed after the document shown, or saved beside it as `NAME-sources.pdf`. It is
composed as `ldn-aid evidence-sheet` composes it, from the same options, so its numbers are the pack's,
and it obeys the pack's gate. It is recorded as given like any sheet.

Before anything is printed or saved while the clinic phone is blank, the clinician is asked: set it now
(the clinic settings open; the preview then shows the number and is checked again before printing),
print or save anyway (the sheet prints a write-in line), or cancel.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Signal
from PySide6.QtGui import QPageSize, QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget, QWizardPage

from ldn_aid.atomic import SaveError, write_atomically
from ldn_aid.content import ContentBundle
from ldn_aid.content.words import blocker_text
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.errors import LdnAidError, one_line
from ldn_aid.domain.visit import GivenDocument, Visit
from ldn_aid.logs import LOGGER_NAME
from ldn_aid.settings import ClinicSettings, load_settings
from ldn_aid.ui import dialogs, theme
from ldn_aid.ui.pages.handout.preview import PdfPreview
from ldn_aid.ui.pages.handout.printing import print_document, sources_output_name
from ldn_aid.ui.pages.handout.toolbar import HandoutToolbar, Paper
from ldn_aid.ui.save_target import ask_save_target, checked_save_path
from ldn_aid.ui.state import VisitState

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
    from PySide6.QtPrintSupport import QPrinter

    from ldn_aid.handout.model import Handout

Kind = Literal["handout", "followup"]
WALLET_NOTE = "The wallet card and the dose calendar are the last pages."
PHONE_NOT_SET = "Clinic phone not set: File \u2192 Clinic settings\u2026"
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
STALE = "The visit changed since the preview was made; the preview is now up to date. Check it first."
SOURCES_NOTE = "The sources follow as a second document."
PHONE_SET = "The clinic phone is set and the preview shows it. Check it, then {action} again."
SOURCES_SUFFIX = "-sources"


@dataclass(frozen=True)
class Shown:
    """What the preview's bytes were made from: everything that changes the document."""

    visit: Visit | None
    kind: Kind
    language: Literal["en", "es"]
    large_print: bool
    paper: Paper
    clinic: ClinicSettings


class HandoutPage(QWizardPage):
    """The patient handout: preview, language, large print and paper, Print… and Save PDF….

    Signals:
        settings_requested: "Set it now" in the blank-phone warning; the main window opens the clinic
            settings (and, when they are saved, calls `reload_clinic`).
    """

    settings_requested = Signal(str)  # the settings field to put the cursor in

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
        self.clinic = self.settings_provider()
        self.handout: Handout | None = None
        # The inputs of the document shown (None: words are shown), and of the last attempt.
        self._shown: Shown | None = None
        self._attempted: Shown | None = None
        self._syncing = False
        self._fresh = True  # a new or opened visit: options come from the visit and the clinic
        self._paper_chosen = False
        self._reviews_seen = -1
        self._note_text = ""
        self.setTitle("Handout")

        self.toolbar = HandoutToolbar()
        self.document_kind = self.toolbar.document_kind
        self.language = self.toolbar.language
        self.paper = self.toolbar.paper
        self.large_print = self.toolbar.large_print
        self.sources = self.toolbar.sources
        self.print_button = self.toolbar.print_button
        self.save_button = self.toolbar.save_button
        self.note = self.toolbar.note
        self.status = self.toolbar.status
        self.phone_banner = QLabel(PHONE_NOT_SET)
        self.phone_banner.setObjectName("handout.phone_not_set")
        self.phone_banner.setWordWrap(True)
        self.phone_banner.setStyleSheet(theme.NOTE_CSS)
        self.phone_banner.hide()
        self.preview = PdfPreview()
        self.message = self.preview.message

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.phone_banner)
        layout.addWidget(self.preview, 1)

        self.document_kind.currentIndexChanged.connect(self._on_option_changed)
        self.language.currentIndexChanged.connect(self._on_language_changed)
        self.paper.currentIndexChanged.connect(self._on_paper_changed)
        self.large_print.toggled.connect(self._on_large_print_changed)
        self.sources.toggled.connect(lambda _checked: self._update_note())
        self.print_button.clicked.connect(self.print_handout)
        self.save_button.clicked.connect(self.save_pdf)
        state.loaded.connect(self._on_loaded)
        state.changed.connect(self._on_state_changed)

    # ---- what the preview holds -------------------------------------------------------------------

    @property
    def pdf_bytes(self) -> bytes:
        """The PDF shown (empty when there is none): exactly what Print… prints and Save PDF… writes."""
        return self.preview.pdf_bytes

    @property
    def document(self) -> QPdfDocument | None:
        return self.preview.document

    @property
    def view(self) -> QPdfView | None:
        return self.preview.view

    def given_document(self, how: Literal["printed", "saved"]) -> GivenDocument | None:
        """The record of the document shown, as given `how`: its options and the hash of its bytes."""
        from ldn_aid.record.handout_hash import given_document

        shown, visit = self._shown, self.state.visit
        if shown is None or shown.visit is None or not self.pdf_bytes or visit is None:
            return None
        if shown.kind == "followup":
            kind: Literal["handout", "followup_sheet"] = "followup_sheet"
            for_date = shown.visit.follow_ups[-1].date
        else:
            kind, for_date = "handout", shown.visit.visit_date
        return given_document(
            kind, for_date, how, shown.language, shown.large_print, shown.paper, self.pdf_bytes
        )

    # ---- options ----------------------------------------------------------------------------------

    def first_focus(self) -> QWidget | None:
        return self.document_kind

    def reset_view(self) -> None:
        """A new visit starts on the first page of its document, with no status left over."""
        self.status.clear()
        self.preview.to_first_page()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self._sync_options()
        self.refresh_preview()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        # Back arrives here without initializePage: the visit may have changed on a later page.
        super().showEvent(event)
        self._sync_options()
        self.refresh_preview()

    def reload_clinic(self) -> None:
        """Read the clinic settings again (they are printed on the sheet) and re-render."""
        self.clinic = self.settings_provider()
        if not self._paper_chosen:
            self._select(self.paper, self.clinic.default_paper)
        if self.isVisible():
            self.refresh_preview()

    def _select(self, combo: Any, code: str) -> None:
        self._syncing = True
        try:
            combo.setCurrentIndex(max(combo.findData(code), 0))
        finally:
            self._syncing = False

    def _sync_options(self) -> None:
        """Show the visit's language and print size, the clinic's paper (unless chosen here), and the
        follow-up sheet once a review exists (a new review makes it the document shown)."""
        visit = self.state.visit
        if self._fresh:
            self.clinic = self.settings_provider()
        self._syncing = True
        try:
            if visit is not None:
                self.language.setCurrentIndex(max(self.language.findData(visit.patient.handout_language), 0))
                self.large_print.setChecked(visit.patient.handout_large_print)
            reviews = len(visit.follow_ups) if visit is not None else 0
            sheet_item = self.document_kind.model().item(1)  # type: ignore[attr-defined]
            sheet_item.setEnabled(reviews > 0)
            if reviews == 0:
                self.document_kind.setCurrentIndex(0)
            elif self._fresh or reviews > self._reviews_seen:
                self.document_kind.setCurrentIndex(1)
            if visit is not None:
                self._reviews_seen = reviews
            if not self._paper_chosen:
                self.paper.setCurrentIndex(max(self.paper.findData(self.clinic.default_paper), 0))
        finally:
            self._syncing = False
        if visit is not None:
            self._fresh = False

    def _on_loaded(self) -> None:
        """A new or opened visit starts from its own language and print size and the clinic's paper."""
        self._fresh = True
        self._paper_chosen = False
        self._reviews_seen = -1
        self.reset_view()
        if self.isVisible():
            self._sync_options()
            self.refresh_preview()

    def _on_state_changed(self) -> None:
        # While hidden nothing is rendered: showing the page compares what changed and renders then.
        if self.isVisible() and not self._syncing:
            self._sync_options()
            self.refresh_preview()

    def _write_back(self, path: str, value: object, default: object) -> None:
        """The choice belongs to the visit, so a reopened visit prints the same."""
        if self.state.get(path) is None and value == default:
            return
        self.state.set(path, value)

    def _on_language_changed(self) -> None:
        if not self._syncing:
            self._write_back("patient.handout_language", self.selected_language(), "en")
            self._on_option_changed()

    def _on_large_print_changed(self, checked: bool) -> None:
        if not self._syncing:
            self._write_back("patient.handout_large_print", checked, False)
            self._on_option_changed()

    def _on_paper_changed(self) -> None:
        if not self._syncing:
            self._paper_chosen = True
            self._on_option_changed()

    def _on_option_changed(self) -> None:
        if not self._syncing:
            self.status.clear()
            self.refresh_preview()

    def selected_language(self) -> Literal["en", "es"]:
        return "es" if self.language.currentData() == "es" else "en"

    def selected_paper(self) -> Paper:
        return "a4" if self.paper.currentData() == "a4" else "letter"

    def shown_kind(self) -> Kind:
        """The document the page is set to show: the follow-up sheet only when there is a review."""
        visit = self.state.visit
        wanted = self.document_kind.currentData()
        return "followup" if wanted == "followup" and visit is not None and visit.follow_ups else "handout"

    def _inputs(self) -> Shown:
        visit = self.state.visit
        # What was given is a record of printing; it does not change the document.
        bare = None if visit is None else visit.model_copy(update={"documents_given": ()})
        return Shown(
            bare,
            self.shown_kind(),
            self.selected_language(),
            self.large_print.isChecked(),
            self.selected_paper(),
            self.clinic,
        )

    # ---- rendering ----------------------------------------------------------------------------------

    def refresh_preview(self, *, force: bool = False) -> None:
        """Compose and render the document for the visit and options as they are now, and show it.
        Nothing is redone when none of its inputs changed since the last attempt."""
        inputs = self._inputs()
        if not force and inputs == self._attempted:
            return
        self._attempted = inputs
        self.phone_banner.setVisible(not self.clinic.phone.strip())
        self._render(inputs)

    def _render(self, inputs: Shown) -> None:
        from ldn_aid.handout.compose import compose_followup_for_visit, compose_for_visit
        from ldn_aid.handout.model import WalletCard
        from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes

        visit = self.state.visit
        if visit is None:
            self._show_message(NO_VISIT)
            return
        refusal = self.refusal(inputs.kind)
        if refusal is not None:
            self._show_message(refusal, refused=True)
            return
        options = RenderOptions(paper=inputs.paper, large_print=inputs.large_print)
        try:
            # The same composition as `ldn-aid handout` / `ldn-aid followup-sheet`, so the bytes match.
            if inputs.kind == "followup":
                sheet = compose_followup_for_visit(visit, inputs.language, self.clinic)
                if sheet is None:
                    self._show_message("There is no follow-up review to print.")
                    return
                handout = sheet
            else:
                handout = compose_for_visit(visit, inputs.language, self.clinic)
            data = render_pdf_bytes(handout, options)
        except LdnAidError as exc:
            self._show_message(f"The {DOCUMENT_NAMES[inputs.kind]} cannot be made: {one_line(str(exc))}")
            return
        except Exception as exc:  # noqa: BLE001 - any failure must leave nothing printable
            # Logged by type only: the message may quote patient text.
            logging.getLogger(LOGGER_NAME).error("%s render failed: %s", inputs.kind, type(exc).__name__)
            self._show_message(
                f"The {DOCUMENT_NAMES[inputs.kind]} could not be laid out with these options"
                f" ({type(exc).__name__}). Nothing can be printed or saved until it is: try normal print"
                " or the other paper size, and report this fault."
            )
            return
        self.handout = handout
        self._shown = inputs
        pages = self.preview.show_pdf(data)
        parts = [f"{pages} page{'s' if pages != 1 else ''}."]
        if any(isinstance(block, WalletCard) for block in handout.blocks):
            parts.append(WALLET_NOTE)
        self._note_text = " ".join(parts)
        self._update_note()
        self.toolbar.set_printable(True)

    def _update_note(self) -> None:
        """The page count (and where the wallet card is), and that the sources follow when ticked."""
        if self._shown is None:
            return
        extra = f" {SOURCES_NOTE}" if self.sources.isChecked() else ""
        self.note.setText(self._note_text + extra)

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

    def _not_ready(self) -> bool:
        """Check again at the moment of printing or saving: a changed visit re-renders first (and the
        clinician looks again), and a refusal is said instead; nothing stale or refused leaves."""
        if self._inputs() != self._shown:
            self.refresh_preview(force=True)
            if self.pdf_bytes:
                self.status.setText(STALE)
            return True
        refusal = self.refusal(self.shown_kind()) if self.state.visit is not None else NO_VISIT
        if refusal is None:
            return not self.pdf_bytes
        self._show_message(refusal, refused=refusal != NO_VISIT)
        return True

    def _show_message(self, text: str, *, refused: bool = False) -> None:
        """Show words instead of a document; nothing is printable while they show."""
        self.handout = None
        self._shown = None
        self.preview.show_message(text, refused=refused)
        self.note.clear()
        self.toolbar.set_printable(False)

    def _record(self, how: Literal["printed", "saved"]) -> None:
        given = self.given_document(how)
        if given is not None:
            self.state.record_given(given)

    # ---- before giving: the clinic phone, the sources ------------------------------------------------

    def _phone_checked(self, action: Literal["print", "save"]) -> bool:
        """True when the sheet may go: the clinic phone is set, or the clinician chose to give it with a
        write-in line. "Set it now" opens the clinic settings and gives nothing: the preview changes, so
        the clinician checks it and presses Print or Save again."""
        if self.clinic.phone.strip():
            return True
        answer = dialogs.ask_blank_phone(self, action)
        if answer == "anyway":
            return True
        if answer == "set":
            self.settings_requested.emit("phone")
            if self.clinic.phone.strip():
                self.status.setText(PHONE_SET.format(action=action))
        return False

    def sources_pdf(self) -> bytes:
        """The evidence sheet for the document shown, with the options shown: the numbered sources the
        pack cites (and those of the latest follow-up sheet), as `ldn-aid evidence-sheet` makes them.

        Raises:
            LdnAidError: the pack's gate refuses it (it goes with the pack), or it cannot be made.
        """
        from ldn_aid.handout.common import DocumentRefusedError
        from ldn_aid.handout.evidence_sheet import compose_evidence_sheet_for_visit
        from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes

        shown, visit = self._shown, self.state.visit
        if shown is None or visit is None:
            raise LdnAidError("there is no document shown")
        gate = self.gate("handout")
        if gate is not None and not gate.allowed:
            reasons = " ".join(
                " ".join(blocker_text(self.content, b, gate.params).split()) for b in gate.blockers
            )
            raise LdnAidError(f"they go with the handout, which may not be given yet. {reasons}")
        try:
            sheet = compose_evidence_sheet_for_visit(visit, shown.language, self.clinic, self.state.decision)
        except DocumentRefusedError as exc:  # pragma: no cover - the refusal above says it first
            raise LdnAidError(one_line(str(exc))) from None
        return render_pdf_bytes(sheet, RenderOptions(paper=shown.paper, large_print=shown.large_print))

    def _sources_for_giving(self, action: Literal["print", "save"]) -> bytes | None:
        """The evidence sheet's bytes when "Print the sources too" is ticked; None when it is not, or
        when it cannot be given (said in a dialog: the document shown still goes)."""
        if not self.sources.isChecked():
            return None
        try:
            return self.sources_pdf()
        except LdnAidError as exc:
            problem = one_line(str(exc))
        except Exception as exc:  # noqa: BLE001 - a failed layout must not stop the sheet itself
            logging.getLogger(LOGGER_NAME).error("sources render failed: %s", type(exc).__name__)
            problem = f"its layout failed ({type(exc).__name__}); report this fault"
        verb = "printed" if action == "print" else "saved"
        dialogs.show_error(
            self,
            f"Sources not {verb}",
            f"The sources cannot be {verb} with this {DOCUMENT_NAMES[self.shown_kind()]}: {problem}",
        )
        return None

    def _record_sources(self, how: Literal["printed", "saved"], data: bytes) -> None:
        from ldn_aid.record.handout_hash import given_document

        shown = self._shown
        if shown is None or shown.visit is None:
            return
        self.state.record_given(
            given_document(
                "evidence_sheet",
                shown.visit.visit_date,
                how,
                shown.language,
                shown.large_print,
                shown.paper,
                data,
            )
        )

    # ---- printing ---------------------------------------------------------------------------------

    def _ask_printer(self, printer: QPrinter) -> bool:
        """The system print dialog; True when the clinician chose to print. Tests replace this."""
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print handout")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_handout(self) -> None:
        """Print the PDF pages shown, one page per sheet, then the sources when ticked, and record each
        document printed as given."""
        from PySide6.QtPrintSupport import QPrinter

        if self.document is None or self._not_ready() or not self._phone_checked("print"):
            return
        sources = self._sources_for_giving("print")
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("LDN handout")  # never the patient's name: print queues are shared
        printer.setFullPage(True)  # the PDF has its own margins
        size = QPageSize.PageSizeId.A4 if self.selected_paper() == "a4" else QPageSize.PageSizeId.Letter
        printer.setPageSize(QPageSize(size))
        if not self._ask_printer(printer):
            return
        to_file = self._print_file(printer)
        if to_file is False:
            return
        printed = self.print_to(printer)
        _owner_only(to_file)
        if not printed or self.document is None or printed != self.document.pageCount():
            return
        self._record("printed")
        message = f"Sent {printed} page{'s' if printed != 1 else ''} to the printer."
        if sources is not None:
            sent = self._print_sources(printer, sources)
            if to_file is not None:
                _owner_only(Path(sources_output_name(str(to_file), SOURCES_SUFFIX)))
            if sent:
                self._record_sources("printed", sources)
                message += f" Then the sources: {sent} page{'s' if sent != 1 else ''}."
        self.status.setText(message)

    def _print_file(self, printer: QPrinter) -> Path | Literal[False] | None:
        """Where "Print to file" writes (None: a real printer), checked as a save is: never over the
        open visit, a device or a read-only file (False: refused, and said)."""
        from PySide6.QtPrintSupport import QPrinter

        if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat or not printer.outputFileName():
            return None
        target = checked_save_path(
            self, Path(printer.outputFileName()), "Handout not printed", visit_file=self.state.file
        )
        if target is None:
            return False
        printer.setOutputFileName(str(target))
        return target

    def print_to(self, printer: QPrinter) -> int:
        """Draw every page of the shown PDF on `printer`; the number of pages printed."""
        document = self.document
        if document is None or not self.pdf_bytes:
            return 0
        return print_document(self, document, printer)

    def _print_sources(self, printer: QPrinter, data: bytes) -> int:
        """Print the evidence sheet as a second job on the same printer; its page count when every
        page was printed, else 0. Printing to a file writes it beside the first (NAME-sources.pdf)."""
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPrintSupport import QPrinter

        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            printer.setOutputFileName(sources_output_name(printer.outputFileName(), SOURCES_SUFFIX))
        printer.setDocName("LDN handout sources")
        held = QByteArray(data)
        buffer = QBuffer()
        buffer.setData(held)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument(self)
        try:
            document.load(buffer)
            total = document.pageCount()
            printed = print_document(self, document, printer)
        finally:
            document.close()
            document.deleteLater()
            buffer.close()
        return printed if total and printed == total else 0

    # ---- saving ------------------------------------------------------------------------------------

    def suggested_file_name(self) -> str:
        """No patient name in it: file names show up in folders, recent lists and backups."""
        kind = "followup-sheet" if self.shown_kind() == "followup" else "handout"
        visit = self._shown.visit if self._shown is not None else self.state.visit
        if visit is None:
            day = "visit"
        elif kind == "followup-sheet" and visit.follow_ups:
            day = visit.follow_ups[-1].date.isoformat()  # the sheet is for that review
        else:
            day = visit.visit_date.isoformat()
        return f"ldn-{kind}-{day}.pdf"

    def save_pdf(self) -> None:
        """Write the bytes shown (never a new render), and the sources beside them when ticked, and
        record each document saved as given."""
        if self._not_ready() or not self._phone_checked("save"):
            return
        data = self.pdf_bytes
        sources = self._sources_for_giving("save")
        path = ask_save_target(
            self,
            "Save handout",
            self.suggested_file_name(),
            dialogs.PDF_FILTER,
            ".pdf",
            refused="Handout not saved",
            visit_file=self.state.file,
        )
        if path is None:
            return
        beside = Path(sources_output_name(str(path), SOURCES_SUFFIX))
        # The sources file beside the sheet is checked and asked about before anything is written, so
        # no earlier file is replaced unasked.
        if sources is not None:
            checked = checked_save_path(self, beside, "Handout not saved", visit_file=self.state.file)
            if checked is None or (checked.exists() and not dialogs.ask_replace(self, beside.name)):
                return
            beside = checked
        try:
            write_atomically(path, data, private=True)
        except (SaveError, OSError) as exc:
            dialogs.show_error(self, "Handout not saved", one_line(str(exc)))
            return
        self._record("saved")
        message = f"Saved {path.name}"
        if sources is not None:
            try:
                write_atomically(beside, sources, private=True)
            except (SaveError, OSError) as exc:
                dialogs.show_error(self, "Sources not saved", one_line(str(exc)))
            else:
                self._record_sources("saved", sources)
                message += f" and {beside.name}"
        self.status.setText(message)


def _owner_only(path: Path | None) -> None:
    """A sheet printed to a file holds patient data, so it is owner-only, as a saved one is (Qt
    writes it with the usual mode)."""
    if path is not None and path.is_file():
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
