"""Issue 11 in the wizard: "Print the sources too" (the evidence sheet as a second document, with the
pack's numbers, recorded as given), the warning before giving a sheet while the clinic phone is blank,
and the emergency and crisis numbers in the clinic settings."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from wizard_driver import DialogLog, mnemonic_letter

from ldn_aid.content import load_content
from ldn_aid.domain.errors import LdnAidError
from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.settings import ClinicSettings, load_settings, save_settings, settings_path
from ldn_aid.ui.dialogs import BlankPhoneAnswer, blank_phone_box
from ldn_aid.ui.dialogs import ask_blank_phone as real_ask_blank_phone
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.handout import HandoutPage
from ldn_aid.ui.pages.handout.toolbar import HandoutToolbar
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.ui.settings_dialog import SettingsDialog

CASES = Path(__file__).resolve().parent / "cases"
PHONE = "555-0100"


def pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


def pdf_pages(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def note_hashes(window: MainWindow) -> list[str]:
    window.menu_actions["copy_note"].trigger()
    return re.findall(r"PDF SHA-256: ([0-9a-f]{64})", QGuiApplication.clipboard().text())


def open_page(window: MainWindow, case: str = "ldn_option.json", *, phone: str = PHONE) -> HandoutPage:
    if phone:
        save_settings(ClinicSettings(clinic_name="Riverside Clinic", phone=phone))
    assert window.open_visit(CASES / case)
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    assert page.pdf_bytes.startswith(b"%PDF")
    return page


def numbered_sources(page: HandoutPage) -> list[str]:
    """ "n. citation" for each source the pack shown cites, n being its number on the pack."""
    visit = page.state.visit
    assert visit is not None
    language = page.selected_language()
    pack = compose_for_visit(visit, language, page.clinic)
    assert pack.cited, "the pack cites no source by number"
    references = load_content(language).rules.references
    return [
        f"{number}. {' '.join(references[ref_id].citation.split())[:30]}"
        for number, ref_id in enumerate(pack.cited, start=1)
    ]


def pack_numbers(text: str) -> set[int]:
    return {int(n) for group in re.findall(r"\[(\d+(?:, \d+)*)\]", text) for n in group.split(", ")}


# ---- "Print the sources too" -----------------------------------------------------------------------


def test_print_the_sources_too_is_off_by_default_and_kept_for_this_session_only(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    page = open_page(window)
    assert not page.sources.isChecked()
    assert page.sources.text() == "Print the so&urces too"
    page.sources.setChecked(True)
    assert "sources follow" in page.note.text()
    # Another visit in the same session keeps the choice ...
    assert window.open_visit(CASES / "followup_advance.json")
    assert page.sources.isChecked()
    # ... and it is written nowhere: not in the clinic settings, not in the visit file.
    assert "source" not in settings_path().read_text("utf-8")
    saved = tmp_path / "visit.json"
    dialog_log.save_paths.append(saved)
    assert window.save_visit_as()
    assert "source" not in saved.read_text("utf-8")
    # A new session's page starts with it off.
    assert not HandoutToolbar().sources.isChecked()


@pytest.mark.parametrize("language", ["en", "es"])
def test_save_with_the_sources_writes_both_documents_with_the_same_numbers(
    language: str, window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    page = open_page(window)
    page.language.setCurrentIndex(page.language.findData(language))
    page.sources.setChecked(True)
    shown = page.pdf_bytes
    dialog_log.save_paths.append(tmp_path / "handout.pdf")
    page.save_button.click()
    assert dialog_log.errors == []
    assert dialog_log.blank_phone_asked == []  # the phone is set: no warning
    assert len(dialog_log.save_suggestions) == 1  # one file dialog for both
    pack = (tmp_path / "handout.pdf").read_bytes()
    sources = (tmp_path / "handout-sources.pdf").read_bytes()
    assert pack == shown
    assert oct((tmp_path / "handout-sources.pdf").stat().st_mode & 0o777) == oct(0o600)
    sources_text = pdf_text(sources)
    listed = numbered_sources(page)
    for item in listed:
        assert item in sources_text
    # The pack's numbers are exactly the numbers on the sources list.
    assert pack_numbers(pdf_text(pack)) == set(range(1, len(listed) + 1))
    assert page.status.text() == "Saved handout.pdf and handout-sources.pdf"
    # Both are in the chart note: the sheet saved and its sources.
    assert note_hashes(window) == [hashlib.sha256(pack).hexdigest(), hashlib.sha256(sources).hexdigest()]
    note = " ".join(QGuiApplication.clipboard().text().split())
    assert "Evidence sheet for 2026-11-25" in note
    given = window.state.data["documents_given"]
    assert [(doc["kind"], doc["how"], doc["language"]) for doc in given] == [
        ("handout", "saved", language),
        ("evidence_sheet", "saved", language),
    ]


def test_print_with_the_sources_prints_the_pack_then_the_sources(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed_file = tmp_path / "printed.pdf"
    asked: list[int] = []

    def to_pdf_file(_self: HandoutPage, printer: QPrinter) -> bool:
        asked.append(1)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed_file))
        return True

    monkeypatch.setattr(HandoutPage, "_ask_printer", to_pdf_file)
    page = open_page(window)
    page.sources.setChecked(True)
    pages = page.document.pageCount() if page.document is not None else 0
    page.print_button.click()
    assert asked == [1]  # one print dialog for both
    assert dialog_log.errors == []
    second = tmp_path / "printed-sources.pdf"
    assert pdf_pages(printed_file.read_bytes()) == pages
    sources_pages = pdf_pages(second.read_bytes())
    assert sources_pages >= 1
    # Printed as pictures of the pages: the numbers are checked on the bytes recorded.
    given = window.state.data["documents_given"]
    assert [(doc["kind"], doc["how"]) for doc in given] == [
        ("handout", "printed"),
        ("evidence_sheet", "printed"),
    ]
    recorded = page.sources_pdf()
    assert given[1]["sha256"] == hashlib.sha256(recorded).hexdigest()
    for item in numbered_sources(page):
        assert item in pdf_text(recorded)
    assert page.status.text().endswith(
        f"Then the sources: {sources_pages} page{'s' if sources_pages != 1 else ''}."
    )


def test_unticked_gives_the_pack_alone(window: MainWindow, dialog_log: DialogLog, tmp_path: Path) -> None:
    page = open_page(window)
    dialog_log.save_paths.append(tmp_path / "handout.pdf")
    page.save_button.click()
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["handout.pdf"]
    assert [doc["kind"] for doc in window.state.data["documents_given"]] == ["handout"]


def test_the_review_sheet_with_its_sources_lists_both_sheets_sources(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    page = open_page(window, "followup_stop.json")  # a stop sheet, which cites its sources
    assert page.shown_kind() == "followup"
    page.sources.setChecked(True)
    target = tmp_path / page.suggested_file_name()
    dialog_log.save_paths.append(target)
    page.save_button.click()
    assert dialog_log.errors == []
    beside = target.with_name(target.stem + "-sources.pdf")
    words = load_content("en").language.pack.evidence_sheet
    text = pdf_text(beside.read_bytes())
    assert words.pack_heading in text
    assert words.followup_heading.split("{date}")[0].strip() in text
    kinds = [doc["kind"] for doc in window.state.data["documents_given"]]
    assert kinds == ["followup_sheet", "evidence_sheet"]


def test_sources_that_cannot_be_made_are_said_and_the_sheet_still_goes(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page(window)
    page.sources.setChecked(True)

    def refused(_self: HandoutPage) -> bytes:
        raise LdnAidError("they go with the handout, which may not be given yet.")

    monkeypatch.setattr(HandoutPage, "sources_pdf", refused)
    dialog_log.save_paths.append(tmp_path / "handout.pdf")
    page.save_button.click()
    assert dialog_log.errors == [
        (
            "Sources not saved",
            "The sources cannot be saved with this handout: they go with the handout, which may not be"
            " given yet.",
        )
    ]
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["handout.pdf"]
    assert [doc["kind"] for doc in window.state.data["documents_given"]] == ["handout"]


# ---- the blank clinic phone -------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["save", "print"])
def test_cancel_at_the_blank_phone_warning_gives_nothing(
    action: str, window: MainWindow, dialog_log: DialogLog
) -> None:
    page = open_page(window, phone="")
    dialog_log.blank_phone_answers.append("cancel")
    (page.save_button if action == "save" else page.print_button).click()  # no file or print dialog
    assert dialog_log.blank_phone_asked == [action]
    assert dialog_log.save_suggestions == []
    assert window.state.data.get("documents_given") in (None, [])


def test_save_anyway_saves_the_sheet_with_its_write_in_line(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    page = open_page(window, phone="")
    page.sources.setChecked(True)
    dialog_log.blank_phone_answers.append("anyway")
    dialog_log.save_paths.append(tmp_path / "handout.pdf")
    page.save_button.click()
    assert dialog_log.blank_phone_asked == ["save"]
    assert (tmp_path / "handout.pdf").read_bytes() == page.pdf_bytes
    assert (tmp_path / "handout-sources.pdf").exists()
    assert PHONE not in pdf_text(page.pdf_bytes)
    assert [doc["kind"] for doc in window.state.data["documents_given"]] == ["handout", "evidence_sheet"]


@pytest.mark.parametrize("replace", [True, False])
def test_saving_again_asks_before_replacing_the_sources_beside_the_sheet(
    replace: bool, window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    """The file dialog asks about the sheet's file; the sources file beside it is asked about too,
    before anything is written (wizard walk, December 2026: it was replaced unasked)."""
    page = open_page(window)
    page.sources.setChecked(True)
    (tmp_path / "handout.pdf").write_bytes(b"old sheet")
    (tmp_path / "handout-sources.pdf").write_bytes(b"old sources")
    dialog_log.save_paths.append(tmp_path / "handout.pdf")
    dialog_log.replace_answers.extend([True, replace])  # the sheet's own file first, then its sources
    page.save_button.click()
    assert dialog_log.replace_asked == ["handout.pdf", "handout-sources.pdf"]
    sheet, sources = (tmp_path / "handout.pdf").read_bytes(), (tmp_path / "handout-sources.pdf").read_bytes()
    if replace:
        assert sheet == page.pdf_bytes
        assert sources.startswith(b"%PDF")
    else:  # nothing written, nothing recorded as given
        assert (sheet, sources) == (b"old sheet", b"old sources")
        assert window.state.data.get("documents_given") in (None, [])


def test_set_it_now_opens_the_settings_and_the_next_save_has_the_phone(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    page = open_page(window, phone="")
    before = page.pdf_bytes
    dialog_log.blank_phone_answers.append("set")
    dialog_log.settings_answers.append(ClinicSettings(clinic_name="Riverside Clinic", phone=PHONE))
    page.save_button.click()
    # The settings opened, and nothing was saved: the preview changed, so it is checked first.
    assert len(dialog_log.settings_shown) == 1
    assert dialog_log.settings_focus == ["phone"]  # the cursor in the one field the warning is about
    assert dialog_log.save_suggestions == []
    assert load_settings().phone == PHONE
    assert page.pdf_bytes != before
    assert PHONE in pdf_text(page.pdf_bytes)
    assert "phone is set" in page.status.text()
    assert not page.phone_banner.isVisible()
    dialog_log.save_paths.append(tmp_path / "handout.pdf")
    page.save_button.click()
    assert dialog_log.blank_phone_asked == ["save"]  # asked once only
    assert PHONE in pdf_text((tmp_path / "handout.pdf").read_bytes())


def test_set_it_now_then_cancelled_settings_gives_nothing(window: MainWindow, dialog_log: DialogLog) -> None:
    page = open_page(window, phone="")
    dialog_log.blank_phone_answers.append("set")
    dialog_log.settings_answers.append(None)
    page.print_button.click()
    assert dialog_log.blank_phone_asked == ["print"]
    assert len(dialog_log.settings_shown) == 1
    assert page.status.text() == ""
    assert window.state.data.get("documents_given") in (None, [])


def _answer_real_dialog(qtbot: QtBot, press: str) -> BlankPhoneAnswer:
    """Open the real warning and press a key in it once it shows."""

    def act() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        # Never left open: a key that does nothing closes it by this timer, as a cancel, and fails.
        QTimer.singleShot(3000, box.reject)
        box.activateWindow()
        qtbot.waitUntil(box.isActiveWindow, timeout=2000)
        # The key goes to what has the focus in the box, as the keyboard sends it.
        target = QApplication.focusWidget() or box
        if press == "escape":
            qtbot.keyClick(target, Qt.Key.Key_Escape)
        elif press == "enter":
            qtbot.keyClick(target, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(target, press, Qt.KeyboardModifier.AltModifier)

    QTimer.singleShot(0, act)
    return real_ask_blank_phone(None, "print")


@pytest.mark.parametrize(
    ("press", "answer"), [("n", "set"), ("enter", "set"), ("p", "anyway"), ("escape", "cancel")]
)
def test_the_real_warning_says_why_and_each_key_does_what_it_says(
    press: str, answer: BlankPhoneAnswer, qtbot: QtBot
) -> None:
    assert _answer_real_dialog(qtbot, press) == answer


def test_the_warning_has_its_words_and_unique_alt_letters(qtbot: QtBot) -> None:
    for action, anyway in (("print", "&Print anyway"), ("save", "&Save anyway")):
        box, buttons = blank_phone_box(None, "print" if action == "print" else "save")
        qtbot.addWidget(box)
        assert box.text() == "The clinic phone is blank, so the sheet will print a write-in line."
        assert [b.text() for b in buttons.values()] == ["Set it &now", anyway, "Cancel"]
        letters = [mnemonic_letter(b.text()) for b in buttons.values()]
        assert None not in letters[:2]
        assert letters[0] != letters[1]
        assert box.defaultButton() is buttons["set"]
        assert box.escapeButton() is buttons["cancel"]
        assert box.testOption(QMessageBox.Option.DontUseNativeDialog)


# ---- the clinic settings: emergency number and crisis line ----------------------------------------


def test_the_emergency_and_crisis_numbers_save_and_load(qtbot: QtBot) -> None:
    dialog = SettingsDialog(ClinicSettings())
    qtbot.addWidget(dialog)
    emergency = dialog.edits["emergency_number"]
    crisis = dialog.edits["crisis_line"]
    assert (emergency.text(), crisis.text()) == ("911", "988")
    assert emergency.accessibleName() == "Emergency number"
    assert crisis.accessibleName() == "Crisis line"
    emergency.setText("112")
    crisis.setText(" 024 ")
    chosen = dialog.settings()
    assert (chosen.emergency_number, chosen.crisis_line) == ("112", "024")
    save_settings(chosen)
    loaded = load_settings()
    assert (loaded.emergency_number, loaded.crisis_line) == ("112", "024")
    again = SettingsDialog(loaded)
    qtbot.addWidget(again)
    assert (again.edits["emergency_number"].text(), again.edits["crisis_line"].text()) == ("112", "024")


def test_a_cleared_emergency_or_crisis_number_prints_the_default(qtbot: QtBot) -> None:
    dialog = SettingsDialog(ClinicSettings(emergency_number="112", crisis_line="024"))
    qtbot.addWidget(dialog)
    dialog.edits["emergency_number"].setText("")
    dialog.edits["crisis_line"].setText("   ")
    chosen = dialog.settings()
    assert (chosen.emergency_number, chosen.crisis_line) == ("911", "988")
    assert dialog.edits["emergency_number"].placeholderText() == "911"


def test_the_settings_dialog_alt_letters_are_unique(qtbot: QtBot) -> None:
    dialog = SettingsDialog(ClinicSettings())
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    texts += [button.text() for button in dialog.findChildren(QAbstractButton)]
    letters = [letter for text in texts if (letter := mnemonic_letter(text)) is not None]
    assert sorted(letters) == sorted(set(letters)), sorted(letters)
    assert {"e", "c"} <= set(letters)


def test_the_settings_dialog_alt_letters_reach_the_new_fields(qtbot: QtBot) -> None:
    dialog = SettingsDialog(ClinicSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    dialog.edits["clinic_name"].setFocus()
    for letter, key in (("e", "emergency_number"), ("c", "crisis_line")):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, letter, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is dialog.edits[key]


def test_the_handout_page_alt_letters_are_unique_and_u_ticks_the_sources(
    window: MainWindow, qtbot: QtBot
) -> None:
    page = open_page(window)
    texts = [label.text() for label in page.findChildren(QLabel)]
    texts += [button.text() for button in page.findChildren(QAbstractButton)]
    letters = [letter for text in texts if (letter := mnemonic_letter(text)) is not None]
    assert sorted(letters) == sorted(set(letters)), sorted(letters)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    page.document_kind.setFocus()
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, "u", Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(page.sources.isChecked, timeout=2000)  # a button's Alt click is animated
    assert page.first_focus() is page.document_kind
