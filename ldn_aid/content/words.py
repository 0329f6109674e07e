"""Words for decisions, looked up where they are shown.

The rules return ids, numbers and dates (`Finding`, `DecisionReason`, `Gate`); these functions turn
them into the clinician's or the patient's sentence in one language. Show-time placeholders
(`SHOW_PLACEHOLDERS`) are filled from the decision's `params`; `{questions}` lists the question
texts of the decision's inputs (for example the safety questions that were not answered).

Dates in `params` (`DATE_PARAMS`: `{until}`, `{since}`) are ISO dates from the rules. The clinician's
words keep them ISO; a patient document passes its own `format_date` to `patient_text`, so the date
reads as the sheet's header does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping

from ldn_aid.content.loader import SHOW_PLACEHOLDERS
from ldn_aid.content.schema import ContentBundle

_INDEX = re.compile(r"\[\d+\]")
# The show-time placeholders that carry a date (ISO, from the rules).
DATE_PARAMS: tuple[str, ...] = ("until", "since")
DateFormatter = Callable[[dt.date], str]


def question_text(content: ContentBundle, path: str) -> str:
    """The question's words for a visit-file path (list indices ignored); the path itself if none."""
    key = _INDEX.sub("", path)
    question = content.language.questions.get(key)
    return question.text if question is not None else key


def _fill(text: str, content: ContentBundle, params: Mapping[str, str], inputs: Iterable[str]) -> str:
    values = {name: f"{{{name}}}" for name in SHOW_PLACEHOLDERS}
    values.update(params)
    values.setdefault("questions", "")
    if "{questions}" in text:
        values["questions"] = "; ".join(question_text(content, path) for path in inputs)
    return text.format(**values)


def clinician_text(
    content: ContentBundle, rule_id: str, params: Mapping[str, str] | None = None, inputs: Iterable[str] = ()
) -> str:
    """The clinician's words for a rule (a finding or a follow-up reason)."""
    return _fill(content.language.findings[rule_id].clinician, content, params or {}, tuple(inputs))


def dated_params(params: Mapping[str, str], format_date: DateFormatter) -> dict[str, str]:
    """`params` with each ISO date in `DATE_PARAMS` written by `format_date` (anything else as is)."""
    shown = dict(params)
    for name in DATE_PARAMS:
        value = shown.get(name)
        if value is None:
            continue
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            continue
        shown[name] = format_date(day)
    return shown


def patient_text(
    content: ContentBundle,
    rule_id: str,
    params: Mapping[str, str] | None = None,
    inputs: Iterable[str] = (),
    format_date: DateFormatter | None = None,
) -> str | None:
    """The patient's words for a rule, or None when the rule has none.

    Args:
        format_date: how the document writes a date (its header's format); the `{until}` and
            `{since}` dates are written with it. Without it they stay ISO.
    """
    words = content.language.findings[rule_id].patient
    if words is None:
        return None
    shown = dict(params or {})
    if format_date is not None:
        shown = dated_params(shown, format_date)
    return _fill(words, content, shown, tuple(inputs))


def blocker_text(content: ContentBundle, blocker: str, params: Mapping[str, str] | None = None) -> str:
    """Why a document may not be given to the patient, in the clinician's words."""
    text = content.language.choices["gate"][blocker]
    return _fill(text, content, params or {}, ())
