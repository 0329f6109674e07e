"""The composed handout model: what the sheet says for each outcome, compared by value."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from samples import EXAMPLES, acknowledged, example, handout_for, printable

from ldn_aid.content import load_content
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.compose import DocumentRefusedError, clean_user_text, compose_for_visit, compose_handout
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

CASES = Path(__file__).resolve().parents[1] / "record" / "cases"


def blocks_of(handout: model.Handout, kind: type) -> list:
    return [b for b in handout.blocks if isinstance(b, kind)]


def all_text(handout: model.Handout, *, with_references: bool = True) -> str:
    parts: list[str] = [handout.title]
    for block in handout.blocks:
        if isinstance(block, model.ReferenceList) and not with_references:
            continue
        parts.extend(_texts(block))
    return "\n".join(parts)


def _texts(block: model.Block) -> list[str]:
    data = block.model_dump(mode="json")
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in ("kind", "style", "days"):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return found


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_handout_shows_all_four_options_and_the_same_comparison_rows(name: str, language: str) -> None:
    handout = handout_for(name, language)
    cards = blocks_of(handout, model.OptionCard)
    assert len(cards) == 4
    table = blocks_of(handout, model.ComparisonTable)[0]
    assert len(table.columns) == 4
    assert len(table.rows) == 9
    assert all(len(row.cells) == 4 for row in table.rows)
    # The first option is always "no new medicine / keep the current plan".
    words = load_content(language).language.handout
    assert cards[0].name == words.options["keep_current"].name


@pytest.mark.parametrize("name", EXAMPLES)
def test_main_message_is_the_first_box_and_says_ldn_is_untested(name: str) -> None:
    handout = handout_for(name, "en")
    first_box = blocks_of(handout, model.Box)[0]
    assert first_box.style == "main"
    text = " ".join(first_box.paragraphs)
    assert "never been tested for ADHD" in text
    assert "off-label" in text
    spanish = " ".join(blocks_of(handout_for(name, "es"), model.Box)[0].paragraphs)
    assert "fuera de indicación" in spanish


def test_stop_sheet_prints_no_plan_and_explains_why() -> None:
    handout = handout_for("stop", "en")
    assert not handout.has_plan
    for kind in (model.StepsTable, model.Calendar, model.WalletCard):
        assert blocks_of(handout, kind) == []
    stop_box = next(b for b in blocks_of(handout, model.Box) if b.style == "stop")
    reason = load_content("en").language.findings["opioid_agonist_treatment"].patient
    assert reason is not None
    assert any(item.startswith(reason) for item in stop_box.bullets)


def test_incomplete_sheet_says_the_plan_is_not_ready() -> None:
    handout = handout_for("incomplete", "en")
    assert not handout.has_plan
    words = load_content("en").language.handout
    assert any(b.heading == words.not_ready.heading for b in blocks_of(handout, model.Box))
    assert blocks_of(handout, model.StepsTable) == []


def test_guideline_first_note_comes_before_the_plan() -> None:
    handout = handout_for("guideline_first", "en")
    words = load_content("en").language.handout
    headings = [(i, b) for i, b in enumerate(handout.blocks) if isinstance(b, (model.Box, model.Heading))]
    note = next(i for i, b in headings if getattr(b, "heading", None) == words.guideline_first.heading)
    plan = next(i for i, b in headings if getattr(b, "text", None) == words.plan.heading)
    assert note < plan


def test_plan_steps_and_reviews_match_the_protocol() -> None:
    visit = example("guideline_first")
    protocol = decide(visit).protocol
    assert protocol is not None
    handout = handout_for("guideline_first", "en")
    table = blocks_of(handout, model.StepsTable)[0]
    assert [row[2] for row in table.rows] == ["1.3 mg", "2.5 mg", "3.8 mg"]
    assert [row[3] for row in table.rows] == ["1.3 mL", "2.5 mL", "3.8 mL"]
    assert [row[1] for row in table.rows] == ["Tue Dec 1, 2026", "Tue Dec 15, 2026", "Tue Dec 29, 2026"]
    facts = [row for b in blocks_of(handout, model.Facts) for row in b.rows]
    assert ("Check-up on side effects", "Mon Dec 14, 2026") in facts
    assert ("Review: is it working?", "Tue Feb 23, 2027") in facts


def test_opioid_safety_box_is_printed_with_every_plan() -> None:
    for name in ("ldn_option", "guideline_first"):
        handout = handout_for(name, "en")
        warnings = [b for b in blocks_of(handout, model.Box) if b.style == "warning"]
        assert any("Opioid safety" in b.heading for b in warnings)
        text = " ".join(b for w in warnings for b in w.bullets)
        assert "3 days before planned surgery" in text
        assert "tramadol" in text


def test_calendar_runs_from_the_first_dose_to_the_response_review_with_the_right_doses() -> None:
    visit = example("ldn_option")
    protocol = decide(visit).protocol
    assert protocol is not None
    calendar = blocks_of(handout_for("ldn_option", "en"), model.Calendar)[0]
    first_day = calendar.weeks[0].days[0]
    last_day = calendar.weeks[-1].days[-1]
    assert first_day == protocol.start_date == dt.date(2026, 12, 1)
    assert last_day >= protocol.response_review > calendar.weeks[-1].days[0] - dt.timedelta(days=1)
    days = [day for week in calendar.weeks for day in week.days]
    assert days == [first_day + dt.timedelta(days=i) for i in range(len(days))]
    for week in calendar.weeks:
        in_effect = [s for s in protocol.steps if s.start <= week.days[0]][-1]
        assert week.dose == f"{in_effect.dose_mg:.1f} mg"
    assert dict(calendar.marked) == {
        protocol.tolerability_review: "Check-up on side effects",
        protocol.response_review: "Review: is it working?",
    }


def test_liquid_calendar_gives_millilitres() -> None:
    calendar = blocks_of(handout_for("guideline_first", "en"), model.Calendar)[0]
    assert calendar.weeks[0].dose == "1.3 mg = 1.3 mL"
    assert calendar.weeks[-1].dose == "3.8 mg = 3.8 mL"


def test_wallet_card_names_naltrexone_the_dose_and_the_clinic() -> None:
    clinic = ClinicSettings(clinic_name="Riverside ADHD Clinic", phone="555-0100", prescriber_name="Dr Lee")
    visit = example("ldn_option")
    handout = compose_for_visit(visit, "en", clinic)
    card = blocks_of(handout, model.WalletCard)[0]
    assert "naltrexone" in card.front_heading
    assert "opioid blocker" in card.front_heading
    assert "Dose: 4.5 mg" in card.front_lines
    assert "Prescriber: Dr Lee" in card.back_lines
    assert "Phone: 555-0100" in card.back_lines
    assert any(line.startswith("Emergency contact") for line in card.back_lines)
    spanish = blocks_of(compose_for_visit(visit, "es", clinic), model.WalletCard)[0]
    assert "bloqueador de opioides" in spanish.front_heading


def test_blank_clinic_settings_print_as_not_filled_in() -> None:
    facts = blocks_of(handout_for("ldn_option", "en"), model.Facts)[0]
    assert ("Clinic", "(not filled in)") in facts.rows
    assert ("Prepared for", "Alex Example") in facts.rows


def test_personal_points_follow_the_answers() -> None:
    handout = handout_for("guideline_first", "en")
    words = load_content("en").language
    text = all_text(handout)
    assert words.handout.stimulant_points_heading in text
    tics = words.findings["stimulant_discuss.tics_or_tourette"].patient
    assert tics is not None
    assert tics in text
    for priority in ("protect_appetite", "not_controlled"):
        assert words.choices["priority"][priority] in text
    surgery = words.findings["planned_surgery"].patient
    assert surgery is not None
    assert surgery in all_text(handout_for("ldn_option", "en"))
    assert surgery not in text


def test_no_bare_percentages_in_patient_text() -> None:
    for name in EXAMPLES:
        for language in ("en", "es"):
            text = all_text(handout_for(name, language), with_references=False)
            assert "%" not in text, (name, language)


def test_icon_arrays_use_one_denominator_and_say_when_numbers_come_from_other_illnesses() -> None:
    handout = handout_for("ldn_option", "en")
    arrays = blocks_of(handout, model.IconArray)
    assert arrays
    assert {a.denominator for a in arrays} == {100}
    for array in arrays:
        for group in array.groups:
            assert f"{group.count} in 100" in group.label
    ldn_captions = [a.caption for a in arrays if "LDN" in " ".join(g.label for g in a.groups)]
    assert ldn_captions
    assert all("not ADHD" in caption for caption in ldn_captions)
    no_numbers = load_content("en").language.handout.no_ldn_numbers
    assert any(b.paragraphs and b.paragraphs[0].startswith(no_numbers) for b in blocks_of(handout, model.Box))


def test_every_reference_marker_resolves_to_a_listed_source() -> None:
    for name in EXAMPLES:
        handout = handout_for(name, "en")
        listing = blocks_of(handout, model.ReferenceList)[0].items
        cited = {
            int(n)
            for marks in re.findall(r"\[([\d, ]+)\]", all_text(handout, with_references=False))
            for n in marks.split(",")
        }
        assert cited == set(range(1, len(listing) + 1))
        for number, item in enumerate(listing, start=1):
            assert item.startswith(f"{number}. ")
            assert re.search(r"doi:|PMID|https?://", item), item


def test_english_and_spanish_carry_the_same_numbers_doses_and_dates() -> None:
    for name in EXAMPLES:
        english = all_text(handout_for(name, "en"), with_references=False)
        spanish = all_text(handout_for(name, "es"), with_references=False)
        assert Counter(re.findall(r"\d+(?:\.\d+)?", english)) == Counter(
            re.findall(r"\d+(?:\.\d+)?", spanish)
        ), name


def test_spanish_sheet_is_in_spanish() -> None:
    """A stop-word heuristic: English function words almost never appear in the Spanish prose."""
    text = all_text(handout_for("ldn_option", "es"), with_references=False).lower()
    words = re.findall(r"[a-záéíóúñü]+", text)
    english = sum(1 for w in words if w in {"the", "and", "you", "your", "with", "this", "that", "is"})
    assert english / len(words) < 0.005


def test_composition_is_deterministic_and_does_not_depend_on_the_clinician_language() -> None:
    visit = example("ldn_option")
    content = load_content("es")
    first = compose_handout(visit, decide(visit), content)
    again = compose_handout(visit, decide(visit), content)
    assert first == again
    assert first == compose_for_visit(visit, "es")


# ---- issue 9: the handout obeys the core gate ----------------------------------------------------


def test_d18_guideline_first_without_the_acknowledgement_is_refused() -> None:
    visit = load_visit(CASES / "D18_guideline_first.json")
    decision = decide(visit)
    assert decision.handout_gate.blockers == ("guideline_ack_missing",)
    for language in ("en", "es"):
        with pytest.raises(DocumentRefusedError) as refused:
            compose_for_visit(visit, language)
        assert refused.value.gate == decision.handout_gate
        assert refused.value.document == "handout"
        with pytest.raises(DocumentRefusedError):
            compose_handout(visit, decision, load_content(language))


def test_d18_with_the_acknowledgement_the_plan_is_printed() -> None:
    data = json.loads((CASES / "D18_guideline_first.json").read_text("utf-8"))
    data["plan"]["guideline_options_discussed"] = True
    visit = Visit.model_validate(data)
    decision = decide(visit)
    assert decision.plan_printable
    handout = compose_for_visit(visit, "en", decision=decision)
    assert handout.has_plan
    assert [row[2] for row in blocks_of(handout, model.StepsTable)[0].rows] == ["1.3 mg", "2.5 mg", "3.8 mg"]


def test_the_guideline_first_example_is_refused_until_the_discussion_is_recorded() -> None:
    visit = example("guideline_first")
    assert decide(visit).handout_gate.blockers == ("guideline_ack_missing",)
    with pytest.raises(DocumentRefusedError):
        compose_for_visit(visit, "en")
    assert compose_for_visit(acknowledged(visit), "en").has_plan


def test_the_plan_blocks_appear_only_when_the_plan_is_printable() -> None:
    for name in EXAMPLES:
        decision = decide(printable(name))
        assert decision.handout_gate.allowed
        handout = handout_for(name, "en")
        assert handout.has_plan == decision.plan_printable
        for kind in (model.StepsTable, model.Calendar, model.WalletCard):
            assert bool(blocks_of(handout, kind)) == decision.plan_printable, (name, kind)


def test_user_text_is_cleaned_of_control_characters_but_keeps_markup_characters() -> None:
    assert clean_user_text('Ana\x00 <b>&\n\t"Lee"') == 'Ana <b>& "Lee"'
    assert clean_user_text(None) == ""
    assert clean_user_text("שלום 😀") == "שלום 😀"


def test_dose_arithmetic_on_the_sheet_is_exact() -> None:
    handout = handout_for("ldn_option", "en")
    table = blocks_of(handout, model.StepsTable)[0]
    doses = [Decimal(row[2].removesuffix(" mg")) for row in table.rows]
    assert doses == [Decimal("1.5"), Decimal("3.0"), Decimal("4.5")]
    assert all(row[3] == "1" for row in table.rows)  # one capsule per dose
