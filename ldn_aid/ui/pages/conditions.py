"""Questions asked only where they apply, and the answers they depend on.

A conditional question's row shows when it applies, when the rules list it as missing, or when the
visit already holds an answer for it (a recorded answer is never hidden). When the clinician changes
the answer a conditional question depends on so that it no longer applies, its answer is cleared:
what the page shows is what the visit records.

The conditions mirror the rules' own (`ldn_aid.rules.engine.missing_answers`); the rules stay the
judge of what is missing, and anything they list is always shown, whatever these say.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ldn_aid.domain.visit import MEDICINE_CLASSES


class AnswerSource(Protocol):
    def get(self, path: str) -> Any: ...


def _yes(state: AnswerSource, path: str) -> bool:
    return bool(state.get(path) == "yes")


def _not_male(state: AnswerSource) -> bool:
    return bool(state.get("patient.sex_at_birth") != "male")


def _urine_screen_needed(state: AnswerSource) -> bool:
    return _yes(state, "ldn_screen.past_opioid_use_disorder") or _yes(
        state, "ldn_screen.doubt_about_recent_opioids"
    )


def _never(_state: AnswerSource) -> bool:
    """Shown only when the rules ask for it or the visit holds it."""
    return False


def _no_benefit(name: str) -> Callable[[AnswerSource], bool]:
    return lambda state: state.get(f"history.{name}") == "no_benefit"


# path -> does the question apply to this visit?
APPLIES: dict[str, Callable[[AnswerSource], bool]] = {
    **{f"history.{name}_adequate_trial": _no_benefit(name) for name in MEDICINE_CLASSES},
    # A format-1 record's "non-stimulant": shown (read-only) only when a migrated file has it.
    "history.non_stimulant_unspecified": _never,
    "ldn_screen.urine_opioid_screen": _urine_screen_needed,
    # Not asked for male sex at birth.
    "ldn_screen.pregnancy": _not_male,
    "ldn_screen.childbearing_potential": _not_male,
    # Asked when the rules find the weight implausible for the age (listed as missing).
    "patient.weight_confirmed": _never,
}

# answer -> the conditional answers to clear when it changes and they no longer apply.
DEPENDENTS: dict[str, tuple[str, ...]] = {
    **{f"history.{name}": (f"history.{name}_adequate_trial",) for name in MEDICINE_CLASSES},
    "ldn_screen.past_opioid_use_disorder": ("ldn_screen.urine_opioid_screen",),
    "ldn_screen.doubt_about_recent_opioids": ("ldn_screen.urine_opioid_screen",),
    "patient.sex_at_birth": ("ldn_screen.pregnancy", "ldn_screen.childbearing_potential"),
    # A confirmation is for the weight (and age) it confirmed: a new value needs a new one.
    "patient.weight_kg": ("patient.weight_confirmed",),
    "patient.age_years": ("patient.weight_confirmed",),
}


def pregnancy_not_applicable_accepted(state: AnswerSource) -> bool:
    """Whether the rules take "not applicable" as a pregnancy answer: for male sex at birth, or a
    recorded "no" child-bearing potential (otherwise pregnancy stays missing)."""
    return not _not_male(state) or state.get("ldn_screen.childbearing_potential") == "no"


def answered(value: Any) -> bool:
    """A value the visit holds as an answer (a check box's False is its unticked default)."""
    return value is not None and value is not False


def shown(path: str, state: AnswerSource, missing: Iterable[str]) -> bool:
    """Whether the row for `path` is shown: always, for an unconditional question."""
    applies = APPLIES.get(path)
    if applies is None:
        return True
    return applies(state) or answered(state.get(path)) or path in tuple(missing)


def to_clear(edited: str, state: AnswerSource) -> tuple[str, ...]:
    """The answers that stop applying now that `edited` changed (each still holding a value)."""
    return tuple(
        path for path in DEPENDENTS.get(edited, ()) if answered(state.get(path)) and not APPLIES[path](state)
    )
