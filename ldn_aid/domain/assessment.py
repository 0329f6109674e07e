"""What the rules decide about a visit: an outcome, the findings behind it and what is missing."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ldn_aid.domain.protocol import Protocol

Severity = Literal["stop", "caution", "info"]


class Outcome(StrEnum):
    """The assessment's one-word verdict, in order of precedence."""

    STOP = "stop"
    INCOMPLETE = "incomplete"
    GUIDELINE_FIRST = "guideline_first"
    LDN_OPTION = "ldn_option"


class Finding(BaseModel):
    """One rule that fired: why, in words for the clinician and the patient, and on what evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str
    severity: Severity
    inputs: tuple[str, ...]
    clinician_text: str
    patient_text: str | None
    references: tuple[str, ...]


class Assessment(BaseModel):
    """The outcome for one visit; `missing` lists unanswered required fields as dotted paths."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: Outcome
    missing: tuple[str, ...]
    findings: tuple[Finding, ...]
    rules_version: str

    def with_severity(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == severity)


__all__ = ["Assessment", "Finding", "Outcome", "Protocol", "Severity"]
