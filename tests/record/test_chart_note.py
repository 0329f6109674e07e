"""The chart note (issue 5, "The chart note"; issue 9): everything that mattered, traceable, pasteable,
stable, and saying plainly whether the plan may be given to the patient."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from record_helpers import CASE_FILES, CASES, EXAMPLES, NO_SIDE_EFFECTS, PHARM, PROJECT, follow_up, unwrapped
from record_strategies import visits

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.words import blocker_text, clinician_text
from ldn_aid.domain.protocol import Step
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.compose import compose_followup_for_visit, compose_for_visit
from ldn_aid.handout.dose_text import mg, ml
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.record.chart_note import NOTE_WIDTH, HandoutRecord, chart_note
from ldn_aid.record.handout_hash import followup_sheet_record, handout_record
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

MakeVisit = Callable[..., Visit]
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.fixture(scope="module", name="content")
def content_fixture() -> ContentBundle:
    return load_content("en")


def note_for(visit: Visit, content: ContentBundle, handout: HandoutRecord | None = None) -> str:
    return chart_note(visit, decide(visit), content, handout)


def pdf_sha256(visit: Visit, language: str | None = None, **options: Any) -> str:
    """The hash computed independently of the record package: compose, render, hash."""
    data = render_pdf_bytes(compose_for_visit(visit, language), RenderOptions(**options))
    return hashlib.sha256(data).hexdigest()


def section(note: str, heading: str) -> str:
    """The lines of one section: from its heading to the next blank line."""
    start = note.index(f"\n{heading}") + 1
    end = note.find("\n\n", start)
    return note[start : end if end != -1 else len(note)]


# ---- every example visit -----------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES + CASE_FILES, ids=lambda p: p.stem)
def test_note_for_each_example(path: Path, content: ContentBundle) -> None:
    visit = load_visit(path)
    decision = decide(visit)
    assessment, protocol = decision.assessment, decision.protocol
    record = handout_record(visit, decision=decision) if decision.handout_gate.allowed else None
    note = chart_note(visit, decision, content, record)
    flat = unwrapped(note)

    # Versions and date first.
    first = note.splitlines()[0]
    assert content.rules.rules_version in first
    assert content.rules.content_version in first
    assert content.rules.evidence_reviewed.isoformat() in first
    assert f"Visit date: {visit.visit_date.isoformat()}" in note

    # The outcome, and every finding with its rule id, words and every one of its sources.
    assert f"OUTCOME: {assessment.outcome.value} - {content.language.outcomes[assessment.outcome.value]}" in (
        flat
    )
    for finding in assessment.findings:
        assert f"[{finding.severity.upper()}] {finding.rule_id}: " in note
        text = clinician_text(content, finding.rule_id, finding.params, finding.inputs)
        assert " ".join(text.split()) in flat
        assert f"Sources: {', '.join(finding.references)}." in flat
    if note.count("\nREFERENCES"):
        references = section(note, "REFERENCES")
        for finding in assessment.findings:
            for ref in finding.references:
                assert f"- {ref}: " in references
    for path_missing in assessment.missing:
        assert path_missing in flat

    # The plan: the same dates and doses as the protocol, or why there is none; and the gate, plainly.
    if protocol is None:
        assert "PLAN: none - " in note
        assert "may be given to the patient" not in note
    else:
        for number, step in enumerate(protocol.steps, start=1):
            # Doses the safe-medication way (issue 11): "1.5 mg (1.5 mL)", never "3.0 mg".
            volume = "" if step.volume_ml is None else f" ({ml(step.volume_ml, 'en')})"
            assert f"step {number}: from {step.start.isoformat()}  {mg(step.dose_mg, 'en')}{volume}" in note
        assert f"Tolerability review: {protocol.tolerability_review.isoformat()}" in note
        assert f"Response review: {protocol.response_review.isoformat()}" in note
        assert content.language.protocol.evidence_note in flat
        assert f"Target: {mg(protocol.target_mg, 'en')}/day" in note
        assert f"Ceiling: {mg(protocol.ceiling_mg, 'en')}/day" in note
    assert ("PLAN (suggested starting protocol; off-label): may be given to the patient." in note) == (
        decision.plan_printable
    )
    refused = not decision.handout_gate.allowed
    assert ("NOT to be given to the patient" in note) == refused
    for blocker in decision.handout_gate.blockers:
        assert " ".join(blocker_text(content, blocker, decision.handout_gate.params).split()) in flat

    # Each follow-up's decision, from the one linear pass.
    assert len(decision.follow_ups) == len(visit.follow_ups)
    for follow_up_, decided in zip(visit.follow_ups, decision.follow_ups, strict=True):
        assert f"- {follow_up_.date.isoformat()}: dose taken {mg(follow_up_.dose_mg, 'en')}" in note
        assert f"Decision: {decided.decision} (computed: {decided.computed})" in note
        for reason in decided.reasons:
            assert f"] {reason.rule_id}: " in note
    if not visit.follow_ups:
        assert "FOLLOW-UP REVIEWS" not in note

    # What the patient was given: the hash of exactly the PDF the handout command renders, and only
    # when the gate lets the handout be given.
    given = section(note, "GIVEN TO THE PATIENT")
    if refused:
        assert "Handout: NOT given" in given
        assert "PDF SHA-256" not in given
    else:
        assert record is not None
        assert f"PDF SHA-256: {pdf_sha256(visit)}" in note
        assert record.sha256 == pdf_sha256(visit)

    # Pasteable and private: no line over 100 columns, no name; and the same note every time.
    assert all(len(line) <= NOTE_WIDTH for line in note.splitlines())
    if visit.patient.display_name:
        assert visit.patient.display_name not in note
    assert note == chart_note(visit, decide(visit), content, record)


def test_the_follow_up_decisions_are_one_linear_pass(content: ContentBundle) -> None:
    from ldn_aid.rules import review

    visit = load_visit(PROJECT / "ldn_aid" / "resources" / "examples" / "followup_stop.json")
    decisions = decide(visit).follow_ups
    assert [d.review_date for d in decisions] == [f.date for f in visit.follow_ups]
    assert decisions[-1] == review(visit)
    assert decisions[-1].decision == "stop"


def test_a_handout_record_for_a_refused_handout_is_an_error(content: ContentBundle) -> None:
    visit = load_visit(CASES / "D18_guideline_first.json")
    decision = decide(visit)
    assert not decision.handout_gate.allowed
    fake = HandoutRecord(
        language="en", large_print=False, paper="letter", content_version="x", sha256="0" * 64
    )
    with pytest.raises(ValueError, match="the gate refuses"):
        chart_note(visit, decision, content, fake)


# ---- the handout hash ---------------------------------------------------------------------------


def test_sha256_changes_with_language_print_and_paper() -> None:
    visit = load_visit(PROJECT / "ldn_aid" / "resources" / "examples" / "ldn_option.json")
    english = handout_record(visit)
    spanish = handout_record(visit, "es")
    large = handout_record(visit, large_print=True)
    a4 = handout_record(visit, paper="a4")
    assert english.language == "en"
    assert spanish.language == "es"
    assert len({english.sha256, spanish.sha256, large.sha256, a4.sha256}) == 4
    assert spanish.sha256 == pdf_sha256(visit, "es")
    assert large.sha256 == pdf_sha256(visit, large_print=True)
    assert a4.sha256 == pdf_sha256(visit, paper="a4")


def test_follow_up_sheet_record(content: ContentBundle) -> None:
    visit = load_visit(PROJECT / "ldn_aid" / "resources" / "examples" / "followup_stop.json")
    sheet = followup_sheet_record(visit, large_print=True)
    assert sheet is not None
    composed = compose_followup_for_visit(visit)
    assert composed is not None
    data = render_pdf_bytes(composed, RenderOptions(large_print=True))
    assert sheet.sha256 == hashlib.sha256(data).hexdigest()
    assert sheet.sha256 != handout_record(visit, large_print=True).sha256

    note = chart_note(visit, decide(visit), content, handout_record(visit), followup_sheet=sheet)
    given = section(note, "GIVEN TO THE PATIENT")
    assert "- Follow-up sheet (2027-02-23): English; large print: yes;" in given
    assert f"PDF SHA-256: {sheet.sha256}" in given
    assert f"PDF SHA-256: {pdf_sha256(visit)}" in given

    example = PROJECT / "ldn_aid" / "resources" / "examples" / "ldn_option.json"
    assert followup_sheet_record(load_visit(example)) is None


def test_sha256_follows_the_visit_language_by_default(make_visit: MakeVisit) -> None:
    visit = make_visit(**{"patient.handout_language": "es"})
    record = handout_record(visit)
    assert visit.patient.handout_language == "es"
    assert record.language == "es"
    assert record.sha256 == pdf_sha256(visit, "es")


def test_clinic_details_change_the_hash() -> None:
    visit = load_visit(PROJECT / "ldn_aid" / "resources" / "examples" / "ldn_option.json")
    clinic = ClinicSettings(clinic_name="Harbour Clinic", phone="555 0100")
    assert handout_record(visit, clinic=clinic).sha256 != handout_record(visit).sha256


def test_the_note_records_the_handout_options(content: ContentBundle) -> None:
    visit = load_visit(PROJECT / "ldn_aid" / "resources" / "examples" / "ldn_option.json")
    note = note_for(visit, content, handout_record(visit, "es", large_print=True, paper="a4"))
    given = unwrapped(section(note, "GIVEN TO THE PATIENT"))
    version = load_content("es").rules.content_version
    assert f"Handout: Español; large print: yes; paper: a4; content version: {version}." in given
    assert note_for(visit, content, None).count("GIVEN TO THE PATIENT: no handout recorded.") == 1


def test_handout_record_rejects_a_malformed_hash() -> None:
    with pytest.raises(ValueError, match="sha256"):
        HandoutRecord(language="en", large_print=False, paper="letter", content_version="x", sha256="abc")


# ---- inputs --------------------------------------------------------------------------------------


def test_inputs_that_mattered(content: ContentBundle) -> None:
    visit = load_visit(CASES / "D18_guideline_first.json")
    inputs = unwrapped(section(note_for(visit, content), "INPUTS"))
    assert "Age: 12 years; weight: 38 kg; sex at birth: Male." in inputs
    assert "ADHD diagnosis confirmed: Yes; presentation: Predominantly inattentive." in inputs
    assert "Baseline rating: NICHQ Vanderbilt (parent) score 36, rated 2026-11-20." in inputs
    assert (
        "methylphenidate: Stopped for side effects; amphetamine: Not tried; atomoxetine: Not tried;"
        " alpha-2 agonist: Not tried; viloxazine: Not tried." in inputs
    )
    assert "Behavioral support: Tried before." in inputs
    # Every LDN-screen answer that is not "no" (pregnancy "not applicable" included), and no "no".
    assert "Trouble sleeping? Yes" in inputs
    assert "Pregnant, trying to conceive, or breastfeeding? Does not apply" in inputs
    assert "Surgery or a procedure planned?" not in inputs
    # Every stimulant-screen "yes".
    assert "Tics or Tourette syndrome? Yes" in inputs
    assert "Glaucoma?" not in inputs
    assert "Priorities: Does not lower appetite; Not a controlled medicine." in inputs
    assert "Declines stimulants: No. Declines non-stimulants: No." in inputs
    # The questions asked only where they apply are left out when they do not.
    assert "urine" not in inputs.lower()


def test_adequate_trials_and_a_format_1_non_stimulant(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = make_visit(
        **{
            "history.atomoxetine": "no_benefit",
            "history.atomoxetine_adequate_trial": "no",
            "history.non_stimulant_unspecified": "side_effects",
        }
    )
    inputs = unwrapped(section(note_for(visit, content), "INPUTS"))
    assert "atomoxetine: Did not help (adequate trial: No)" in inputs
    assert "non-stimulant, which one not recorded: Stopped for side effects" in inputs


def test_unanswered_screen_items_are_said_to_be_unanswered(
    content: ContentBundle, make_visit: MakeVisit
) -> None:
    visit = make_visit(
        **{
            "patient.weight_kg": None,
            "patient.sex_at_birth": "female",
            "ldn_screen.planned_surgery": None,
            "ldn_screen.chronic_liver_disease": None,
            "ldn_screen.pregnancy": None,
        }
    )
    note = note_for(visit, content)
    inputs = unwrapped(section(note, "INPUTS"))
    assert "weight: Not answered" in inputs
    assert "Surgery or a procedure planned? Not answered" in inputs
    assert "Chronic liver disease or abnormal liver tests? Not answered" in inputs
    assert "Pregnant, trying to conceive, or breastfeeding? Not answered" in inputs
    missing = decide(visit).assessment.missing
    assert {"patient.weight_kg", "ldn_screen.planned_surgery", "ldn_screen.pregnancy"} <= set(missing)
    assert f"Missing answers ({len(missing)}): {', '.join(missing)}." in unwrapped(note)
    assert "PLAN: none - required answers are missing" in note


def test_every_screen_answer_no(content: ContentBundle, make_visit: MakeVisit) -> None:
    note = note_for(make_visit(**{"ldn_screen.pregnancy": "no"}), content)
    assert 'LDN screen: every answer "no".' in note
    assert 'Stimulant screen: no "yes" answers.' in note


def test_stop_gives_no_plan_and_says_why(content: ContentBundle) -> None:
    visit = load_visit(PROJECT / "ldn_aid" / "resources" / "examples" / "stop.json")
    note = note_for(visit, content)
    assert "PLAN: none - a stop finding holds (opioid_agonist_treatment)" in note
    assert "Step 1" not in note


# ---- the plan, the clinician's changes, the acknowledgement ---------------------------------------


def test_liquid_plan_gives_volumes_and_storage(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = make_visit(**{"patient.age_years": 8, "patient.weight_kg": 25})
    protocol = decide(visit).protocol
    assert protocol is not None
    assert protocol.formulation == "liquid_1mg_per_ml"
    note = note_for(visit, content)
    flat = unwrapped(note)
    for step in protocol.steps:
        assert step.volume_ml is not None
        assert f"{mg(step.dose_mg, 'en')} ({ml(step.volume_ml, 'en')})" in note
    assert "Formulation: Oral liquid, 1 mg/mL." in flat
    assert content.language.protocol.liquid_storage in flat
    assert "Target: 2.5\xa0mg/day (weight-based)." in flat


def test_morning_timing_says_why(content: ContentBundle, make_visit: MakeVisit) -> None:
    note = note_for(make_visit(**{"ldn_screen.sleep_problems": "yes"}), content)
    assert "Timing: Morning (morning because of sleep problems)." in unwrapped(note)


def test_clinician_changes_and_reason(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = make_visit(
        plan={
            "start_date": "2026-01-12",
            "schedule": "gentle",
            "timing": "morning",
            "step_weeks": 3,
            "target_mg": 3.0,
            "change_reason": "Prefers a slow start\nbefore exams; morning suits shifts.",
        }
    )
    changes = unwrapped(section(note_for(visit, content), "CLINICIAN'S CHANGES"))
    assert "Start date 2026-01-12 (default: the visit date)." in changes
    assert "Schedule gentle (default standard)." in changes
    assert "Timing morning (default auto)." in changes
    assert "Step length 3 weeks (default 2)." in changes
    assert "Target 3\xa0mg (default: the computed target; applied)." in changes
    # A typed newline is folded, so it can never start a new line of the note.
    assert "Reason: Prefers a slow start before exams; morning suits shifts." in changes


def test_a_target_that_is_not_lower_is_reported_as_not_applied(
    content: ContentBundle, make_visit: MakeVisit
) -> None:
    note = note_for(make_visit(plan={"target_mg": 4.5}), content)
    assert "Target 4.5\xa0mg (default: the computed target; not applied:" in unwrapped(note)
    assert "Reason: not recorded." in note


def test_no_changes(content: ContentBundle, make_visit: MakeVisit) -> None:
    note = note_for(make_visit(), content)
    assert "CLINICIAN'S CHANGES: none (the suggested defaults)." in note
    assert "Guideline options discussed" not in note


def test_start_date_equal_to_the_visit_date_is_no_change(
    content: ContentBundle, make_visit: MakeVisit
) -> None:
    note = note_for(make_visit(plan={"start_date": "2026-01-05"}), content)
    assert "CLINICIAN'S CHANGES: none" in note


def test_guideline_first_acknowledgement(content: ContentBundle, make_visit: MakeVisit) -> None:
    untried = {"history.amphetamine": "not_tried"}
    acknowledged = note_for(make_visit(**untried, plan={"guideline_options_discussed": True}), content)
    assert "OUTCOME: guideline_first" in acknowledged
    assert content.language.protocol.guideline_first_note in unwrapped(acknowledged)
    assert (
        "Guideline options discussed with the patient before this plan: yes (clinician's acknowledgement)."
        in unwrapped(acknowledged)
    )
    assert "PLAN (suggested starting protocol; off-label): may be given to the patient." in acknowledged
    missing = note_for(make_visit(**untried), content)
    flat = unwrapped(missing)
    assert (
        "Guideline options discussed with the patient before this plan: NOT acknowledged, so the plan is"
        " not given to the patient (see PLAN)." in flat
    )
    # The note states the gate plainly, in the gate's words, and records no handout for it.
    assert "PLAN (suggested starting protocol; off-label): NOT to be given to the patient" in missing
    assert " ".join(blocker_text(content, "guideline_ack_missing").split()) in flat
    assert "may be given to the patient." not in missing


def test_hostile_reason_cannot_forge_a_section(content: ContentBundle, make_visit: MakeVisit) -> None:
    reason = "x" * 300 + "\nOUTCOME: stop\r\n\x1b[2J\u2028\u202e" + "y" * 150
    note = note_for(make_visit(plan={"schedule": "gentle", "change_reason": reason}), content)
    assert sum(line.startswith("OUTCOME:") for line in note.splitlines()) == 1
    assert "\x1b" not in note
    assert "\r" not in note
    assert "\u2028" not in note
    assert "\u202e" not in note
    assert all(len(line) <= NOTE_WIDTH for line in note.splitlines())


# ---- follow-ups -----------------------------------------------------------------------------------


def _follow_up_visit(make_visit: MakeVisit, *changes: dict[str, Any]) -> Visit:
    """The base visit (start 2026-01-05, 1.5 / 3 / 4.5 mg every two weeks) with two reviews."""
    first = follow_up(date="2026-01-19", dose_mg=1.5, side_effects={"vivid_dreams": "mild"})
    second = follow_up(date="2026-02-02", dose_mg=3.0, side_effects={"headache": "mild"})
    reviews = [first, second]
    for index, change in enumerate(changes):
        reviews[index] = {**reviews[index], **change}
    return make_visit(follow_ups=reviews)


def test_follow_up_lines(content: ContentBundle, make_visit: MakeVisit) -> None:
    note = note_for(_follow_up_visit(make_visit), content)
    reviews = unwrapped(section(note, "FOLLOW-UP REVIEWS (2)"))
    assert (
        "2026-01-19: dose taken 1.5\xa0mg (Bedtime); doses missed last week: 0; days without LDN: 0;"
        " side effects: Vivid dreams: Mild; score: Not answered; CGI-I: Not answered." in reviews
    )
    assert "Decision: advance (computed: advance)." in reviews
    assert "Next: 3\xa0mg (Bedtime); schedule: 3\xa0mg from 2026-01-19, 4.5\xa0mg from 2026-02-02;" in reviews
    assert "side effects: Headache: Mild" in reviews
    assert "] followup_advance: " in reviews
    assert "Safety items not asked" not in reviews


def test_follow_up_override_and_reason(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = _follow_up_visit(
        make_visit,
        {"clinician_decision": "hold", "override_reason": "Exam week; keep the dose steady."},
        {"dose_mg": 1.5},
    )
    reviews = unwrapped(section(note_for(visit, content), "FOLLOW-UP REVIEWS (2)"))
    assert (
        "Decision: hold (computed: advance); clinician chose hold (applied), reason: Exam week; keep the dose"
        " steady." in reviews
    )
    assert "Next: 1.5\xa0mg (Bedtime)" in reviews


def test_follow_up_safety_and_side_effect_text(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = _follow_up_visit(
        make_visit,
        {},
        {
            "side_effects": {**NO_SIDE_EFFECTS, "other": "moderate", "other_text": "dry mouth"},
            "tolerable": "yes",
            "score": 12,
            "cgi_i": 2,
            "safety": {
                **follow_up()["safety"],
                "opioid_needed_or_taken": "yes",
                "last_opioid_dose": "2026-02-01",
            },
        },
    )
    reviews = unwrapped(section(note_for(visit, content), "FOLLOW-UP REVIEWS (2)"))
    assert "side effects: Other side effect (dry mouth): Moderate; tolerable: Yes;" in reviews
    assert "score: 12 (baseline 36); CGI-I: 2." in reviews
    assert "Safety: Any opioid needed or taken since the last visit? Yes" in reviews
    assert "2026-02-01" in reviews
    assert "Decision: stop (computed: stop)." in reviews
    assert "Next: stop LDN." in reviews
    assert "] followup_stop_opioids: " in reviews


def test_unasked_safety_items_are_counted(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = _follow_up_visit(make_visit, {"safety": {"opioid_needed_or_taken": "no"}})
    reviews = unwrapped(section(note_for(visit, content), "FOLLOW-UP REVIEWS (2)"))
    assert "Safety items not asked: 10 of 11." in reviews
    assert "] followup_safety_unanswered: " in reviews


def test_d02_a_follow_up_without_a_plan_says_so_and_gives_no_dose(content: ContentBundle) -> None:
    visit = load_visit(CASES / "D02_incomplete_child_10kg_taking_3mg.json")
    decision = decide(visit)
    note = chart_note(visit, decision, content, None)
    reviews = unwrapped(section(note, "FOLLOW-UP REVIEWS (1)"))
    assert "Decision: no_plan (computed: no_plan)." in reviews
    assert "Next: no dosing advice - this visit has no plan that may be given (see the reasons)." in reviews
    assert "] followup_no_protocol: " in reviews
    assert "Next: 3\xa0mg" not in reviews
    given = unwrapped(section(note, "GIVEN TO THE PATIENT"))
    sheet_words = " ".join(blocker_text(content, "followup_no_plan").split())
    assert f"Follow-up sheet (2026-12-14): NOT given - {sheet_words}" in given


def test_d14_a_dose_above_the_ceiling_is_named(content: ContentBundle) -> None:
    visit = load_visit(CASES / "D14_child_taking_over_target.json")
    reviews = unwrapped(section(note_for(visit, content), "FOLLOW-UP REVIEWS (1)"))
    assert "Dose taken 4.5\xa0mg is above this patient's ceiling of 2\xa0mg: an error to correct." in reviews
    assert "Decision: step_down" in reviews
    assert "Next: 2\xa0mg" in reviews
    assert "] followup_dose_above_ceiling: " in reviews


def test_reviews_must_match_the_follow_ups(content: ContentBundle, make_visit: MakeVisit) -> None:
    visit = _follow_up_visit(make_visit)
    decision = decide(visit)
    short = decision.model_copy(update={"follow_ups": decision.follow_ups[:1]})
    with pytest.raises(ValueError, match="1 decisions given for 2 follow-ups"):
        chart_note(visit, short, content, None)


# ---- purity ---------------------------------------------------------------------------------------


def test_record_modules_import_neither_qt_nor_reportlab() -> None:
    code = (
        "import sys\n"
        "import ldn_aid.record.chart_note, ldn_aid.record.fhir, ldn_aid.record.handout_hash\n"
        "import ldn_aid.cli_record\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'reportlab'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


# ---- generated visits ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit=visits())
def test_any_visit_gives_a_stable_pasteable_note(visit: Visit) -> None:
    content = load_content("en")
    note = note_for(visit, content)
    lines = note.splitlines()
    assert all(len(line) <= NOTE_WIDTH for line in lines)
    # Typed text cannot add a line (nor a control or bidi-override character) to the note.
    assert note.split("\n")[:-1] == lines
    assert not [ch for ch in note if ch != "\n" and unicodedata.category(ch) in ("Cc", "Zl", "Zp")]
    assert not BIDI_CONTROLS & set(note)
    assert sum(line.startswith("OUTCOME:") for line in lines) == 1
    assert "Robin Quill" not in note
    assert note == note_for(visit, content)
    decision = decide(visit)
    for finding in decision.assessment.findings:
        assert f"] {finding.rule_id}: " in note
    assert note.count("\n- 20") >= len(visit.follow_ups)
    # The note states the gate: "may be given" exactly when the plan may be, and never a given handout
    # beside a refused plan.
    assert ("off-label): may be given to the patient." in note) == decision.plan_printable
    assert ("NOT to be given to the patient" in note) == (not decision.handout_gate.allowed)


# ---- issue 9 round 2 ------------------------------------------------------------------------------


def test_unasked_side_effects_are_listed_as_not_asked(content: ContentBundle, make_visit: MakeVisit) -> None:
    side_effects = {**NO_SIDE_EFFECTS, "nausea": "mild", "headache": None, "other": None}
    visit = _follow_up_visit(make_visit, {"side_effects": side_effects})
    reviews = unwrapped(section(note_for(visit, content), "FOLLOW-UP REVIEWS (2)"))
    assert "side effects: Nausea: Mild; not asked: Headache, Other side effect;" in reviews


def test_the_urine_screen_is_counted_only_where_it_is_asked(
    content: ContentBundle, make_visit: MakeVisit
) -> None:
    """The urine opioid screen is asked only before a restart after an opioid stop: it is not one of the
    items "not asked" at an ordinary review."""
    visit = _follow_up_visit(make_visit, {"safety": {"opioid_needed_or_taken": "no"}})
    decided = decide(visit).follow_ups[0]
    unanswered = next(r for r in decided.reasons if r.rule_id == "followup_safety_unanswered")
    assert "follow_ups.safety.urine_opioid_screen" not in unanswered.inputs
    reviews = unwrapped(section(note_for(visit, content), "FOLLOW-UP REVIEWS (2)"))
    # 11 items asked at a review after no opioid (not the last dose's date, not the urine screen).
    assert "Safety items not asked: 10 of 11." in reviews


def test_the_note_keeps_every_reason_and_names_those_on_the_patients_sheet(content: ContentBundle) -> None:
    """severe_other_hold: the clinician's hold after a severe reaction; the sheet says only that the
    clinician chose this plan, the note keeps the stop's reason."""
    visit = load_visit(PHARM / "severe_other_hold.json")
    reviews = unwrapped(section(note_for(visit, content), "FOLLOW-UP REVIEWS (2)"))
    assert (
        "Decision: hold (computed: stop); clinician chose hold (applied), reason: viral rash, seen by GP."
        in reviews
    )
    assert "] followup_stop_severe_other: " in reviews
    assert "] followup_clinician_choice: " in reviews
    assert "Reasons on the patient's sheet: followup_clinician_choice." in reviews
    stop = load_visit(PHARM / "stop_then_blank.json")
    reviews = unwrapped(section(note_for(stop, content), "FOLLOW-UP REVIEWS (2)"))
    assert "] followup_safety_unanswered: " in reviews
    assert "Reasons on the patient's sheet: followup_stop_opioids, followup_opioid_free_wait." in reviews


@pytest.mark.parametrize(("name", "taken"), [("above_cap", "6"), ("above_cap_150", "150")])
def test_a_dose_taken_above_the_cap_is_named_and_never_given(
    name: str, taken: str, content: ContentBundle
) -> None:
    visit = load_visit(PHARM / f"{name}.json")
    reviews = unwrapped(section(note_for(visit, content), "FOLLOW-UP REVIEWS (1)"))
    assert f"dose taken {taken}\xa0mg" in reviews
    assert (
        f"Dose taken {taken}\xa0mg is above this patient's ceiling of 4.5\xa0mg: an error to correct."
        in reviews
    )
    assert "Next: 4.5\xa0mg (Bedtime); schedule: 4.5\xa0mg from 2026-12-14;" in reviews
    assert "] followup_dose_above_ceiling: The dose taken (" + taken + " mg)" in reviews


def test_a_next_dose_above_the_cap_is_never_recorded_as_advice(content: ContentBundle) -> None:
    """Should a review ever give a dose above the cap (a fault), the note does not record it as advice."""
    visit = load_visit(PHARM / "above_cap.json")
    decided = decide(visit)
    latest = decided.latest
    assert latest is not None
    broken = latest.model_copy(
        update={
            "next_dose_mg": Decimal("6.0"),
            "revised_steps": (Step(start=dt.date(2026, 12, 14), dose_mg=Decimal("6.0"), volume_ml=None),),
        }
    )
    note = chart_note(visit, decided.model_copy(update={"follow_ups": (broken,)}), content, None)
    reviews = unwrapped(section(note, "FOLLOW-UP REVIEWS (1)"))
    assert "Next: NOT recorded - the review gave 6\xa0mg, above the highest dose of 4.5\xa0mg" in reviews
    assert "6\xa0mg from" not in reviews
