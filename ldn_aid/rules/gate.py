"""The one gate, in the core, that says whether a document may be given to the patient, and why not.

The wizard, `ldn-aid handout`, `followup-sheet`, `note` and `fhir` all obey it, so no front end can
print what another would refuse.

- The first-visit handout may always be printed for `stop` and `incomplete`: it carries no plan,
  only why not and what instead. For `guideline_first` and `ldn_option` it carries the plan, so it
  waits for the guideline acknowledgement (guideline_first), a reason for any change to the plan,
  and a plan with no refused clinician value.
- The follow-up sheet needs a review, a review that gives dosing advice (not `no_plan`), and no
  refused clinician choice.
"""

from __future__ import annotations

from ldn_aid.content.schema import plain_number
from ldn_aid.domain.assessment import Assessment, Outcome
from ldn_aid.domain.decision import Blocker, Gate
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Plan, Visit

# Plan values whose change from the default needs a reason in the record. Each specialist sign-off
# needs one too (who agreed, and why): `specialist_signoff` lets a 6- or 7-year-old start, and
# `specialist_signoff_longer_trial` lifts the under-18 limit of `paediatric_max_trial_weeks`.
CHANGED_NEEDS_REASON: tuple[str, ...] = (
    "schedule",
    "timing",
    "step_weeks",
    "target_mg",
    "specialist_signoff",
    "specialist_signoff_longer_trial",
)


def plan_changed(plan: Plan | None) -> bool:
    """True when the clinician changed a value that shapes the protocol from its default."""
    if plan is None:
        return False
    default = Plan()
    return any(
        getattr(plan, name) is not None and getattr(plan, name) != getattr(default, name)
        for name in CHANGED_NEEDS_REASON
    )


def handout_gate(visit: Visit, assessment: Assessment, protocol: Protocol | None) -> Gate:
    """May the first-visit handout be printed (with its plan, when there is one)?

    Pure and language-free: the blockers are ids, and `params` holds the numbers their words name
    (`target_mg` and `ceiling_mg` as plain numbers, `until` as an ISO date).
    """
    if assessment.outcome in (Outcome.STOP, Outcome.INCOMPLETE) or protocol is None:
        # No plan: the handout says why not and what instead (build_protocol gives None here).
        return Gate(allowed=True)
    blockers: list[Blocker] = []
    params: dict[str, str] = {}
    plan = visit.plan
    guideline_first = assessment.outcome == Outcome.GUIDELINE_FIRST or protocol.guideline_options_first
    if guideline_first and not (plan and plan.guideline_options_discussed):
        blockers.append("guideline_ack_missing")
    if plan_changed(plan) and not (plan and plan.change_reason and plan.change_reason.strip()):
        blockers.append("change_reason_missing")
    if protocol.refused_target_mg is not None:
        blockers.append("target_above_ceiling")
        params["target_mg"] = plain_number(protocol.refused_target_mg)
        params["ceiling_mg"] = plain_number(protocol.ceiling_mg)
    if protocol.trial_ends is not None and protocol.response_review > protocol.trial_ends:
        blockers.append("paediatric_trial_too_long")
        params["until"] = protocol.trial_ends.isoformat()
    return Gate(allowed=not blockers, blockers=tuple(blockers), params=params)


def followup_gate(decisions: tuple[FollowUpDecision, ...]) -> Gate:
    """May the follow-up sheet for the latest review be given to the patient?"""
    if not decisions:
        return Gate(allowed=False, blockers=("no_follow_up",))
    latest = decisions[-1]
    blockers: list[Blocker] = []
    if latest.decision == "no_plan":
        blockers.append("followup_no_plan")
    if latest.override_refused:
        blockers.append("followup_override_refused")
    return Gate(allowed=not blockers, blockers=tuple(blockers))
