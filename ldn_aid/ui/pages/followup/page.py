"""Page 8, Follow-up review: the history of an LDN trial, the decision for the latest review, and a
new review. The page composes three views and writes what they ask for into the visit; no rule is
decided here. The decisions are the state's one `VisitDecision.follow_ups` (one pass over the
reviews); their words come from the content bundle.

"Choose differently" lists only the decisions the rules would accept for the latest review (each is
tried on a copy of the visit); where there is none (a safety or trial-ending stop) it is disabled
with a one-line reason. A refused choice that stands keeps the follow-up sheet from printing until
it is withdrawn. An added review can be taken out again (Remove last review).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget, QWizardPage

from ldn_aid.content import ContentBundle
from ldn_aid.content.words import blocker_text
from ldn_aid.domain.followup import FollowUp, FollowUpDecision
from ldn_aid.ui import theme
from ldn_aid.ui.pages.followup.decision_view import CHOOSABLE, DecisionView
from ldn_aid.ui.pages.followup.history_view import HistoryView
from ldn_aid.ui.pages.followup.review_form import ReviewForm
from ldn_aid.ui.present import followup as words
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.history_chart import HistoryChart
from ldn_aid.ui.widgets.report import report_frame

PATH = words.PATH
# A reason for a simulated choice: the rules only ask that one is given.
TRIAL_REASON = "reason"


def _dumped(follow_ups: tuple[FollowUp, ...]) -> list[dict[str, Any]]:
    return [follow_up.model_dump(mode="json", exclude_none=True) for follow_up in follow_ups]


def _changed(follow_up: FollowUp, **changes: Any) -> FollowUp:
    """`follow_up` with some fields changed, checked again by the model (None: not recorded)."""
    return FollowUp.model_validate({**follow_up.model_dump(), **changes})


class FollowUpPage(QWizardPage):
    """The follow-up history, the decision for the latest review, the clinician's choice, a new review."""

    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__()
        self.state = state
        self.content = content
        self.setTitle("Follow-up review")
        self.decisions: list[FollowUpDecision] = []
        self.decision: FollowUpDecision | None = None
        # The choices the rules would accept for the latest review (besides the computed one).
        self.acceptable: tuple[str, ...] = ()
        self._shown: object = ()
        self._stale = True

        self.banner, self.scroll_area, column = report_frame(self, "followup")
        self.history = HistoryView(content)
        self.decision_view = DecisionView(content)
        self.form = ReviewForm(state, content)
        self.form.scroll_area = self.scroll_area
        for view in (self.history, self.decision_view, self.form):
            column.addWidget(view)
        column.addStretch(1)
        page_layout = self.layout()
        assert page_layout is not None
        page_layout.addWidget(self.form.footer)
        self._set_tab_order()

        self.history.remove_requested.connect(self.remove_last_review)
        self.decision_view.choice_made.connect(self.record_choice)
        self.decision_view.withdraw_requested.connect(self.withdraw_choice)
        self.decision_view.extend_toggled.connect(self._on_extend_latest)
        self.form.add_button.clicked.connect(self.add_review)
        state.changed.connect(self._on_changed)
        state.loaded.connect(self._on_loaded)
        self.refresh()
        self.form.prefill(self.decision)

    def _set_tab_order(self) -> None:
        """Tab follows the screen: history, the decision's controls, the form by column, Add review."""
        chain: list[QWidget] = [
            self.history.remove_last,
            *self.decision_view.tab_chain(),
            *self.form.fields.tab_chain(),
            self.form.add_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # ---- what the tests and the wizard read -------------------------------------------------------

    @property
    def chart(self) -> HistoryChart:
        return self.history.chart

    @property
    def inputs(self) -> dict[str, QWidget]:
        return self.form.inputs

    def is_asked(self, field: str) -> bool:
        return self.form.is_asked(field)

    def unanswered(self) -> tuple[str, ...]:
        return self.form.unanswered()

    def first_focus(self) -> QWidget | None:
        """The first unanswered field of the new review (the dose taken, on a fresh form)."""
        return self.form.first_unanswered() or self.form.fields.date

    def reset_view(self) -> None:
        """A fresh visit: the top of the page, an empty form, no status lines left over."""
        self.scroll_area.verticalScrollBar().setValue(0)
        self.history.status.clear()
        self.form.prefill(self.decision)

    # ---- keeping widgets and state in step -------------------------------------------------------

    def _on_changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _on_loaded(self) -> None:
        self.decision_view.choice_reason.clear()
        self._shown = ()
        self.refresh()
        self.reset_view()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.refresh()
        if not self.form.edited:
            self.form.prefill(self.decision)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return True  # this page records; it never gates

    # ---- what the page shows ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the reviews and their decisions (only when the visit changed)."""
        self._stale = False
        visit = self.state.visit
        if visit == self._shown and visit is not None:
            return
        self._shown = visit
        decided = self.state.decision if visit is not None else None
        self.decisions = list(decided.follow_ups) if decided is not None else []
        self.decision = self.decisions[-1] if self.decisions else None
        self.acceptable = self.acceptable_choices(self.decision) if self.decision is not None else ()
        self.history.show_history(visit, self.state.protocol, self.decisions)
        latest = visit.follow_ups[-1] if visit is not None and visit.follow_ups else None
        self.decision_view.show_decision(self.decision, latest, self.acceptable, self._plan_blockers())
        self._show_banner()
        self.form.follow_visit()

    def _show_banner(self) -> None:
        decision = self.decision
        if self.state.visit is None:
            word, style, key = "CHECK ANSWERS", theme.STOP, "invalid"
            text = (
                "Some answers on earlier pages are not valid. Fix them to see and record follow-up reviews."
            )
        elif decision is None:
            word, style, key = "NO FOLLOW-UP YET", theme.INFO, "none"
            text = "Record the first review below; its decision shows here."
        else:
            word = words.decision_word(self.content, decision.decision).upper()
            style, key = theme.DECISION_STYLE[decision.decision], decision.decision
            text = words.summary(self.content, decision)
        self.banner.setProperty("decision", key)
        self.banner.show(word, text, style)

    def _plan_blockers(self) -> list[str]:
        """Why the first visit's plan may not be given (the handout gate's blockers, in words)."""
        decision = self.state.decision
        if decision is None:
            return []
        gate = decision.handout_gate
        return [blocker_text(self.content, blocker, gate.params) for blocker in gate.blockers]

    def acceptable_choices(self, decision: FollowUpDecision) -> tuple[str, ...]:
        """The decisions other than the computed one that the rules would accept for the latest
        review, with a reason: each is tried on a copy of the visit (nothing is decided here)."""
        visit = self.state.visit
        if visit is None or not visit.follow_ups:
            return ()
        reason = decision.override_reason or TRIAL_REASON
        accepted = []
        for choice in CHOOSABLE:
            if choice == decision.computed:
                continue
            tried_latest = _changed(visit.follow_ups[-1], clinician_decision=choice, override_reason=reason)
            data = self.state.data
            data[PATH] = _dumped((*visit.follow_ups[:-1], tried_latest))
            tried = self.state.decide_draft(data)
            latest = tried.latest if tried is not None else None
            if latest is not None and not latest.override_refused and latest.decision == choice:
                accepted.append(choice)
        return tuple(accepted)

    # ---- writing what the views ask for ------------------------------------------------------------

    def _write(self, follow_ups: tuple[FollowUp, ...]) -> None:
        self.state.set(PATH, _dumped(follow_ups))
        self.refresh()

    def _write_latest(self, **changes: Any) -> None:
        visit = self.state.visit
        if visit is None or not visit.follow_ups:
            return
        self._write((*visit.follow_ups[:-1], _changed(visit.follow_ups[-1], **changes)))

    def add_review(self) -> bool:
        """Append the form's review to the visit; False (with the reason shown) when it is refused."""
        visit = self.state.visit
        follow_up = self.form.checked_review()
        if visit is None or follow_up is None:
            return False
        self.history.status.clear()
        self._write((*visit.follow_ups, follow_up))
        self.form.prefill(self.decision)
        QTimer.singleShot(0, lambda: self.scroll_area.ensureWidgetVisible(self.decision_view.heading, 0, 40))
        return True

    def remove_last_review(self) -> None:
        """Take the latest review out of the visit (the undo of Add review); the record says so."""
        visit = self.state.visit
        if visit is None or not visit.follow_ups:
            return
        removed = visit.follow_ups[-1]
        self._write(visit.follow_ups[:-1])
        # Back on the form: one Add review records it again (the undo of the undo).
        self.form.fill(removed)
        self.history.status.setText(
            f"The review of {words.day(removed.date)} was removed from the visit; its answers are back in"
            " the form below (Add review records it again)."
        )

    def record_choice(self, choice: str, reason: str) -> None:
        """Write the chosen decision and its reason into the latest review (or clear them)."""
        decision = self.decision
        if decision is None:
            return
        if choice == decision.computed:
            self._write_latest(clinician_decision=None, override_reason=None)
        else:
            self._write_latest(clinician_decision=choice, override_reason=reason)

    def apply_choice(self) -> None:
        self.decision_view.apply_choice()

    def withdraw_choice(self) -> None:
        """Remove the clinician's decision and reason from the latest review: the computed one stands."""
        self._write_latest(clinician_decision=None, override_reason=None)

    def _on_extend_latest(self, ticked: bool) -> None:
        self._write_latest(extend_once=ticked)
