"""Hypothesis strategies for the record tests: valid format-2 visits, partly answered, with plans and
follow-ups whose safety items may be unanswered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from ldn_aid.domain.followup import SAFETY_ITEMS
from ldn_aid.domain.visit import (
    CONDITIONAL_LDN_SCREEN_FIELDS,
    LDN_SCREEN_FIELDS,
    MEDICINE_CLASSES,
    PRIORITIES,
    RESPONSE_SCALES,
    SCALE_RANGES,
    STIMULANT_SCREEN_FIELDS,
    VISIT_FORMAT,
    Visit,
)

VISIT_DATE = dt.date(2026, 3, 2)
ANSWERS = st.sampled_from(["yes", "no", "no", "no", None])
# Answers that never stop LDN: a "yes" only where it is a caution or a point to discuss.
CLEAN = st.sampled_from(["no", "no", "no", "no", "no", "no", "yes"])
STOPS = {
    "current_opioid_use",
    "opioid_agonist_treatment",
    "opioid_agonist_last_14_days",
    "opioid_use_last_10_days",
    "opioid_withdrawal_now",
    "acute_hepatitis_or_liver_failure",
    "naltrexone_allergy",
    "suicidal_thoughts",
    # Each of these asks for a urine opioid screen, which a clean visit leaves unanswered.
    "past_opioid_use_disorder",
    "doubt_about_recent_opioids",
}
TRIALS = st.sampled_from(["not_tried", "helped", "partial", "no_benefit", "side_effects"])
# Typed text, including newlines, control characters and very long words.
TYPED = st.one_of(st.none(), st.text(max_size=300), st.just("a" * 250 + "\nOUTCOME: stop"))
SAFETY_VALUES = {
    "pregnancy": st.sampled_from([None, "no", "no", "not_applicable", "pregnant", "trying", "breastfeeding"]),
    "last_opioid_dose": st.none(),
    # Asked only before a restart after an opioid stop (when screening needed a urine screen).
    "urine_opioid_screen": st.sampled_from([None, None, "negative", "positive", "not_done"]),
}


@st.composite
def safety_dicts(draw: st.DrawFn, day: dt.date) -> dict[str, Any]:
    """Every safety item: mostly "no", sometimes unanswered, now and then a "yes"."""
    if draw(st.booleans()):
        answered = st.sampled_from(["no"] * 12 + ["yes"])
    else:
        answered = st.sampled_from(["no", "no", "yes", None])
    safety: dict[str, Any] = {}
    for item in SAFETY_ITEMS:
        if item in ("pregnancy", "urine_opioid_screen"):
            safety[item] = draw(SAFETY_VALUES[item])
        elif item == "last_opioid_dose":
            continue
        else:
            safety[item] = draw(answered)
    if safety["opioid_needed_or_taken"] == "yes" or safety["methadone_or_buprenorphine"] == "yes":
        back = draw(st.one_of(st.none(), st.integers(0, 30)))
        safety["last_opioid_dose"] = None if back is None else (day - dt.timedelta(days=back)).isoformat()
    return safety


@st.composite
def follow_up_dicts(draw: st.DrawFn, day: dt.date, scale_range: tuple[int, int] | None) -> dict[str, Any]:
    """A review: half of them calm (every safety item "no", mild side effects at most, doses taken),
    so the reviews that raise, hold or continue a dose are generated as often as the stops."""
    calm = draw(st.booleans())
    grades = st.sampled_from(
        ["none", "none", "mild"] if calm else ["none", "none", "mild", "moderate", "severe"]
    )
    score = None
    if scale_range is not None and draw(st.booleans()):
        score = draw(st.integers(*scale_range))
    safety = (
        {**{item: "no" for item in SAFETY_ITEMS}, "last_opioid_dose": None, "urine_opioid_screen": None}
        if calm
        else None
    )
    # A side effect not asked is unknown (None); calm reviews ask every one.
    if not calm:
        grades = st.sampled_from(["none", "none", "mild", "moderate", "severe", None])
    return {
        "date": day.isoformat(),
        "dose_mg": float(draw(st.sampled_from(["0.5", "1.5", "2.3", "3.0", "4.5"]))),
        "timing": draw(st.sampled_from(["bedtime", "morning"])),
        "missed_doses_last_week": draw(st.integers(0, 1) if calm else st.integers(0, 7)),
        "days_without_ldn": 0 if calm else draw(st.one_of(st.none(), st.just(0), st.integers(0, 40))),
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
        "safety": safety if safety is not None else draw(safety_dicts(day)),
        "clinician_decision": None
        if calm
        else draw(st.sampled_from([None, None, "hold", "advance", "stop", "continue", "restart"])),
        "override_reason": draw(TYPED),
        "extend_once": draw(st.booleans()),
    }


@st.composite
def visits(draw: st.DrawFn) -> Visit:
    # Half the visits are clean (nothing missing, no stop), so most of those get a plan.
    clean = draw(st.booleans())
    scales = [*RESPONSE_SCALES, "cgi_s"] if clean else [None, "aisrs", *SCALE_RANGES]
    scale = draw(st.sampled_from(scales))
    baseline = None
    if scale is not None:
        low, high = SCALE_RANGES[scale]
        baseline = {"scale": scale, "score": draw(st.integers(max(low, 1), high)), "date": "2026-02-20"}
    plan = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "start_date": st.sampled_from([None, "2026-03-02", "2026-03-09"]),
                    "schedule": st.sampled_from(["standard", "standard", "gentle"]),
                    "timing": st.sampled_from(["auto", "auto", "bedtime", "morning"]),
                    "step_weeks": st.sampled_from([2, 2, 1, 3, 4]),
                    "target_mg": st.sampled_from([None, None, 1.0, 2.5, 4.5]),
                    "change_reason": TYPED,
                    "guideline_options_discussed": st.sampled_from([True, True, False]),
                    "specialist_signoff": st.booleans(),
                }
            ),
        )
    )
    count = draw(st.integers(0, 3))
    days = sorted(draw(st.sets(st.integers(0, 150), min_size=count, max_size=count)))
    range_ = SCALE_RANGES[scale] if scale is not None else None
    sex = draw(st.sampled_from(["female", "male", "male", "intersex", "not_stated"]))
    age = draw(st.integers(8, 90) if clean else st.one_of(st.none(), st.integers(4, 90)))
    screen: dict[str, Any] = {
        name: draw(ANSWERS) if not clean else "no" if name in STOPS else draw(CLEAN)
        for name in LDN_SCREEN_FIELDS
        if name not in ("pregnancy", *CONDITIONAL_LDN_SCREEN_FIELDS)
    }
    screen["pregnancy"] = draw(
        st.sampled_from(["not_applicable", "no", "trying"])
        if clean
        else st.sampled_from([None, "not_applicable", "no", "trying", "pregnant", "breastfeeding"])
    )
    screen["childbearing_potential"] = draw(st.sampled_from(["no", "yes"] if clean else [None, "yes", "no"]))
    screen["urine_opioid_screen"] = draw(
        st.sampled_from([None, "negative"] if clean else [None, None, "negative", "positive", "not_done"])
    )
    history: dict[str, Any] = {}
    for name in MEDICINE_CLASSES:
        history[name] = draw(
            st.sampled_from(["no_benefit", "side_effects", "not_tried"]) if clean else TRIALS
        )
        adequate = ["yes"] if clean else ["yes", "yes", "no", None]
        history[f"{name}_adequate_trial"] = draw(st.sampled_from(adequate))
    history["non_stimulant_unspecified"] = draw(st.sampled_from([None, None, None, "no_benefit", "partial"]))
    data = {
        "format": VISIT_FORMAT,
        "visit_date": VISIT_DATE.isoformat(),
        "patient": {
            "display_name": draw(st.one_of(st.none(), st.just("Robin Quill"))),
            "age_years": age,
            "weight_kg": draw(st.integers(12, 140) if clean else st.one_of(st.none(), st.integers(12, 140))),
            "sex_at_birth": sex,
            "handout_language": draw(st.sampled_from(["en", "es"])),
            # A clean visit's weight is confirmed whatever it is (a child's weight may be implausible).
            "weight_confirmed": True if clean else draw(st.booleans()),
        },
        "diagnosis": {
            "adhd_confirmed": "yes" if clean else draw(st.sampled_from(["yes", "yes", "no", "unsure", None])),
            "baseline": baseline,
        },
        "history": history,
        "ldn_screen": screen,
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
