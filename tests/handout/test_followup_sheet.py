"""The one-page sheet a patient takes home after a follow-up review (issue 5; issue 9: the headline and
the boxes follow the decision, and the sheet obeys the core gate)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from ldn_aid.cli import main
from ldn_aid.content import load_content
from ldn_aid.content.words import blocker_text, patient_text
from ldn_aid.domain.followup import SAFETY_ITEMS, SIDE_EFFECTS, FollowUpDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.compose import (
    DocumentRefusedError,
    FollowUpSheetError,
    compose_followup_for_visit,
    compose_followup_sheet,
)
from ldn_aid.handout.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.paths import resource_path
from ldn_aid.rules import decide, review
from ldn_aid.visit_file import load_visit

CASES = Path(__file__).resolve().parents[1] / "record" / "cases"
ALL_SAFE: dict[str, Any] = {
    **{item: "no" for item in SAFETY_ITEMS if item not in ("last_opioid_dose", "urine_opioid_screen")},
    "pregnancy": "not_applicable",
}
# Every side effect asked (an unasked one is unknown, never "none").
NO_SIDE_EFFECTS: dict[str, Any] = dict.fromkeys(SIDE_EFFECTS, "none")


def _visit(name: str):  # type: ignore[no-untyped-def]
    return load_visit(resource_path(f"examples/{name}.json"))


def _blocks(handout: model.Handout, kind: type) -> list:
    return [b for b in handout.blocks if isinstance(b, kind)]


def test_advance_sheet_shows_the_new_dose_the_next_review_and_a_calendar() -> None:
    visit = _visit("followup_advance")
    decision = review(visit)
    assert decision is not None
    assert decision.decision == "advance"
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    box = _blocks(sheet, model.Box)[0]
    assert box.heading == load_content("en").language.handout.follow_up.decisions["advance"]
    facts = dict(_blocks(sheet, model.Facts)[1].rows)
    assert facts["Dose"] == "4.5 mg"
    assert facts["Next review"] == "Mon Jan 11, 2027"
    assert decision.next_review is not None
    assert decision.next_review.isoformat() == "2027-01-11"
    calendar = _blocks(sheet, model.Calendar)[0]
    assert calendar.weeks[0].days[0] == decision.review_date
    assert all(week.dose == "4.5 mg" for week in calendar.weeks)
    assert dict(calendar.marked) == {decision.next_review: "Next review"}


def test_stop_sheet_says_stop_and_warns_about_opioids_afterwards() -> None:
    visit = _visit("followup_stop")
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    words = load_content("en").language.handout
    assert _blocks(sheet, model.Box)[0].heading == words.follow_up.decisions["stop"]
    assert _blocks(sheet, model.Box)[0].style == "stop"
    assert _blocks(sheet, model.Calendar) == []
    warning = _blocks(sheet, model.Box)[1]
    assert words.follow_up.no_more_doses in warning.paragraphs
    assert any("opioid" in bullet.lower() for bullet in warning.bullets)


def test_no_follow_up_means_no_sheet() -> None:
    assert compose_followup_for_visit(_visit("ldn_option"), "en") is None


@pytest.mark.parametrize("name", ["followup_advance", "followup_stop"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_sheet_fits_one_page_in_both_languages(name: str, paper: str) -> None:
    for language in ("en", "es"):
        sheet = compose_followup_for_visit(_visit(name), language)
        assert sheet is not None
        data = render_pdf_bytes(sheet, RenderOptions(paper=paper))  # type: ignore[arg-type]
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            assert len(pdf.pages) == 1, (name, language, paper)
            assert min(c["size"] for c in pdf.pages[0].chars if c["top"] < pdf.pages[0].height - 72) >= 11.99


def test_english_and_spanish_sheets_carry_the_same_numbers() -> None:
    def numbers(language: str) -> list[str]:
        sheet = compose_followup_for_visit(_visit("followup_advance"), language)
        assert sheet is not None
        text = " ".join(
            str(value)
            for block in sheet.blocks
            if not isinstance(block, model.ReferenceList)
            for value in block.model_dump(mode="json").values()
        )
        return sorted(re.findall(r"\d+(?:\.\d+)?", text))

    assert numbers("en") == numbers("es")


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


# ---- issue 9: the headline and the boxes follow the decision ----------------------------------------


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


def _texts(sheet: model.Handout) -> str:
    return " ".join(
        str(value)
        for block in sheet.blocks
        if not isinstance(block, model.ReferenceList)
        for value in block.model_dump(mode="json").values()
    )


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
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    words = load_content("en").language.handout
    boxes = _blocks(sheet, model.Box)
    assert boxes[0].heading == words.follow_up.decisions[decision.decision]
    assert boxes[0].style == "main"
    assert all(b.style != "stop" for b in boxes)
    assert words.follow_up.no_more_doses not in _texts(sheet)
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
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    words = load_content("en").language.handout
    assert _blocks(sheet, model.Box)[0].style == "stop"
    assert _blocks(sheet, model.Box)[0].heading == words.follow_up.decisions["stop"]
    assert _blocks(sheet, model.Calendar) == []
    assert not sheet.has_plan
    assert words.follow_up.no_more_doses in _texts(sheet)


def test_a_restart_starts_again_at_step_1_with_a_new_calendar(make_visit_data: Any) -> None:
    visit = _base_visit(make_visit_data, {"date": "2026-02-16", "dose_mg": 3.0, "days_without_ldn": 20})
    decision = decide(visit).latest
    assert decision is not None
    assert decision.decision == "restart"
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    words = load_content("en").language.handout
    assert _blocks(sheet, model.Box)[0].heading == words.follow_up.decisions["restart"]
    assert _blocks(sheet, model.Box)[0].style == "main"
    facts = dict(_blocks(sheet, model.Facts)[1].rows)
    assert facts["Dose"] == "1.5 mg"
    calendar = _blocks(sheet, model.Calendar)[0]
    assert calendar.weeks[0].days[0] == dt.date(2026, 2, 16)
    assert calendar.weeks[0].dose == "1.5 mg"
    assert words.follow_up.no_more_doses not in _texts(sheet)


def test_d14_the_sheet_says_the_dose_is_lowered_to_the_ceiling() -> None:
    """D14: "Stay on the same dose." printed above a dose cut from 4.5 to 2.0 mg."""
    visit = load_visit(CASES / "D14_child_taking_over_target.json")
    decision = decide(visit).latest
    assert decision is not None
    assert decision.decision == "step_down"
    for language in ("en", "es"):
        content = load_content(language)
        sheet = compose_followup_for_visit(visit, language)
        assert sheet is not None
        assert (
            _blocks(sheet, model.Box)[0].heading == content.language.handout.follow_up.decisions["step_down"]
        )
        assert dict(_blocks(sheet, model.Facts)[1].rows)[content.language.handout.labels["dose"]] == (
            "2.0 mg = 2.0 mL"
        )
        reason = next(r for r in decision.reasons if r.rule_id == "followup_dose_above_ceiling")
        words = patient_text(content, reason.rule_id, reason.params, reason.inputs)
        assert words is not None
        assert "4.5" in words
        bullets = [item for b in _blocks(sheet, model.Bullets) for item in b.items]
        assert any(item.startswith(words) for item in bullets)
        assert content.language.handout.follow_up.decisions["continue"] not in _texts(sheet)


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
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    text = _texts(sheet)
    assert not re.findall(r"\{[a-z_]+\}", text)  # every show-time placeholder filled
    assert Decimal("2.0") == decide(visit).latest.ceiling_mg  # type: ignore[union-attr]


def test_review_and_sheet_agree_for_the_examples() -> None:
    for name in ("followup_advance", "followup_stop"):
        visit = _visit(name)
        decided = decide(visit)
        assert decided.latest == review(visit)
        if not decided.followup_gate.allowed:
            with pytest.raises(DocumentRefusedError):
                compose_followup_for_visit(visit, "en")
            continue
        sheet = compose_followup_for_visit(visit, "en")
        assert sheet is not None
        assert sheet.has_plan == (decided.latest is not None and decided.latest.decision != "stop")
