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
    """One rule that fired, as data: its id, severity, the answers behind it and its sources.

    Its words for the clinician and the patient live in content (`findings.toml`, by `rule_id`)
    and are looked up where they are shown; `params` fills their show-time placeholders.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str
    severity: Severity
    inputs: tuple[str, ...]
    references: tuple[str, ...]
    params: dict[str, str] = {}


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
