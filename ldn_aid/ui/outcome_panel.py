"""The always-visible summary beside the pages: the outcome in colour and words, each stop and
caution by name, the unanswered questions as links, what guideline medicine is still untried, the
suggested protocol in one line, and why the handout cannot be printed yet (the core's gate, in
words). On the follow-up page it shows the latest review's decision instead. It updates on every
answer, rebuilding its list only when what it shows changes.

Signals:
    jump_requested(path): an unanswered or invalid question's link was chosen (a visit-file path).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ldn_aid.content import ContentBundle
from ldn_aid.content.words import blocker_text, question_text
from ldn_aid.domain.assessment import Assessment, Outcome
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.ui.present import assessment as present
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.theme import BODY_CSS, DECISION_STYLE, OUTCOME_STYLE, STOP
from ldn_aid.ui.widgets.banner import Banner
from ldn_aid.ui.widgets.link import link_button
from ldn_aid.ui.widgets.report import ScrollBody, wrapping_label
from ldn_aid.ui.widgets.slot import Slot


class OutcomePanel(QFrame):
    jump_requested = Signal(str)

    def __init__(self, state: VisitState, content: ContentBundle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.content = content
        self.page_id: int = PageId.PATIENT
        self._links_key: object = None
        self.setObjectName("outcome_panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(230)
        self.setMaximumWidth(280)
        layout = QVBoxLayout(self)
        self.title = QLabel("<b>Assessment so far</b>")
        self.banner = Banner("outcome_panel.banner", large=False)
        layout.addWidget(self.title)
        layout.addWidget(self.banner)
        # The list scrolls inside the panel: a long list never makes the window taller.
        scroll = QScrollArea()
        scroll.setObjectName("outcome_panel.scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # No Tab stop of its own: Tab goes from the page's last answer to Next (its links keep theirs).
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = ScrollBody()
        body.setStyleSheet(BODY_CSS)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        self.detail = wrapping_label(rich=True)
        self.detail.setObjectName("outcome_panel.detail")
        column.addWidget(self.detail)
        self.questions = Slot(spacing=0)
        self.questions.setObjectName("outcome_panel.questions")
        column.addWidget(self.questions)
        column.addStretch(1)
        scroll.setWidget(body)
        # The panel's own background shows through (a scroll area paints its viewport white).
        scroll.viewport().setAutoFillBackground(False)
        body.setAutoFillBackground(False)
        layout.addWidget(scroll, 1)
        self.scroll_area = scroll
        state.changed.connect(self.refresh)
        self.refresh()

    def follow_page(self, page_id: int) -> None:
        """Show what the page in view is about (the wizard calls this on every page change, and gives
        the follow-up page's id while the handout page shows a follow-up sheet)."""
        if page_id == self.page_id:
            return
        self.page_id = page_id
        self.refresh()

    def refresh(self) -> None:
        decision = self.state.decision
        latest = decision.latest if decision is not None else None
        if self.page_id == PageId.FOLLOW_UP and latest is not None:
            self.title.setText("<b>Latest review</b>")
            self._show_review(latest)
        elif self.state.assessment is None:
            self.title.setText("<b>Assessment so far</b>")
            self.banner.show(
                "CHECK ANSWERS", "A value is out of range or not a number.", STOP, separator="\n"
            )
            invalid = [(path, question_text(self.content, path)) for path in sorted(self.state.errors)]
            self._show_lines([], invalid, "Values to fix:")
        else:
            self.title.setText("<b>Assessment so far</b>")
            self._show_assessment(self.state.assessment)
        self.setAccessibleDescription(self.banner.text().replace("\n", ". "))

    # ---- first visit ------------------------------------------------------------------------------

    def _show_assessment(self, assessment: Assessment) -> None:
        outcome = assessment.outcome
        self.banner.show(
            present.OUTCOME_WORD[outcome],
            self.content.language.outcomes[outcome.value],
            OUTCOME_STYLE[outcome.value],
            separator="\n",
        )
        lines: list[str] = []
        for severity, title in (("stop", "Stops"), ("caution", "Cautions")):
            group = assessment.with_severity(severity)  # type: ignore[arg-type]
            if group:
                names = (present.finding_label(self.content, f.rule_id) for f in group)
                lines.append(f"<b>{title}:</b>" + "".join(f"<br>• {escape(n)}" for n in names))
        missing = present.missing_questions(self.content, assessment.missing)
        untried = present.untried_guideline(self.content, self.state.visit)
        if outcome == Outcome.GUIDELINE_FIRST and untried:
            lines.append(f"<b>Not yet tried:</b> {escape(', '.join(untried))}")
        protocol = self.state.protocol
        if protocol is not None:
            # Under guideline-first the plan is for after the discussion, not a green light.
            caption = "Suggested, after the discussion" if outcome == Outcome.GUIDELINE_FIRST else "Suggested"
            suggested = escape(present.protocol_line(self.content, protocol))
            lines.append(f"<b>{caption}:</b> {suggested}")
        gate = self.state.decision.handout_gate if self.state.decision is not None else None
        if gate is not None and not gate.allowed:
            # Each blocker is a sentence of its own (joining them with "; " printed ".;").
            words = "".join(
                f"<br>• {escape(blocker_text(self.content, blocker, gate.params))}"
                for blocker in gate.blockers
            )
            lines.append(f"<b>Not printable yet:</b>{words}")
        self._show_lines(lines, missing, f"Unanswered ({len(missing)}) — choose one to go to it:")

    # ---- follow-up --------------------------------------------------------------------------------

    def _show_review(self, decision: FollowUpDecision) -> None:
        word = self.content.language.choices.get("decision", {}).get(decision.decision, decision.decision)
        line = present.review_line(self.content, decision)
        self.banner.show(word.upper(), line, DECISION_STYLE[decision.decision], separator="\n")
        lines = [f"Review of {escape(present.day_text(decision.review_date))}"]
        for severity, title in (("stop", "Stops"), ("caution", "Cautions"), ("info", "Reasons")):
            names = [
                present.finding_label(self.content, reason.rule_id)
                for reason in decision.reasons
                if reason.severity == severity
            ]
            if names:
                lines.append(f"<b>{title}:</b>" + "".join(f"<br>• {escape(n)}" for n in names))
        self._show_lines(lines, ())

    # ---- building ---------------------------------------------------------------------------------

    def _show_lines(
        self, lines: Sequence[str], questions: Sequence[tuple[str, str]], heading: str = ""
    ) -> None:
        """The summary lines (rich text) in the detail label, then the question links."""
        text = "<br>".join(lines)
        if self.detail.text() != text:
            self.detail.setText(text)
        self.detail.setVisible(bool(text))
        key = (heading, tuple(questions))
        if key == self._links_key:
            return
        self._links_key = key
        widgets: list[QWidget] = [wrapping_label(f"<b>{escape(heading)}</b>", rich=True)] if questions else []
        for path, words in questions:
            button = link_button(f"outcome_panel.missing:{path}", words, path)
            button.clicked.connect(lambda _checked=False, p=path: self.jump_requested.emit(p))
            widgets.append(button)
        self.questions.fill(widgets)

    def links(self) -> list[QWidget]:
        """The question links shown now, in order."""
        return [w for w in self.questions.widgets() if w.property("role") == "link"]
