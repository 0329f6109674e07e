"""Tests of the one core gate (issue 9, "One gate for printing a plan"): whether the first-visit
handout may carry the plan and why not (guideline-first acknowledgement, a changed plan's reason, a
refused clinician value, the paediatric trial limit; a stop or missing answers give no plan at all),
and whether the follow-up sheet may be given. The gate returns ids and plain numbers, never words.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ldn_aid.domain.assessment import Outcome
from ldn_aid.domain.decision import BLOCKERS, Gate
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Plan, Visit
from ldn_aid.rules import build_protocol, decide, evaluate
from ldn_aid.rules.gate import CHANGED_NEEDS_REASON, followup_gate, handout_gate, plan_changed

MakeVisit = Callable[..., Visit]
CASES = Path(__file__).parent / "cases"
REASON = {"plan.change_reason": "Slower titration: side effects on other medicines."}
ACK = {"plan.guideline_options_discussed": True}
GUIDELINE_FIRST = {"history.methylphenidate": "not_tried"}
CHILD = {"patient.age_years": 12, "patient.weight_kg": 23, "patient.weight_confirmed": True}


def gate_for(visit: Visit) -> tuple[Gate, Protocol | None]:
    assessment = evaluate(visit)
    protocol = build_protocol(visit, assessment)
    return handout_gate(visit, assessment, protocol), protocol


def load_case(name: str, **overrides: Any) -> Visit:
    data = json.loads((CASES / name).read_text(encoding="utf-8"))
    for dotted, value in overrides.items():
        *parents, leaf = dotted.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return Visit.model_validate(data)


# ---- the first-visit handout ------------------------------------------------------------------------
# (name, overrides, outcome, allowed, blockers, params)

HANDOUT_ROWS: list[tuple[str, dict[str, Any], Outcome, bool, tuple[str, ...], dict[str, str]]] = [
    ("ldn option", {}, Outcome.LDN_OPTION, True, (), {}),
    ("ldn option, plan defaults", {"plan": {}}, Outcome.LDN_OPTION, True, (), {}),
    # No plan to print: the handout says why not and what instead.
    ("stop", {"ldn_screen.current_opioid_use": "yes"}, Outcome.STOP, True, (), {}),
    (
        "stop with a changed plan",
        {"ldn_screen.suicidal_thoughts": "yes", "plan.schedule": "gentle"},
        Outcome.STOP,
        True,
        (),
        {},
    ),
    ("incomplete", {"ldn_screen.planned_surgery": None}, Outcome.INCOMPLETE, True, (), {}),
    (
        "incomplete guideline first",
        {**GUIDELINE_FIRST, "diagnosis.baseline": None},
        Outcome.INCOMPLETE,
        True,
        (),
        {},
    ),
    # Guideline first: the plan waits for the acknowledgement that guideline medicines were discussed.
    (
        "guideline first, no plan",
        GUIDELINE_FIRST,
        Outcome.GUIDELINE_FIRST,
        False,
        ("guideline_ack_missing",),
        {},
    ),
    (
        "guideline first, not discussed",
        {**GUIDELINE_FIRST, "plan.guideline_options_discussed": False},
        Outcome.GUIDELINE_FIRST,
        False,
        ("guideline_ack_missing",),
        {},
    ),
    ("guideline first, discussed", {**GUIDELINE_FIRST, **ACK}, Outcome.GUIDELINE_FIRST, True, (), {}),
    (
        "partial benefit, not discussed",
        {"history.amphetamine": "partial"},
        Outcome.GUIDELINE_FIRST,
        False,
        ("guideline_ack_missing",),
        {},
    ),
    # A changed plan needs a reason in the record.
    *(
        (
            f"{name} changed, no reason",
            {f"plan.{name}": value},
            Outcome.LDN_OPTION,
            False,
            ("change_reason_missing",),
            {},
        )
        for name, value in (
            ("schedule", "gentle"),
            ("timing", "morning"),
            ("step_weeks", 3),
            ("target_mg", 3.0),
            ("specialist_signoff", True),
            # Round 2, H2: agreeing to a longer trial is a change too (who agreed, and why).
            ("specialist_signoff_longer_trial", True),
        )
    ),
    *(
        (f"{name} changed, with reason", {f"plan.{name}": value, **REASON}, Outcome.LDN_OPTION, True, (), {})
        for name, value in (
            ("schedule", "gentle"),
            ("timing", "bedtime"),
            ("step_weeks", 1),
            ("target_mg", 0.5),
            ("specialist_signoff", True),
            ("specialist_signoff_longer_trial", True),
        )
    ),
    (
        "blank reason",
        {"plan.schedule": "gentle", "plan.change_reason": "  \n\t"},
        Outcome.LDN_OPTION,
        False,
        ("change_reason_missing",),
        {},
    ),
    ("start date is not a change", {"plan.start_date": "2026-02-01"}, Outcome.LDN_OPTION, True, (), {}),
    (
        "defaults written out",
        {"plan.schedule": "standard", "plan.timing": "auto", "plan.step_weeks": 2},
        Outcome.LDN_OPTION,
        True,
        (),
        {},
    ),
    # A clinician target above the patient's own ceiling is refused, and the gate names both.
    (
        "child target above the ceiling",
        {**CHILD, "plan.target_mg": 4.0, **REASON},
        Outcome.LDN_OPTION,
        False,
        ("target_above_ceiling",),
        {"target_mg": "4", "ceiling_mg": "2.3"},
    ),
    (
        "adult 44.9 kg target 4.5",
        {"patient.weight_kg": 44.9, "plan.target_mg": 4.5, **REASON},
        Outcome.LDN_OPTION,
        False,
        ("target_above_ceiling",),
        {"target_mg": "4.5", "ceiling_mg": "4.4"},
    ),
    (
        "child target at the ceiling",
        {**CHILD, "plan.target_mg": 2.3, **REASON},
        Outcome.LDN_OPTION,
        True,
        (),
        {},
    ),
    # Under 18: a response review after start + 16 weeks is refused unless a specialist agreed to a
    # longer trial. Round 2, H2: the age sign-off (6-7 years) does not lift the limit.
    (
        "child 45 kg gentle 4-week steps",
        {**CHILD, "patient.weight_kg": 45, "plan.schedule": "gentle", "plan.step_weeks": 4, **REASON},
        Outcome.LDN_OPTION,
        False,
        ("paediatric_trial_too_long",),
        {"until": "2026-04-27"},
    ),
    (
        "child 45 kg gentle 4-week steps, age sign-off only",
        {
            **CHILD,
            "patient.weight_kg": 45,
            "plan.schedule": "gentle",
            "plan.step_weeks": 4,
            "plan.specialist_signoff": True,
            **REASON,
        },
        Outcome.LDN_OPTION,
        False,
        ("paediatric_trial_too_long",),
        {"until": "2026-04-27"},
    ),
    (
        "child 45 kg gentle 4-week steps, longer-trial sign-off",
        {
            **CHILD,
            "patient.weight_kg": 45,
            "plan.schedule": "gentle",
            "plan.step_weeks": 4,
            "plan.specialist_signoff_longer_trial": True,
            **REASON,
        },
        Outcome.LDN_OPTION,
        True,
        (),
        {},
    ),
    (
        "child 45 kg gentle 4-week steps, longer-trial sign-off, no reason",
        {
            **CHILD,
            "patient.weight_kg": 45,
            "plan.schedule": "gentle",
            "plan.step_weeks": 4,
            "plan.specialist_signoff_longer_trial": True,
        },
        Outcome.LDN_OPTION,
        False,
        ("change_reason_missing",),
        {},
    ),
    (
        "age 7, age sign-off only, 4-week steps",
        {
            **CHILD,
            "patient.age_years": 7,
            "patient.weight_kg": 24,
            "plan.step_weeks": 4,
            "plan.schedule": "gentle",
            "plan.specialist_signoff": True,
            **REASON,
        },
        Outcome.LDN_OPTION,
        True,
        (),
        {},
    ),
    (
        "child review on the last day",
        {**CHILD, "plan.schedule": "gentle", "plan.step_weeks": 4, **REASON},
        Outcome.LDN_OPTION,
        True,
        (),
        {},
    ),
    # Every blocker at once, in a fixed order.
    (
        "everything",
        {
            **CHILD,
            **GUIDELINE_FIRST,
            "patient.weight_kg": 45,
            "plan.schedule": "gentle",
            "plan.step_weeks": 4,
            "plan.target_mg": 4.5,
        },
        Outcome.GUIDELINE_FIRST,
        False,
        ("guideline_ack_missing", "change_reason_missing", "paediatric_trial_too_long"),
        {"until": "2026-04-27"},
    ),
]


@pytest.mark.parametrize(
    ("overrides", "outcome", "allowed", "blockers", "params"),
    [row[1:] for row in HANDOUT_ROWS],
    ids=[row[0] for row in HANDOUT_ROWS],
)
def test_handout_gate(
    make_visit: MakeVisit,
    overrides: dict[str, Any],
    outcome: Outcome,
    allowed: bool,
    blockers: tuple[str, ...],
    params: dict[str, str],
) -> None:
    visit = make_visit(**overrides)
    assessment = evaluate(visit)
    assert assessment.outcome is outcome
    protocol = build_protocol(visit, assessment)
    gate = handout_gate(visit, assessment, protocol)
    assert gate.allowed is allowed
    assert gate.blockers == blockers
    assert gate.params == params
    assert set(gate.blockers) <= set(BLOCKERS)
    if outcome in (Outcome.STOP, Outcome.INCOMPLETE):
        assert protocol is None


def test_every_first_visit_blocker_at_once(make_visit: MakeVisit) -> None:
    visit = make_visit(
        **{
            **GUIDELINE_FIRST,
            "patient.age_years": 12,
            "patient.weight_kg": 23,
            "patient.weight_confirmed": True,
            "plan.target_mg": 4.0,
        }
    )
    gate, protocol = gate_for(visit)
    assert protocol is not None
    assert protocol.trial_ends is not None
    # The clinician's 4.0 mg is refused; build a plan whose review falls past the limit by hand, so
    # the four checks are seen together in their order.
    late = protocol.model_copy(update={"response_review": protocol.trial_ends + dt.timedelta(days=1)})
    gate = handout_gate(visit, evaluate(visit), late)
    assert gate.blockers == (
        "guideline_ack_missing",
        "change_reason_missing",
        "target_above_ceiling",
        "paediatric_trial_too_long",
    )
    assert gate.params == {"target_mg": "4", "ceiling_mg": "2.3", "until": "2026-04-27"}
    assert not gate.allowed


def test_a_guideline_first_protocol_needs_the_acknowledgement_whatever_the_outcome(
    make_visit: MakeVisit,
) -> None:
    """Defence in depth: a protocol marked guideline-first is never printed without the tick."""
    visit = make_visit()
    assessment = evaluate(visit)
    protocol = build_protocol(visit, assessment)
    assert protocol is not None
    marked = protocol.model_copy(update={"guideline_options_first": True})
    assert handout_gate(visit, assessment, marked).blockers == ("guideline_ack_missing",)


def test_a_protocol_with_a_refused_target_is_never_allowed(make_visit: MakeVisit) -> None:
    visit = make_visit(**{"plan.target_mg": 3.0, **REASON})
    assessment = evaluate(visit)
    protocol = build_protocol(visit, assessment)
    assert protocol is not None
    refused = protocol.model_copy(update={"refused_target_mg": Decimal("4.5"), "ceiling_mg": Decimal("3.0")})
    gate = handout_gate(visit, assessment, refused)
    assert gate.blockers == ("target_above_ceiling",)
    assert gate.params == {"target_mg": "4.5", "ceiling_mg": "3"}


# ---- D18: `ldn-aid handout` printed the plan for guideline_first without the acknowledgement ----------


def test_d18_guideline_first_without_ack_is_refused() -> None:
    visit = load_case("guideline_first.json")
    assessment = evaluate(visit)
    assert assessment.outcome is Outcome.GUIDELINE_FIRST
    protocol = build_protocol(visit, assessment)
    assert protocol is not None
    assert protocol.guideline_options_first is True
    gate = handout_gate(visit, assessment, protocol)
    assert gate == Gate(allowed=False, blockers=("guideline_ack_missing",))
    # The one pass every front end uses gives the same answer, so none can print the plan.
    decision = decide(visit)
    assert decision.handout_gate == gate
    assert decision.plan_printable is False


def test_d18_with_the_acknowledgement_is_allowed() -> None:
    visit = load_case("guideline_first.json", **ACK)
    gate, protocol = gate_for(visit)
    assert gate == Gate(allowed=True)
    assert protocol is not None
    assert decide(visit).plan_printable is True


# ---- plan_changed ------------------------------------------------------------------------------------


def test_plan_changed() -> None:
    assert plan_changed(None) is False
    assert plan_changed(Plan()) is False
    assert plan_changed(Plan(start_date=dt.date(2026, 3, 1), guideline_options_discussed=True)) is False
    assert plan_changed(Plan(change_reason="why")) is False
    assert set(CHANGED_NEEDS_REASON) <= set(Plan.model_fields)
    for name, value in (
        ("schedule", "gentle"),
        ("timing", "morning"),
        ("timing", "bedtime"),
        ("step_weeks", 1),
        ("target_mg", Decimal("4.5")),
        ("specialist_signoff", True),
        ("specialist_signoff_longer_trial", True),
    ):
        assert plan_changed(Plan.model_validate({name: value})) is True, name
    # Each sign-off needs a reason (who agreed, and why): the age sign-off and the longer trial.
    assert {"specialist_signoff", "specialist_signoff_longer_trial"} <= set(CHANGED_NEEDS_REASON)
    assert plan_changed(Plan(specialist_signoff_longer_trial=False)) is False


# ---- the follow-up sheet ---------------------------------------------------------------------------


def decision(kind: str = "hold", *, refused: bool = False) -> FollowUpDecision:
    return FollowUpDecision(
        review_date=dt.date(2026, 1, 18),
        dose_taken_mg=Decimal("1.5"),
        decision=kind,  # type: ignore[arg-type]
        computed=kind,  # type: ignore[arg-type]
        chosen=None,
        override_reason=None,
        override_refused=refused,
        reasons=(),
        adherence_point=False,
        cannot_judge=False,
        next_dose_mg=None,
        next_timing=None,
        revised_steps=(),
        next_review=None,
        response_review=None,
    )


@pytest.mark.parametrize(
    ("decisions", "allowed", "blockers"),
    [
        ((), False, ("no_follow_up",)),
        ((decision("hold"),), True, ()),
        ((decision("advance"),), True, ()),
        # A stop must reach the patient.
        ((decision("stop"),), True, ()),
        ((decision("restart"),), True, ()),
        ((decision("no_plan"),), False, ("followup_no_plan",)),
        ((decision("hold", refused=True),), False, ("followup_override_refused",)),
        ((decision("no_plan", refused=True),), False, ("followup_no_plan", "followup_override_refused")),
        # Only the latest review is given to the patient.
        ((decision("no_plan"), decision("hold")), True, ()),
        ((decision("hold"), decision("no_plan")), False, ("followup_no_plan",)),
    ],
)
def test_followup_gate(
    decisions: tuple[FollowUpDecision, ...], allowed: bool, blockers: tuple[str, ...]
) -> None:
    gate = followup_gate(decisions)
    assert gate.allowed is allowed
    assert gate.blockers == blockers
