"""Page 6, Assessment and plan: what the core decided about the visit, and the clinician's plan choices.

The page composes small views: the guideline-first acknowledgement, the specialist sign-offs, links
to missing or invalid answers, the findings, the handout gate, the plan controls and the protocol.
No rule is decided here: the findings, the protocol and the handout gate all come from the state's
one `VisitDecision`, and what to show from `ldn_aid.ui.present.assessment`. While the gate refuses
the plan, the page says why in words and Next (on to printing) stays disabled: the same gate
`ldn-aid handout` obeys.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget, QWizardPage

from ldn_aid.content import ContentBundle
from ldn_aid.content.words import question_text
from ldn_aid.domain.assessment import Outcome
from ldn_aid.domain.decision import Gate
from ldn_aid.ui.pages.assessment.acknowledgement import AcknowledgementBox
from ldn_aid.ui.pages.assessment.answer_links import AnswerLinks
from ldn_aid.ui.pages.assessment.findings_list import FindingsList
from ldn_aid.ui.pages.assessment.gate_box import GateBox
from ldn_aid.ui.pages.assessment.plan_controls import PlanControls
from ldn_aid.ui.pages.assessment.protocol_view import ProtocolView
from ldn_aid.ui.pages.assessment.signoff import SignoffBox
from ldn_aid.ui.present import assessment as present
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.theme import CHANGE, OUTCOME_STYLE, STOP
from ldn_aid.ui.widgets.report import fit_scroll_body, heading, report_frame

INVALID = (
    "Some answers on earlier pages are not valid. Fix them to see the assessment;"
    " choose one below to go to it."
)
REFUSED = "Fix the plan value marked below. The assessment and the protocol come back when it is valid."


class AssessmentPage(QWizardPage):
    """Signals:
    jump_requested: the clinician chose a missing or invalid answer; carries its dotted path."""

    jump_requested = Signal(str)

    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__()
        self.state = state
        self.content = content
        self.setTitle("Assessment and plan")
        self.banner, self.scroll_area, column = report_frame(self, "assessment")
        self.ack_box = AcknowledgementBox(content)
        self.ack_box.acknowledged.connect(state.set_acknowledged)
        self.signoff_box = SignoffBox(content)
        self.signoff_box.changed.connect(lambda path, ticked: state.set(path, True if ticked else None))
        self.links = AnswerLinks()
        self.links.jump_requested.connect(self.jump_requested)
        self.findings = FindingsList(content)
        self.gate_box = GateBox()
        self.plan = PlanControls(state, content)
        self.protocol_view = ProtocolView(content)
        parts: list[QWidget] = [self.ack_box, self.signoff_box, self.links, self.findings]
        parts += [heading("Starting protocol"), self.gate_box, self.plan, self.protocol_view]
        for part in parts:
            column.addWidget(part)
        column.addStretch(1)
        # The names the tests and the wizard know the controls by.
        self.acknowledge = self.ack_box.check
        self.signoff = self.signoff_box.checks[present.SIGNOFF_PATH]
        self.longer_trial = self.signoff_box.checks[present.LONGER_TRIAL_PATH]
        self.controls: dict[str, QWidget] = {**self.plan.controls, **self.signoff_box.checks}
        self.start_date, self.schedule, self.timing = (
            self.plan.start_date,
            self.plan.schedule,
            self.plan.timing,
        )
        self.step_weeks, self.target_mg = self.plan.step_weeks, self.plan.target_mg
        self.change_reason, self.table = self.plan.change_reason, self.protocol_view.table
        state.changed.connect(self.refresh)
        state.loaded.connect(self._load_controls)
        self._load_controls()

    # ---- the wizard's interface ------------------------------------------------------------------

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self._load_controls()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return not self.problems()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        # QWizard.next() called from code skips the disabled button; the same rule must hold there.
        return self.isComplete()

    def first_focus(self) -> QWidget | None:
        """The first thing to fix, top to bottom: a missing or invalid answer's link, the
        acknowledgement, a sign-off, a plan control with a message; else None (the wizard focuses
        Next: with nothing to fix, Enter goes on to the handout)."""
        link = self.links.first_link()
        if link is not None and not self.links.isHidden():
            return link
        if not self.ack_box.isHidden() and not self.acknowledge.isChecked():
            return self.acknowledge
        return self.signoff_box.first_problem() or (
            self.plan.first_problem() if self.plan.isVisible() else None
        )

    def reset_view(self) -> None:
        """A fresh visit starts at the top of the page."""
        self.scroll_area.verticalScrollBar().setValue(0)
        self.scroll_area.horizontalScrollBar().setValue(0)

    # ---- the gate ----------------------------------------------------------------------------------

    def gate(self) -> Gate | None:
        """The core's handout gate for the visit (None while an answer is invalid)."""
        decision = self.state.decision
        return decision.handout_gate if decision is not None else None

    def blocker_words(self) -> dict[str, str]:
        return present.blocker_words(self.content, self.gate())

    def reason_missing(self) -> bool:
        return present.reason_missing(self.gate())

    def acknowledgement_missing(self) -> bool:
        return present.acknowledgement_missing(self.gate())

    def target_help(self) -> str:
        return present.target_help(self.content, self.state.protocol or self.protocol_view.shown)

    def problems(self) -> dict[str, str]:
        """Every reason Next is disabled, by path."""
        return present.plan_problems(
            self.state.errors_under("plan"),
            visit_valid=self.state.visit is not None,
            blockers=self.blocker_words(),
        )

    # ---- showing ---------------------------------------------------------------------------------

    def _load_controls(self) -> None:
        self.plan.load()
        self.refresh()

    def refresh(self) -> None:
        state = self.state
        plan_errors = state.errors_under("plan")
        # Only a plan value is refused: keep showing the assessment as it was, so nothing jumps.
        only_plan_refused = (
            state.visit is None and bool(plan_errors) and len(plan_errors) == len(state.errors)
        )
        assessment = state.assessment
        blockers = {} if only_plan_refused else self.blocker_words()
        if state.visit is None and not only_plan_refused:
            self.banner.show("CHECK ANSWERS", INVALID, STOP)
            invalid = sorted(state.errors.items())
            items = [
                (path, f"{question_text(self.content, path)}: {present.readable_error(message)}")
                for path, message in invalid
            ]
            self.links.show_links("invalid", "Values to fix", items)
            self.findings.show_findings(None)
        elif only_plan_refused:
            self.banner.show("PLAN VALUE REFUSED", REFUSED, CHANGE)
        elif assessment is not None:
            shown = assessment.outcome
            words = self.content.language.outcomes[shown.value]
            self.banner.show(present.OUTCOME_WORD[shown], words, OUTCOME_STYLE[shown.value])
            missing = present.missing_questions(self.content, assessment.missing)
            title = f"Missing answers ({len(missing)}) — choose one to go to its question"
            self.links.show_links("missing", title, missing)
            self.findings.show_findings(assessment)
        outcome = assessment.outcome if assessment is not None else None
        if not only_plan_refused:
            self.ack_box.show_state(
                asked=outcome == Outcome.GUIDELINE_FIRST,
                ticked=state.acknowledged_guideline_first,
                untried=self._untried_words(),
            )
        self._show_signoff(blockers)
        self.protocol_view.show_protocol(
            state.protocol, stale=only_plan_refused, reason=present.no_protocol_reason(outcome)
        )
        self.gate_box.show_blockers(blockers)
        has_protocol = state.protocol is not None
        self.plan.setVisible(
            present.plan_changeable(
                outcome, protocol=has_protocol, refused=bool(plan_errors), blocked=bool(blockers)
            )
        )
        self.plan.show_messages(
            enabled=has_protocol or bool(plan_errors) or bool(blockers),
            plan_errors=plan_errors,
            blockers=blockers,
            target_help=self.target_help(),
        )
        self._set_tab_order()
        fit_scroll_body(self.scroll_area)
        self.completeChanged.emit()

    def _untried_words(self) -> str:
        untried = present.untried_guideline(self.content, self.state.visit)
        return f"Not yet tried: {', '.join(untried)}." if untried else ""

    def _show_signoff(self, blockers: dict[str, str]) -> None:
        ticked = {path: self.state.get(path) is True for path in present.SIGNOFF_PATHS}
        asked = present.signoffs_asked(self.content, self.state.get("patient.age_years"))
        self.signoff_box.show_state(ticked, asked, blockers.get("paediatric_trial_too_long", ""))

    def _set_tab_order(self) -> None:
        """Tab follows the page top to bottom (the links are rebuilt, so Qt's creation order would
        put them last)."""
        chain: list[QWidget] = [self.acknowledge, self.signoff, self.longer_trial]
        chain += [w for w in self.links.widgets() if w.focusPolicy() != Qt.FocusPolicy.NoFocus]
        chain += list(self.plan.controls.values())
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
