"""The decision for the latest review: what to do next and when, every reason with its sources, the
cannot-judge extension, and "choose differently". It shows; the page writes what the clinician asks
for (`choice_made`, `withdraw_requested`, `extend_toggled`) into the visit."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ldn_aid.content import ContentBundle
from ldn_aid.domain.followup import DECISIONS, DecisionReason, FollowUp, FollowUpDecision
from ldn_aid.ui import theme
from ldn_aid.ui.present import followup as words
from ldn_aid.ui.widgets.report import heading, wrapping_label
from ldn_aid.ui.widgets.rule_item import rule_item
from ldn_aid.ui.widgets.step_table import StepTable

# The decisions a clinician may choose instead of the computed one ("no plan" is never a choice).
CHOOSABLE = tuple(decision for decision in DECISIONS if decision != "no_plan")
# The reason that says the first visit's plan was not given; the handout gate's blockers go with it.
PLAN_NOT_GIVEN = "followup_plan_not_given"
REASON_NEEDED = "Give a reason for the different decision; it is kept in the record."


def clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


def callout(name: str) -> tuple[QFrame, QLabel, QVBoxLayout]:
    """A boxed note (adherence, cannot judge): its frame, its text label and its layout."""
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(theme.box_css(name, theme.CHANGE))
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(8, 4, 8, 4)
    text = wrapping_label(rich=True)
    layout.addWidget(text)
    return frame, text, layout


class DecisionView(QWidget):
    """`show_decision(decision, latest, acceptable, blockers)` fills it; hidden without a review."""

    choice_made = Signal(str, str)  # the decision chosen, the reason given
    withdraw_requested = Signal()
    extend_toggled = Signal(bool)

    def __init__(self, content: ContentBundle) -> None:
        super().__init__()
        self.content = content
        self.setObjectName("followup.decision")
        self._syncing = False
        self.decision: FollowUpDecision | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.heading = heading("Decision", "followup.decision_heading")
        layout.addWidget(self.heading)
        self.override_note = wrapping_label(rich=True)
        self.override_note.setObjectName("followup.override")
        layout.addWidget(self.override_note)
        self.adherence, self.adherence_text, _ = callout("followup.adherence")
        layout.addWidget(self.adherence)
        self.cannot_judge, self.cannot_judge_text, judge_layout = callout("followup.cannot_judge")
        self.extend_latest = QCheckBox()
        self.extend_latest.setObjectName("followup.latest.extend_once")
        self.extend_latest.setAccessibleName("Extend the trial once instead of stopping")
        self.extend_latest.toggled.connect(self._on_extend)
        judge_layout.addWidget(self.extend_latest)
        layout.addWidget(self.cannot_judge)
        self.next_label = wrapping_label(rich=True)
        self.next_label.setObjectName("followup.next")
        layout.addWidget(self.next_label)
        self.revised = StepTable("followup.revised", "Revised schedule")
        layout.addWidget(self.revised, 0, Qt.AlignmentFlag.AlignLeft)
        self.reasons_heading = heading("Reasons")
        layout.addWidget(self.reasons_heading)
        self.reasons_box = QWidget()
        self.reasons_box.setObjectName("followup.reasons")
        self.reasons_layout = QVBoxLayout(self.reasons_box)
        self.reasons_layout.setContentsMargins(0, 0, 0, 0)
        self.reasons_layout.setSpacing(4)
        layout.addWidget(self.reasons_box)
        layout.addWidget(self._build_choice())

    def _why(self, path: str) -> str:
        question = self.content.language.questions.get(path)
        return question.why if question is not None else ""

    def _build_choice(self) -> QWidget:
        box = QFrame()
        box.setObjectName("followup.choose")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(QLabel("<b>Choose differently</b>"))
        row = QHBoxLayout()
        self.choice = QComboBox()
        self.choice.setObjectName("followup.choice")
        self.choice.setAccessibleName("Clinician's decision")
        # The whole word and "(suggested)" always show: the combo never shrinks below its text.
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.choice.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.choice.setToolTip(self._why("follow_ups.clinician_decision"))
        choice_label = QLabel("&Decision:")
        choice_label.setBuddy(self.choice)
        self.choice_reason = QLineEdit()
        self.choice_reason.setObjectName("followup.choice_reason")
        self.choice_reason.setAccessibleName("Reason for the different decision")
        self.choice_reason.setMaxLength(2000)
        self.choice_reason.setMinimumWidth(160)
        self.choice_reason.setPlaceholderText("needed for a different decision; kept in the record")
        self.choice_reason.setToolTip(self._why("follow_ups.override_reason"))
        self.choice_reason.returnPressed.connect(self.apply_choice)
        reason_label = QLabel("&Reason:")
        reason_label.setBuddy(self.choice_reason)
        self.choice_apply = QPushButton("Record &choice")
        self.choice_apply.setObjectName("followup.choice_apply")
        self.choice_apply.setAutoDefault(False)
        self.choice_apply.clicked.connect(self.apply_choice)
        for widget in (choice_label, self.choice, None, reason_label):
            row.addSpacing(8) if widget is None else row.addWidget(widget)
        row.addWidget(self.choice_reason, 1)
        row.addWidget(self.choice_apply)
        layout.addLayout(row)
        # Why no other decision may be chosen (a stop whose override the rules refuse), in one line.
        self.choice_locked = wrapping_label()
        self.choice_locked.setObjectName("followup.choice_locked")
        self.choice_locked.setStyleSheet(f"color: {theme.STOP.ink};")
        self.choice_locked.hide()
        layout.addWidget(self.choice_locked)
        status_row = QHBoxLayout()
        self.choice_status = wrapping_label(rich=True)
        self.choice_status.setObjectName("followup.choice_status")
        status_row.addWidget(self.choice_status, 1)
        # A refused choice stands in the record (and keeps the sheet from printing) until withdrawn.
        self.choice_withdraw = QPushButton("&Withdraw the refused choice")
        self.choice_withdraw.setObjectName("followup.choice_withdraw")
        self.choice_withdraw.setAutoDefault(False)
        self.choice_withdraw.setToolTip(
            "Remove the refused decision and its reason from this review: the suggested decision stands"
            " and the follow-up sheet can be printed."
        )
        self.choice_withdraw.clicked.connect(self._withdraw)
        self.choice_withdraw.hide()
        status_row.addWidget(self.choice_withdraw, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(status_row)
        self.choice_box = box
        return box

    def tab_chain(self) -> tuple[QWidget, ...]:
        """The focusable controls, in screen order."""
        return (self.extend_latest, self.choice, self.choice_reason, self.choice_apply, self.choice_withdraw)

    # ---- showing ------------------------------------------------------------------------------------

    def show_decision(
        self,
        decision: FollowUpDecision | None,
        latest: FollowUp | None,
        acceptable: tuple[str, ...],
        blockers: Sequence[str],
    ) -> None:
        self.decision = decision
        self.setVisible(decision is not None)
        if decision is None or latest is None:
            clear(self.reasons_layout)
            return
        self.heading.setText(
            f"Decision for the review of {words.day(decision.review_date)},"
            f" taking {words.mg(decision.dose_taken_mg)}"
        )
        self._show_override(decision, latest)
        self.adherence.setVisible(decision.adherence_point)
        self.adherence_text.setText(
            f"<b>ADHERENCE POINT</b> — {latest.missed_doses_last_week} doses missed in the last week:"
            " discuss adherence before any change."
        )
        self._show_cannot_judge(decision, latest)
        self.next_label.setText(self._next_text(decision))
        self.revised.show(decision.revised_steps)
        self.reasons_heading.setText(f"Reasons ({len(decision.reasons)})")
        clear(self.reasons_layout)
        for reason in decision.reasons:
            self.reasons_layout.addWidget(self._reason_widget(reason, blockers))
        # Without a plan there is nothing to choose between: the clinician fixes the first visit.
        self.choice_box.setVisible(decision.decision != "no_plan")
        self._show_choice(decision, acceptable, latest)

    def _next_text(self, decision: FollowUpDecision) -> str:
        if decision.decision == "no_plan":
            return (
                "<b>No plan:</b> this visit has no LDN plan that may be given, so this review gives no"
                " dosing advice. The reasons below say why."
            )
        if decision.next_dose_mg is None:
            parts = ["<b>Next dose:</b> none — stop LDN."]
        else:
            timing = words.timing_words(self.content, decision.next_timing)
            parts = [f"<b>Next dose:</b> {words.mg(decision.next_dose_mg)} {escape(timing)}"]
        next_review = decision.next_review
        parts.append("<b>Next review:</b> " + (words.day(next_review) if next_review is not None else "none"))
        if decision.response_review is not None:
            parts.append(f"<b>Response review:</b> {words.day(decision.response_review)}")
        if decision.recheck_due is not None:
            parts.append(f"<b>Re-check due:</b> {words.day(decision.recheck_due)}")
        return " &nbsp;·&nbsp; ".join(parts)

    def _show_override(self, decision: FollowUpDecision, latest: FollowUp) -> None:
        chosen = decision.chosen
        if chosen is None or chosen == decision.computed:
            self.override_note.hide()
            return
        suggested = escape(words.decision_word(self.content, decision.computed))
        mine = escape(words.decision_word(self.content, chosen))
        reason = escape(decision.override_reason or latest.override_reason or "no reason given")
        if decision.override_refused:
            text = (
                f"<span style='color:{theme.STOP.ink}'><b>Clinician's choice not applied:</b> {mine}"
                f" was refused; the suggested decision ({suggested}) stands.</span> Reason given: {reason}"
            )
        else:
            text = f"<b>Clinician's choice:</b> {mine} instead of the suggested {suggested}. Reason: {reason}"
        self.override_note.setText(text)
        self.override_note.show()

    def _show_cannot_judge(self, decision: FollowUpDecision, latest: FollowUp) -> None:
        self.cannot_judge.setVisible(decision.cannot_judge)
        if not decision.cannot_judge:
            return
        weeks = self.content.rules.number("extend_once_weeks")
        extended = "followup_extend_once" in decision.rule_ids
        when = f" (due {decision.response_review.isoformat()})" if decision.response_review else ""
        text = (
            "<b>CANNOT JUDGE</b> — no rating-scale score with a CGI-I was recorded at or after the"
            f" response review{escape(when)}, so the response rule cannot be applied."
        )
        if extended:
            text += f" The trial is extended once, by {weeks:g} weeks; record a score and CGI-I then."
        else:
            text += f" The plan is to stop; you may instead extend once, by {weeks:g} weeks."
        ticked = latest.extend_once
        if ticked and not extended:
            text += " <b>The one extension has already been used, so it does not apply.</b>"
        self.cannot_judge_text.setText(text)
        self._syncing = True
        try:
            self.extend_latest.setChecked(ticked)
        finally:
            self._syncing = False
        self.extend_latest.setText(f"Extend once by {weeks:g} weeks instead of stopping")
        self.extend_latest.setVisible(ticked or decision.decision == "stop")

    def _reason_widget(self, reason: DecisionReason, blockers: Sequence[str]) -> QWidget:
        extra: list[QWidget] = []
        if reason.rule_id == PLAN_NOT_GIVEN and blockers:
            listed = wrapping_label("<br>".join(f"• {escape(text)}" for text in blockers), rich=True)
            listed.setObjectName("followup.plan_blockers")
            extra.append(listed)
        return rule_item(
            reason.severity,
            words.reason_words(self.content, reason),
            reason.references,
            self.content.rules.references,
            label=words.reason_label(self.content, reason.rule_id),
            severity_word=words.severity_word(self.content, reason.severity),
            name=f"reason:{reason.rule_id}",
            extra=extra,
        )

    def _show_choice(self, decision: FollowUpDecision, acceptable: tuple[str, ...], latest: FollowUp) -> None:
        """Offer only the choices the rules could accept (and a recorded refused one, so the record
        shows); without any, say in one line why. A refused choice can be withdrawn."""
        refused_choice = decision.chosen if decision.override_refused else None
        listed = [
            choice
            for choice in CHOOSABLE
            if choice in (decision.computed, refused_choice) or choice in acceptable
        ]
        self.choice.blockSignals(True)
        try:
            self.choice.clear()
            for choice in listed:
                word = words.decision_word(self.content, choice)
                if choice == decision.computed:
                    word += " (suggested)"
                elif choice == refused_choice:
                    word += " (refused)"
                self.choice.addItem(word, choice)
            current = decision.chosen if decision.chosen is not None else decision.computed
            self.choice.setCurrentIndex(max(self.choice.findData(current), 0))
        finally:
            self.choice.blockSignals(False)
        self.choice_reason.setText(latest.override_reason or "")
        locked = not acceptable
        for widget in (self.choice, self.choice_reason, self.choice_apply):
            widget.setEnabled(not locked)
        self.choice_locked.setVisible(locked)
        self.choice_locked.setText(words.locked_reason(self.content, decision) if locked else "")
        self.choice_withdraw.setVisible(refused_choice is not None)
        self._show_choice_status(decision, locked)

    def _show_choice_status(self, decision: FollowUpDecision, locked: bool) -> None:
        refusal = next((r for r in decision.reasons if r.rule_id.startswith(words.OVERRIDE_REFUSED)), None)
        if decision.chosen is None or decision.chosen == decision.computed:
            self.set_status(
                ""
                if locked
                else "The suggested decision stands. To record a different one, choose it (only the"
                " decisions the rules allow here are listed), give a reason and press Record choice.",
                "",
            )
        elif decision.override_refused:
            why = (
                words.reason_words(self.content, refusal)
                if refusal is not None
                else "The computed decision stands."
            )
            chosen = escape(words.decision_word(self.content, decision.chosen))
            self.set_status(
                f"<b>Refused:</b> your choice “{chosen}” was not applied. {escape(why)}"
                " <b>While it stands, the follow-up sheet is not printed:</b> press"
                " <i>Withdraw the refused choice</i> to remove it"
                + (" (or choose another decision)." if not locked else "."),
                theme.ERROR_CSS,
            )
        else:
            self.set_status(
                f"<b>Applied:</b> “{escape(words.decision_word(self.content, decision.chosen))}” replaces the"
                f" suggested “{escape(words.decision_word(self.content, decision.computed))}”; it is recorded"
                " with your reason.",
                f"color: {theme.GO.ink};",
            )

    def set_status(self, html: str, css: str) -> None:
        self.choice_status.setText(html)
        self.choice_status.setStyleSheet(css)

    # ---- the clinician's requests -------------------------------------------------------------------

    def apply_choice(self) -> None:
        """Ask for the chosen decision and its reason (a different decision needs a reason)."""
        decision = self.decision
        if decision is None:
            return
        choice = str(self.choice.currentData())
        reason = self.choice_reason.text().strip()
        if choice != decision.computed and not reason:
            self.set_status(escape(REASON_NEEDED), theme.ERROR_CSS)
            self.choice_reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.choice_made.emit(choice, reason)

    def _withdraw(self) -> None:
        self.choice_reason.clear()
        self.withdraw_requested.emit()

    def _on_extend(self, ticked: bool) -> None:
        if not self._syncing:
            self.extend_toggled.emit(ticked)
