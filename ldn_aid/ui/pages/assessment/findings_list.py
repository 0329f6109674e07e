"""Every finding of the assessment, grouped by severity, each named by its label and with its
sources (the rule id is only the widget's object name)."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QWidget

from ldn_aid.content import ContentBundle
from ldn_aid.content.words import clinician_text
from ldn_aid.domain.assessment import Assessment, Finding
from ldn_aid.ui.present.assessment import SEVERITIES, finding_label
from ldn_aid.ui.widgets.report import heading
from ldn_aid.ui.widgets.rule_item import rule_item
from ldn_aid.ui.widgets.slot import Slot


class FindingsList(Slot):
    def __init__(self, content: ContentBundle) -> None:
        super().__init__(spacing=4)
        self.content = content
        self._key: object = None

    def show_findings(self, assessment: Assessment | None) -> None:
        findings = assessment.findings if assessment is not None else ()
        if findings == self._key:
            return
        self._key = findings
        if assessment is None or not findings:
            self.fill([])
            return
        words = self.content.language.choices.get("severity", {})
        widgets: list[QWidget] = [heading("Findings")]
        for severity in SEVERITIES:
            group = assessment.with_severity(severity)
            if not group:
                continue
            title = QLabel(f"{escape(words.get(severity, severity).upper())} ({len(group)})")
            title.setObjectName(f"assessment.findings.{severity}")
            title.setProperty("severity", severity)
            widgets.append(title)
            widgets += [self._item(finding) for finding in group]
        self.fill(widgets)

    def _item(self, finding: Finding) -> QWidget:
        return rule_item(
            finding.severity,
            clinician_text(self.content, finding.rule_id, finding.params, finding.inputs),
            finding.references,
            self.content.rules.references,
            label=finding_label(self.content, finding.rule_id),
            name=f"finding:{finding.rule_id}",
        )
