"""LdnWizard: the pages in order, with the live outcome summary beside them.

A first visit ends on the handout; the follow-up review page comes after it, and an opened visit that
already has follow-ups lands there (`show_follow_up`).

Keyboard: Enter goes Next from any field (or does nothing while Next is disabled), never Back: Back
is never the default button and takes no focus (Alt+B and a click reach it). Ctrl+Enter and
Alt+Right go to the next page, Alt+Left to the one before, from anywhere. Each page shown puts the
cursor on its `first_focus()` (else on Next), after the page is laid out; a new or opened visit
first resets every page's view (`reset_view()`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QPushButton, QWidget, QWizard, QWizardPage

from ldn_aid.content import ContentBundle
from ldn_aid.settings import ClinicSettings, load_settings
from ldn_aid.ui.outcome_panel import OutcomePanel
from ldn_aid.ui.pages.assessment import AssessmentPage
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.pages.diagnosis_page import DiagnosisPage
from ldn_aid.ui.pages.followup import FollowUpPage
from ldn_aid.ui.pages.handout import HandoutPage
from ldn_aid.ui.pages.ids import PageId, page_of
from ldn_aid.ui.pages.ldn_screen_page import LdnScreenPage
from ldn_aid.ui.pages.patient_page import PatientPage
from ldn_aid.ui.pages.preferences_page import PreferencesPage
from ldn_aid.ui.pages.stimulant_screen_page import StimulantScreenPage
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.wheel import guard_wheel

# Keys that go to the next page from any widget (a text box keeps plain Enter for itself).
NEXT_PAGE_KEYS = ("Ctrl+Return", "Ctrl+Enter", "Alt+Right")
BACK_PAGE_KEYS = ("Alt+Left",)


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
        back = self.button(QWizard.WizardButton.BackButton)
        if isinstance(back, QPushButton):
            back.setAutoDefault(False)
            back.setDefault(False)
        back.setFocusPolicy(Qt.FocusPolicy.NoFocus)

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
        # The side panel follows the page shown (on the handout page, the document shown: beside a
        # follow-up sheet it shows that review, not the first visit), and its links jump to answers.
        self.currentIdChanged.connect(self._panel_follows)
        self.handout_page.document_kind.currentIndexChanged.connect(lambda _index: self._panel_follows())
        state.changed.connect(self._panel_follows)
        self.outcome_panel.jump_requested.connect(self.jump_to)
        # The wheel scrolls the page; it changes a drop-down, spin box or date only while it has focus.
        self.wheel_guard = guard_wheel(self)

        # One pending cursor move, run once the shown page is laid out; a later request (a jump to
        # a missing answer) replaces an earlier one (the page's starting field).
        self._focus_request: Callable[[], object] | None = None
        self._focus_timer = QTimer(self)
        self._focus_timer.setSingleShot(True)
        self._focus_timer.setInterval(0)
        self._focus_timer.timeout.connect(self._run_focus_request)
        self.currentIdChanged.connect(self._page_shown)
        state.loaded.connect(self.reset_views)
        for keys, slot in ((NEXT_PAGE_KEYS, self.go_next), (BACK_PAGE_KEYS, self.go_back)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

    # ---- the keyboard ----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter that no field used goes Next, as the Next button would (nothing while disabled).

        QDialog would click whichever push button is the default at that moment, and a focused
        Back button made itself the default: Enter after the last answer went back a page."""
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.go_next()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt override
        """Tab from the page's last answer goes to Next (the side panel's links come after it)."""
        focused = QApplication.focusWidget()
        page = self.currentPage() if self.currentId() >= 0 else None
        button = self.button(QWizard.WizardButton.NextButton)
        if forward and page is not None and focused is not None and page.isAncestorOf(focused):
            following = _next_tab_stop(focused)
            leaving = following is None or not page.isAncestorOf(following)
            if leaving and button.isVisible() and button.isEnabled():
                button.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().focusNextPrevChild(forward)

    def go_next(self) -> bool:
        """Go to the next page when the Next button allows it (True when the page changed)."""
        button = self.button(QWizard.WizardButton.NextButton)
        before = self.currentId()
        if button.isVisible() and button.isEnabled():
            self.next()
        return self.currentId() != before

    def go_back(self) -> None:
        button = self.button(QWizard.WizardButton.BackButton)
        if button.isVisible() and button.isEnabled():
            self.back()

    # ---- where the cursor starts ----------------------------------------------------------------

    def reset_views(self) -> None:
        """A new or opened visit: every page back to its top, with nothing left selected."""
        for page_id in self.pageIds():
            reset_view = getattr(self.page(page_id), "reset_view", None)
            if callable(reset_view):
                reset_view()

    def _panel_follows(self, *_args: object) -> None:
        current = self.currentId()
        review_sheet = current == PageId.HANDOUT and self.handout_page.shown_kind() == "followup"
        self.outcome_panel.follow_page(PageId.FOLLOW_UP if review_sheet else current)

    def _page_shown(self, page_id: int) -> None:
        if page_id >= 0:
            self._request_focus(self.focus_first_field)

    def focus_pending(self) -> bool:
        """Whether the cursor is still to be placed on the page just shown."""
        return self._focus_timer.isActive()

    def _request_focus(self, request: Callable[[], object]) -> None:
        self._focus_request = request
        self._focus_timer.start()

    def _run_focus_request(self) -> None:
        request, self._focus_request = self._focus_request, None
        if request is not None:
            request()

    def focus_first_field(self) -> None:
        """Put the cursor on the shown page's first field that needs an answer, else on Next."""
        if self.currentId() < 0:
            return
        target = first_focus(self.currentPage())
        if target is None or not (target.isVisible() and target.isEnabled()):
            button = self.button(QWizard.WizardButton.NextButton)
            target = button if button.isVisible() and button.isEnabled() else None
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

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
            # Again once the page is laid out, in place of the page's starting field.
            self._request_focus(lambda: page.focus_path(path))


def _next_tab_stop(widget: QWidget) -> QWidget | None:
    """The widget Tab would go to from `widget` (in the focus chain, taking Tab, shown, enabled)."""
    candidate = widget.nextInFocusChain()
    while candidate is not None and candidate is not widget:
        takes_tab = bool(candidate.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if takes_tab and candidate.focusProxy() is None and candidate.isVisible() and candidate.isEnabled():
            return candidate
        candidate = candidate.nextInFocusChain()
    return None


def first_focus(page: QWizardPage) -> QWidget | None:
    """The page's own starting field (`first_focus()`), or None for a page without one."""
    method = getattr(page, "first_focus", None)
    found = method() if callable(method) else None
    return found if isinstance(found, QWidget) else None
