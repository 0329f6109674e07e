"""The follow-up safety block: what one review's safety answers stop, caution or leave unknown.

Every screening stop that can arise between visits is asked again at each review (issue 9,
"Follow-up safety"). An unanswered item is unknown, never "no": it is listed so the review never
raises the dose. Two answers carry forward from review to review:

- the opioid-free wait: after any opioid (or methadone or buprenorphine) the review stops LDN until
  the last opioid dose is at least `opioid_free_days` old (`agonist_free_days` once methadone or
  buprenorphine has been reported). A "yes" at a review means the last dose was on or after the
  previous review (the first visit, for the first review): only a date given at that review, on
  or after the previous review, can start the clock; without one (or with an older one) the wait
  cannot end (`followup_opioid_date_needed`) until a later review gives such a date. An older date
  never clears a newer "yes";
- the pregnancy status: the latest answer given (the screening's until a review answers); a
  pregnancy, breastfeeding or trying to conceive stops LDN until a later answer clears it.

Side effects are part of the block too: a grade left unasked (None) is unknown, never "none" (a
severe "other" reaction stops LDN), so it is listed with the unanswered items.

Pure: ids, paths, dates only; the words live in content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from ldn_aid.content import RuleBook
from ldn_aid.domain.followup import SAFETY_ITEMS, FollowUp
from ldn_aid.domain.values import Pregnancy
from ldn_aid.domain.visit import Visit

SAFETY_PATH = "follow_ups.safety."
SIDE_EFFECTS_PATH = "follow_ups.side_effects."
DAYS_WITHOUT_LDN_PATH = "follow_ups.days_without_ldn"
URINE_SCREEN_PATH = SAFETY_PATH + "urine_opioid_screen"
UNANSWERED = "followup_safety_unanswered"
# Asked only where they apply: the date of the last opioid dose (after any opioid), pregnancy
# (not for male sex at birth or a recorded "no" child-bearing potential), and the urine opioid
# screen (before a restart after an opioid stop, where screening needed one: see review.py).
_CONDITIONAL = ("last_opioid_dose", "pregnancy", "urine_opioid_screen")
_ALWAYS_ASKED = tuple(name for name in SAFETY_ITEMS if name not in _CONDITIONAL)
# A "yes" that stops LDN at any step, whatever else the review finds (rule id -> items).
_STOP_ITEMS: dict[str, tuple[str, ...]] = {
    "followup_stop_allergy": ("allergic_reaction",),
    "followup_stop_liver": ("liver_injury_signs", "new_liver_disease"),
    "followup_stop_suicidal": ("suicidal_thoughts",),
}
# The pregnancy statuses that stop LDN (carried until a later answer clears them).
_PREGNANCY_STOPS: dict[str, str] = {
    "pregnant": "followup_stop_pregnancy",
    "breastfeeding": "followup_stop_breastfeeding",
    "trying": "followup_trying_to_conceive",
}
# A "yes" that holds any increase until it is discussed.
_CAUTION_ITEMS: dict[str, tuple[str, ...]] = {
    "followup_low_mood": ("low_mood_worse",),
    "followup_new_interaction": ("new_thioridazine", "new_disulfiram"),
    "followup_surgery": ("surgery_planned",),
}


@dataclass(frozen=True)
class Fired:
    """One rule that applies at a review: its id, the answers behind it, its show-time params."""

    rule_id: str
    inputs: tuple[str, ...] = ()
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SafetyState:
    """What the safety answers carry from one review to the next."""

    pregnancy: Pregnancy | None
    # An opioid stop is waiting for the opioid-free interval to pass.
    opioid_wait: bool = False
    # Methadone or buprenorphine was reported at a review of this visit: the longer wait applies.
    agonist: bool = False
    # The latest date of a last opioid dose reported at any review (None while it is unknown).
    last_opioid_dose: dt.date | None = None
    # A "yes" was given without a usable date: the last dose is unknown, but on or after this day
    # (the review before that "yes"); only a date on or after it can start the opioid-free clock.
    opioid_date_floor: dt.date | None = None
    # The date of the previous review (the first visit's date before the first review).
    previous_review: dt.date | None = None


@dataclass(frozen=True)
class SafetyFindings:
    """One review's safety block: stops (override refused), cautions (no increase), unknown items."""

    stops: tuple[Fired, ...]
    cautions: tuple[Fired, ...]
    unanswered: tuple[str, ...]
    state: SafetyState


def first_state(visit: Visit) -> SafetyState:
    return SafetyState(pregnancy=visit.ldn_screen.pregnancy, previous_review=visit.visit_date)


def pregnancy_asked(visit: Visit) -> bool:
    """Whether pregnancy must be answered at each review (not for male sex at birth, or a recorded
    "no" child-bearing potential at screening)."""
    return not (visit.patient.sex_at_birth == "male" or visit.ldn_screen.childbearing_potential == "no")


def assess_safety(book: RuleBook, visit: Visit, state: SafetyState, follow_up: FollowUp) -> SafetyFindings:
    """The safety block of one review, given what earlier reviews carried forward."""
    safety = follow_up.safety
    stops: list[Fired] = []
    cautions: list[Fired] = []
    unknown = [name for name in _ALWAYS_ASKED if getattr(safety, name) is None]

    wait, state = _opioids(book, state, follow_up)
    stops += wait.stops
    if wait.date_needed and safety.last_opioid_dose is None:
        unknown.append("last_opioid_dose")
    for rule_id, items in _STOP_ITEMS.items():
        if said := _said_yes(follow_up, items):
            stops.append(Fired(rule_id, said))

    status, answered = _pregnancy(visit, state, follow_up)
    state = replace(state, pregnancy=status)
    if not answered:
        unknown.append("pregnancy")
    if status in _PREGNANCY_STOPS:
        stops.append(Fired(_PREGNANCY_STOPS[status], (SAFETY_PATH + "pregnancy",)))
    for rule_id, items in _CAUTION_ITEMS.items():
        if said := _said_yes(follow_up, items):
            cautions.append(Fired(rule_id, said))

    paths = [SAFETY_PATH + name for name in SAFETY_ITEMS if name in unknown]
    paths += [
        SIDE_EFFECTS_PATH + name for name, grade in follow_up.side_effects.graded().items() if grade is None
    ]
    if follow_up.days_without_ldn is None:
        paths.append(DAYS_WITHOUT_LDN_PATH)
    if paths:
        cautions.insert(0, Fired(UNANSWERED, tuple(paths)))
    return SafetyFindings(tuple(stops), tuple(cautions), tuple(paths), state)


def with_unanswered(cautions: tuple[Fired, ...], path: str) -> tuple[Fired, ...]:
    """`cautions` with one more unanswered item (a conditional question asked at this review)."""
    for k, item in enumerate(cautions):
        if item.rule_id == UNANSWERED:
            inputs = (*item.inputs, path) if path not in item.inputs else item.inputs
            return (*cautions[:k], replace(item, inputs=inputs), *cautions[k + 1 :])
    return (Fired(UNANSWERED, (path,)), *cautions)


def after_positive_screen(state: SafetyState, before: SafetyState, follow_up: FollowUp) -> SafetyState:
    """A positive urine opioid screen is an opioid taken since the review before: the opioid-free
    wait starts again, from a date on or after that review (like a "yes" with no date)."""
    floor = before.previous_review
    given = follow_up.safety.last_opioid_dose
    if given is not None and (floor is None or given >= floor):
        return replace(state, opioid_wait=True, last_opioid_dose=given, opioid_date_floor=None)
    return replace(state, opioid_wait=True, last_opioid_dose=None, opioid_date_floor=floor)


def _said_yes(follow_up: FollowUp, items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(SAFETY_PATH + name for name in items if getattr(follow_up.safety, name) == "yes")


@dataclass(frozen=True)
class _Wait:
    stops: tuple[Fired, ...]
    # The date of the last opioid dose is needed at this review.
    date_needed: bool


def _opioids(book: RuleBook, state: SafetyState, follow_up: FollowUp) -> tuple[_Wait, SafetyState]:
    """Opioid and methadone/buprenorphine stops, and the opioid-free wait carried across reviews."""
    safety = follow_up.safety
    opioid = safety.opioid_needed_or_taken == "yes"
    agonist_now = safety.methadone_or_buprenorphine == "yes"
    said_yes = opioid or agonist_now
    agonist = state.agonist or agonist_now
    given = safety.last_opioid_dose
    # A "yes" now: the last dose was on or after the previous review, whatever was reported before.
    floor = state.previous_review if said_yes else state.opioid_date_floor
    usable = given if given is not None and (floor is None or given >= floor) else None
    last: dt.date | None
    if usable is not None:
        last = usable if state.last_opioid_dose is None else max(usable, state.last_opioid_dose)
        floor = None
    elif floor is not None:
        last = None  # unknown, on or after `floor`: no older date may clear it
    else:
        last = state.last_opioid_dose
    days = book.number("agonist_free_days" if agonist else "opioid_free_days")
    until = None if last is None else last + dt.timedelta(days=int(days))
    # A last dose still inside the window is a wait even without a stop being recorded before.
    waiting = (
        state.opioid_wait or said_yes or floor is not None or (until is not None and follow_up.date < until)
    )
    cleared = floor is None and until is not None and follow_up.date >= until

    stops: list[Fired] = []
    if opioid:
        stops.append(Fired("followup_stop_opioids", (SAFETY_PATH + "opioid_needed_or_taken",)))
    if agonist_now:
        stops.append(Fired("followup_stop_agonist", (SAFETY_PATH + "methadone_or_buprenorphine",)))
    if waiting and not cleared:
        # Without a usable date of the last dose the wait cannot end; that is its own reason, so the
        # words never promise a date they do not have. `since`: the date the last dose is on or after.
        if until is None:
            params = {} if floor is None else {"since": floor.isoformat()}
            stops.append(Fired("followup_opioid_date_needed", (SAFETY_PATH + "last_opioid_dose",), params))
        else:
            stops.append(
                Fired(
                    "followup_opioid_free_wait",
                    (SAFETY_PATH + "last_opioid_dose",),
                    {"until": until.isoformat()},
                )
            )
    new_state = replace(
        state,
        # A "yes" now keeps the wait for the next review even when the date is already old enough.
        opioid_wait=said_yes or (waiting and not cleared),
        agonist=agonist,
        last_opioid_dose=last,
        opioid_date_floor=floor,
        previous_review=follow_up.date,
    )
    date_needed = waiting and not cleared and until is None
    return _Wait(tuple(stops), date_needed=date_needed or said_yes), new_state


def _pregnancy(visit: Visit, state: SafetyState, follow_up: FollowUp) -> tuple[Pregnancy | None, bool]:
    """The pregnancy status now (the latest answer given) and whether this review answered it.

    Where pregnancy is asked, "not_applicable" is no answer (it needs a recorded "no" child-bearing
    potential); an unanswered review keeps the last known status, so a pregnancy stop holds.
    """
    answer = follow_up.safety.pregnancy
    asked = pregnancy_asked(visit)
    if asked and answer == "not_applicable":
        answer = None
    status = answer if answer is not None else state.pregnancy
    return status, answer is not None or not asked
