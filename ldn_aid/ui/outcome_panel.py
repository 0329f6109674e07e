"""The always-visible summary beside the pages: the outcome in colour and words, what is missing, the
suggested protocol in one line, and why the handout cannot be printed yet (the core's gate, in
words). It updates on every answer."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ldn_aid.content import ContentBundle
from ldn_aid.content.words import blocker_text
from ldn_aid.domain.assessment import Finding, Outcome
from ldn_aid.ui.state import VisitState

# Colour supports the words; it never carries the meaning alone.
OUTCOME_STYLE = {
    Outcome.STOP: ("STOP", "#b00020", "#fdecec"),
    Outcome.INCOMPLETE: ("INCOMPLETE", "#8a4b00", "#fff4e0"),
    Outcome.GUIDELINE_FIRST: ("GUIDELINE OPTIONS FIRST", "#1f5fa8", "#e8f1fb"),
    Outcome.LDN_OPTION: ("LDN OPTION", "#1b6e2a", "#e7f5ea"),
}


class OutcomePanel(QFrame):
    def __init__(self, state: VisitState, content: ContentBundle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.content = content
        self.setObjectName("outcome_panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(230)
        self.setMaximumWidth(280)
        layout = QVBoxLayout(self)
        self.title = QLabel("<b>Assessment so far</b>")
        self.banner = QLabel()
        self.banner.setObjectName("outcome_panel.banner")
        self.banner.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setObjectName("outcome_panel.detail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.title)
        layout.addWidget(self.banner)
        layout.addWidget(self.detail, 1)
        state.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        state = self.state
        if state.assessment is None:
            self.banner.setText("CHECK ANSWERS — a value is out of range")
            self.banner.setStyleSheet(_banner_css("#b00020", "#fdecec"))
            self.detail.setText(escape(f"{len(state.errors)} value(s) need fixing before the rules can run."))
            self.setAccessibleDescription(self.banner.text())
            return
        outcome = state.assessment.outcome
        word, ink, fill = OUTCOME_STYLE[outcome]
        self.banner.setText(f"{word}\n{self.content.language.outcomes[outcome.value]}")
        self.banner.setStyleSheet(_banner_css(ink, fill))
        lines: list[str] = []
        stops = state.assessment.with_severity("stop")
        cautions = state.assessment.with_severity("caution")
        if stops:
            lines.append(f"<b>Stops:</b> {escape(_readable(stops))}")
        if state.assessment.missing:
            lines.append(f"<b>Unanswered:</b> {len(state.assessment.missing)}")
        if cautions:
            lines.append(f"<b>Cautions:</b> {escape(_readable(cautions))}")
        protocol = state.protocol
        if protocol is not None:
            doses = " → ".join(f"{step.dose_mg:.1f}" for step in protocol.steps)
            form = "capsules" if protocol.formulation == "capsule" else "liquid 1 mg/mL"
            lines.append(
                f"<b>Suggested:</b> {escape(doses)} mg, {escape(form)}, {escape(protocol.timing)},"
                f" {protocol.step_weeks}-week steps"
            )
        gate = state.decision.handout_gate if state.decision is not None else None
        if gate is not None and not gate.allowed:
            # Each blocker is a sentence of its own (joining them with "; " printed ".;").
            words = "".join(
                f"<br>• {escape(blocker_text(self.content, blocker, gate.params))}"
                for blocker in gate.blockers
            )
            lines.append(f"<b>Not printable yet:</b>{words}")
        self.detail.setText("<br>".join(lines))
        self.setAccessibleDescription(f"{word}. {self.content.language.outcomes[outcome.value]}")


def _readable(findings: tuple[Finding, ...]) -> str:
    """Rule ids as words for a glance ("opioid agonist treatment"); the assessment page has the full text."""
    return ", ".join(f.rule_id.replace("_", " ") for f in findings)


def _banner_css(ink: str, fill: str) -> str:
    return (
        f"QLabel {{ color: {ink}; background: {fill}; border: 2px solid {ink}; border-radius: 4px;"
        " padding: 6px; font-weight: bold; }"
    )
