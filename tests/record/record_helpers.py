"""Shared helpers for the record tests: fully answered follow-ups and the reproducer visit files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ldn_aid.domain.followup import SAFETY_ITEMS, SIDE_EFFECTS

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = PROJECT / "ldn_aid" / "resources" / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
CASES = Path(__file__).resolve().parent / "cases"
CASE_FILES = sorted(CASES.glob("*.json"))
# The clinical pharmacist's reproducers (issue 9 round 2), kept with the follow-up sheet tests.
PHARM = PROJECT / "tests" / "handout" / "cases"

# Every follow-up safety item answered "no" (pregnancy does not apply to the male base patient).
ALL_SAFE: dict[str, Any] = {
    **{item: "no" for item in SAFETY_ITEMS if item not in ("last_opioid_dose", "urine_opioid_screen")},
    "pregnancy": "not_applicable",
}
# Every side effect asked (an unasked one is unknown, never "none").
NO_SIDE_EFFECTS: dict[str, Any] = dict.fromkeys(SIDE_EFFECTS, "none")


def follow_up(**fields: Any) -> dict[str, Any]:
    """A follow-up with every safety item and side effect answered and no days off, changed by `fields`
    (`side_effects` given are laid over "none" for every side effect)."""
    side_effects = {**NO_SIDE_EFFECTS, **fields.pop("side_effects", {})}
    return {
        "timing": "bedtime",
        "missed_doses_last_week": 0,
        "days_without_ldn": 0,
        "safety": dict(ALL_SAFE),
        "side_effects": side_effects,
        **fields,
    }


def unwrapped(text: str) -> str:
    """Text with wrapped lines joined, so a phrase split across lines can be found."""
    return " ".join(line.strip() for line in text.splitlines())
