"""The composed decision pack: what it says for each outcome, reader and language, compared by value.

Page counts of the rendered pack are asserted in `test_pack_aims.py` (H6); here the model: its parts
in order, page 1 by outcome, the voice, the grid, the numbers, the plan, the sources and the last lines.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from samples import EXAMPLES, acknowledged, example, handout_for, printable

from ldn_aid.content import load_content
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.common import MAX_MARKS, Citations
from ldn_aid.handout.compose import DocumentRefusedError, clean_user_text, compose_for_visit, compose_handout
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

HERE = Path(__file__).resolve().parent
RECORD_CASES = HERE.parent / "record" / "cases"
CHILD = HERE / "cases" / "child9_girl_liquid.json"
FOUR_STOPS = HERE / "d01_cases" / "methadone_pregnant_four_stops.json"
CLINIC = ClinicSettings(
    clinic_name="Riverside Family Clinic",
    phone="(555) 201-4477",
    after_hours_phone="(555) 201-4478",
    prescriber_name="Dr. Ana Ruiz",
)
MARK = re.compile(r"\[(\d+(?:, \d+)*)\]")


def blocks_of(handout: model.Handout, kind: type) -> list:
    return [b for b in handout.blocks if isinstance(b, kind)]


def texts(value: object) -> list[str]:
    """Every string a block or handout holds (its words), without ids, styles and dates."""
    data = value.model_dump(mode="json") if isinstance(value, model.BaseModel) else value
    found: list[str] = []

    def walk(item: object) -> None:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for key, inner in item.items():
                if key not in ("kind", "style", "days", "document", "language", "cited"):
                    walk(inner)
        elif isinstance(item, list):
            for inner in item:
                walk(inner)

    walk(data)
    return found


def all_text(handout: model.Handout) -> str:
    return "\n".join(texts(handout))


def page_one(handout: model.Handout) -> list[model.Block]:
    """The blocks of page 1: everything before the Option Grid."""
    blocks = list(handout.blocks)
    return blocks[: next(i for i, b in enumerate(blocks) if isinstance(b, model.OptionGrid))]


def page_one_text(handout: model.Handout) -> str:
    return "\n".join(t for b in page_one(handout) for t in texts(b))


def child() -> Visit:
    return load_visit(CHILD)


def with_patient(visit: Visit, **update: object) -> Visit:
    return visit.model_copy(update={"patient": visit.patient.model_copy(update=update)})


def pack(visit: Visit, language: str = "en", clinic: ClinicSettings | None = CLINIC) -> model.Handout:
    return compose_for_visit(visit, language, clinic)


# ---- the parts, in order --------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_pack_has_its_parts_in_order_and_the_plan_only_when_printable(name: str, language: str) -> None:
    handout = handout_for(name, language)
    assert handout.document == "pack"
    kinds = [type(b) for b in handout.blocks]
    assert kinds[0] is model.Heading
    grid = kinds.index(model.OptionGrid)
    numbers = kinds.index(model.IconArray)
    assert 0 < grid < numbers
    words = load_content(language).language.pack
    headings = [b.text for b in blocks_of(handout, model.Heading)]
    assert words.numbers.heading in headings
    decision = decide(printable(name))
    plan = decision.plan_printable
    chosen = plan and decision.assessment.outcome.value == "ldn_option"  # the tools need a chosen plan
    assert handout.has_plan == plan
    assert bool(blocks_of(handout, model.StepsTable)) == plan, name
    for kind in (model.Calendar, model.WalletCard):
        assert bool(blocks_of(handout, kind)) == chosen, (name, kind)
    assert not blocks_of(handout, model.OptionCard)
    assert not blocks_of(handout, model.ComparisonTable)
    assert not blocks_of(handout, model.ReferenceList)  # the sources are on the evidence sheet
    if plan:
        assert kinds.index(model.StepsTable) > numbers
    if chosen:
        assert kinds.index(model.Calendar) > kinds.index(model.WalletCard) > kinds.index(model.StepsTable)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_pack_names_its_patient_and_its_title_is_page_ones(name: str) -> None:
    handout = handout_for(name, "en")
    visit = printable(name)
    assert handout.patient_name == clean_user_text(visit.patient.display_name, 120)
    assert handout.title == handout.blocks[0].text


# ---- page 1 by outcome ----------------------------------------------------------------------------


def test_page_one_titles_differ_by_outcome() -> None:
    for language in ("en", "es"):
        titles = {name: handout_for(name, language).title for name in EXAMPLES}
        assert len(set(titles.values())) == len(EXAMPLES), titles


def test_stop_page_one_gives_the_reasons_in_the_stop_box_and_what_instead() -> None:
    handout = handout_for("stop", "en")
    first = page_one(handout)
    stop_box = next(b for b in first if isinstance(b, model.Box) and b.style == "stop")
    reason = load_content("en").language.findings["opioid_agonist_treatment"].patient
    assert reason is not None
    assert stop_box.bullets[0].startswith(reason.split(". ")[0])
    text = page_one_text(handout)
    # What instead: the classes still open, by name, and numbered next steps.
    for name in ("methylphenidate", "atomoxetine", "viloxazine"):
        assert name in text
    steps = next(b for b in first if isinstance(b, model.Bullets) and b.numbered)
    assert steps.items[0].startswith("Do not start LDN")


def test_four_stops_put_methadone_first_and_describe_withdrawal_once() -> None:
    visit = load_visit(FOUR_STOPS)
    stops = [f.rule_id for f in decide(visit).assessment.with_severity("stop")]
    assert len(stops) >= 3
    assert "opioid_agonist_treatment" in stops
    for language, sick in (("en", "strong sick feeling"), ("es", "malestar fuerte")):
        stop_box = next(b for b in blocks_of(pack(visit, language), model.Box) if b.style == "stop")
        assert len(stop_box.bullets) == len(stops)
        words = load_content(language).language.findings["opioid_agonist_treatment"].patient or ""
        assert stop_box.bullets[0].startswith(words.split(". ")[0])
        assert " ".join(stop_box.bullets).count(sick) == 1


def test_the_stop_box_has_no_hard_words() -> None:
    """Review D2 and the brief: no "outweighs the risk" in the reasons a patient reads first."""
    for language in ("en", "es"):
        stop_box = next(
            b for b in blocks_of(pack(load_visit(FOUR_STOPS), language), model.Box) if b.style == "stop"
        )
        assert "outweigh" not in " ".join(stop_box.bullets)


def test_the_points_to_talk_about_sit_on_page_one_unless_an_ldn_plan_fills_it() -> None:
    """guideline_first is about the guideline medicines: its points (tics before a stimulant) are on
    page 1 even with a fallback plan; an ldn_option plan puts its points under the grid."""
    tics = load_content("en").language.findings["stimulant_discuss.tics_or_tourette"].patient or ""
    assert tics in page_one_text(handout_for("guideline_first", "en"))
    partial = load_content("en").language.findings["guideline_medicine_partial"].patient or ""
    assert partial in page_one_text(handout_for("stop", "en"))


def test_incomplete_page_one_says_what_is_still_needed_in_patient_words() -> None:
    handout = handout_for("incomplete", "en")
    box = next(b for b in page_one(handout) if isinstance(b, model.Box))
    needed = load_content("en").language.pack.visit.still_needed
    assert box.style == "note"
    assert box.bullets == (
        needed["patient.weight_kg"].adult,  # type: ignore[union-attr]
        needed["ldn_screen.planned_surgery"],
        needed["ldn_screen.chronic_liver_disease"],
        needed["ldn_screen.pregnancy"],
    )
    # No clinician words: the question texts ("Weight (kg)") never print.
    questions = load_content("en").language.questions
    for path in decide(example("incomplete")).assessment.missing:
        assert questions[path].text not in all_text(handout)
    assert not handout.has_plan


def test_guideline_first_names_the_open_classes_from_the_history_and_that_ldn_could_come_later() -> None:
    handout = handout_for("guideline_first", "en")
    box = next(b for b in page_one(handout) if isinstance(b, model.Box))
    text = " ".join(box.paragraphs)
    # Methylphenidate gave side effects: tried, not open.
    assert (
        "still open to your child: an amphetamine, atomoxetine, guanfacine (or clonidine) or viloxazine"
        in text
    )
    assert "already tried: methylphenidate." in text
    assert "LDN could come later" in text
    assert "You and your care team talked about these medicines today." in text
    ldn_page_one = page_one_text(handout_for("ldn_option", "en"))
    assert page_one_text(handout) != ldn_page_one


@pytest.mark.parametrize("language", ["en", "es"])
def test_guideline_first_next_steps_start_no_ldn_and_give_no_ldn_date(language: str) -> None:
    """Other medicines come first: page 1's steps are the guideline talk, then the plan only "if you
    choose LDN", with no dose date a parent could follow as if LDN had been chosen (pharmacist M4)."""
    handout = handout_for("guideline_first", language)
    visit = printable("guideline_first")
    protocol = decide(visit).protocol
    assert protocol is not None
    assert handout.has_plan
    steps = next(b for b in page_one(handout) if isinstance(b, model.Bullets) and b.numbered)
    assert len(steps.items) == 2
    written = load_content(language).language.sheets
    for date in (protocol.start_date, protocol.tolerability_review, protocol.response_review):
        assert str(date.year) not in " ".join(steps.items)
        assert written.dates.months[date.month - 1] not in " ".join(steps.items)
    plan_heading = next(
        b
        for b in handout.blocks
        if isinstance(b, model.Heading) and b.level == 1 and b.text.startswith(("If your child", "Si su hij"))
    )
    assert plan_heading.text in steps.items[1]
    assert not [b for b in page_one(handout) if isinstance(b, model.Checklist)]
    # No wallet card ("takes naltrexone") and no dated calendar for a child who has not started LDN:
    # they come when the family calls before the first dose (round-2 review, December 2026).
    assert not [b for b in handout.blocks if isinstance(b, (model.WalletCard, model.Calendar))]
    assert [b for b in handout.blocks if isinstance(b, model.StepsTable)]
    assert load_content(language).language.sheets.wallet.heading not in all_text(handout)


def test_guideline_first_never_claims_a_discussion_the_visit_does_not_record() -> None:
    """The gate refuses this pack; were it ever printed, it would not claim the talk."""
    visit = example("guideline_first")
    assert not visit.effective_plan.guideline_options_discussed
    decision = decide(visit)
    forced = decision.model_copy(update={"handout_gate": Gate(allowed=True)})
    for language in ("en", "es"):
        words = load_content(language).language.pack.visit
        text = page_one_text(compose_handout(visit, forced, load_content(language)))
        assert words.guideline_discussed not in text  # type: ignore[operator]
        assert words.guideline_not_discussed in text  # type: ignore[operator]


def test_ldn_option_page_one_is_an_off_label_test_with_its_stop_rule_and_dates() -> None:
    handout = handout_for("ldn_option", "en")
    box = next(b for b in page_one(handout) if isinstance(b, model.Box))
    assert box.style == "main"
    text = " ".join(box.paragraphs)
    assert "LDN is not approved for ADHD (this is called off-label use)." in text
    assert "never been tested for ADHD" in text
    assert (
        "At your review on Tuesday, February 23, 2027, you will stop LDN unless it has helped enough." in text
    )
    steps = next(b for b in page_one(handout) if isinstance(b, model.Bullets) and b.numbered)
    assert steps.items[0].startswith(
        "Take no opioid medicines from today until your first dose on Tuesday, December 1, 2026."
    )
    assert any("Monday, December 14, 2026" in item for item in steps.items)
    checklist = next(b for b in page_one(handout) if isinstance(b, model.Checklist))
    assert checklist.items[0] == "No opioid medicines since today, Wednesday, November 25, 2026"


# ---- who to call ----------------------------------------------------------------------------------


def _contact_line(handout: model.Handout) -> str:
    prefix = load_content(handout.language).language.pack.visit.contacts.emergency.split("{")[0]
    return next(b.text for b in page_one(handout) if isinstance(b, model.Paragraph) and prefix in b.text)


@pytest.mark.parametrize("name", EXAMPLES)
def test_page_one_gives_the_clinic_phones_prescriber_and_emergency_and_crisis_numbers(name: str) -> None:
    handout = pack(printable(name))
    assert _contact_line(handout) == (
        "Call Riverside Family Clinic at (555)\u00a0201-4477 (after hours: (555)\u00a0201-4478)."
        " Emergency: 911. Crisis line: 988 (call or text). Prescriber: Dr. Ana Ruiz."
    )
    # Right under the decision, so every print size has it on page 1.
    blocks = list(handout.blocks)
    box = next(i for i, b in enumerate(blocks) if isinstance(b, model.Box))
    line = next(i for i, b in enumerate(blocks) if isinstance(b, model.Paragraph) and "Prescriber:" in b.text)
    assert all(isinstance(b, model.Paragraph) for b in blocks[box + 1 : line])


def test_blank_settings_print_a_write_in_line_and_the_clinics_own_numbers_print() -> None:
    handout = pack(example("stop"), clinic=None)
    write_in = load_content("en").language.sheets.write_in
    assert re.fullmatch(r"_{20,}", write_in)
    assert _contact_line(handout) == (
        f"Call the clinic at {write_in}. Emergency: 911. Crisis line: 988 (call or text)."
        f" Prescriber: {write_in}."
    )
    assert "(not filled in)" not in all_text(handout)
    own = CLINIC.model_copy(update={"emergency_number": "000", "crisis_line": "13 11 14"})
    handout = pack(example("ldn_option"), clinic=own)
    assert "Emergency: 000. Crisis line: 13\u00a011\u00a014 (call or text)." in _contact_line(handout)
    emergency = next(b for b in blocks_of(handout, model.Box) if b.heading.startswith("Call 000"))
    assert "call or text 13\u00a011\u00a014" in emergency.bullets[0]


# ---- the reader's voice ---------------------------------------------------------------------------


def test_a_child_pack_speaks_to_the_caregiver_with_the_childs_name() -> None:
    handout = pack(child())
    first = page_one_text(handout)
    assert "Prepared for the parent or caregiver of Mia Example" in first
    assert "plan for Mia Example to try LDN" in first
    assert handout.title == "Your child's plan to try LDN"
    text = all_text(handout)
    assert "If your child starts LDN" in text
    assert "Give your child 1 dose a day, at bedtime." in text
    assert not re.search(r"\bpregnan", text, re.IGNORECASE)  # no child-bearing potential recorded
    adult = all_text(handout_for("ldn_option", "en"))
    assert "your child" not in adult.lower()


@pytest.mark.parametrize(
    ("sex", "words"), [("female", "su hija"), ("male", "su hijo"), ("not_stated", "su hijo o hija")]
)
def test_spanish_names_the_child_from_the_sex_at_birth(sex: str, words: str) -> None:
    visit = with_patient(child(), sex_at_birth=sex, display_name=None)
    if sex == "not_stated":  # the pregnancy question is asked for anyone not male, as in the wizard
        visit = visit.model_copy(
            update={"ldn_screen": visit.ldn_screen.model_copy(update={"pregnancy": "no"})}
        )
    handout = pack(visit, "es")
    assert handout.title == f"El plan para que {words} pruebe la LDN"
    headings = [b.text for b in blocks_of(handout, model.Heading)]
    assert f"Si {words} empieza la LDN" in headings
    assert "Preparada para la madre, el padre o quien cuida a ________________________" in page_one_text(
        handout
    )


def test_pregnancy_text_only_where_pregnancy_can_apply() -> None:
    male_child = pack(printable("guideline_first"))  # a 12-year-old boy
    assert not re.search(r"pregnan", all_text(male_child), re.IGNORECASE)
    male_adult = pack(example("stop"))
    assert not re.search(r"pregnan", all_text(male_adult), re.IGNORECASE)
    woman = pack(example("ldn_option"))  # child-bearing potential recorded
    assert re.search(r"pregnan", all_text(woman), re.IGNORECASE)


# ---- the Option Grid ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_grid_has_four_columns_eight_rows_short_cells_and_one_sources_note(
    name: str, language: str
) -> None:
    grid = blocks_of(handout_for(name, language), model.OptionGrid)[0]
    words = load_content(language).language.pack.grid
    assert grid.columns == tuple(
        words.columns[o] for o in ("keep_current", "stimulants", "non_stimulants", "ldn")
    )
    assert len(grid.rows) == 8
    for row in grid.rows:
        for cell in row.cells:
            assert "[" not in cell, cell
            assert len(cell.split()) <= 22, cell  # Option Grid length (Spanish runs longer)
    assert grid.note.startswith(words.sources_label)
    assert len(MARK.search(grid.note).group(1).split(", ")) <= MAX_MARKS  # type: ignore[union-attr]


def test_grid_honesty_fixes() -> None:
    for language, rare, unknown in (("en", "rare", "unknown for anyone"), ("es", "raros", "Nadie sabe")):
        grid = blocks_of(handout_for("ldn_option", language), model.OptionGrid)[0]
        ldn = [row.cells[3] for row in grid.rows]
        assert not any(rare in cell for cell in ldn)  # audit B-2
        serious = ldn[3]
        assert unknown in serious
        assert "8" in serious
        assert "16" in serious


def test_no_new_medicine_fits_the_patients_age() -> None:
    """Review D16: no parent training offered to a 34-year-old."""
    adult = blocks_of(handout_for("ldn_option", "en"), model.OptionGrid)[0]
    kid = blocks_of(pack(child()), model.OptionGrid)[0]
    adult_cells = " ".join(row.cells[0] for row in adult.rows).lower()
    kid_cells = " ".join(row.cells[0] for row in kid.rows).lower()
    assert "parent" not in adult_cells
    assert "school" not in adult_cells
    assert "parent training" in kid_cells
    assert "height" in " ".join(row.cells[1] for row in kid.rows)
    assert "height" not in " ".join(row.cells[1] for row in adult.rows)


# ---- in numbers -----------------------------------------------------------------------------------


def _arrays(handout: model.Handout) -> list[model.IconArray]:
    return blocks_of(handout, model.IconArray)


def test_numbers_are_for_the_patients_age_group_and_against_the_same_trials_dummy_pill() -> None:
    adult = _arrays(handout_for("stop", "en"))
    kid = _arrays(pack(child()))
    assert adult
    assert kid
    assert all("adults" in g.label for a in adult for g in a.groups)
    assert all("children" in g.label for a in kid for g in a.groups)
    for array in (*adult, *kid):
        assert len(array.groups) == 2
        assert [g.highlighted for g in array.groups] == [True, False]
        assert "dummy pill" in array.groups[1].label
        assert array.denominator == 100
        for group in array.groups:
            assert f"{group.count} in 100" in group.label


def test_no_numbers_for_ldn_in_adhd_and_ldn_numbers_only_in_the_not_comparable_frame() -> None:
    for language in ("en", "es"):
        words = load_content(language).language.pack.numbers
        handout = handout_for("ldn_option", language)
        paragraphs = [b.text for b in blocks_of(handout, model.Paragraph)]
        assert any(p.startswith(words.no_ldn_numbers) for p in paragraphs)
        assert any(words.cannot_compare in p for p in paragraphs)
        assert not any("LDN" in " ".join(texts(a)) for a in _arrays(handout))
        frame = blocks_of(handout, model.Framed)[0]
        assert frame.heading == words.not_comparable_heading
        assert frame.style == "note"
        framed = " ".join(texts(frame)).replace("\u00a0", " ")
        assert "6 mg" in framed
        assert "Not ADHD" in framed or "No es TDAH" in framed
        # FINAL built its dose up over 4 weeks (audit B-7): never "6 mg a day" as if from day one.
        assert "over 4 weeks" in framed or "en 4 semanas" in framed


def test_a_child_gets_no_adult_ldn_numbers_and_a_pack_without_a_plan_no_ldn_numbers() -> None:
    assert not blocks_of(pack(child()), model.Framed)
    for name in ("stop", "incomplete"):
        assert not blocks_of(handout_for(name, "en"), model.Framed)


# ---- the plan -------------------------------------------------------------------------------------


def test_plan_steps_are_written_the_safe_way_with_the_review_dates() -> None:
    table = blocks_of(handout_for("ldn_option", "en"), model.StepsTable)[0]
    assert [row[2] for row in table.rows] == [
        "1 capsule of 1.5\u00a0mg",
        "1 capsule of 3\u00a0mg",
        "1 capsule of 4.5\u00a0mg",
    ]
    assert [row[1] for row in table.rows] == ["December 1, 2026", "December 15, 2026", "December 29, 2026"]
    facts = [row for b in blocks_of(handout_for("ldn_option", "en"), model.Facts) for row in b.rows]
    assert ("Check-up on side effects", "Monday, December 14, 2026") in facts
    assert ("Review: is it working?", "Tuesday, February 23, 2027") in facts


def test_liquid_steps_give_millilitres_and_milligrams_with_a_decimal_comma_in_spanish() -> None:
    english = blocks_of(pack(child()), model.StepsTable)[0]
    assert [row[2] for row in english.rows] == [
        "0.8\u00a0mL (0.8\u00a0mg)",
        "1.7\u00a0mL (1.7\u00a0mg)",
        "2.5\u00a0mL (2.5\u00a0mg)",
    ]
    spanish = blocks_of(pack(child(), "es"), model.StepsTable)[0]
    assert spanish.rows[0][2] == "0,8\u00a0mL (0,8\u00a0mg)"
    facts = dict(row for b in blocks_of(pack(child()), model.Facts) for row in b.rows)
    assert facts["LDN stops, at the latest, on"] == "Tuesday, March 23, 2027"


def test_working_means_both_and_one_or_both_false_stops_ldn() -> None:
    text = all_text(handout_for("ldn_option", "en"))
    # A share of the score, never "3 in 10", which reads like 3 people in 10 beside the pictures.
    assert "Your ADHD checklist score fell by 30% or more (almost a third)." in text
    assert " in 10 (" not in text
    assert "If one or both are not true, you will stop LDN." in text
    assert "If both are not true" not in text
    spanish = all_text(handout_for("ldn_option", "es"))
    assert "Si no se cumple alguna de las dos" in spanish


def test_opioid_safety_ties_the_opioid_free_days_to_dates() -> None:
    handout = handout_for("ldn_option", "en")
    box = next(b for b in blocks_of(handout, model.Box) if b.heading.startswith("Opioid safety"))
    assert box.style == "warning"
    # The 10 days count back from the visit (the screen's answer), then on to the first dose: six
    # days from November 25 to December 1 alone are not ten (clinical review, December 2026).
    assert box.bullets[0].startswith(
        "You told us you have taken no opioids in the last 10 days. Keep it that way: take none from"
        " today, November 25, 2026, to your first dose on December 1, 2026."
    )
    text = " ".join(box.bullets)
    assert "tramadol" in text
    assert "3 days before planned surgery" in text


def test_a_missed_dose_has_one_rule_that_a_patient_can_follow_at_bedtime() -> None:
    """What to do tonight, not "ask your care team" at an hour nobody answers; never two at once."""
    for language in ("en", "es"):
        words = load_content(language).language.pack.plan
        text = all_text(handout_for("ldn_option", language))
        assert not isinstance(words.missed, str)
        assert words.missed.adult in text
        # The parent gives the dose: "give it to" the child, never "take it".
        parent = all_text(compose_for_visit(child(), language))
        assert words.missed.child.split("{child}")[-1] in parent
    text = all_text(handout_for("ldn_option", "en"))
    assert "Never take two doses at once." in text
    assert "ask your care team what to do" not in text


def test_vivid_dreams_use_the_sources_words_with_the_source() -> None:
    """Audit B-6: not "often fade"; YM09 said mild and transient."""
    handout = handout_for("ldn_option", "en")
    line = next(i for b in blocks_of(handout, model.Bullets) for i in b.items if i.startswith("Vivid dreams"))
    assert "In one small study they were mild and went away" in line.replace("in one", "In one")
    number = int(MARK.search(line).group(1))  # type: ignore[union-attr]
    assert handout.cited[number - 1] == "YM09"
    assert "often fade" not in all_text(handout)


def test_when_to_call_repeats_the_phones_and_the_emergency_box_the_numbers() -> None:
    handout = pack(example("ldn_option"))
    headings = [b.text for b in blocks_of(handout, model.Heading)]
    assert "Call the clinic at (555)\u00a0201-4477 (after hours: (555)\u00a0201-4478) if" in headings
    without = pack(example("ldn_option"), clinic=CLINIC.model_copy(update={"after_hours_phone": ""}))
    assert "Call the clinic at (555)\u00a0201-4477 if" in [b.text for b in blocks_of(without, model.Heading)]
    emergency = next(b for b in blocks_of(handout, model.Box) if b.heading == "Call 911 now if")
    assert emergency.bullets[0].startswith("You think about hurting yourself")
    assert "call or text 988" in emergency.bullets[0]


def test_the_patients_own_cautions_are_on_page_one_with_a_plan() -> None:
    text = page_one_text(handout_for("ldn_option", "en"))
    surgery = load_content("en").language.findings["planned_surgery"].patient
    assert surgery is not None
    assert surgery in text


# ---- sources and last lines -----------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_citations_number_only_printable_sources_at_most_three_a_mark(name: str, language: str) -> None:
    handout = handout_for(name, language)
    references = load_content(language).rules.references
    assert handout.cited
    assert all(references[ref_id].printable for ref_id in handout.cited)
    seen: list[int] = []
    for text in texts(handout):
        for mark in MARK.findall(text):
            numbers = [int(n) for n in mark.split(", ")]
            assert len(numbers) <= MAX_MARKS, text
            seen.extend(numbers)
    assert set(seen) == set(range(1, len(handout.cited) + 1))
    first_use = list(dict.fromkeys(seen))
    assert first_use == sorted(first_use)  # numbered in the order they are first printed


def test_citations_skip_unprintable_references_and_keep_three() -> None:
    references = load_content("en").rules.references
    printable_ids = [ref_id for ref_id, ref in references.items() if ref.printable]
    hidden = next(ref_id for ref_id, ref in references.items() if not ref.printable)
    cite = Citations(dict(references))
    assert cite.mark((hidden,)) == ""
    assert cite.mark((hidden, *printable_ids[:5])) == " [1, 2, 3]"
    assert cite.order == printable_ids[:3]
    assert cite.mark((printable_ids[2], printable_ids[0])) == " [1, 3]"


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_last_lines_say_where_the_sources_are_who_made_it_and_when_it_was_checked(name: str) -> None:
    """They close the reading part: the last blocks, or the last before the tools to cut out and tick
    (the wallet card and the calendar), so large print never spends a page on them alone."""
    handout = handout_for(name, "en")
    blocks = list(handout.blocks)
    tools = [i for i, b in enumerate(blocks) if isinstance(b, model.Heading) and b.level == 1]
    card = next((b for b in blocks if isinstance(b, model.WalletCard)), None)
    if card is not None:
        card_heading = load_content("en").language.sheets.wallet.heading
        blocks = blocks[: next(i for i in tools if blocks[i].text == card_heading)]  # type: ignore[union-attr]
    last = blocks[-1]
    assert isinstance(last, model.Paragraph)
    assert last.text.startswith(
        "The sources for this sheet are on the LDN Aid evidence sheet. Ask your clinic for it."
    )
    rules = load_content("en").rules
    assert "No company paid for it" in last.text
    assert "no links to anyone who sells LDN" in last.text
    assert (
        f"Checked in {rules.evidence_reviewed:%B %Y}, to be checked again by {rules.next_review:%B %Y}."
        in last.text
    )
    assert last.text.endswith(f"Content version {rules.content_version}.")
    assert "Next review" not in all_text(handout)


# ---- both languages -------------------------------------------------------------------------------


def _numbers(text: str) -> Counter[str]:
    return Counter(re.findall(r"\d+(?:[.,]\d+)?", text.replace(",", ".")))


@pytest.mark.parametrize("name", EXAMPLES)
def test_english_and_spanish_carry_the_same_numbers_doses_and_dates(name: str) -> None:
    english = "\n".join(texts(handout_for(name, "en")))
    spanish = "\n".join(texts(handout_for(name, "es")))
    assert _numbers(english) == _numbers(spanish), name


def test_spanish_doses_use_the_decimal_comma() -> None:
    text = all_text(handout_for("ldn_option", "es"))
    assert "1,5\u00a0mg" in text
    assert not re.search(r"\d\.\d\u00a0?m[gL]", text)


def test_spanish_pack_is_in_spanish() -> None:
    """A stop-word heuristic: English function words almost never appear in the Spanish prose."""
    text = all_text(handout_for("ldn_option", "es")).lower()
    words = re.findall(r"[a-záéíóúñü]+", text)
    english = sum(1 for w in words if w in {"the", "and", "you", "your", "with", "this", "that", "is"})
    assert english / len(words) < 0.005


def test_composition_is_deterministic_and_does_not_depend_on_the_clinician_language() -> None:
    visit = example("ldn_option")
    content = load_content("es")
    first = compose_handout(visit, decide(visit), content)
    assert first == compose_handout(visit, decide(visit), content)
    assert first == compose_for_visit(visit, "es")


# ---- the core gate --------------------------------------------------------------------------------


def test_d18_guideline_first_without_the_acknowledgement_is_refused() -> None:
    visit = load_visit(RECORD_CASES / "D18_guideline_first.json")
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
    data = json.loads((RECORD_CASES / "D18_guideline_first.json").read_text("utf-8"))
    data["plan"]["guideline_options_discussed"] = True
    visit = Visit.model_validate(data)
    decision = decide(visit)
    assert decision.plan_printable
    handout = compose_for_visit(visit, "en", decision=decision)
    assert handout.has_plan
    assert [row[2] for row in blocks_of(handout, model.StepsTable)[0].rows] == [
        "1.3\u00a0mL (1.3\u00a0mg)",
        "2.5\u00a0mL (2.5\u00a0mg)",
        "3.8\u00a0mL (3.8\u00a0mg)",
    ]


def test_the_guideline_first_example_is_refused_until_the_discussion_is_recorded() -> None:
    visit = example("guideline_first")
    assert decide(visit).handout_gate.blockers == ("guideline_ack_missing",)
    with pytest.raises(DocumentRefusedError):
        compose_for_visit(visit, "en")
    assert compose_for_visit(acknowledged(visit), "en").has_plan


def test_user_text_is_cleaned_of_control_characters_but_keeps_markup_characters() -> None:
    assert clean_user_text('Ana\x00 <b>&\n\t"Lee"') == 'Ana <b>& "Lee"'
    assert clean_user_text(None) == ""
    assert clean_user_text("שלום 😀") == "שלום 😀"


def test_a_name_with_braces_is_printed_as_typed() -> None:
    visit = with_patient(child(), display_name="Mia {child} {0}")
    assert "Prepared for the parent or caregiver of Mia {child} {0}" in page_one_text(pack(visit))


def test_the_visit_date_is_written_in_full() -> None:
    visit = example("stop").model_copy(update={"visit_date": dt.date(2027, 3, 2)})
    assert "Prepared for Sam Example. Visit of Tuesday, March 2, 2027." in page_one_text(pack(visit))
