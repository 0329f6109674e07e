"""Builders shared by the follow-up review tests (tests/rules/test_review*.py).

A follow-up built by `fu` answers every safety question "no", grades every side effect "none"
(a grade left out is not asked, so unknown) and records no days without LDN, so a test changes only
what it is about. The visit files in this folder are the clinical audit's and the red team's
reproducers, adapted to `ldn-aid.visit/2` (the originals, as written, are in `original/`), and in
`pharm/` the clinical pharmacist's (round 2; `load_case("pharm/<name>")`); tests read them from
here, never from ../shared or /tmp.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ldn_aid.domain.followup import SAFETY_ITEMS, SIDE_EFFECTS, FollowUpDecision
from ldn_aid.domain.visit import Visit

CASES_DIR = Path(__file__).parent
ORIGINALS_DIR = CASES_DIR / "original"
# Every safety question answered "no"; the date of the last opioid dose, pregnancy and the urine
# opioid screen are asked only where they apply (after an opioid; not for male sex at birth; before
# a restart after an opioid stop where screening needed a urine screen).
CONDITIONAL_SAFETY = ("last_opioid_dose", "pregnancy", "urine_opioid_screen")
SAFE: dict[str, str] = {name: "no" for name in SAFETY_ITEMS if name not in CONDITIONAL_SAFETY}
# Every side effect asked and graded "none".
NO_EFFECTS: dict[str, str] = {name: "none" for name in SIDE_EFFECTS}
# The base visit is a man; these make it a woman who may become pregnant (pregnancy then asked).
FEMALE: dict[str, Any] = {"patient.sex_at_birth": "female", "ldn_screen.pregnancy": "no"}
# A plan change needs a reason, or the handout gate refuses the plan.
REASON = "agreed with the patient"


def fu(date: str, dose: float = 1.5, **fields: Any) -> dict[str, Any]:
    """A follow-up with nothing to report unless `fields` say so; `safety` adds to the "no" answers
    and `side_effects` to the "none" grades (give a grade None for one not asked)."""
    safety = {**SAFE, **fields.pop("safety", {})}
    effects = {**NO_EFFECTS, **fields.pop("side_effects", {})}
    return {
        "date": date,
        "dose_mg": dose,
        "timing": "bedtime",
        "missed_doses_last_week": 0,
        "days_without_ldn": 0,
        "side_effects": effects,
        "safety": safety,
        **fields,
    }


def unasked(date: str, dose: float = 1.5, **fields: Any) -> dict[str, Any]:
    """A follow-up whose safety block, side effects and days without LDN were never asked."""
    return {"date": date, "dose_mg": dose, "timing": "bedtime", "missed_doses_last_week": 0, **fields}


def plan(**fields: Any) -> dict[str, Any]:
    """A changed plan with its reason (so the handout gate gives it)."""
    return {"change_reason": REASON, **fields}


def chose(decision: str, reason: str | None = "the patient asked to wait", **fields: Any) -> dict[str, Any]:
    return {"clinician_decision": decision, "override_reason": reason, **fields}


def steps_of(decision: FollowUpDecision) -> list[tuple[str, str]]:
    return [(step.start.isoformat(), str(step.dose_mg)) for step in decision.revised_steps]


def load_case(name: str) -> Visit:
    """An adapted reproducer from this folder."""
    return Visit.model_validate(json.loads((CASES_DIR / f"{name}.json").read_text(encoding="utf-8")))


def load_original(name: str) -> Visit:
    """A reproducer exactly as the reviewers wrote it (format 1: migrated on load)."""
    return Visit.model_validate(json.loads((ORIGINALS_DIR / f"{name}.json").read_text(encoding="utf-8")))


def reason(decision: FollowUpDecision, rule_id: str) -> Any:
    """The decision's reason with this rule id (fails the test when absent)."""
    found = [item for item in decision.reasons if item.rule_id == rule_id]
    assert found, f"{rule_id} not among {decision.rule_ids}"
    return found[0]
