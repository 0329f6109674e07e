"""LdnWizard: the pages in order, with the live outcome summary beside them.

A first visit ends on the handout; the follow-up review page comes after it, and an opened visit that
already has follow-ups lands there (`show_follow_up`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget, QWizard

from ldn_aid.content import ContentBundle
from ldn_aid.settings import ClinicSettings, load_settings
from ldn_aid.ui.outcome_panel import OutcomePanel
from ldn_aid.ui.pages.assessment_page import AssessmentPage
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.pages.diagnosis_page import DiagnosisPage
from ldn_aid.ui.pages.followup_page import FollowUpPage
from ldn_aid.ui.pages.handout_page import HandoutPage
from ldn_aid.ui.pages.ids import PageId, page_of
from ldn_aid.ui.pages.ldn_screen_page import LdnScreenPage
from ldn_aid.ui.pages.patient_page import PatientPage
from ldn_aid.ui.pages.preferences_page import PreferencesPage
from ldn_aid.ui.pages.stimulant_screen_page import StimulantScreenPage
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.wheel import guard_wheel


class LdnWizard(QWizard):
    def __init__(
        self,
        state: VisitState,
        content: ContentBundle,
        settings_provider: Callable[[], ClinicSettings] = load_settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("wizard")
        self.setWindowTitle("LDN Aid")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButton, True)
        # The wizard is the whole window: finishing is saving or printing, not closing.
        self.setButtonLayout(
            [QWizard.WizardButton.Stretch, QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton]
        )
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Back")

        self.question_pages: dict[PageId, QuestionPage] = {
            PageId.PATIENT: PatientPage(state, content),
            PageId.DIAGNOSIS: DiagnosisPage(state, content),
            PageId.LDN_SCREEN: LdnScreenPage(state, content),
            PageId.STIMULANT_SCREEN: StimulantScreenPage(state, content),
            PageId.PREFERENCES: PreferencesPage(state, content),
        }
        for page_id, page in self.question_pages.items():
            self.setPage(page_id, page)
        self.assessment_page = AssessmentPage(state, content)
        self.setPage(PageId.ASSESSMENT, self.assessment_page)
        self.handout_page = HandoutPage(state, content, settings_provider=settings_provider)
        self.setPage(PageId.HANDOUT, self.handout_page)
        self.follow_up_page = FollowUpPage(state, content)
        self.setPage(PageId.FOLLOW_UP, self.follow_up_page)
        self.setStartId(PageId.PATIENT)

        self.outcome_panel = OutcomePanel(state, content)
        self.setSideWidget(self.outcome_panel)
        self.assessment_page.jump_requested.connect(self.jump_to)
        # The wheel scrolls the page; it changes a drop-down, spin box or date only while it has focus.
        self.wheel_guard = guard_wheel(self)

    def done(self, result: int) -> None:
        """Enter on the last page or Escape must not close the visit; the File menu closes it."""

    def nextId(self) -> int:  # noqa: N802 - Qt override
        """The handout ends a first visit; Next from there goes on to the follow-up page, the last."""
        current = self.currentId()
        if current == PageId.HANDOUT:
            return int(PageId.FOLLOW_UP)
        if current == PageId.FOLLOW_UP:
            return -1
        return super().nextId()

    def show_follow_up(self) -> bool:
        """Walk to the follow-up page, validating each page on the way; stay where a page blocks."""
        return self.go_to(PageId.FOLLOW_UP)

    def go_to(self, target: PageId) -> bool:
        """Walk back or forward to a page; stops early (False) at a page whose answers are invalid."""
        while self.currentId() > target:
            self.back()
        while self.currentId() < target:
            before = self.currentId()
            self.next()
            if self.currentId() == before:
                return False
        return True

    def jump_to(self, path: str) -> None:
        """Show the page that asks `path` and put the cursor in its field."""
        target = page_of(path)
        self.go_to(target)
        page = self.question_pages.get(PageId(self.currentId()))
        if page is not None:
            page.focus_path(path)
