"""Hypothesis strategies for the record tests: valid visits, partly answered, with plans and follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from ldn_aid.domain.visit import LDN_SCREEN_FIELDS, PRIORITIES, SCALE_RANGES, STIMULANT_SCREEN_FIELDS, Visit

VISIT_DATE = dt.date(2026, 3, 2)
ANSWERS = st.sampled_from(["yes", "no", "no", "no", None])
# Answers that never stop LDN: a "yes" only where it is a caution or a point to discuss.
CLEAN = st.sampled_from(["no", "no", "no", "no", "no", "no", "yes"])
STOPS = {
    "current_opioid_use",
    "opioid_agonist_treatment",
    "opioid_use_last_10_days",
    "acute_hepatitis_or_liver_failure",
    "naltrexone_allergy",
}
TRIALS = st.sampled_from(["not_tried", "helped", "partial", "no_benefit", "side_effects"])
# Typed text, including newlines, control characters and very long words.
TYPED = st.one_of(st.none(), st.text(max_size=300), st.just("a" * 250 + "\nOUTCOME: stop"))


@st.composite
def follow_up_dicts(draw: st.DrawFn, day: dt.date, scale_range: tuple[int, int] | None) -> dict[str, Any]:
    grades = st.sampled_from(["none", "none", "mild", "moderate", "severe"])
    score = None
    if scale_range is not None and draw(st.booleans()):
        score = draw(st.integers(*scale_range))
    return {
        "date": day.isoformat(),
        "dose_mg": float(draw(st.sampled_from(["0.5", "1.5", "2.3", "3.0", "4.5"]))),
        "timing": draw(st.sampled_from(["bedtime", "morning"])),
        "missed_doses_last_week": draw(st.integers(0, 7)),
        "side_effects": {
            "vivid_dreams": draw(grades),
            "sleep_trouble": draw(grades),
            "nausea": draw(grades),
            "headache": draw(grades),
            "other": draw(grades),
            "other_text": draw(TYPED),
        },
        "tolerable": draw(ANSWERS),
        "score": score,
        "cgi_i": draw(st.one_of(st.none(), st.integers(1, 7))),
        "safety": {
            "opioid_needed_or_taken": draw(st.sampled_from(["no", "no", "yes", None])),
            "pregnancy": draw(st.sampled_from([None, "no", "not_applicable", "pregnant"])),
            "surgery_planned": draw(ANSWERS),
        },
        "clinician_decision": draw(st.sampled_from([None, None, "hold", "advance", "stop", "continue"])),
        "override_reason": draw(TYPED),
        "extend_once": draw(st.booleans()),
    }


@st.composite
def visits(draw: st.DrawFn) -> Visit:
    scale = draw(st.sampled_from([None, *SCALE_RANGES]))
    baseline = None
    if scale is not None:
        low, high = SCALE_RANGES[scale]
        baseline = {"scale": scale, "score": draw(st.integers(low, high)), "date": "2026-02-20"}
    plan = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "start_date": st.sampled_from([None, "2026-03-02", "2026-03-09"]),
                    "schedule": st.sampled_from(["standard", "gentle"]),
                    "timing": st.sampled_from(["auto", "bedtime", "morning"]),
                    "step_weeks": st.integers(1, 4),
                    "target_mg": st.sampled_from([None, 1.0, 2.5, 4.5]),
                    "change_reason": TYPED,
                    "guideline_options_discussed": st.booleans(),
                }
            ),
        )
    )
    # Half the visits are clean (nothing missing, no stop), so most of those get a plan.
    clean = draw(st.booleans())
    count = draw(st.integers(0, 3))
    days = sorted(draw(st.sets(st.integers(0, 150), min_size=count, max_size=count)))
    range_ = SCALE_RANGES[scale] if scale is not None else None
    data = {
        "visit_date": VISIT_DATE.isoformat(),
        "patient": {
            "display_name": draw(st.one_of(st.none(), st.just("Robin Quill"))),
            "age_years": draw(st.integers(6, 90) if clean else st.one_of(st.none(), st.integers(4, 90))),
            "weight_kg": draw(st.integers(12, 140) if clean else st.one_of(st.none(), st.integers(12, 140))),
            "sex_at_birth": draw(st.sampled_from(["female", "male", "intersex", "not_stated"])),
            "handout_language": draw(st.sampled_from(["en", "es"])),
        },
        "diagnosis": {
            "adhd_confirmed": "yes" if clean else draw(st.sampled_from(["yes", "yes", "no", "unsure", None])),
            "baseline": baseline,
        },
        "history": {name: draw(TRIALS) for name in ("methylphenidate", "amphetamine", "non_stimulant")},
        "ldn_screen": {
            **{
                name: draw(ANSWERS) if not clean else "no" if name in STOPS else draw(CLEAN)
                for name in LDN_SCREEN_FIELDS
                if name != "pregnancy"
            },
            "pregnancy": draw(
                st.sampled_from(["not_applicable", "no", "trying"])
                if clean
                else st.sampled_from([None, "not_applicable", "no", "trying", "pregnant"])
            ),
        },
        "stimulant_screen": {name: draw(ANSWERS) for name in STIMULANT_SCREEN_FIELDS},
        "preferences": {
            "priorities": draw(st.lists(st.sampled_from(PRIORITIES), max_size=3, unique=True)),
            "declines_stimulants": draw(ANSWERS),
            "declines_non_stimulants": draw(ANSWERS),
        },
        "plan": plan,
        "follow_ups": [draw(follow_up_dicts(VISIT_DATE + dt.timedelta(days=day), range_)) for day in days],
    }
    return Visit.model_validate(data)
