"""The sheet a patient takes home after a follow-up review (issue 5; issue 9: the headline and the boxes
follow the decision, and the sheet obeys the core gate; issue 11: what to do now, before and now, the
calendar that replaces the old one, every upcoming date, and after a stop the phone, emergency numbers,
leftover medicine, how long to carry the card and the result in words and numbers)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pdf_checks as pc
import pdfplumber
import pytest
from samples import block_texts

from ldn_aid.cli import main
from ldn_aid.content import load_content
from ldn_aid.content.words import blocker_text, patient_text
from ldn_aid.domain.followup import SAFETY_ITEMS, SIDE_EFFECTS, FollowUpDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.calendar import written_date
from ldn_aid.handout.compose import (
    DocumentRefusedError,
    FollowUpSheetError,
    compose_followup_for_visit,
    compose_followup_sheet,
)
from ldn_aid.paths import resource_path
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.rules import decide, review
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

CASES = Path(__file__).resolve().parents[1] / "record" / "cases"
SHEET_CASES = Path(__file__).resolve().parent / "cases"
ALL_SAFE: dict[str, Any] = {
    **{item: "no" for item in SAFETY_ITEMS if item not in ("last_opioid_dose", "urine_opioid_screen")},
    "pregnancy": "not_applicable",
}
# Every side effect asked (an unasked one is unknown, never "none").
NO_SIDE_EFFECTS: dict[str, Any] = dict.fromkeys(SIDE_EFFECTS, "none")
CLINIC = ClinicSettings(
    clinic_name="Riverside Family Health Center", phone="(555) 201-4477", after_hours_phone="(555) 201-9999"
)
NBSP = "\u00a0"


def _visit(name: str) -> Visit:
    return load_visit(resource_path(f"examples/{name}.json"))


def _case(name: str) -> Visit:
    return load_visit(SHEET_CASES / f"{name}.json")


def _blocks(handout: model.Handout, kind: type) -> list[Any]:
    return [b for b in handout.blocks if isinstance(b, kind)]


def _decision_box(sheet: model.Handout) -> model.Box:
    box: model.Box = _blocks(sheet, model.Box)[0]
    return box


def _header(sheet: model.Handout) -> dict[str, str]:
    return dict(_blocks(sheet, model.Facts)[0].rows)


def _sheet(visit: Visit, language: str = "en", clinic: ClinicSettings | None = CLINIC) -> model.Handout:
    sheet = compose_followup_for_visit(visit, language, clinic)
    assert sheet is not None
    return sheet


# ---- what to do now, before and now, every date --------------------------------------------------


def test_advance_sheet_says_before_and_now_and_lists_every_upcoming_date() -> None:
    visit = _visit("followup_advance")
    decision = review(visit)
    assert decision is not None
    assert decision.decision == "advance"
    sheet = _sheet(visit)
    words = load_content("en").language.sheets
    assert sheet.document == "followup_sheet"
    assert sheet.patient_name == "Alex Example"
    box = _decision_box(sheet)
    assert box.heading == words.followup.decisions["advance"]
    assert box.paragraphs[0] == (
        f"You were taking 3{NBSP}mg at bedtime. From tonight, Monday, December 28, 2026, take 1 capsule of"
        f" 4.5{NBSP}mg at bedtime."
    )
    header = _header(sheet)
    assert header["Date"] == "Monday, December 28, 2026"
    assert header["Next review"] == "Monday, January 11, 2027"
    assert header["Review: is it working?"] == "Tuesday, February 23, 2027"  # D5: it was never mentioned
    assert header["Phone"] == "(555) 201-4477"
    assert header["After-hours phone"] == "(555) 201-9999"
    calendar = _blocks(sheet, model.Calendar)[0]
    assert calendar.weeks[0].days[0] == decision.review_date
    assert calendar.weeks[0].new_dose
    assert {week.dose for week in calendar.weeks} == {f"1 capsule of 4.5{NBSP}mg"}
    assert dict(calendar.marked) == {dt.date(2027, 1, 11): "Next review \u2013 Monday, January 11, 2027"}
    assert calendar.title == "Dose calendar for Alex Example: LDN at bedtime"
    # D5 / issue 11 item 6: the new calendar replaces every old one, whatever its dates.
    assert calendar.note == words.calendar.replaces


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_morning_switch_never_says_keep_the_dose_over_a_calendar_that_changes_it(language: str) -> None:
    """Review D5 / red team D02: "Keep the same dose until your next visit" above 4.5 mg from the review
    day. The calendar now keeps 3 mg to the review day, starting the next morning."""
    visit = _case("fu_morning_switch")
    decision = decide(visit).latest
    assert decision is not None
    assert decision.decision == "switch_to_morning"
    assert decision.next_review == dt.date(2027, 1, 11)
    content = load_content(language)
    words = content.language.sheets
    sheet = _sheet(visit, language)
    calendar = _blocks(sheet, model.Calendar)[0]
    three = "1 capsule of 3 mg" if language == "en" else "1 cápsula de 3 mg"
    assert {week.dose.replace(NBSP, " ") for week in calendar.weeks} == {three}
    days = [day for week in calendar.weeks for day in week.days]
    assert days[0] == dt.date(2026, 12, 29)  # tomorrow morning: the review day's morning has passed
    assert days[-1] == dt.date(2027, 1, 11)
    assert not any(week.new_dose for week in calendar.weeks)  # the same dose at a new time
    assert words.dose.timing["morning"] in calendar.title
    box = _decision_box(sheet)
    assert box.heading == words.followup.decisions["switch_to_morning"]
    start = words.followup.start.tomorrow_morning.format(date=written_date(dt.date(2026, 12, 29), words))
    assert start in box.paragraphs[0]
    assert f"{three.replace(' mg', NBSP + 'mg')} {words.dose.timing['morning']}" in box.paragraphs[0]
    # The reason's own "keep the same dose" words agree with every row of the calendar.
    keep = patient_text(content, "followup_switch_morning")
    assert keep is not None
    assert any(item.startswith(keep[:30]) for item in box.bullets)


def test_every_sheet_has_the_call_box_with_the_clinic_emergency_and_crisis_numbers() -> None:
    clinic = CLINIC.model_copy(update={"emergency_number": "112", "crisis_line": "024"})
    for name in ("followup_advance", "followup_stop"):
        sheet = _sheet(_visit(name), "en", clinic)
        (call,) = [b for b in _blocks(sheet, model.Box) if b.heading == "When to call"]
        text = " ".join(call.bullets)
        # A phone number never breaks at its space.
        assert f"(555){NBSP}201-4477" in text
        assert f"(555){NBSP}201-9999" in text
        assert "call 112 now" in text
        assert "call 112, or call or text 024 (crisis line)" in text


def test_a_blank_clinic_phone_prints_a_write_in_line_never_not_filled_in() -> None:
    sheet = _sheet(_visit("followup_stop"), "en", ClinicSettings())
    blank = load_content("en").language.sheets.write_in
    header = _header(sheet)
    assert header["Phone"] == header["After-hours phone"] == header["Clinic"] == blank
    assert "not filled in" not in block_texts(sheet)
    (call,) = [b for b in _blocks(sheet, model.Box) if b.heading == "When to call"]
    assert "call 911 now" in " ".join(call.bullets)
    assert "call or text 988" in " ".join(call.bullets)


# ---- the stop sheet -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_stop_sheet_says_what_comes_after_the_last_dose(language: str) -> None:
    """Review D6: no phone, no next step, nothing on leftover capsules or how long to carry the card."""
    visit = _visit("followup_stop")
    sheet = _sheet(visit, language)
    content = load_content(language)
    words = content.language.sheets
    voice = words.followup.voice["adult"]
    box = _decision_box(sheet)
    assert box.style == "stop"
    assert box.heading == words.followup.decisions["stop"]
    assert box.paragraphs[0] == voice.before_now["stop"].format(
        before=f"{'4.5' if language == 'en' else '4,5'}{NBSP}mg {words.dose.timing['bedtime']}"
    )
    assert _blocks(sheet, model.Calendar) == []
    assert not sheet.has_plan
    steps = [b for b in _blocks(sheet, model.Bullets) if b.numbered]
    assert len(steps) == 1
    items = " ".join(steps[0].items)
    assert voice.stop_leftover_capsule.text in items
    assert voice.stop_card.text in items
    assert "3" in voice.stop_card.text  # surgery_hold_days: practice advice, so no source number
    references = content.rules.references
    # Each sourced line carries its source's number; the listing has it.
    cited = list(sheet.cited)
    for line in (voice.stop_leftover_capsule, voice.stop_card, voice.stop_opioids):
        for ref in line.references:
            if references[ref].printable:
                assert ref in cited, ref
    assert "FDA-DISP" in cited
    assert "FDA-TRASH" in cited  # FDA's household-trash method (naltrexone is not on the flush list)
    assert "NTX-DM" in cited  # the label: vulnerability to opioid overdose after stopping
    assert steps[0].items[-1].endswith(f"{words.followup.next_visit}: {words.write_in}")
    warning = [b for b in _blocks(sheet, model.Box) if b.style == "warning"]
    assert any(voice.stop_opioids.text in p for b in warning for p in b.paragraphs)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_stop_sheet_gives_the_result_in_words_and_numbers(language: str) -> None:
    """Baseline 36, now 15 (a fall of 58 %, goal 30 % or more: 25.2, printed "25 or lower"); CGI-I 3
    (goal 2 or lower, in words: "a little better" against "much better"): the rule is not met."""
    sheet = _sheet(_visit("followup_stop"), language)
    words = load_content(language).language.sheets.followup
    (result,) = [b for b in _blocks(sheet, model.Box) if b.heading == words.result_heading]
    text = " ".join(result.paragraphs)
    for number in ("36", "15", "25"):
        assert re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", text), number
    assert not re.search(r"25[.,]2", text)
    assert words.ratings[2] in text  # 3: a little better
    assert words.ratings[1] in text  # the goal: much better
    assert words.goal_met in text
    assert words.goal_not_met in text
    assert words.result_not_met in text


def test_no_result_box_before_the_response_is_judged() -> None:
    sheet = _sheet(_visit("followup_advance"))
    words = load_content("en").language.sheets.followup
    assert not [b for b in _blocks(sheet, model.Box) if b.heading == words.result_heading]


# ---- the child's liquid, for the parent -------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_child_s_sheet_speaks_to_the_parent_and_gives_the_liquid_in_ml_and_mg(language: str) -> None:
    visit = _case("fu_child_liquid")
    sheet = _sheet(visit, language)
    words = load_content(language).language.sheets
    assert words.followup.prepared_for_child in _header(sheet)
    assert _header(sheet)[words.followup.prepared_for_child] == "Mia Example"
    box = _decision_box(sheet)
    child = words.followup.voice["child"]
    volume, before = ("1.7", "0.8") if language == "en" else ("1,7", "0,8")
    expected_now = f"{volume}{NBSP}mL ({volume}{NBSP}mg) {words.dose.timing['bedtime']}"
    expected_before = f"{before}{NBSP}mL ({before}{NBSP}mg) {words.dose.timing['bedtime']}"
    named = {"who": "Mia Example", "Who": "Mia Example"}
    assert box.paragraphs[0] == child.before_now["advance"].format(
        before=expected_before,
        start=words.followup.start.tonight.format(date=written_date(dt.date(2026, 12, 14), words)),
        now=expected_now,
        **named,
    )
    assert box.paragraphs[0].startswith("Mia Example")
    calendar = _blocks(sheet, model.Calendar)[0]
    assert {week.dose for week in calendar.weeks} == {f"{volume}{NBSP}mL ({volume}{NBSP}mg)"}
    assert child.reminder.format(**named) in block_texts(sheet)
    assert "Mia Example" in calendar.title


# ---- refusals and errors (issue 9) --------------------------------------------------------------------


def test_no_follow_up_means_no_sheet() -> None:
    assert compose_followup_for_visit(_visit("ldn_option"), "en") is None


def test_cli_writes_the_sheet_and_refuses_a_visit_without_follow_ups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["followup-sheet", str(resource_path("examples/followup_advance.json")), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert (
        main(["followup-sheet", str(resource_path("examples/stop.json")), "-o", str(tmp_path / "x.pdf")]) == 2
    )
    reason = " ".join(blocker_text(load_content("en"), "no_follow_up").split())
    assert reason in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def _base_visit(make_visit_data: Any, *follow_ups: dict[str, Any]) -> Visit:
    """The base adult (start 2026-01-05; 1.5 / 3 / 4.5 mg every two weeks) with these reviews."""
    reviews = [
        {
            "timing": "bedtime",
            "missed_doses_last_week": 0,
            "days_without_ldn": 0,
            "safety": dict(ALL_SAFE),
            **f,
            "side_effects": {**NO_SIDE_EFFECTS, **f.get("side_effects", {})},
        }
        for f in follow_ups
    ]
    return Visit.model_validate(make_visit_data(follow_ups=reviews))


@pytest.mark.parametrize("name", ["D02_incomplete_with_followups", "D02_incomplete_child_10kg_taking_3mg"])
def test_d02_no_sheet_for_a_visit_without_a_plan(name: str) -> None:
    """D02: the sheet said both "stay on this dose a little longer" and "do not take any more LDN"."""
    visit = load_visit(CASES / f"{name}.json")
    decision = decide(visit)
    latest = decision.latest
    assert latest is not None
    assert latest.decision == "no_plan"
    assert (latest.next_dose_mg, latest.revised_steps) == (None, ())
    with pytest.raises(DocumentRefusedError) as refused:
        compose_followup_for_visit(visit, "en")
    assert refused.value.gate.blockers == ("followup_no_plan",)
    assert " ".join(blocker_text(load_content("en"), "followup_no_plan").split()) in str(refused.value)
    with pytest.raises(DocumentRefusedError):
        compose_followup_sheet(visit, latest, load_content("en"))


def test_a_hold_prints_its_dose_never_the_stop_box(make_visit_data: Any) -> None:
    """D02's cause: the stop box was shown whenever the schedule was empty."""
    visit = _base_visit(
        make_visit_data,
        {"date": "2026-01-19", "dose_mg": 1.5, "side_effects": {"nausea": "moderate"}, "tolerable": "no"},
    )
    decision = decide(visit).latest
    assert decision is not None
    assert decision.decision not in ("stop", "no_plan")
    sheet = _sheet(visit)
    words = load_content("en").language.sheets.followup
    box = _decision_box(sheet)
    assert box.heading == words.decisions[decision.decision]  # type: ignore[index]
    assert box.style == "main"
    assert all(b.style != "stop" for b in _blocks(sheet, model.Box))
    assert words.voice["adult"].stop_card.text not in block_texts(sheet)
    assert _blocks(sheet, model.Calendar)
    assert sheet.has_plan


def test_a_stop_for_an_allergic_reaction_prints_the_stop_box(make_visit_data: Any) -> None:
    visit = _base_visit(
        make_visit_data,
        {"date": "2026-01-19", "dose_mg": 1.5, "safety": {**ALL_SAFE, "allergic_reaction": "yes"}},
    )
    decision = decide(visit).latest
    assert decision is not None
    assert decision.decision == "stop"
    sheet = _sheet(visit)
    words = load_content("en").language.sheets.followup
    assert _decision_box(sheet).style == "stop"
    assert _decision_box(sheet).heading == words.decisions["stop"]
    assert _blocks(sheet, model.Calendar) == []
    assert not sheet.has_plan
    assert words.voice["adult"].stop_card.text in block_texts(sheet)


def test_a_restart_starts_again_at_step_1_with_a_new_calendar(make_visit_data: Any) -> None:
    visit = _base_visit(make_visit_data, {"date": "2026-02-16", "dose_mg": 3.0, "days_without_ldn": 20})
    decision = decide(visit).latest
    assert decision is not None
    assert decision.decision == "restart"
    sheet = _sheet(visit)
    words = load_content("en").language.sheets.followup
    box = _decision_box(sheet)
    assert box.heading == words.decisions["restart"]
    assert box.style == "main"
    assert f"Your last dose was 3{NBSP}mg at bedtime." in box.paragraphs[0]
    assert f"start again with 1 capsule of 1.5{NBSP}mg at bedtime" in box.paragraphs[0]
    calendar = _blocks(sheet, model.Calendar)[0]
    assert calendar.weeks[0].days[0] == dt.date(2026, 2, 16)
    assert calendar.weeks[0].dose == f"1 capsule of 1.5{NBSP}mg"
    assert calendar.weeks[0].new_dose


def test_d14_the_sheet_says_the_dose_is_lowered_to_the_ceiling() -> None:
    """D14: "Stay on the same dose." printed above a dose cut from 4.5 to 2.0 mg."""
    visit = load_visit(CASES / "D14_child_taking_over_target.json")
    decision = decide(visit).latest
    assert decision is not None
    assert decision.decision == "step_down"
    for language in ("en", "es"):
        content = load_content(language)
        words = content.language.sheets
        sheet = _sheet(visit, language)
        box = _decision_box(sheet)
        assert box.heading == words.followup.decisions["step_down"]
        assert f"2{NBSP}mL (2{NBSP}mg)" in box.paragraphs[0]
        assert "2.0" not in block_texts(sheet)
        assert "2,0" not in block_texts(sheet)
        reason = next(r for r in decision.reasons if r.rule_id == "followup_dose_above_ceiling")
        text = patient_text(content, reason.rule_id, reason.params, reason.inputs)
        assert text is not None
        assert "4.5" in text
        assert any(item.startswith(text) for item in box.bullets)
        assert words.followup.decisions["continue"] not in block_texts(sheet)


def test_a_decision_to_go_on_without_a_dose_is_a_clear_error(make_visit_data: Any) -> None:
    visit = _base_visit(make_visit_data, {"date": "2026-01-19", "dose_mg": 1.5})
    decision = decide(visit).latest
    assert decision is not None
    broken = FollowUpDecision.model_validate(
        {**decision.model_dump(), "decision": "hold", "next_dose_mg": None, "revised_steps": ()}
    )
    with pytest.raises(FollowUpSheetError, match="gives no dose"):
        compose_followup_sheet(visit, broken, load_content("en"))


def test_a_refused_clinician_choice_gives_no_sheet(make_visit_data: Any) -> None:
    visit = _base_visit(
        make_visit_data,
        {
            "date": "2026-01-19",
            "dose_mg": 1.5,
            "safety": {**ALL_SAFE, "allergic_reaction": "yes"},
            "clinician_decision": "advance",
            "override_reason": "patient wants to go on",
        },
    )
    decided = decide(visit)
    assert decided.latest is not None
    assert decided.latest.override_refused
    assert "followup_override_refused" in decided.followup_gate.blockers
    with pytest.raises(DocumentRefusedError):
        compose_followup_for_visit(visit, "en")


def test_reasons_on_the_sheet_use_the_patient_words_with_their_numbers() -> None:
    visit = load_visit(CASES / "D14_child_taking_over_target.json")
    text = block_texts(_sheet(visit))
    assert not re.findall(r"\{[a-z_]+\}", text)  # every show-time placeholder filled
    assert Decimal("2.0") == decide(visit).latest.ceiling_mg  # type: ignore[union-attr]


def test_review_and_sheet_agree_for_the_examples() -> None:
    for name in ("followup_advance", "followup_stop"):
        visit = _visit(name)
        decided = decide(visit)
        assert decided.latest == review(visit)
        sheet = _sheet(visit)
        assert sheet.has_plan == (decided.latest is not None and decided.latest.decision != "stop")


def test_english_and_spanish_sheets_carry_the_same_numbers() -> None:
    def numbers(language: str) -> list[str]:
        text = block_texts(_sheet(_case("fu_child_liquid"), language)).replace(",", ".")
        return sorted(re.findall(r"\d+(?:\.\d+)?", text))

    assert numbers("en") == numbers("es")


# ---- on paper -------------------------------------------------------------------------------------

SHEETS = {
    "advance": lambda: _visit("followup_advance"),
    "stop": lambda: _visit("followup_stop"),
    "morning": lambda: _case("fu_morning_switch"),
    "child": lambda: _case("fu_child_liquid"),
}
_PDFS: dict[tuple[str, str, str, bool], bytes] = {}


def _pdf(name: str, language: str, paper: str, large_print: bool) -> bytes:
    key = (name, language, paper, large_print)
    if key not in _PDFS:
        sheet = _sheet(SHEETS[name](), language)
        _PDFS[key] = render_pdf_bytes(sheet, RenderOptions(paper=paper, large_print=large_print))  # type: ignore[arg-type]
    return _PDFS[key]


@pytest.mark.parametrize("large_print", [False, True], ids=["standard", "large"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", list(SHEETS))
def test_every_sheet_is_portrait_and_nothing_leaves_the_page(
    name: str, language: str, paper: str, large_print: bool
) -> None:
    """D1: the large-print calendar ran off the page (Saturday and Sunday lost)."""
    data = _pdf(name, language, paper, large_print)
    facts = pc.read_pdf(data)
    sheet = _sheet(SHEETS[name](), language)
    assert pc.landscape_pages(facts) == []
    assert pc.text_outside_page(facts) == []
    for page in facts.pages:
        assert pc.words_outside_frame(page, pc.MARGIN) == [], page.number
    assert pc.trailing_zero_doses(facts.text) == []
    assert pc.naked_decimal_doses(facts.text) == []
    assert pc.split_doses(facts) == []
    assert pc.missing_glyphs(facts) == []
    if language == "es":
        assert pc.decimal_point_doses(facts.text) == []
    for calendar in _blocks(sheet, model.Calendar):
        assert any(pc.weekday_header(page, calendar.weekday_names) for page in facts.pages)
        assert calendar.weekday_names[5:] == (("Sat", "Sun") if language == "en" else ("sáb.", "dom."))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for drawn in pdf.pages:
            for shape in (*drawn.rects, *drawn.lines):
                assert shape["x0"] >= pc.MARGIN - 1
                assert shape["x1"] <= drawn.width - pc.MARGIN + 1
    for mark in pc.citation_marks(facts.text):
        assert len(mark) <= 3


# Standard print: one page where it fits (English plan sheets; the Spanish words run longer).
ONE_PAGE = [
    ("advance", "en", "letter"),
    ("advance", "en", "a4"),
    ("advance", "es", "a4"),
    ("child", "en", "letter"),
    ("child", "en", "a4"),
    ("child", "es", "a4"),
]


@pytest.mark.parametrize(("name", "language", "paper"), ONE_PAGE)
def test_a_plan_sheet_fits_one_page_in_standard_print(name: str, language: str, paper: str) -> None:
    facts = pc.read_pdf(_pdf(name, language, paper, False))
    assert len(facts.pages) == 1


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", list(SHEETS))
def test_what_to_do_is_on_page_one_and_a_calendar_is_never_split(
    name: str, language: str, paper: str
) -> None:
    sheet = _sheet(SHEETS[name](), language)
    facts = pc.read_pdf(_pdf(name, language, paper, False))
    box = _decision_box(sheet)
    first = pc.flatten(facts.pages[0].text)
    assert pc.has_phrase(first, box.heading)
    assert pc.has_phrase(first, box.paragraphs[0])
    for calendar in _blocks(sheet, model.Calendar):
        pages = [page for page in facts.pages if pc.weekday_header(page, calendar.weekday_names)]
        assert len(pages) == 1  # the whole calendar, with its legend, on one page
        legend = calendar.legend[-1]
        assert pc.has_phrase(pages[0].text, legend)
        assert pc.has_phrase(pages[0].text, calendar.note)


@pytest.mark.usefixtures("offline_cmudict")
@pytest.mark.parametrize("name", list(SHEETS))
def test_the_sheets_read_at_grade_8_or_below_and_plain_spanish(name: str) -> None:
    assert pc.english_grade(pc.prose(_sheet(SHEETS[name](), "en"))) <= 8.0
    assert pc.spanish_ease(pc.prose(_sheet(SHEETS[name](), "es"))) >= 70
