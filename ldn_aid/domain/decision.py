"""What one pass over a visit decides, as data: the assessment, the protocol, every follow-up
decision, and whether each document may be given to the patient.

`ldn_aid.rules.decide` makes it; every front end (wizard, command line, chart note, FHIR, documents)
reads this one value, so they cannot disagree.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

from ldn_aid.domain.assessment import Assessment
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol

# Why a document may not be given to the patient. Words: `[gate]` in <lang>/choices.toml.
Blocker = Literal[
    # the first-visit handout
    "guideline_ack_missing",  # guideline_first, and the guideline medicines not yet discussed
    "change_reason_missing",  # the clinician changed the plan without saying why
    "target_above_ceiling",  # a clinician target above this patient's own ceiling
    "paediatric_trial_too_long",  # under 18: the response review falls past the paediatric limit
    # the follow-up sheet
    "no_follow_up",  # no review recorded
    "followup_no_plan",  # the review gives no dosing advice because the visit has no plan
    "followup_override_refused",  # the clinician's choice was refused: the sheet would mislead
]
BLOCKERS: tuple[str, ...] = get_args(Blocker)


class Gate(BaseModel):
    """Whether a document may be given to the patient, and every reason it may not."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed: bool
    blockers: tuple[Blocker, ...] = ()
    # The numbers the blocker words name (for example the ceiling in mg), as plain text.
    params: dict[str, str] = {}


class VisitDecision(BaseModel):
    """Everything the rules decide about one visit, in ids, numbers and dates only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    assessment: Assessment
    protocol: Protocol | None
    # The first-visit handout: may it be printed (with its plan, when there is one)?
    handout_gate: Gate
    # One decision per follow-up, oldest first.
    follow_ups: tuple[FollowUpDecision, ...]
    # The follow-up sheet for the latest review.
    followup_gate: Gate

    @property
    def latest(self) -> FollowUpDecision | None:
        return self.follow_ups[-1] if self.follow_ups else None

    @property
    def plan_printable(self) -> bool:
        """True when the handout may be printed and carries an LDN plan."""
        return self.handout_gate.allowed and self.protocol is not None
