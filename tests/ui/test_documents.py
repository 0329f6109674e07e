"""Issue 10, one source of truth for documents: the handout page shows, prints and saves the same bytes,
re-renders on every change before anything can be printed, never leaves a failed render printable,
and the chart note records the documents actually given (the SHA-256 of the bytes saved or printed).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from wizard_driver import DialogLog

from ldn_aid.cli import main
from ldn_aid.settings import ClinicSettings
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.handout import HandoutPage
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.visit_file import load_visit, save_visit

CASES = Path(__file__).resolve().parent / "cases"


def note_hashes(note: str) -> list[str]:
    return re.findall(r"PDF SHA-256: ([0-9a-f]{64})", note)


def copied_note(window: MainWindow) -> str:
    window.menu_actions["copy_note"].trigger()
    return QGuiApplication.clipboard().text()


def handout_page(window: MainWindow, case: str) -> HandoutPage:
    assert window.open_visit(CASES / case)
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    assert page.pdf_bytes.startswith(b"%PDF")
    return page


def save_pdf(page: HandoutPage, dialog_log: DialogLog, path: Path) -> bytes:
    if not page.clinic.phone.strip():
        dialog_log.blank_phone_answers.append("anyway")  # the clinic phone is blank: save anyway
    dialog_log.save_paths.append(path)
    page.save_button.click()
    assert dialog_log.errors == []
    return path.read_bytes()


def test_note_hashes_the_saved_sheet_after_a_later_settings_change(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    """Code-review probe 1: settings changed on the handout page, then Save PDF, then settings changed
    again and Copy chart note: the saved PDF has the new details, and the note hashes that file."""
    page = handout_page(window, "ldn_option.json")
    dialog_log.settings_answers.append(ClinicSettings(clinic_name="Riverside Clinic", phone="555-0100"))
    window.menu_actions["settings"].trigger()
    saved = save_pdf(page, dialog_log, tmp_path / "handout.pdf")
    assert saved == page.pdf_bytes
    assert "Riverside Clinic" in _pdf_text(saved)
    dialog_log.settings_answers.append(ClinicSettings(clinic_name="Another Clinic", phone="555-0199"))
    window.menu_actions["settings"].trigger()
    assert page.pdf_bytes != saved  # the preview follows the settings at once
    assert note_hashes(copied_note(window)) == [hashlib.sha256(saved).hexdigest()]


def test_note_hashes_the_spanish_sheet_saved_before_switching_back_to_english(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    """Code-review probe 2: Spanish saved, English shown afterwards: the note names the Spanish sheet."""
    page = handout_page(window, "ldn_option.json")
    page.language.setCurrentIndex(page.language.findData("es"))
    saved = save_pdf(page, dialog_log, tmp_path / "es.pdf")
    page.language.setCurrentIndex(page.language.findData("en"))
    note = copied_note(window)
    assert note_hashes(note) == [hashlib.sha256(saved).hexdigest()]
    assert "Español" in note
    assert page.pdf_bytes != saved


def test_a_printed_sheet_is_recorded_once_when_also_saved(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed_file = tmp_path / "printed.pdf"

    def to_pdf_file(_self: HandoutPage, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed_file))
        return True

    monkeypatch.setattr(HandoutPage, "_ask_printer", to_pdf_file)
    page = handout_page(window, "ldn_option.json")
    shown = page.pdf_bytes
    dialog_log.blank_phone_answers.append("anyway")  # the clinic phone is blank: print anyway
    page.print_button.click()
    assert printed_file.stat().st_size > 0
    assert window.windowTitle().endswith("*")  # recording what was given is an edit of the visit
    saved = save_pdf(page, dialog_log, tmp_path / "handout.pdf")
    assert saved == shown
    note = copied_note(window)
    assert note_hashes(note) == [hashlib.sha256(shown).hexdigest()]
    given = note[note.index("GIVEN TO THE PATIENT") :]
    assert "GIVEN TO THE PATIENT (1)" in given
    assert "; printed and saved." in " ".join(given.split())


def test_the_note_never_renders(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = handout_page(window, "ldn_option.json")
    saved = save_pdf(page, dialog_log, tmp_path / "handout.pdf")

    def no_render(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("the chart note rendered a PDF")

    monkeypatch.setattr("ldn_aid.pdf.render_pdf.render_pdf_bytes", no_render)
    window.menu_actions["copy_note"].trigger()
    assert note_hashes(QGuiApplication.clipboard().text()) == [hashlib.sha256(saved).hexdigest()]
    assert dialog_log.crash_details == []


def test_back_from_a_new_review_shows_that_reviews_sheet(window: MainWindow, tmp_path: Path) -> None:
    """Add review, then Back: the handout page shows (and would print) the new review's sheet."""
    assert window.open_visit(CASES / "followup_advance.json")
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    old_sheet = page.pdf_bytes
    assert old_sheet.startswith(b"%PDF")
    window.wizard.go_to(PageId.FOLLOW_UP)
    reviews = window.state.get("follow_ups")
    review = copy.deepcopy(reviews[-1])
    review["date"] = (dt.date.fromisoformat(review["date"]) + dt.timedelta(days=14)).isoformat()
    review["dose_mg"] = 4.5
    window.state.set("follow_ups", [*reviews, review])
    window.wizard.back()
    assert window.wizard.currentId() == PageId.HANDOUT
    assert page.document_kind.currentData() == "followup"
    assert page.print_button.isEnabled()
    visit = window.state.visit
    assert visit is not None
    save_visit(visit, tmp_path / "visit.json")
    assert main(["followup-sheet", str(tmp_path / "visit.json"), "-o", str(tmp_path / "cli.pdf")]) == 0
    assert page.pdf_bytes == (tmp_path / "cli.pdf").read_bytes()
    assert page.pdf_bytes != old_sheet


def test_a_failed_render_leaves_nothing_printable(
    window: MainWindow, dialog_log: DialogLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab.platypus.doctemplate import LayoutError

    from ldn_aid.pdf import render_pdf

    page = handout_page(window, "ldn_option.json")
    real = render_pdf.render_pdf_bytes

    def fails_in_large_print(handout: object, options: render_pdf.RenderOptions | None = None) -> bytes:
        if options is not None and options.large_print:
            raise LayoutError("Flowable too large on page 2")
        return real(handout, options)  # type: ignore[arg-type]

    monkeypatch.setattr(render_pdf, "render_pdf_bytes", fails_in_large_print)
    page.large_print.setChecked(True)
    assert page.pdf_bytes == b""
    assert not page.print_button.isEnabled()
    assert not page.save_button.isEnabled()
    assert "could not be laid out" in page.message.text()
    assert page.message.isVisible()
    assert dialog_log.crash_details == []
    page.large_print.setChecked(False)
    assert page.pdf_bytes.startswith(b"%PDF")
    assert page.print_button.isEnabled()


def test_the_methadone_three_stops_visit_prints_in_large_print(window: MainWindow, tmp_path: Path) -> None:
    """Red team D01: large print for a visit with three stops crashed and kept the 12 pt PDF printable."""
    page = handout_page(window, "methadone_three_stops.json")
    page.large_print.setChecked(True)
    assert page.print_button.isEnabled()
    out = tmp_path / "cli.pdf"
    case = str(CASES / "methadone_three_stops.json")
    assert main(["handout", case, "--large-print", "-o", str(out)]) == 0
    assert page.pdf_bytes == out.read_bytes()


def test_handout_language_and_print_size_belong_to_the_visit(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    page = handout_page(window, "ldn_option.json")
    page.language.setCurrentIndex(page.language.findData("es"))
    page.large_print.setChecked(True)
    assert window.state.get("patient.handout_language") == "es"
    assert window.state.get("patient.handout_large_print") is True
    saved = tmp_path / "visit.json"
    dialog_log.save_paths.append(saved)
    assert window.save_visit_as()
    reopened = load_visit(saved)
    assert (reopened.patient.handout_language, reopened.patient.handout_large_print) == ("es", True)
    # A new visit starts from its own values, not the last patient's.
    assert window.new_visit(confirm=False)
    window.wizard.go_to(PageId.HANDOUT)
    assert (page.selected_language(), page.large_print.isChecked()) == ("en", False)
    assert window.open_visit(saved)
    window.wizard.go_to(PageId.HANDOUT)
    assert (page.selected_language(), page.large_print.isChecked()) == ("es", True)


def test_a_new_document_starts_on_its_first_page(window: MainWindow, qtbot: QtBot) -> None:
    page = handout_page(window, "ldn_option.json")
    assert page.view is not None
    bar = page.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    page.language.setCurrentIndex(page.language.findData("es"))
    assert bar.value() == 0
    bar.setValue(bar.maximum())
    assert window.new_visit(confirm=False)
    assert window.open_visit(CASES / "ldn_option.json")
    window.wizard.go_to(PageId.HANDOUT)
    assert page.view.verticalScrollBar().value() == 0


def test_the_toolbar_does_not_widen_the_window(window: MainWindow) -> None:
    page = handout_page(window, "ldn_option.json")
    assert page.minimumSizeHint().width() <= 700
    assert page.toolbar.minimumSizeHint().width() <= 700


def test_clinic_phone_not_set_is_said_but_does_not_block(window: MainWindow, dialog_log: DialogLog) -> None:
    page = handout_page(window, "ldn_option.json")
    assert page.phone_banner.isVisible()
    assert "Clinic phone not set" in page.phone_banner.text()
    assert page.print_button.isEnabled()
    dialog_log.settings_answers.append(ClinicSettings(phone="555-0100"))
    window.menu_actions["settings"].trigger()
    assert not page.phone_banner.isVisible()


def test_the_wallet_card_note_is_for_the_full_handout_only(window: MainWindow) -> None:
    page = handout_page(window, "followup_advance.json")
    assert page.document_kind.currentData() == "followup"
    assert "wallet card" not in page.note.text()
    page.document_kind.setCurrentIndex(page.document_kind.findData("handout"))
    assert "wallet card" in page.note.text()


def _pdf_text(data: bytes) -> str:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)
