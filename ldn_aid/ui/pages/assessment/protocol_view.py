"""The suggested starting protocol: why there is none, or the evidence warning, the dose steps and
the details (formulation, timing, target, reviews, response rule) with their sources."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from ldn_aid.content import ContentBundle
from ldn_aid.domain.protocol import Protocol
from ldn_aid.ui.present.assessment import protocol_rows
from ldn_aid.ui.theme import CHANGE, CHANGE_TEXT, ERROR_CSS, box_css
from ldn_aid.ui.widgets.report import wrapping_label
from ldn_aid.ui.widgets.slot import Slot
from ldn_aid.ui.widgets.sources import show_sources, sources_label
from ldn_aid.ui.widgets.step_table import StepTable

EVIDENCE = "assessment.evidence"
STALE_NOTE = "A plan value is refused, so this is the protocol before that change; it will not print."


class ProtocolView(QWidget):
    def __init__(self, content: ContentBundle) -> None:
        super().__init__()
        self.content = content
        self.shown: Protocol | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.no_protocol = wrapping_label()
        self.no_protocol.setObjectName("assessment.no_protocol")
        layout.addWidget(self.no_protocol)
        self.stale_note = wrapping_label(STALE_NOTE)
        self.stale_note.setObjectName("assessment.stale_note")
        self.stale_note.setStyleSheet(ERROR_CSS)
        self.stale_note.hide()
        layout.addWidget(self.stale_note)
        layout.addWidget(self._build_evidence())
        self.table = StepTable("assessment.protocol", "Dose steps")
        self.table.setMinimumWidth(380)
        layout.addWidget(self.table, 0, Qt.AlignmentFlag.AlignLeft)
        self.details = Slot(spacing=6, top_margin=4)
        layout.addWidget(self.details)

    def _build_evidence(self) -> QWidget:
        box = QFrame()
        box.setObjectName(EVIDENCE)
        box.setStyleSheet(box_css(EVIDENCE, CHANGE, text=CHANGE_TEXT, left=5))
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 4, 8, 4)
        note = self.content.language.protocol.evidence_note
        self.evidence_note = wrapping_label(f"<b>Not from ADHD evidence.</b> {escape(note)}", rich=True)
        self.evidence_note.setObjectName("assessment.evidence_note")
        layout.addWidget(self.evidence_note)
        self.evidence_sources = sources_label((), self.content.rules.references)
        layout.addWidget(self.evidence_sources)
        self.evidence_box = box
        return box

    def show_protocol(self, protocol: Protocol | None, *, stale: bool, reason: str) -> None:
        """`protocol` (or, while a plan value is refused, the one shown before, marked stale), or
        `reason` when there is none."""
        shown = self.shown if stale else protocol
        self.stale_note.setVisible(stale and shown is not None)
        for widget in (self.table, self.details, self.evidence_box):
            widget.setVisible(shown is not None)
            widget.setEnabled(not stale)
        if shown is None:
            self.no_protocol.setText(reason)
            self.no_protocol.show()
            self.shown = None
            return
        self.no_protocol.hide()
        if shown == self.shown and self.table.rowCount():
            return
        self.shown = shown
        self.table.show(shown.steps, liquid=shown.formulation != "capsule")
        self._fill_details(shown)
        show_sources(self.evidence_sources, shown.references, self.content.rules.references)

    def _fill_details(self, protocol: Protocol) -> None:
        widgets: list[QWidget] = []
        for name, html_text in protocol_rows(self.content, protocol):
            value = wrapping_label(html_text, rich=True)
            value.setObjectName(f"assessment.protocol.{name}")
            widgets.append(value)
            if name == "response_rule":
                widgets.append(
                    sources_label(protocol.response_rule.references, self.content.rules.references)
                )
        self.details.fill(widgets)
