"""Words for decisions, looked up where they are shown.

The rules return ids, numbers and dates (`Finding`, `DecisionReason`, `Gate`); these functions turn
them into the clinician's or the patient's sentence in one language. Show-time placeholders
(`SHOW_PLACEHOLDERS`) are filled from the decision's `params`; `{questions}` lists the question
texts of the decision's inputs (for example the safety questions that were not answered).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ldn_aid.content.loader import SHOW_PLACEHOLDERS
from ldn_aid.content.schema import ContentBundle

_INDEX = re.compile(r"\[\d+\]")


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


def patient_text(
    content: ContentBundle, rule_id: str, params: Mapping[str, str] | None = None, inputs: Iterable[str] = ()
) -> str | None:
    """The patient's words for a rule, or None when the rule has none."""
    words = content.language.findings[rule_id].patient
    return None if words is None else _fill(words, content, params or {}, tuple(inputs))


def blocker_text(content: ContentBundle, blocker: str, params: Mapping[str, str] | None = None) -> str:
    """Why a document may not be given to the patient, in the clinician's words."""
    text = content.language.choices["gate"][blocker]
    return _fill(text, content, params or {}, ())
