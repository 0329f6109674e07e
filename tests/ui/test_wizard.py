"""The whole wizard, driven by keyboard and widgets from a blank New visit to the printed handout, for one
visit of each outcome; plus what blocks Next, what Back keeps, and the live outcome summary."""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from wizard_driver import (
    GUIDELINE_FIRST,
    INCOMPLETE,
    LDN_OPTION,
    STOP,
    VISIT_DATE,
    DialogLog,
    WizardDriver,
    expected_visit,
)

from ldn_aid import cli
from ldn_aid.content import load_content
from ldn_aid.content.words import blocker_text
from ldn_aid.rules import decide
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.ui.widgets.fields import YesNoField
from ldn_aid.visit_file import load_visit

# ---- the four visits -------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    answers: dict[str, Any]
    word: str  # the banner's first word(s)
    on_assessment: Callable[[WizardDriver, QtBot], None]
    # Handout switches set on the handout page, and the same as `ldn-aid handout` options.
    handout: dict[str, Any] = field(default_factory=dict)
    cli_options: list[str] = field(default_factory=list)
    # What the assessment page's own controls write into the visit's plan.
    plan: dict[str, Any] = field(default_factory=dict)


def banner_text(driver: WizardDriver) -> str:
    return driver.wizard.assessment_page.banner.text()


def check_incomplete(driver: WizardDriver, qtbot: QtBot) -> None:
    page = driver.wizard.assessment_page
    assert driver.state.assessment is not None
    assert driver.state.assessment.missing == (
        "ldn_screen.planned_surgery",
        "ldn_screen.chronic_liver_disease",
    )
    links = {button.objectName() for button in page.findChildren(QPushButton) if button.isVisible()}
    missing_links = {name for name in links if name.startswith("missing:")}
    assert missing_links == {"missing:ldn_screen.planned_surgery", "missing:ldn_screen.chronic_liver_disease"}
    assert not page.table.isVisible()
    assert page.findChild(QLabel, "assessment.no_protocol").text() == (
        "No LDN protocol until the missing answers are given."
    )

    link = page.findChild(QPushButton, "missing:ldn_screen.chronic_liver_disease")
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert driver.page_id == PageId.LDN_SCREEN
    target = driver.field("ldn_screen.chronic_liver_disease")
    qtbot.waitUntil(target.hasFocus, timeout=1000)
    assert target.isVisible()
    assert target.visibleRegion().boundingRect().height() > 0  # scrolled into view, not just focused
    # Still unanswered: the jump changes nothing.
    assert driver.state.get("ldn_screen.chronic_liver_disease") is None
    driver.go_to(PageId.ASSESSMENT)


def check_stop(driver: WizardDriver, _qtbot: QtBot) -> None:
    page = driver.wizard.assessment_page
    assert driver.state.protocol is None
    assert not page.table.isVisible()
    assert not page.findChild(QWidget, "assessment.evidence").isVisible()
    no_protocol = page.findChild(QLabel, "assessment.no_protocol")
    assert no_protocol.isVisible()
    assert no_protocol.text() == "No LDN protocol: the outcome is STOP."
    finding = page.findChild(QWidget, "finding:opioid_agonist_treatment")
    assert finding is not None
    assert finding.isVisible()
    assert not any(name.objectName().startswith("missing:") for name in page.findChildren(QPushButton))
    # The plan cannot be changed without a protocol.
    assert not page.schedule.isEnabled()


def check_guideline_first(driver: WizardDriver, qtbot: QtBot) -> None:
    page = driver.wizard.assessment_page
    box = page.findChild(QWidget, "assessment.acknowledge_guideline_first")
    reason = page.findChild(QLabel, "assessment.acknowledge_guideline_first:error")
    assert box.isVisible()
    assert not box.isChecked()
    assert reason.isVisible()
    assert reason.text() == blocker_text(load_content("en"), "guideline_ack_missing")
    assert not driver.next_enabled()
    qtbot.mouseClick(driver.next_button, Qt.MouseButton.LeftButton)
    assert driver.page_id == PageId.ASSESSMENT  # Next does nothing until the tick

    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()
    assert driver.state.get("plan.guideline_options_discussed") is True
    assert not reason.isVisible()
    assert driver.next_enabled()
    # Unticking blocks Next again; tick it back for the rest of the visit.
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert not driver.next_enabled()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert driver.next_enabled()
    check_table_matches_core(driver)
    assert driver.state.protocol is not None
    assert driver.state.protocol.guideline_options_first


def check_ldn_option(driver: WizardDriver, qtbot: QtBot) -> None:
    page = driver.wizard.assessment_page
    assert driver.state.assessment is not None
    assert not driver.state.assessment.missing
    check_table_matches_core(driver)
    # Change the plan with its own controls: a later start and the gentle schedule.
    page.start_date.setDate(QDate(2026, 3, 9))
    page.schedule.setCurrentIndex(page.schedule.findData("gentle"))
    assert driver.state.get("plan.start_date") == "2026-03-09"
    assert driver.state.get("plan.schedule") == "gentle"
    reason = page.findChild(QLabel, "plan.change_reason:error")
    assert reason.isVisible()
    assert reason.text() == blocker_text(load_content("en"), "change_reason_missing")
    assert not driver.next_enabled()
    qtbot.keyClicks(page.change_reason, "sensitive to medicines")
    assert not reason.isVisible()
    assert driver.next_enabled()

    # A target above the cap is refused with its reason, and blocks Next until it is cleared.
    qtbot.keyClicks(page.target_mg, "99")
    refused = page.findChild(QLabel, "plan.target_mg:error")
    assert refused.isVisible()
    assert "cap" in refused.text()
    assert "PLAN VALUE REFUSED" in banner_text(driver)
    assert not driver.next_enabled()
    qtbot.keyClick(page.target_mg, Qt.Key.Key_Backspace)
    qtbot.keyClick(page.target_mg, Qt.Key.Key_Backspace)
    assert driver.state.get("plan.target_mg") is None
    assert driver.next_enabled()
    assert "LDN OPTION" in banner_text(driver)

    protocol = check_table_matches_core(driver)
    assert protocol.schedule == "gentle"
    assert protocol.steps[0].start == dt.date(2026, 3, 9)
    assert protocol.steps[-1].dose_mg == protocol.target_mg
    assert [s.dose_mg for s in protocol.steps] == sorted(s.dose_mg for s in protocol.steps)


def check_table_matches_core(driver: WizardDriver) -> Any:
    """The protocol table shows, row by row, what the core computes for the state's visit."""
    visit = driver.state.visit
    assert visit is not None
    protocol = decide(visit).protocol
    assert protocol is not None
    assert protocol == driver.state.protocol
    table = driver.wizard.assessment_page.table
    assert table.isVisible()
    assert table.rowCount() == len(protocol.steps)
    for row, step in enumerate(protocol.steps):
        assert table.item(row, 0).text() == str(row + 1)
        assert table.item(row, 1).text() == f"{step.start.isoformat()} ({step.start.strftime('%a')})"
        assert Decimal(table.item(row, 2).text()) == step.dose_mg
        volume = table.item(row, 3).text()
        assert volume == "—" if step.volume_ml is None else Decimal(volume) == step.volume_ml
    return protocol


SCENARIOS = [
    Scenario(
        "incomplete",
        INCOMPLETE,
        "INCOMPLETE",
        check_incomplete,
        handout={"language": "es"},
        cli_options=["--lang", "es"],
    ),
    Scenario("stop", STOP, "STOP", check_stop),
    Scenario(
        "guideline_first",
        GUIDELINE_FIRST,
        "GUIDELINE OPTIONS FIRST",
        check_guideline_first,
        plan={"guideline_options_discussed": True},
    ),
    Scenario(
        "ldn_option",
        LDN_OPTION,
        "LDN OPTION",
        check_ldn_option,
        handout={"large_print": True, "paper": "a4"},
        cli_options=["--large-print", "--paper", "a4"],
        plan={"start_date": "2026-03-09", "schedule": "gentle", "change_reason": "sensitive to medicines"},
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_a_visit_from_blank_to_saved_file_and_handout(
    scenario: Scenario,
    window: MainWindow,
    driver: WizardDriver,
    dialog_log: DialogLog,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    # File > New visit on an untouched visit asks nothing and starts on the first page.
    window.menu_actions["new"].trigger()
    assert dialog_log.discard_asked == 0
    assert driver.page_id == PageId.PATIENT
    assert driver.state.get("patient.age_years") is None

    driver.fill(scenario.answers)
    assert driver.page_id == PageId.ASSESSMENT
    assert banner_text(driver).startswith(scenario.word + " — ")
    assert window.wizard.outcome_panel.banner.text().startswith(scenario.word + "\n")
    assert driver.state.assessment is not None
    assert driver.state.assessment.outcome.value == scenario.name
    scenario.on_assessment(driver, qtbot)
    assert driver.page_id == PageId.ASSESSMENT

    # What the widgets wrote is exactly the visit that was answered (plus the plan choices made).
    assert driver.state.data.get("plan", {}) == scenario.plan
    expected = expected_visit({**scenario.answers, **{f"plan.{k}": v for k, v in scenario.plan.items()}})
    assert driver.state.visit == expected
    assert window.windowTitle().endswith(" *")

    # File > Save visit as… : the name asked for carries no patient name; .json is added.
    dialog_log.save_paths.append(tmp_path / scenario.name)
    window.menu_actions["save"].trigger()
    saved = tmp_path / f"{scenario.name}.json"
    assert dialog_log.errors == []
    assert dialog_log.save_suggestions == [f"visit-{VISIT_DATE}.json"]
    assert saved.is_file()
    assert load_visit(saved) == driver.state.visit
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert not driver.state.has_unsaved_changes
    assert window.windowTitle() == f"LDN Aid — {scenario.name}.json"

    # Open it again and save it again: the very same bytes.
    dialog_log.open_paths.append(saved)
    window.menu_actions["open"].trigger()
    assert dialog_log.discard_asked == 0
    assert dialog_log.errors == []
    assert driver.page_id == PageId.PATIENT
    assert driver.state.visit == expected
    assert driver.field("patient.age_years").edit.text() == str(scenario.answers["patient.age_years"])
    again = tmp_path / "again.json"
    dialog_log.save_paths.append(again)
    window.menu_actions["save_as"].trigger()
    assert again.read_bytes() == saved.read_bytes()

    # The handout shown (and printed) is byte for byte the one `ldn-aid handout` writes.
    driver.go_to(PageId.HANDOUT)
    handout = window.wizard.handout_page
    assert handout.selected_language() == scenario.answers["patient.handout_language"]
    if "language" in scenario.handout:
        handout.language.setCurrentIndex(handout.language.findData(scenario.handout["language"]))
    if "paper" in scenario.handout:
        handout.paper.setCurrentIndex(handout.paper.findData(scenario.handout["paper"]))
    if scenario.handout.get("large_print"):
        qtbot.keyClick(handout.large_print, Qt.Key.Key_Space)
        assert handout.large_print.isChecked()
    qtbot.waitUntil(lambda: handout.pdf_bytes.startswith(b"%PDF"), timeout=5000)
    assert handout.document is not None
    assert handout.document.pageCount() >= 2
    assert handout.view is not None
    assert handout.view.isVisible()
    assert handout.save_button.isEnabled()
    assert handout.print_button.isEnabled()

    out_pdf = tmp_path / "cli.pdf"
    assert cli.main(["handout", str(saved), "-o", str(out_pdf), *scenario.cli_options]) == 0
    assert handout.pdf_bytes == out_pdf.read_bytes()


# ---- what blocks Next, and what Back keeps ------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "weight", "path", "reason"),
    [
        ("abc", "", "patient.age_years", "Type a whole number."),
        ("130", "70", "patient.age_years", "less than or equal to 120"),
        ("40", "1", "patient.weight_kg", "greater than or equal to 2"),
        ("12", "", "patient.weight_kg", "Weight is required under 18"),
        ("40", "7O", "patient.weight_kg", "Type a number"),
    ],
    ids=["age-abc", "age-130", "weight-1", "age-12-no-weight", "weight-typo"],
)
def test_next_is_disabled_with_the_reason_beside_the_field(
    driver: WizardDriver, qtbot: QtBot, age: str, weight: str, path: str, reason: str
) -> None:
    assert driver.next_enabled()  # a blank first page may be left (the assessment says what is missing)
    driver.type_into("patient.age_years", age)
    driver.type_into("patient.weight_kg", weight)
    assert reason in driver.error_text(path)
    assert not driver.next_enabled()
    other = "patient.weight_kg" if path == "patient.age_years" else "patient.age_years"
    assert driver.error_text(other) == ""
    # Neither the button nor Enter moves on.
    qtbot.mouseClick(driver.next_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(driver.field(path).edit, Qt.Key.Key_Return)
    assert driver.page_id == PageId.PATIENT
    # The summary beside the pages never shows an outcome for a value it could not read.
    assert "LDN OPTION" not in driver.wizard.outcome_panel.banner.text()

    driver.type_into("patient.age_years", "40")
    driver.type_into("patient.weight_kg", "70")
    assert driver.error_text(path) == ""
    assert driver.next_enabled()
    qtbot.keyClick(driver.field("patient.weight_kg").edit, Qt.Key.Key_Return)  # Enter continues
    assert driver.page_id == PageId.DIAGNOSIS


def test_a_half_given_baseline_blocks_next_on_the_diagnosis_page(driver: WizardDriver) -> None:
    driver.next()
    driver.answer("diagnosis.baseline.scale", "asrs_v1_1_part_a")
    assert "Give the scale, the score and the date" in driver.error_text("diagnosis.baseline.score")
    assert not driver.next_enabled()
    driver.answer("diagnosis.baseline.score", 30)
    assert "0 to 24" in driver.error_text("diagnosis.baseline.score")
    assert not driver.next_enabled()
    driver.answer("diagnosis.baseline.score", 20)
    assert driver.error_text("diagnosis.baseline.score") == ""
    assert driver.next_enabled()
    # Clearing both removes the baseline altogether (no date left behind).
    driver.answer("diagnosis.baseline.score", None)
    driver.answer("diagnosis.baseline.scale", None)
    assert driver.state.get("diagnosis.baseline") is None
    assert driver.next_enabled()


def test_back_never_loses_answers(driver: WizardDriver) -> None:
    first = {
        "patient.display_name": "Robin Example",
        "patient.age_years": 29,
        "patient.weight_kg": 61.5,
        "patient.sex_at_birth": "intersex",
        "patient.handout_language": "es",
    }
    second = {"diagnosis.adhd_confirmed": "unsure", "history.amphetamine": "helped"}
    third = {"ldn_screen.current_opioid_use": "no", "ldn_screen.sleep_problems": "yes"}
    for path, value in first.items():
        driver.answer(path, value)
    driver.next()
    for path, value in second.items():
        driver.answer(path, value)
    driver.next()
    for path, value in third.items():
        driver.answer(path, value)
    everything = {**first, **second, **third}

    def assert_kept() -> None:
        for path, value in everything.items():
            assert driver.state.get(path) == value, path
        widget = driver.field
        assert widget("patient.display_name").edit.text() == "Robin Example"
        assert widget("patient.age_years").edit.text() == "29"
        assert widget("patient.weight_kg").edit.text() == "61.5"
        assert widget("patient.sex_at_birth").combo.currentData() == "intersex"
        assert widget("patient.handout_language").combo.currentData() == "es"
        assert widget("diagnosis.adhd_confirmed").combo.currentData() == "unsure"
        assert widget("history.amphetamine").combo.currentData() == "helped"
        opioid = widget("ldn_screen.current_opioid_use")
        sleep = widget("ldn_screen.sleep_problems")
        assert isinstance(opioid, YesNoField)
        assert isinstance(sleep, YesNoField)
        assert opioid.no.isChecked()
        assert not opioid.yes.isChecked()
        assert sleep.yes.isChecked()
        assert not sleep.no.isChecked()
        untouched = widget("ldn_screen.planned_surgery")
        assert isinstance(untouched, YesNoField)
        assert untouched.value() is None
        assert untouched.status.text() == "Not answered"

    driver.back()
    driver.back()
    assert driver.page_id == PageId.PATIENT
    assert_kept()
    driver.next()
    driver.next()
    driver.next()
    driver.back()
    assert driver.page_id == PageId.LDN_SCREEN
    assert_kept()


# ---- the live summary beside the pages ----------------------------------------------------------------


def test_outcome_panel_updates_as_answers_change_without_next(driver: WizardDriver) -> None:
    banner = driver.wizard.findChild(QLabel, "outcome_panel.banner")
    assert banner is not None
    assert banner.isVisible()
    assert banner.text().startswith("INCOMPLETE")
    driver.fill(LDN_OPTION, stop_at=PageId.LDN_SCREEN)
    for path, value in LDN_OPTION.items():
        if path.startswith("ldn_screen."):
            driver.answer(path, value)
    assert banner.text().startswith("LDN OPTION")
    detail = driver.wizard.findChild(QLabel, "outcome_panel.detail")
    assert "Suggested:" in detail.text()

    # Methadone: STOP at once, on this page, without pressing Next.
    driver.answer("ldn_screen.opioid_agonist_treatment", "yes")
    assert driver.page_id == PageId.LDN_SCREEN
    assert banner.text().startswith("STOP")
    # Named in words (the finding's label), never by its rule id (issue 10, walk #13).
    assert "Methadone or buprenorphine treatment" in detail.text()
    assert "opioid agonist treatment" not in detail.text()
    assert "Suggested:" not in detail.text()
    # Clearing it (Delete) makes the visit incomplete; answering no brings the option back.
    driver.answer("ldn_screen.opioid_agonist_treatment", None)
    assert banner.text().startswith("INCOMPLETE")
    # The unanswered question is listed as a link to it, not counted (issue 10, walk #13).
    links = driver.wizard.outcome_panel.links()
    expected = ["outcome_panel.missing:ldn_screen.opioid_agonist_treatment"]
    assert [link.objectName() for link in links] == expected
    driver.answer("ldn_screen.opioid_agonist_treatment", "no")
    assert banner.text().startswith("LDN OPTION")
    # An unreadable value on another page shows as such, not as a stale outcome.
    driver.go_to(PageId.PATIENT)
    driver.type_into("patient.weight_kg", "500")
    assert banner.text().startswith("CHECK ANSWERS")
