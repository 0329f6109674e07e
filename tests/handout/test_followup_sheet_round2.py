"""Issue 9, round 2: what the follow-up sheet says after the clinical pharmacist's and the patient
readers' reviews.

- the sheet prints only the patient's reasons (`stop`: only stop reasons; an accepted clinician
  choice: `followup_clinician_choice` and the non-stop reasons; otherwise the non-stop reasons);
- its calendar ends on the next review day with the dose in force (no dose change on or after it);
- `{until}` and `{since}` print in the sheet's own date format, never ISO;
- the adherence point prints once;
- no dose above the cap or the patient's ceiling is ever printed.

The reasons come from `FollowUpDecision.patient_reasons` (the core's); the chart note and `ldn-aid
review` keep every reason. The pharmacist's reproducers are in `cases/` (adapted: see cases/README.md).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.schema import FindingText
from ldn_aid.content.words import clinician_text, patient_text
from ldn_aid.domain.followup import DecisionReason, FollowUpDecision
from ldn_aid.domain.protocol import Step
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.calendar import written_date
from ldn_aid.handout.compose import (
    FollowUpSheetError,
    compose_followup_for_visit,
    compose_followup_sheet,
)
from ldn_aid.handout.dose_text import step_amount
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.rules import decide
from ldn_aid.visit_file import load_visit

CASES = Path(__file__).resolve().parent / "cases"
# Every case with a follow-up review (the folder also holds first-visit cases for the pack).
PHARMACIST_CASES = sorted(path for path in CASES.glob("*.json") if load_visit(path).follow_ups)
NBSP = "\u00a0"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module", name="en")
def en_content() -> ContentBundle:
    return load_content("en")


def _case(name: str) -> Visit:
    return load_visit(CASES / f"{name}.json")


def _blocks(sheet: model.Handout, kind: type) -> list[Any]:
    return [b for b in sheet.blocks if isinstance(b, kind)]


def _bullets(sheet: model.Handout) -> list[str]:
    """The reasons: the bullets of the decision box (issue 11: "why" sits under what to do), and any
    list that is not the stop sheet's numbered steps."""
    box = _blocks(sheet, model.Box)[0]
    return [
        *box.bullets,
        *(item for b in _blocks(sheet, model.Bullets) if not b.numbered for item in b.items),
    ]


def _capsule(dose: str, language: str = "en") -> str:
    return load_content(language).language.sheets.dose.capsule.format(strength=f"{dose}{NBSP}mg")


def _patient_words(content: ContentBundle, reason: DecisionReason) -> str | None:
    """The start of a reason's patient words (before any date or number), to find it on a sheet."""
    text = patient_text(content, reason.rule_id, reason.params, reason.inputs)
    return None if text is None else text.split("{")[0][:60]


def _reason(content: ContentBundle, rule_id: str, **params: str) -> DecisionReason:
    meta = content.rules.rules[rule_id]
    return DecisionReason(rule_id=rule_id, severity=meta.severity, references=meta.references, params=params)


def _hold(**changes: Any) -> tuple[Visit, FollowUpDecision]:
    """The pharmacist's fu_blank_safety visit and its decision (a hold at 1.5 mg on 2026-12-14, whose
    schedule goes on to 3.0 mg on the review day 2026-12-28), with `changes` made to the decision."""
    visit = _case("fu_blank_safety")
    latest = decide(visit).latest
    assert latest is not None
    data = {
        **latest.model_dump(),
        "decision": "hold",
        "computed": "hold",
        "chosen": None,
        "override_reason": None,
        "override_refused": False,
        "adherence_point": False,
        "next_dose_mg": Decimal("1.5"),
        "next_timing": "bedtime",
        "revised_steps": (
            Step(start=dt.date(2026, 12, 14), dose_mg=Decimal("1.5"), volume_ml=None),
            Step(start=dt.date(2026, 12, 28), dose_mg=Decimal("3.0"), volume_ml=None),
            Step(start=dt.date(2027, 1, 11), dose_mg=Decimal("4.5"), volume_ml=None),
        ),
        "next_review": dt.date(2026, 12, 28),
        "ceiling_mg": Decimal("4.5"),
        **changes,
    }
    return visit, FollowUpDecision.model_validate(data)


# ---- H1: only the patient's reasons --------------------------------------------------------------


def test_a_stop_sheet_prints_only_the_stop_reasons(en: ContentBundle) -> None:
    """stop_then_blank: "keep taking the same dose" (an unanswered safety item) under a Stop headline."""
    stop = _reason(en, "followup_stop_opioids")
    unanswered = _reason(en, "followup_safety_unanswered")
    adherence = _reason(en, "followup_adherence")
    visit, decision = _hold(
        decision="stop",
        computed="stop",
        reasons=(stop, unanswered, adherence),
        adherence_point=True,
        next_dose_mg=None,
        next_timing=None,
        revised_steps=(),
        next_review=None,
    )
    sheet = compose_followup_sheet(visit, decision, en)
    bullets = _bullets(sheet)
    assert [r.rule_id for r in decision.patient_reasons] == ["followup_stop_opioids"]
    stop_words = patient_text(en, stop.rule_id)
    assert stop_words is not None
    assert any(item.startswith(stop_words) for item in bullets)
    text = " ".join(bullets)
    for caution in (unanswered, adherence):
        words = _patient_words(en, caution)
        assert words, caution.rule_id
        assert words not in text, caution.rule_id
    # No adherence paragraph under a stop either: there are no doses left to take.
    paragraphs = [b.text for b in _blocks(sheet, model.Paragraph)]
    assert en.language.sheets.followup.voice["adult"].adherence not in paragraphs


def test_an_accepted_clinician_choice_prints_its_own_words_never_the_computed_stop(
    en: ContentBundle,
) -> None:
    """severe_other_hold: the stop's "stop LDN" words printed under the clinician's Hold."""
    severe = _reason(en, "followup_stop_severe_other")
    surgery = _reason(en, "followup_surgery")
    choice_reason = _reason(en, "followup_clinician_choice")
    visit, decision = _hold(
        computed="stop",
        chosen="hold",
        override_reason="viral rash, seen by GP",
        reasons=(severe, surgery, choice_reason),
    )
    sheet = compose_followup_sheet(visit, decision, en)
    assert [r.rule_id for r in decision.patient_reasons] == ["followup_clinician_choice", "followup_surgery"]
    bullets = _bullets(sheet)
    choice = patient_text(en, "followup_clinician_choice")
    assert choice is not None
    assert bullets[0].startswith(choice)
    assert len(bullets) == 2
    severe_words = _patient_words(en, severe)
    assert severe_words
    assert severe_words not in " ".join(bullets)


def test_any_other_decision_prints_the_non_stop_reasons(en: ContentBundle) -> None:
    visit, decision = _hold(
        reasons=(_reason(en, "followup_hold"), _reason(en, "followup_stop_liver", since="2026-12-01"))
    )
    assert [r.rule_id for r in decision.patient_reasons] == ["followup_hold"]
    liver = _patient_words(en, _reason(en, "followup_stop_liver"))
    assert liver
    assert liver not in " ".join(_bullets(compose_followup_sheet(visit, decision, en)))


@pytest.mark.parametrize("path", PHARMACIST_CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("language", ["en", "es"])
def test_no_sheet_prints_words_that_contradict_its_headline(path: Path, language: str) -> None:
    """Every reproducer, whatever the review decides: a stop sheet carries no non-stop words, and a
    sheet that keeps LDN going carries no stop words (the liver and no-response overrides printed
    "stop LDN" under "Stay on the same dose")."""
    visit = load_visit(path)
    decided = decide(visit)
    latest = decided.latest
    assert latest is not None
    if not decided.followup_gate.allowed:
        return
    content = load_content(language)
    sheet = compose_followup_for_visit(visit, language, decision=decided)
    assert sheet is not None
    text = " ".join(_bullets(sheet))
    stopping = latest.decision == "stop"
    for reason in latest.reasons:
        words = _patient_words(content, reason)
        if not words or reason.rule_id == "followup_clinician_choice":
            continue
        if stopping != (reason.severity == "stop"):
            assert words not in text, (reason.rule_id, latest.decision)


def test_the_stop_sheet_after_a_cleared_opioid_wait_names_its_stop_reason(en: ContentBundle) -> None:
    """stop_then_blank: the second review stays off LDN (a safety item unasked before a restart); its
    sheet must say why in stop words (the review gives `followup_stay_off`)."""
    visit = _case("stop_then_blank")
    latest = decide(visit).latest
    assert latest is not None
    assert latest.decision == "stop"
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    bullets = _bullets(sheet)
    assert bullets, "a stop sheet must give the patient its stop reason"
    unanswered = _patient_words(en, _reason(en, "followup_safety_unanswered"))
    assert unanswered
    assert unanswered not in " ".join(bullets)


# ---- H6: the calendar ends on the review day with the dose in force -------------------------------


def test_a_hold_calendar_never_shows_the_next_step_on_review_day(en: ContentBundle) -> None:
    """fu_blank_safety: a hold for unanswered safety showed 3.0 mg from the review day."""
    visit, decision = _hold(reasons=(_reason(en, "followup_safety_unanswered"),))
    sheet = compose_followup_sheet(visit, decision, en)
    calendar = _blocks(sheet, model.Calendar)[0]
    assert {week.dose for week in calendar.weeks} == {_capsule("1.5")}
    days = [day for week in calendar.weeks for day in week.days]
    assert days[0] == dt.date(2026, 12, 14)
    assert days[-1] == dt.date(2026, 12, 28) == decision.next_review
    assert days == [days[0] + dt.timedelta(days=i) for i in range(len(days))]
    assert calendar.weeks[-1].days == (dt.date(2026, 12, 28),)
    assert dict(calendar.marked) == {dt.date(2026, 12, 28): "Next review \u2013 Monday, December 28, 2026"}


def test_a_new_month_starts_a_new_row_and_a_dose_change_is_marked_inside_its_week(en: ContentBundle) -> None:
    """Weeks from Monday on every document (review D5/D20); a row never holds two months. A dose change
    does not split its week (a lone Monday read as missing days): the row's band names the new dose
    and its first day (calendar.py)."""
    steps = (
        Step(start=dt.date(2026, 12, 14), dose_mg=Decimal("1.5"), volume_ml=None),
        Step(start=dt.date(2026, 12, 24), dose_mg=Decimal("3.0"), volume_ml=None),
        Step(start=dt.date(2027, 1, 4), dose_mg=Decimal("4.5"), volume_ml=None),
    )
    visit, decision = _hold(revised_steps=steps, next_review=dt.date(2027, 1, 4))
    calendar = _blocks(compose_followup_sheet(visit, decision, en), model.Calendar)[0]
    rows = [
        (week.offset, week.days[0], week.days[-1], week.dose, week.new_dose, week.new_dose_at)
        for week in calendar.weeks
    ]
    low, high = _capsule("1.5"), _capsule("3")
    assert rows == [
        (0, dt.date(2026, 12, 14), dt.date(2026, 12, 20), low, False, 0),  # a hold: the same dose
        (0, dt.date(2026, 12, 21), dt.date(2026, 12, 27), high, True, 3),  # 3 mg from Thursday 24
        (0, dt.date(2026, 12, 28), dt.date(2026, 12, 31), high, False, 0),
        (4, dt.date(2027, 1, 1), dt.date(2027, 1, 3), high, False, 0),
        (0, dt.date(2027, 1, 4), dt.date(2027, 1, 4), high, False, 0),
    ]
    assert calendar.weeks[1].new_dose_from == en.language.sheets.calendar.new_dose_from.format(
        weekday="Thursday", day=24
    )


@pytest.mark.parametrize("path", PHARMACIST_CASES, ids=lambda p: p.stem)
def test_every_reproducer_calendar_ends_on_the_review_day(path: Path) -> None:
    visit = load_visit(path)
    decided = decide(visit)
    latest = decided.latest
    if latest is None or not decided.followup_gate.allowed or latest.decision == "stop":
        return
    sheet = compose_followup_for_visit(visit, "en", decision=decided)
    assert sheet is not None
    calendar = _blocks(sheet, model.Calendar)[0]
    review_day = latest.next_review
    assert review_day is not None
    assert calendar.weeks[-1].days[-1] == review_day
    in_force = [step for step in latest.revised_steps if step.start < review_day]
    sheets = load_content("en").language.sheets
    assert {week.dose for week in calendar.weeks} <= {
        step_amount(step.dose_mg, step.volume_ml, "en", sheets) for step in in_force
    }


def test_a_rendered_hold_sheet_never_prints_the_next_step() -> None:
    """The printed page, not just the model: fu_blank_safety's sheet prints no 3.0 mg."""
    visit = _case("fu_blank_safety")
    decided = decide(visit)
    assert decided.latest is not None
    assert decided.latest.decision == "hold"
    sheet = compose_followup_for_visit(visit, "en", decision=decided)
    assert sheet is not None
    for options in (RenderOptions(), RenderOptions(large_print=True)):
        with pdfplumber.open(io.BytesIO(render_pdf_bytes(sheet, options))) as pdf:
            text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
        assert "1.5 mg" in text
        assert not re.search(r"(?<![\d.,])(3|3\.0|4\.5) ?mg", text)


# ---- dates in the patient's words ----------------------------------------------------------------


def _with_patient_words(content: ContentBundle, rule_id: str, words: str) -> ContentBundle:
    findings = dict(content.language.findings)
    findings[rule_id] = FindingText(clinician=findings[rule_id].clinician, patient=words)
    language = content.language.model_copy(update={"findings": findings})
    return content.model_copy(update={"language": language})


@pytest.mark.parametrize("language", ["en", "es"])
def test_patient_words_write_until_and_since_in_the_given_date_format(language: str) -> None:
    content = _with_patient_words(load_content(language), "followup_stop_liver", "From {since} to {until}.")
    params = {"since": "2026-12-28", "until": "2027-01-11"}
    words = content.language.sheets

    def written(day: dt.date) -> str:
        return written_date(day, words)

    text = patient_text(content, "followup_stop_liver", params, (), written)
    assert text == f"From {written(dt.date(2026, 12, 28))} to {written(dt.date(2027, 1, 11))}."
    # Without a formatter (and for the clinician) the dates stay ISO.
    assert patient_text(content, "followup_stop_liver", params) == "From 2026-12-28 to 2027-01-11."
    assert "2027-01-11" in clinician_text(content, "followup_opioid_free_wait", params)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_opioid_wait_date_prints_like_the_header(language: str) -> None:
    """READERS 8: "The earliest date to start again is 2026-12-27."."""
    visit = _case("stop_then_blank")
    first_review = visit.model_copy(update={"follow_ups": visit.follow_ups[:1]})
    decided = decide(first_review)
    latest = decided.latest
    assert latest is not None
    assert latest.decision == "stop"
    wait = next(r for r in latest.reasons if r.rule_id == "followup_opioid_free_wait")
    until = dt.date.fromisoformat(wait.params["until"])
    sheet = compose_followup_for_visit(first_review, language, decision=decided)
    assert sheet is not None
    words = load_content(language).language.sheets
    header = dict(_blocks(sheet, model.Facts)[0].rows)[words.followup.date]
    assert header == written_date(latest.review_date, words)
    text = " ".join(_bullets(sheet))
    content = load_content(language)
    if "{until}" in (content.language.findings["followup_opioid_free_wait"].patient or ""):
        assert written_date(until, words) in text
    assert not ISO_DATE.search(text)


@pytest.mark.parametrize("path", PHARMACIST_CASES, ids=lambda p: p.stem)
def test_no_sheet_prints_an_iso_date(path: Path) -> None:
    visit = load_visit(path)
    for count in range(1, len(visit.follow_ups) + 1):
        partial = visit.model_copy(update={"follow_ups": visit.follow_ups[:count]})
        decided = decide(partial)
        if not decided.followup_gate.allowed:
            continue
        for language in ("en", "es"):
            sheet = compose_followup_for_visit(partial, language, decision=decided)
            assert sheet is not None
            text = " ".join(
                str(value)
                for block in sheet.blocks
                if not isinstance(block, (model.ReferenceList, model.Calendar))
                for value in block.model_dump(mode="json").values()
            )
            assert not ISO_DATE.search(text), (path.stem, count, language)


# ---- the adherence point, once ------------------------------------------------------------------


def test_the_adherence_point_prints_once(en: ContentBundle) -> None:
    """READERS 16: the adherence reason and the adherence paragraph both printed."""
    visit, decision = _hold(reasons=(_reason(en, "followup_adherence"),), adherence_point=True)
    sheet = compose_followup_sheet(visit, decision, en)
    adherence = patient_text(en, "followup_adherence")
    assert adherence is not None
    assert [item for item in _bullets(sheet) if item.startswith(adherence)] != []
    paragraphs = [b.text for b in _blocks(sheet, model.Paragraph)]
    assert en.language.sheets.followup.voice["adult"].adherence not in paragraphs


def test_the_adherence_paragraph_stands_in_when_no_reason_says_it(en: ContentBundle) -> None:
    visit, decision = _hold(reasons=(_reason(en, "followup_hold"),), adherence_point=True)
    paragraphs = [b.text for b in _blocks(compose_followup_sheet(visit, decision, en), model.Paragraph)]
    followup = en.language.sheets.followup
    # With the one missed-dose sentence (the pack's words).
    assert paragraphs.count(f"{followup.voice['adult'].adherence} {followup.missed}") == 1


# ---- never above the cap or the ceiling ---------------------------------------------------------


@pytest.mark.parametrize(("name", "taken"), [("above_cap", "6"), ("above_cap_150", "150")])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_dose_taken_above_the_cap_is_stepped_down_and_named(name: str, taken: str, language: str) -> None:
    """The pharmacist's 6 mg (another prescriber's dose) and the record's bound of 150 mg."""
    visit = _case(name)
    decided = decide(visit)
    latest = decided.latest
    assert latest is not None
    assert latest.next_dose_mg is not None
    assert latest.next_dose_mg <= Decimal("4.5")
    sheet = compose_followup_for_visit(visit, language, decision=decided)
    assert sheet is not None
    content = load_content(language)
    calendar = _blocks(sheet, model.Calendar)[0]
    assert {week.dose for week in calendar.weeks} == {
        _capsule("4.5" if language == "en" else "4,5", language)
    }
    box = _blocks(sheet, model.Box)[0]
    assert _capsule("4.5" if language == "en" else "4,5", language) in box.paragraphs[0]
    reason = next(r for r in latest.reasons if r.rule_id == "followup_dose_above_ceiling")
    assert reason.params == {"dose_mg": taken, "ceiling_mg": "4.5"}
    words = patient_text(content, reason.rule_id, reason.params, reason.inputs)
    assert words is not None
    assert f"({taken} mg)" in words
    assert "(4.5 mg)" in words
    assert any(item.startswith(words) for item in _bullets(sheet))
    assert not re.search(r"\{[a-z_]+\}", " ".join(_bullets(sheet)))


@pytest.mark.parametrize(
    "changes",
    [
        {"next_dose_mg": Decimal("6.0")},
        {"revised_steps": (Step(start=dt.date(2026, 12, 14), dose_mg=Decimal("150"), volume_ml=None),)},
        {"ceiling_mg": Decimal("1.0")},
    ],
    ids=["next_dose_above_cap", "step_above_cap", "step_above_ceiling"],
)
def test_a_decision_above_the_cap_or_ceiling_is_never_printed(
    en: ContentBundle, changes: dict[str, Any]
) -> None:
    visit, decision = _hold(reasons=(_reason(en, "followup_hold"),), **changes)
    with pytest.raises(FollowUpSheetError, match="above the highest dose"):
        compose_followup_sheet(visit, decision, en)


# ---- the first visit's calendar still works ----------------------------------------------------


def test_the_first_visit_calendar_ends_on_the_response_review_with_every_step() -> None:
    from samples import example

    from ldn_aid.handout.compose import compose_for_visit

    visit = example("ldn_option")
    decided = decide(visit)
    protocol = decided.protocol
    assert protocol is not None
    assert compose_followup_for_visit(visit, "en") is None
    handout = compose_for_visit(visit, "en", decision=decided)
    calendar = _blocks(handout, model.Calendar)[0]
    sheets = load_content("en").language.sheets
    steps = [step_amount(step.dose_mg, step.volume_ml, "en", sheets) for step in protocol.steps]
    assert calendar.weeks[0].days[0] == protocol.start_date
    assert calendar.weeks[-1].days[-1] == protocol.response_review
    assert calendar.weeks[-1].dose == steps[-1]
    assert {week.dose for week in calendar.weeks} == set(steps)
    # Weeks start on Monday: a Tuesday first dose leaves Monday blank.
    assert calendar.weeks[0].offset == protocol.start_date.weekday()
    assert all(week.days[0].weekday() == week.offset for week in calendar.weeks)
    assert [week.new_dose for week in calendar.weeks].count(True) == len(protocol.steps)


@pytest.mark.parametrize("path", PHARMACIST_CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("language", ["en", "es"])
def test_everything_the_patient_acts_on_is_on_page_one(path: Path, language: str) -> None:
    """The headline, the before-and-now line and the reasons are on the first page; a calendar moves
    whole to the next page rather than split, and only it, the call box and the sources may follow."""
    visit = load_visit(path)
    decided = decide(visit)
    if not decided.followup_gate.allowed:
        return
    sheet = compose_followup_for_visit(visit, language, decision=decided)
    assert sheet is not None
    box = _blocks(sheet, model.Box)[0]
    with pdfplumber.open(io.BytesIO(render_pdf_bytes(sheet, RenderOptions(paper="letter")))) as pdf:
        first = re.sub(r"\s+", "", pdf.pages[0].extract_text() or "")
        for text in (box.heading, box.paragraphs[0], *box.bullets):
            assert re.sub(r"\s+", "", text) in first, (path.stem, language, text[:60])


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_large_print_calendar_keeps_seven_days_on_a_portrait_page(paper: str) -> None:
    """D1: seven 18 pt day columns ran off a portrait page (Saturday and Sunday lost); the fix is a
    seventh of the frame per day, never a landscape page."""
    visit = _case("fu_blank_safety")
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    options = RenderOptions(paper=paper, large_print=True)  # type: ignore[arg-type]
    with pdfplumber.open(io.BytesIO(render_pdf_bytes(sheet, options))) as pdf:
        assert all(p.width < p.height for p in pdf.pages)
        (page,) = [p for p in pdf.pages if "Dose calendar for" in (p.extract_text() or "")]
        words = page.extract_words()
        texts = {w["text"] for w in words}
        assert {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} <= texts
        assert {str(day) for day in range(15, 29)} <= texts
        assert all(
            w["x0"] >= 72 - 1 and w["x1"] <= page.width - 72 + 1 for w in words if w["top"] < page.height - 72
        )
