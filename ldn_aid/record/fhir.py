"""FHIR R4 export of a visit, built with the `fhir.resources` R4B models (no hand-built JSON).

- `questionnaire(content)`: the Questionnaire defining every question of the visit file. Each item's
  linkId is the visit-file path of its answer ("ldn_screen.planned_surgery"); each section is a group
  whose linkId is the section name ("patient", "ldn_screen", "diagnosis.baseline", ...). Follow-up
  visits are the repeating group "follow_ups", whose items' linkIds are the visit-file paths with the
  list index left out ("follow_ups.dose_mg" for `follow_ups[i].dose_mg`).
- `visit_bundle(...)`: a Bundle of type "collection" holding
  1. the QuestionnaireResponse of the first visit (everything but the follow-ups), authored on the
     visit date, "in-progress" while the assessment is incomplete and "completed" otherwise;
  2. when the plan may be given to the patient (`VisitDecision.plan_printable`: the same gate the
     handout obeys), a MedicationRequest (intent "proposal", off-label noted), one Dosage per step
     with its dose and period. It is a "draft" while the plan stands; after a follow-up review that
     stops LDN it is "stopped", with the review's date and reasons as its statusReason, so the Bundle
     never carries an active proposal for a stopped plan;
  3. one further QuestionnaireResponse per follow-up, authored on its date, answering only the
     "follow_ups" group, in the order of the visit file.

Nothing is exported that the visit does not hold, and no identifier is invented:
- no Patient resource, and the patient's display name is never exported (it is printed on the handout
  only). The MedicationRequest's required `subject` carries only the standard data-absent-reason
  extension with the code "masked" (withheld for privacy);
- resources carry no `id`; each entry's fullUrl is a "urn:uuid:" made with uuid5 from the visit's
  JSON (display name left out) and the entry's role, so the same visit always gives the same bundle;
- coded answers use the visit file's own codes, in one code system per list of choices, named under
  this app's URN ("urn:ldn-aid:code:yes_no"); the displays are the content bundle's labels. The
  medication and the reason are given as text only: no code of a real code system is guessed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import types
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.questionnaire import Questionnaire, QuestionnaireItem, QuestionnaireItemAnswerOption
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.timing import Timing, TimingRepeat
from pydantic import BaseModel

from ldn_aid.content import ContentBundle
from ldn_aid.domain.assessment import Assessment, Outcome
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.errors import ContentError, LdnAidError
from ldn_aid.domain.followup import FollowUp
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.values import MAX_DOSE_MG
from ldn_aid.domain.visit import MEDICINE_CLASSES, VISIT_FORMAT, Visit
from ldn_aid.handout.dose_text import mg, ml
from ldn_aid.rules.engine import missing_answers

# This app's own canonical names: URNs under "ldn-aid", never an address of a real system.
QUESTIONNAIRE_URL = "urn:ldn-aid:questionnaire:visit/1"
CODE_SYSTEM_PREFIX = "urn:ldn-aid:code:"
# Standard FHIR and UCUM addresses.
UCUM = "http://unitsofmeasure.org"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
# FHIR EventTiming codes: HS = before the hour of sleep; MORN = in the morning.
EVENT_TIMING = {"bedtime": "HS", "morning": "MORN"}
TIMING_TEXT = {"bedtime": "at bedtime", "morning": "in the morning"}
# The namespace of every fullUrl of the export: a name-based uuid of the app's own URN.
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ldn-aid:fhir-export")

MEDICATION_TEXT = {
    "capsule": "naltrexone (low-dose, compounded) capsule",
    "liquid_1mg_per_ml": "naltrexone (low-dose, compounded) oral liquid 1 mg/mL",
}
OFF_LABEL_NOTE = "Off-label use; LDN has not been tested in ADHD; schedule from other conditions."
REASON_TEXT = "ADHD (attention-deficit/hyperactivity disorder)"

# Never exported: the format tag is not an answer, the display name is printed on the handout only,
# and the documents given are a record of printing (the chart note lists them), not answers.
_NOT_EXPORTED = frozenset({"format", "patient.display_name", "documents_given"})
# Free text long enough to need a multi-line box.
_LONG_TEXT = frozenset({"plan.change_reason", "follow_ups.override_reason"})
# Lists of choices (resources/content/<lang>/choices.toml) whose name is not the field's own name.
_CHOICE_LISTS = {
    **{f"history.{name}": "trial_outcome" for name in MEDICINE_CLASSES},
    "history.non_stimulant_unspecified": "trial_outcome",
    "preferences.priorities": "priority",
    "follow_ups.clinician_decision": "decision",
}

ItemKind = Literal["choice", "integer", "decimal", "date", "string", "text", "boolean"]


@dataclass(frozen=True)
class _Question:
    path: str
    kind: ItemKind
    codes: tuple[str, ...]
    choices: str | None
    repeats: bool
    required: bool


@dataclass(frozen=True)
class _Group:
    path: str
    model: type[BaseModel]
    children: tuple[_Question | _Group, ...]
    repeats: bool


# ---- the questions, derived from the visit model --------------------------------------------------


def _strip(annotation: Any) -> Any:
    """The type under `X | None` and `Annotated[X, ...]`."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            kept = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(kept) != 1:  # pragma: no cover - the visit model has no such field
                raise TypeError(f"cannot export a union of {kept}")
            annotation = kept[0]
        else:
            return annotation


def _choice_list(path: str, codes: tuple[str, ...]) -> str:
    if path in _CHOICE_LISTS:
        return _CHOICE_LISTS[path]
    if path.startswith("follow_ups.side_effects."):
        return "grade"
    if set(codes) == {"yes", "no"}:
        return "yes_no"
    return path.rsplit(".", 1)[-1]


def _question(path: str, annotation: Any, required: bool) -> _Question:
    kind: ItemKind
    repeats = False
    if get_origin(annotation) is tuple:
        annotation, repeats = _strip(get_args(annotation)[0]), True
    codes: tuple[str, ...] = ()
    choices = None
    if get_origin(annotation) is Literal:
        kind, codes = "choice", tuple(str(code) for code in get_args(annotation))
        choices = _choice_list(path, codes)
    elif annotation is bool:
        kind = "boolean"
    elif annotation is int:
        kind = "integer"
    elif annotation in (float, Decimal):
        kind = "decimal"
    elif annotation is dt.date:
        kind = "date"
    elif annotation is str:
        kind = "text" if path in _LONG_TEXT else "string"
    else:  # pragma: no cover - a new field type must be mapped here first
        raise TypeError(f"no FHIR item type for {path}: {annotation}")
    return _Question(path, kind, codes, choices, repeats, required)


def _group(model: type[BaseModel], path: str, repeats: bool, required: frozenset[str]) -> _Group:
    children: list[_Question | _Group] = []
    for name, field in model.model_fields.items():
        child = f"{path}.{name}" if path else name
        if child in _NOT_EXPORTED:
            continue
        annotation = _strip(field.annotation)
        many = get_origin(annotation) is tuple
        inner = _strip(get_args(annotation)[0]) if many else annotation
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            children.append(_group(inner, child, many, required))
        else:
            children.append(_question(child, annotation, field.is_required() or child in required))
    return _Group(path, model, tuple(children), repeats)


def _visit_form() -> _Group:
    # The answers `evaluate` needs before it decides, as reported missing on an empty visit.
    required = frozenset(missing_answers(Visit(visit_date=dt.date(2000, 1, 1))))
    return _group(Visit, "", False, required)


def _coding(question: _Question, code: str, content: ContentBundle) -> Coding:
    if question.choices is None:  # pragma: no cover - only choice questions have codes
        raise TypeError(question.path)
    labels = content.language.choices.get(question.choices, {})
    if code not in labels:
        raise ContentError(
            f"choices.toml ({content.lang}): [{question.choices}] has no label for {code!r} ({question.path})"
        )
    return Coding(system=f"{CODE_SYSTEM_PREFIX}{question.choices}", code=code, display=labels[code])


def _text(path: str, content: ContentBundle) -> str:
    question = content.language.questions.get(path)
    if question is None:
        raise ContentError(f"questions.toml ({content.lang}): no question text for {path}")
    return question.text


def _definition_item(node: _Question | _Group, content: ContentBundle) -> QuestionnaireItem:
    if isinstance(node, _Group):
        return QuestionnaireItem(
            linkId=node.path,
            type="group",
            repeats=node.repeats or None,
            item=[_definition_item(child, content) for child in node.children],
        )
    return QuestionnaireItem(
        linkId=node.path,
        text=_text(node.path, content),
        type=node.kind,
        required=node.required or None,
        repeats=node.repeats or None,
        answerOption=[
            QuestionnaireItemAnswerOption(valueCoding=_coding(node, code, content)) for code in node.codes
        ]
        or None,
    )


def questionnaire(content: ContentBundle) -> Questionnaire:
    """The Questionnaire of the visit file, in the content bundle's language; version = rules version."""
    form = _visit_form()
    return Questionnaire(
        url=QUESTIONNAIRE_URL,
        version=content.rules.rules_version,
        name="LdnAidVisit",
        title=f"LDN Aid visit ({VISIT_FORMAT})",
        status="active",
        language=content.lang,
        subjectType=["Patient"],
        description=(
            f"The questions of an LDN Aid visit file ({VISIT_FORMAT}). Each item's linkId is the visit-file"
            " path of its answer. Follow-up visits answer the repeating group follow_ups, one"
            " QuestionnaireResponse per follow-up; their linkIds leave out the list index."
        ),
        item=[_definition_item(child, content) for child in form.children],
    )


def questionnaire_canonical(content: ContentBundle) -> str:
    """The versioned canonical reference to the Questionnaire: url|version."""
    return f"{QUESTIONNAIRE_URL}|{content.rules.rules_version}"


# ---- answers ----------------------------------------------------------------------------------------


def _answers(
    question: _Question, value: Any, content: ContentBundle
) -> list[QuestionnaireResponseItemAnswer]:
    values = list(value) if question.repeats else [value]
    answers = []
    for one in values:
        answer: QuestionnaireResponseItemAnswer
        if question.kind == "choice":
            answer = QuestionnaireResponseItemAnswer(valueCoding=_coding(question, str(one), content))
        elif question.kind == "boolean":
            answer = QuestionnaireResponseItemAnswer(valueBoolean=bool(one))
        elif question.kind == "integer":
            answer = QuestionnaireResponseItemAnswer(valueInteger=int(one))
        elif question.kind == "decimal":
            exact = one if isinstance(one, Decimal) else Decimal(repr(float(one)))
            answer = QuestionnaireResponseItemAnswer(valueDecimal=exact)
        elif question.kind == "date":
            answer = QuestionnaireResponseItemAnswer(valueDate=one)
        else:
            answer = QuestionnaireResponseItemAnswer(valueString=str(one))
        answers.append(answer)
    return answers


def _response_items(
    group: _Group, record: BaseModel, content: ContentBundle
) -> list[QuestionnaireResponseItem]:
    """Items for the answered fields of `record` only; text is exported exactly as typed."""
    items: list[QuestionnaireResponseItem] = []
    for node in group.children:
        value = getattr(record, node.path.rsplit(".", 1)[-1])
        # Unanswered: None, no choices, or blank text (a FHIR string is never empty).
        if value is None or value == () or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(node, _Group):
            records = value if node.repeats else (value,)
            for one in records:
                children = _response_items(node, one, content)
                if children:
                    items.append(QuestionnaireResponseItem(linkId=node.path, item=children))
        else:
            items.append(
                QuestionnaireResponseItem(
                    linkId=node.path, text=_text(node.path, content), answer=_answers(node, value, content)
                )
            )
    return items


def _find_group(form: _Group, path: str) -> _Group:
    for node in form.children:
        if isinstance(node, _Group) and node.path == path:
            return node
    raise KeyError(path)  # pragma: no cover - the visit model has this group


def visit_response(visit: Visit, assessment: Assessment, content: ContentBundle) -> QuestionnaireResponse:
    """The first visit's answers (follow-ups are separate responses)."""
    form = _visit_form()
    first = _Group("", Visit, tuple(n for n in form.children if n.path != "follow_ups"), False)
    status = "in-progress" if assessment.outcome == Outcome.INCOMPLETE else "completed"
    return _response(content, status, visit.visit_date, _response_items(first, visit, content))


def follow_up_response(follow_up: FollowUp, content: ContentBundle) -> QuestionnaireResponse:
    """One follow-up's answers: the "follow_ups" group of the visit Questionnaire, answered once."""
    group = _find_group(_visit_form(), "follow_ups")
    item = QuestionnaireResponseItem(linkId=group.path, item=_response_items(group, follow_up, content))
    return _response(content, "completed", follow_up.date, [item])


def _response(
    content: ContentBundle, status: str, authored: dt.date, items: list[QuestionnaireResponseItem]
) -> QuestionnaireResponse:
    # Validated from a dict: the models type dateTime as datetime, and a visit is dated by day only.
    return QuestionnaireResponse.model_validate(
        {
            "questionnaire": questionnaire_canonical(content),
            "status": status,
            "authored": authored.isoformat(),
            "item": items,
        }
    )


# ---- the draft prescription ---------------------------------------------------------------------


def _mg(value: Decimal) -> str:
    # The safe-medication form (issue 11): "3 mg", never "3.0 mg", read as 30 mg.
    return mg(value, "en")


RequestStatus = Literal["draft", "stopped"]


def medication_request(
    visit: Visit,
    protocol: Protocol,
    content: ContentBundle,
    supporting: str | None = None,
    status: RequestStatus = "draft",
    status_reason: str | None = None,
) -> MedicationRequest:
    """A proposal: one Dosage per step, each with its dose and the period it is taken.

    `status` is "draft" while the plan stands and "stopped" once a review has stopped LDN
    (`status_reason` then says when and why).
    """
    limit = min(protocol.ceiling_mg, MAX_DOSE_MG)
    too_high = sorted({step.dose_mg for step in protocol.steps if step.dose_mg > limit})
    if too_high:  # pragma: no cover - the protocol builder keeps every step within the ceiling
        raise LdnAidError(
            f"the plan gives {', '.join(_mg(d) for d in too_high)}, above the highest dose of {_mg(limit)};"
            " no prescription is exported"
        )
    dosages = []
    count = len(protocol.steps)
    for index, step in enumerate(protocol.steps):
        last = index + 1 == count
        end = protocol.response_review if last else protocol.steps[index + 1].start - dt.timedelta(days=1)
        volume = "" if step.volume_ml is None else f" ({ml(step.volume_ml, 'en')} of the 1 mg/mL liquid)"
        until = "the response review" if last else "the next step"
        dosages.append(
            Dosage(
                sequence=index + 1,
                text=(
                    f"Step {index + 1} of {count}: {_mg(step.dose_mg)}{volume} by mouth once a day"
                    f" {TIMING_TEXT[protocol.timing]}, from {step.start.isoformat()} to {end.isoformat()}"
                    f" ({until})."
                ),
                timing=Timing(
                    repeat=TimingRepeat(
                        boundsPeriod=Period.model_validate(
                            {"start": step.start.isoformat(), "end": end.isoformat()}
                        ),
                        frequency=1,
                        period=Decimal(1),
                        periodUnit="d",
                        when=[EVENT_TIMING[protocol.timing]],
                    )
                ),
                doseAndRate=[
                    DosageDoseAndRate(
                        doseQuantity=Quantity(value=step.dose_mg, unit="mg", system=UCUM, code="mg")
                    )
                ],
            )
        )
    words = content.language.protocol
    notes = [Annotation(text=OFF_LABEL_NOTE)]
    if protocol.guideline_options_first:
        notes.append(Annotation(text=words.guideline_first_note))
    notes.append(
        Annotation(
            text=(
                f"Tolerability review {protocol.tolerability_review.isoformat()}; response review"
                f" {protocol.response_review.isoformat()}. {words.response_rule} {words.stop_rule}"
            )
        )
    )
    return MedicationRequest.model_validate(
        {
            "status": status,
            "statusReason": CodeableConcept(text=status_reason) if status_reason else None,
            "intent": "proposal",
            "medicationCodeableConcept": CodeableConcept(text=MEDICATION_TEXT[protocol.formulation]),
            # Required by FHIR; the patient is withheld on purpose (no Patient resource is exported).
            "subject": Reference(extension=[Extension(url=DATA_ABSENT_REASON, valueCode="masked")]),
            "authoredOn": visit.visit_date.isoformat(),
            "reasonCode": [CodeableConcept(text=REASON_TEXT)],
            "supportingInformation": [Reference(reference=supporting)] if supporting else None,
            "note": notes,
            "dosageInstruction": dosages,
        }
    )


# ---- the bundle -------------------------------------------------------------------------------------


def _entry_urls(visit: Visit) -> Callable[[str], str]:
    """Stable urn:uuids for the entries: uuid5 over a role and one SHA-256 of the visit's JSON
    (display name left out). The visit is serialised and hashed once, not once per entry, which made
    the export grow with the square of the follow-ups (red team D10)."""
    anonymous = visit.model_copy(update={"patient": visit.patient.model_copy(update={"display_name": None})})
    digest = hashlib.sha256(anonymous.model_dump_json().encode("utf-8")).hexdigest()
    return lambda role: f"urn:uuid:{uuid.uuid5(UUID_NAMESPACE, role + chr(10) + digest)}"


def _request_status(decision: VisitDecision) -> tuple[RequestStatus, str | None] | None:
    """The proposal's status after the latest review, or None when there is no proposal to export."""
    if not decision.plan_printable:
        return None
    latest = decision.latest
    if latest is None:
        return "draft", None
    if latest.decision == "no_plan":  # pragma: no cover - a printable plan always gives dosing advice
        return None
    if latest.decision == "stop":
        why = ", ".join(latest.rule_ids) or "no reason recorded"
        return "stopped", f"LDN stopped at the follow-up review of {latest.review_date.isoformat()} ({why})."
    return "draft", None


def visit_bundle(visit: Visit, decision: VisitDecision, content: ContentBundle) -> Bundle:
    """The visit as a FHIR "collection" Bundle (see the module docstring for what it holds).

    Args:
        visit: the visit, with its follow-ups.
        decision: `decide(visit)`; its gate decides whether the proposal is exported.
        content: the words and labels (the command line uses English).
    """
    url = _entry_urls(visit)
    visit_url = url("visit")
    entries = [BundleEntry(fullUrl=visit_url, resource=visit_response(visit, decision.assessment, content))]
    status = _request_status(decision)
    if status is not None and decision.protocol is not None:
        request = medication_request(
            visit, decision.protocol, content, supporting=visit_url, status=status[0], status_reason=status[1]
        )
        entries.append(BundleEntry(fullUrl=url("medication-request"), resource=request))
    for index, follow_up in enumerate(visit.follow_ups):
        entries.append(
            BundleEntry(
                fullUrl=url(f"follow_ups[{index}]"),
                resource=follow_up_response(follow_up, content),
            )
        )
    return Bundle(type="collection", entry=entries)


def bundle_json(bundle: Bundle) -> str:
    """FHIR JSON, two-space indented (no trailing newline)."""
    return str(bundle.model_dump_json(indent=2))


def resource_json(resource: Questionnaire | Bundle) -> str:
    """Any exported resource as FHIR JSON, two-space indented."""
    return str(resource.model_dump_json(indent=2))
