"""The FHIR R4 export (issue 5, "FHIR R4 export"; issue 9): parsed back with fhir.resources and checked
against the visit, the protocol and the Questionnaire; nothing exported that the visit does not hold,
and the draft prescription only when the core gate lets the plan be given (stopped after a stop)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.questionnaire import Questionnaire, QuestionnaireItem
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel
from record_helpers import CASE_FILES, CASES, EXAMPLES, PHARM, follow_up
from record_strategies import visits

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.domain.followup import FollowUp
from ldn_aid.domain.visit import GivenDocument, Visit
from ldn_aid.handout.dose_text import mg, ml
from ldn_aid.paths import resource_path
from ldn_aid.record.fhir import (
    CODE_SYSTEM_PREFIX,
    OFF_LABEL_NOTE,
    QUESTIONNAIRE_URL,
    UCUM,
    bundle_json,
    questionnaire,
    resource_json,
    visit_bundle,
)
from ldn_aid.rules import decide
from ldn_aid.visit_file import load_visit

MakeVisit = Callable[..., Visit]
# The documents given are a record of printing (the chart note lists them), not answers (issue 10).
NOT_EXPORTED = {"format", "patient.display_name"} | {
    f"documents_given.{name}" for name in GivenDocument.model_fields
}


@pytest.fixture(scope="module", name="content")
def content_fixture() -> ContentBundle:
    return load_content("en")


def export(visit: Visit, content: ContentBundle) -> str:
    return bundle_json(visit_bundle(visit, decide(visit), content))


def items(nodes: list[Any] | None) -> Iterator[Any]:
    """Every item of a Questionnaire or QuestionnaireResponse, depth first."""
    for node in nodes or []:
        yield node
        yield from items(node.item)


def visit_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every leaf path of the visit model, lists written without their index."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = field.annotation
        candidates = [annotation, *get_args(annotation)]
        if get_origin(annotation) is tuple:
            candidates += list(get_args(get_args(annotation)[0]) or [get_args(annotation)[0]])
        inner = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if inner is not None:
            yield from visit_paths(inner, f"{path}.")
        else:
            yield path


def value_at(record: BaseModel, path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = getattr(value, part)
    return value


def answer_values(answers: list[QuestionnaireResponseItemAnswer]) -> list[Any]:
    values = []
    for answer in answers:
        set_fields = [
            name
            for name in (
                "valueCoding",
                "valueDecimal",
                "valueInteger",
                "valueDate",
                "valueString",
                "valueBoolean",
            )
            if getattr(answer, name) is not None
        ]
        assert len(set_fields) == 1, set_fields
        value = getattr(answer, set_fields[0])
        values.append(value.code if set_fields[0] == "valueCoding" else value)
    return values


def expected(value: Any) -> list[Any]:
    values = list(value) if isinstance(value, tuple) else [value]
    return [Decimal(repr(v)) if isinstance(v, float) else v for v in values]


# ---- the Questionnaire ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_questionnaire_parses_back_and_covers_every_visit_path(language: str) -> None:
    content = load_content(language)
    text = resource_json(questionnaire(content))
    parsed = Questionnaire.model_validate_json(text)
    assert parsed.url == QUESTIONNAIRE_URL
    assert parsed.version == content.rules.rules_version
    assert parsed.status == "active"
    assert parsed.language == language
    assert Questionnaire.model_validate_json(resource_json(parsed)) == parsed

    leaves = {item.linkId: item for item in items(parsed.item) if item.type != "group"}
    groups = {item.linkId for item in items(parsed.item) if item.type == "group"}
    assert set(leaves) == set(visit_paths(Visit)) - NOT_EXPORTED
    assert groups == {
        "patient",
        "diagnosis",
        "diagnosis.baseline",
        "history",
        "ldn_screen",
        "stimulant_screen",
        "preferences",
        "plan",
        "follow_ups",
        "follow_ups.side_effects",
        "follow_ups.safety",
    }
    for link_id, item in leaves.items():
        assert item.text == content.language.questions[link_id].text
    # linkIds are unique, as FHIR requires.
    all_ids = [item.linkId for item in items(parsed.item)]
    assert len(all_ids) == len(set(all_ids))


def test_questionnaire_item_types(content: ContentBundle) -> None:
    parsed = questionnaire(content)
    by_id: dict[str, QuestionnaireItem] = {item.linkId: item for item in items(parsed.item)}
    kinds = {link_id: item.type for link_id, item in by_id.items()}
    assert kinds["visit_date"] == "date"
    assert kinds["patient.age_years"] == "integer"
    assert kinds["patient.weight_kg"] == "decimal"
    assert kinds["plan.target_mg"] == "decimal"
    assert kinds["plan.change_reason"] == "text"
    assert kinds["plan.guideline_options_discussed"] == "boolean"
    assert kinds["follow_ups.side_effects.other_text"] == "string"
    assert kinds["follow_ups.cgi_i"] == "integer"
    assert by_id["follow_ups"].repeats is True
    assert by_id["preferences.priorities"].repeats is True

    surgery = by_id["ldn_screen.planned_surgery"]
    assert surgery.type == "choice"
    assert surgery.required is True
    assert [
        (o.valueCoding.system, o.valueCoding.code, o.valueCoding.display) for o in surgery.answerOption
    ] == [
        (f"{CODE_SYSTEM_PREFIX}yes_no", "yes", "Yes"),
        (f"{CODE_SYSTEM_PREFIX}yes_no", "no", "No"),
    ]
    grades = by_id["follow_ups.side_effects.nausea"].answerOption
    assert [o.valueCoding.code for o in grades] == ["none", "mild", "moderate", "severe"]
    trials = by_id["history.amphetamine"].answerOption
    assert {o.valueCoding.system for o in trials} == {f"{CODE_SYSTEM_PREFIX}trial_outcome"}
    # The answers the rules need before they decide are required; others are not.
    required = {link_id for link_id, item in by_id.items() if item.required}
    assert {"visit_date", "patient.age_years", "patient.weight_kg", "diagnosis.adhd_confirmed"} <= required
    assert "stimulant_screen.glaucoma" not in required
    assert "plan.schedule" not in required


def test_the_canonical_url_is_this_apps_own(content: ContentBundle) -> None:
    text = resource_json(questionnaire(content))
    urls = {value for value in _strings(json.loads(text)) if "://" in value or value.startswith("urn:")}
    assert urls == {QUESTIONNAIRE_URL} | {value for value in urls if value.startswith(CODE_SYSTEM_PREFIX)}


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


# ---- the Bundle, for every example visit --------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES + CASE_FILES, ids=lambda p: p.stem)
def test_bundle_for_each_example(path: Path, content: ContentBundle) -> None:
    visit = load_visit(path)
    decision = decide(visit)
    assessment = decision.assessment
    # The proposal is exported exactly when the plan may be given to the patient.
    protocol = decision.protocol if decision.plan_printable else None
    text = export(visit, content)
    bundle = Bundle.model_validate_json(text)
    assert bundle.type == "collection"
    entries = bundle.entry or []
    resources = [entry.resource for entry in entries]

    # The same visit gives identical JSON; every entry is a stable urn:uuid without a resource id.
    assert export(visit, content) == text
    assert bundle_json(bundle) == text
    assert all(entry.fullUrl.startswith("urn:uuid:") for entry in entries)
    assert len({entry.fullUrl for entry in entries}) == len(entries)
    assert all(resource.id is None for resource in resources)

    # No Patient, and no name anywhere.
    data = json.loads(text)
    assert "Patient" not in {node.get("resourceType") for node in _dicts(data)}
    assert not [r for r in resources if r.get_resource_type() == "Patient"]
    if visit.patient.display_name:
        assert visit.patient.display_name not in text
        assert all(visit.patient.display_name not in value for value in _strings(data))

    # What is in it: the visit's response, a draft request when there is a plan, one response per follow-up.
    kinds = [r.get_resource_type() for r in resources]
    expected_kinds = ["QuestionnaireResponse"]
    expected_kinds += ["MedicationRequest"] if protocol is not None else []
    expected_kinds += ["QuestionnaireResponse"] * len(visit.follow_ups)
    assert kinds == expected_kinds

    form_ids = {item.linkId for item in items(questionnaire(content).item)}
    first = resources[0]
    assert isinstance(first, QuestionnaireResponse)
    assert first.questionnaire == f"{QUESTIONNAIRE_URL}|{content.rules.rules_version}"
    assert first.authored == visit.visit_date
    assert first.status == ("in-progress" if assessment.outcome.value == "incomplete" else "completed")
    check_answers(first, visit, "", form_ids)

    follow_up_responses = resources[len(resources) - len(visit.follow_ups) :] if visit.follow_ups else []
    for response, recorded in zip(follow_up_responses, visit.follow_ups, strict=True):
        assert isinstance(response, QuestionnaireResponse)
        assert response.status == "completed"
        assert response.authored == recorded.date
        assert [item.linkId for item in response.item] == ["follow_ups"]
        check_answers(response, recorded, "follow_ups.", form_ids)

    if protocol is not None:
        request = resources[1]
        assert isinstance(request, MedicationRequest)
        stopped = decision.latest is not None and decision.latest.decision == "stop"
        check_request(request, protocol, entries[0].fullUrl, "stopped" if stopped else "draft")


def _dicts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _dicts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dicts(value)


def check_answers(
    response: QuestionnaireResponse, record: Visit | FollowUp, prefix: str, form: set[str]
) -> None:
    """Every answer equals the visit's value at its linkId; every answered field has an answer."""
    answered: dict[str, list[Any]] = {}
    for item in items(response.item):
        assert item.linkId in form, item.linkId
        if item.answer:
            assert not item.item
            answered[item.linkId] = answer_values(item.answer)
    for link_id, values in answered.items():
        assert link_id.startswith(prefix)
        assert values == expected(value_at(record, link_id.removeprefix(prefix))), link_id
    model = type(record)
    for path in visit_paths(model):
        full = f"{prefix}{path}"
        if full in NOT_EXPORTED or (not prefix and path.startswith("follow_ups.")):
            continue
        try:
            value = value_at(record, path)
        except AttributeError:  # inside an absent optional group (no baseline, no plan)
            continue
        if value is None or value == () or (isinstance(value, str) and not value.strip()):
            assert full not in answered
        else:
            assert full in answered, full


def check_request(request: MedicationRequest, protocol: Any, visit_url: str, status: str = "draft") -> None:
    assert request.status == status
    assert (request.statusReason is not None) == (status == "stopped")
    assert request.intent == "proposal"
    form = "capsule" if protocol.formulation == "capsule" else "oral liquid 1 mg/mL"
    assert request.medicationCodeableConcept.text == f"naltrexone (low-dose, compounded) {form}"
    assert request.medicationCodeableConcept.coding is None  # no invented codes
    assert OFF_LABEL_NOTE in [note.text for note in request.note]
    # The patient is withheld on purpose: only the standard data-absent-reason.
    assert request.subject.reference is None
    assert request.subject.identifier is None
    assert [(e.url, e.valueCode) for e in request.subject.extension] == [
        ("http://hl7.org/fhir/StructureDefinition/data-absent-reason", "masked")
    ]
    assert [ref.reference for ref in request.supportingInformation] == [visit_url]

    dosages = request.dosageInstruction
    assert len(dosages) == len(protocol.steps)
    for index, (dosage, step) in enumerate(zip(dosages, protocol.steps, strict=True)):
        assert dosage.sequence == index + 1
        (dose,) = dosage.doseAndRate
        quantity = dose.doseQuantity
        assert (quantity.value, quantity.unit, quantity.system, quantity.code) == (
            step.dose_mg,
            "mg",
            UCUM,
            "mg",
        )
        repeat = dosage.timing.repeat
        assert (repeat.frequency, repeat.period, repeat.periodUnit) == (1, 1, "d")
        assert repeat.when == ["HS" if protocol.timing == "bedtime" else "MORN"]
        last = index == len(protocol.steps) - 1
        end = protocol.response_review if last else protocol.steps[index + 1].start - dt.timedelta(days=1)
        assert (repeat.boundsPeriod.start, repeat.boundsPeriod.end) == (step.start, end)
        assert f"{mg(step.dose_mg, 'en')} " in dosage.text  # "3 mg", never "3.0 mg" (issue 11)
        assert not re.search(r"\d\.0\b", dosage.text)
        if step.volume_ml is not None:
            assert f"({ml(step.volume_ml, 'en')} of" in dosage.text


# ---- particular cases ---------------------------------------------------------------------------


def test_liquid_plan_in_the_morning(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = make_visit(
        **{"patient.age_years": 8, "patient.weight_kg": 25, "ldn_screen.sleep_problems": "yes"}
    )
    protocol = decide(visit).protocol
    assert protocol is not None
    assert protocol.formulation == "liquid_1mg_per_ml"
    bundle = Bundle.model_validate_json(export(visit, content))
    request = bundle.entry[1].resource
    assert isinstance(request, MedicationRequest)
    check_request(request, protocol, bundle.entry[0].fullUrl)
    assert "in the morning" in request.dosageInstruction[0].text


def test_guideline_first_request_says_so(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = make_visit(**{"history.amphetamine": "not_tried"}, plan={"guideline_options_discussed": True})
    bundle = Bundle.model_validate_json(export(visit, content))
    request = bundle.entry[1].resource
    assert isinstance(request, MedicationRequest)
    assert content.language.protocol.guideline_first_note in [note.text for note in request.note]
    response = bundle.entry[0].resource
    assert isinstance(response, QuestionnaireResponse)
    answered = {item.linkId: item.answer for item in items(response.item) if item.answer}
    assert answered["plan.guideline_options_discussed"][0].valueBoolean is True


def test_exact_decimals(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = make_visit(**{"patient.weight_kg": 70.3}, plan={"target_mg": 3.5})
    text = export(visit, content)
    assert '"valueDecimal": 70.3' in text
    assert '"valueDecimal": 3.5' in text


def test_the_name_changes_nothing_in_the_export(content: ContentBundle, make_visit: MakeVisit) -> None:
    """The display name is not exported, and not even hashed into the entry urns."""
    named = make_visit(**{"patient.display_name": "Robin Quill"})
    anonymous = make_visit()
    assert export(named, content) == export(anonymous, content)
    assert "Robin Quill" not in export(named, content)


def test_different_visits_give_different_urns(content: ContentBundle, make_visit: MakeVisit) -> None:
    one = Bundle.model_validate_json(export(make_visit(), content))
    other = Bundle.model_validate_json(export(make_visit(**{"patient.age_years": 31}), content))
    assert {e.fullUrl for e in one.entry}.isdisjoint({e.fullUrl for e in other.entry})


def test_unanswered_fields_are_left_out(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = make_visit(**{"patient.weight_kg": None, "ldn_screen.planned_surgery": None})
    bundle = Bundle.model_validate_json(export(visit, content))
    response = bundle.entry[0].resource
    assert isinstance(response, QuestionnaireResponse)
    ids = {item.linkId for item in items(response.item)}
    assert "ldn_screen.planned_surgery" not in ids
    assert "patient.weight_kg" not in ids
    assert "ldn_screen.current_opioid_use" in ids
    assert response.status == "in-progress"
    assert len(bundle.entry) == 1  # no plan, so no MedicationRequest


def test_follow_up_responses_carry_nested_groups(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = make_visit(follow_ups=[follow_up(date="2026-01-19", dose_mg=1.5, score=15, cgi_i=3)])
    bundle = Bundle.model_validate_json(export(visit, content))
    last = bundle.entry[-1].resource
    assert isinstance(last, QuestionnaireResponse)
    group: QuestionnaireResponseItem = last.item[0]
    children = {item.linkId: item for item in group.item}
    assert children["follow_ups.score"].answer[0].valueDecimal == Decimal("15.0")
    assert children["follow_ups.cgi_i"].answer[0].valueInteger == 3
    assert children["follow_ups.days_without_ldn"].answer[0].valueInteger == 0
    side = {item.linkId: item.answer[0].valueCoding.code for item in children["follow_ups.side_effects"].item}
    assert side["follow_ups.side_effects.nausea"] == "none"
    safety = {item.linkId: item.answer[0].valueCoding.code for item in children["follow_ups.safety"].item}
    assert safety["follow_ups.safety.liver_injury_signs"] == "no"
    assert "follow_ups.clinician_decision" not in children  # not chosen, so not exported


# ---- issue 9: the proposal obeys the gate --------------------------------------------------------


def _requests(bundle: Bundle) -> list[MedicationRequest]:
    return [e.resource for e in bundle.entry if isinstance(e.resource, MedicationRequest)]


def test_a_stop_follow_up_leaves_no_active_proposal(content: ContentBundle, make_visit: MakeVisit) -> None:
    """After a review that stops LDN the bundle carries the proposal as stopped, never as a draft."""
    taken = follow_up(
        date="2026-01-19",
        dose_mg=1.5,
        safety={**follow_up()["safety"], "opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-18"},
    )
    visit = make_visit(follow_ups=[taken])
    decision = decide(visit)
    assert decision.latest is not None
    assert decision.latest.decision == "stop"
    bundle = Bundle.model_validate_json(export(visit, content))
    (request,) = _requests(bundle)
    assert request.status == "stopped"
    assert request.intent == "proposal"
    assert request.statusReason is not None
    assert "2026-01-19" in request.statusReason.text
    assert "followup_stop_opioids" in request.statusReason.text
    assert not [r for r in _requests(bundle) if r.status in ("draft", "active")]


def test_a_plan_after_a_continuing_review_stays_a_draft(
    content: ContentBundle, make_visit: MakeVisit
) -> None:
    visit = make_visit(follow_ups=[follow_up(date="2026-01-19", dose_mg=1.5)])
    (request,) = _requests(Bundle.model_validate_json(export(visit, content)))
    assert request.status == "draft"
    assert request.statusReason is None


def test_a_refused_plan_is_not_exported(content: ContentBundle) -> None:
    """D18: guideline_first without the acknowledgement; the handout refuses the plan, so does FHIR."""
    visit = load_visit(CASES / "D18_guideline_first.json")
    decision = decide(visit)
    assert decision.protocol is not None
    assert not decision.plan_printable
    bundle = Bundle.model_validate_json(export(visit, content))
    assert _requests(bundle) == []
    assert [e.resource.get_resource_type() for e in bundle.entry] == ["QuestionnaireResponse"]


@pytest.mark.parametrize("name", ["D02_incomplete_with_followups", "D02_incomplete_child_10kg_taking_3mg"])
def test_a_follow_up_without_a_plan_exports_no_proposal(name: str, content: ContentBundle) -> None:
    visit = load_visit(CASES / f"{name}.json")
    bundle = Bundle.model_validate_json(export(visit, content))
    assert _requests(bundle) == []


# ---- generated visits ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit=visits())
def test_any_visit_exports_and_parses_back(visit: Visit) -> None:
    content = load_content("en")
    decision = decide(visit)
    protocol = decision.protocol if decision.plan_printable else None
    text = export(visit, content)
    assert export(visit, content) == text
    assert "Robin Quill" not in text
    bundle = Bundle.model_validate_json(text)
    resources = [entry.resource for entry in bundle.entry]
    form_ids = {item.linkId for item in items(questionnaire(content).item)}
    first = resources[0]
    assert isinstance(first, QuestionnaireResponse)
    check_answers(first, visit, "", form_ids)
    later = resources[len(resources) - len(visit.follow_ups) :] if visit.follow_ups else []
    for response, recorded in zip(later, visit.follow_ups, strict=True):
        assert isinstance(response, QuestionnaireResponse)
        check_answers(response, recorded, "follow_ups.", form_ids)
    # The proposal only when the plan may be given, and never active after a stop.
    if protocol is None:
        assert len(resources) == 1 + len(visit.follow_ups)
        assert not [r for r in resources if isinstance(r, MedicationRequest)]
    else:
        request = resources[1]
        assert isinstance(request, MedicationRequest)
        stopped = decision.latest is not None and decision.latest.decision == "stop"
        check_request(request, protocol, bundle.entry[0].fullUrl, "stopped" if stopped else "draft")


@pytest.mark.parametrize("name", ["above_cap", "above_cap_150"])
def test_a_dose_taken_above_the_cap_is_recorded_but_never_prescribed(
    name: str, content: ContentBundle
) -> None:
    """Issue 9 round 2 (M8): a follow-up may record up to 150 mg taken (to flag the error); the
    proposal never carries a dose above the cap."""
    visit = load_visit(PHARM / f"{name}.json")
    taken = visit.follow_ups[-1].dose_mg
    bundle = Bundle.model_validate_json(export(visit, content))
    (request,) = _requests(bundle)
    doses = [rate.doseQuantity.value for dosage in request.dosageInstruction for rate in dosage.doseAndRate]
    assert doses
    assert max(doses) <= Decimal("4.5")
    assert str(taken) not in " ".join(dosage.text for dosage in request.dosageInstruction)
    responses = [
        e.resource for e in bundle.entry if e.resource.get_resource_type() == "QuestionnaireResponse"
    ]
    answers = {
        item.linkId: item.answer[0]
        for response in responses[1:]
        for group in response.item
        for item in group.item
        if item.answer
    }
    assert answers["follow_ups.dose_mg"].valueDecimal == taken


def test_the_visit_is_serialised_once_however_many_follow_ups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Red team D10: each entry's id serialised and hashed the whole visit, so the export grew with
    the square of the follow-ups (1,000 took 7 s, 10,000 over 300 s). The ids now come from one
    digest of the visit: one serialisation, whether the visit has 3 follow-ups or 60."""
    base = load_visit(resource_path("examples/followup_advance.json"))
    last = base.follow_ups[-1]
    calls: list[int] = []
    real = Visit.model_dump_json

    def counted(self: Visit, *args: Any, **kwargs: Any) -> str:
        calls.append(1)
        return real(self, *args, **kwargs)

    for count in (3, 60):
        extra = [
            last.model_copy(update={"date": last.date + dt.timedelta(days=14 * (k + 1))})
            for k in range(count - len(base.follow_ups))
        ]
        visit = base.model_copy(update={"follow_ups": (*base.follow_ups, *extra)})
        decision = decide(visit)
        calls.clear()
        monkeypatch.setattr(Visit, "model_dump_json", counted)
        bundle = visit_bundle(visit, decision, load_content("en"))
        monkeypatch.undo()
        assert len(calls) == 1, count
        urls = [entry.fullUrl for entry in bundle.entry or []]
        assert len(urls) == len(set(urls)) == count + 2  # the visit, the proposal, each review
