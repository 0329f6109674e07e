"""The outcome panel beside the pages (issue 10, walk #12 and #13): stops and cautions named in
words, unanswered questions as links that jump (mouse and keyboard), what guideline medicine is
untried, the suggestion labelled "after the discussion", and the latest review on the follow-up page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from wizard_driver import LDN_OPTION, STOP, WizardDriver

from ldn_aid.content import ContentBundle
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId

CASES = Path(__file__).resolve().parent / "cases"


def detail(window: MainWindow) -> str:
    label = window.wizard.findChild(QLabel, "outcome_panel.detail")
    assert label is not None
    return label.text()


def panel_links(window: MainWindow) -> list[QPushButton]:
    return [
        button
        for button in window.wizard.outcome_panel.findChildren(QPushButton)
        if button.objectName().startswith("outcome_panel.missing:") and button.isVisible()
    ]


def test_stops_and_cautions_are_named_by_their_labels_not_rule_ids(
    window: MainWindow, driver: WizardDriver, content: ContentBundle
) -> None:
    driver.fill(STOP, stop_at=PageId.ASSESSMENT)
    assessment = window.state.assessment
    assert assessment is not None
    text = detail(window)
    assert window.wizard.outcome_panel.banner.text().startswith("STOP")
    for finding in assessment.findings:
        if finding.severity in ("stop", "caution"):
            label = content.language.findings[finding.rule_id].label
            assert label is not None
            assert label in text
            # Neither the id nor the id with spaces ("opioid agonist treatment") is shown.
            assert finding.rule_id not in text
            assert finding.rule_id.replace("_", " ") not in text
    assert "Methadone or buprenorphine treatment" in text


def test_unanswered_questions_are_links_that_jump_to_the_question(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot, content: ContentBundle
) -> None:
    driver.fill({**LDN_OPTION, "ldn_screen.planned_surgery": None}, stop_at=PageId.PREFERENCES)
    assessment = window.state.assessment
    assert assessment is not None
    assert assessment.missing == ("ldn_screen.planned_surgery",)
    links = panel_links(window)
    assert [link.objectName() for link in links] == ["outcome_panel.missing:ldn_screen.planned_surgery"]
    question = content.language.questions["ldn_screen.planned_surgery"].text
    assert links[0].full_text == question
    assert question in links[0].toolTip()
    qtbot.mouseClick(links[0], Qt.MouseButton.LeftButton)
    assert driver.page_id == PageId.LDN_SCREEN
    target = driver.field("ldn_screen.planned_surgery")
    qtbot.waitUntil(target.hasFocus, timeout=1000)


def test_a_panel_link_is_reachable_and_chosen_with_the_keyboard(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    driver.fill({**LDN_OPTION, "ldn_screen.chronic_liver_disease": None}, stop_at=PageId.PREFERENCES)
    (link,) = panel_links(window)
    assert link.focusPolicy() & Qt.FocusPolicy.TabFocus
    link.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(link.hasFocus, timeout=1000)
    qtbot.keyClick(link, Qt.Key.Key_Space)
    assert driver.page_id == PageId.LDN_SCREEN
    target = driver.field("ldn_screen.chronic_liver_disease")
    qtbot.waitUntil(target.hasFocus, timeout=1000)


# Stimulants declined, the non-stimulants never tried: guideline options come first.
NON_STIMULANTS_UNTRIED = {
    **LDN_OPTION,
    "history.atomoxetine": "not_tried",
    "history.alpha2_agonist": "not_tried",
    "history.alpha2_agonist_adequate_trial": None,
    "history.viloxazine": "not_tried",
}


def test_guideline_first_says_what_is_untried_and_labels_the_suggestion(
    window: MainWindow, driver: WizardDriver
) -> None:
    driver.fill(NON_STIMULANTS_UNTRIED, stop_at=PageId.ASSESSMENT)
    text = detail(window)
    assert window.wizard.outcome_panel.banner.text().startswith("GUIDELINE OPTIONS FIRST")
    assert "Not yet tried:</b> atomoxetine, guanfacine or clonidine, viloxazine" in text
    # The plan is for after the discussion, never a plain "Suggested" green light.
    assert "Suggested, after the discussion:</b> 1.5" in text
    assert "<b>Suggested:</b>" not in text


def test_an_ldn_option_suggestion_is_plain(window: MainWindow, driver: WizardDriver) -> None:
    driver.fill(LDN_OPTION, stop_at=PageId.ASSESSMENT)
    text = detail(window)
    assert "<b>Suggested:</b> 1.5 → 3 → 4.5 mg" in text
    assert "Not yet tried" not in text


def test_on_the_follow_up_page_the_panel_shows_the_latest_review(
    window: MainWindow, driver: WizardDriver, content: ContentBundle
) -> None:
    assert window.open_visit(CASES / "followup_advance.json")
    QApplication.processEvents()
    assert driver.page_id == PageId.FOLLOW_UP
    decision = window.state.decision
    assert decision is not None
    assert decision.latest is not None
    latest = decision.latest
    assert latest.decision == "advance"
    banner = window.wizard.outcome_panel.banner.text()
    assert banner.startswith(content.language.choices["decision"]["advance"].upper() + "\n")
    assert "4.5 mg" in banner
    assert latest.next_review is not None
    assert latest.next_review.isoformat() in banner
    assert "LDN OPTION" not in banner
    text = detail(window)
    assert latest.review_date.isoformat() in text
    assert "Suggested" not in text
    for reason in latest.reasons:
        assert content.language.review.reason_label[reason.rule_id] in text
        assert reason.rule_id not in text
    # Back on the assessment page, the first visit's outcome again.
    driver.go_to(PageId.ASSESSMENT)
    assert window.wizard.outcome_panel.banner.text().startswith("LDN OPTION")


def test_a_long_question_link_ends_in_an_ellipsis_inside_the_panel_and_the_lines_wrap(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    """At 1280x720 the panel cut links and lines mid-word at its edge (the widest link made the
    column wider than its view); now nothing is wider than the panel's view."""
    window.resize(1280, 690)
    driver.fill({**LDN_OPTION, "ldn_screen.current_opioid_use": "yes"}, stop_at=PageId.LDN_SCREEN)
    for path in ("ldn_screen.planned_surgery", "ldn_screen.opioid_agonist_last_14_days"):
        window.state.set(path, None)
    panel = window.wizard.outcome_panel
    qtbot.waitUntil(lambda: len(panel_links(window)) >= 2, timeout=2000)
    QApplication.processEvents()
    view = panel.scroll_area.viewport().width()
    body = panel.scroll_area.widget()
    assert body is not None
    assert body.width() <= view
    for link in panel_links(window):
        assert link.geometry().right() <= view
        if link.fontMetrics().horizontalAdvance(link.full_text) > link.width():
            assert link.text().endswith("…"), link.text()
    detail = panel.detail
    assert detail.width() <= view


def test_beside_a_follow_up_sheet_the_panel_shows_that_review_not_the_first_visit(
    window: MainWindow, driver: WizardDriver, qtbot: QtBot
) -> None:
    """The walk of issue 10 saw the sheet "Stay on the same dose" beside a panel still reading
    "LDN OPTION, Suggested 1.5 -> 3 -> 4.5 mg": two contradicting plans on one screen."""
    assert window.open_visit(CASES / "followup_advance.json")
    driver.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    qtbot.waitUntil(lambda: page.shown_kind() == "followup", timeout=2000)
    panel = window.wizard.outcome_panel
    assert panel.title.text() == "<b>Latest review</b>"
    assert not panel.banner.text().startswith("LDN OPTION")
    # The full handout is the first visit's: the panel follows the document chosen.
    page.document_kind.setCurrentIndex(page.document_kind.findData("handout"))
    assert panel.banner.text().startswith("LDN OPTION")
    page.document_kind.setCurrentIndex(page.document_kind.findData("followup"))
    assert panel.title.text() == "<b>Latest review</b>"
