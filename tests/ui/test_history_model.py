"""The follow-up history chart's model and the follow-up words, without Qt: what the chart shows
and says follows the rule book's numbers, never numbers written in the code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.schema import RuleBook
from ldn_aid.domain.followup import DecisionReason
from ldn_aid.domain.followup_checks import follow_up_problems
from ldn_aid.rules import decide
from ldn_aid.ui.present import followup as words
from ldn_aid.ui.present.chart import ChartData, chart_data, describe
from ldn_aid.visit_file import load_visit

CASES = Path(__file__).resolve().parent / "cases"
ADVANCE = CASES / "followup_advance.json"


def with_number(rules: RuleBook, name: str, value: int) -> RuleBook:
    """A copy of the rule book with one number changed."""
    cited = getattr(rules.numbers, name).model_copy(update={"value": Decimal(value)})
    return rules.model_copy(update={"numbers": rules.numbers.model_copy(update={name: cited})})


def advance_chart(rules: RuleBook) -> ChartData:
    visit = load_visit(ADVANCE)
    decision = decide(visit)
    return chart_data(visit, decision.protocol, decision.follow_ups, scale_name="ADHD-RS-5", rules=rules)


def test_describe_reads_the_response_rules_numbers_from_the_rule_book() -> None:
    rules = load_content("en").rules
    assert rules.number("response_max_cgi_i") == 2
    said = describe(advance_chart(rules))
    assert "with a CGI-I of 1 or 2" in said
    assert f"a fall of {rules.number('response_min_fall_percent'):g}% or more" in said

    # Another rule book, another sentence: nothing in the chart's words is fixed in the code.
    other = with_number(with_number(rules, "response_max_cgi_i", 3), "response_min_fall_percent", 40)
    data = advance_chart(other)
    said = describe(data)
    assert data.response_max_cgi_i == 3
    assert "with a CGI-I of 1 to 3" in said
    assert "a fall of 40% or more" in said
    assert "CGI-I of 1 or 2" not in said
    baseline = data.baseline
    assert baseline is not None
    assert data.response_score == baseline[1] * 60 / 100


def test_the_chart_model_shows_doses_in_force_planned_and_taken() -> None:
    data = advance_chart(load_content("en").rules)
    assert [segment.planned for segment in data.segments][-1] is True
    assert not data.segments[0].planned
    assert [dose for _, dose in data.taken] == [Decimal("1.5"), Decimal("3.0")]
    assert data.dose_top() > float(max(data.ladder))
    assert data.stops == ()


def test_the_summary_and_history_words_come_from_the_content(content: ContentBundle) -> None:
    visit = load_visit(ADVANCE)
    decision = decide(visit).latest
    assert decision is not None
    text = words.summary(content, decision)
    assert text.startswith("Go up to 4.5 mg at bedtime.")
    assert "Next review 2027-01-11 (Mon)." in text
    spanish = load_content("es")
    assert words.summary(spanish, decision).startswith("Subir a 4.5 mg al acostarse.")
    assert words.cgi_i_label(content, 2) == "2 — much improved"
    cells = words.history_cells(content, visit.follow_ups[-1], decision)
    assert len(cells) == len(words.HISTORY_HEADERS)
    assert cells[words.HISTORY_DECISION] == content.language.choices["decision"]["advance"]


def test_follow_up_problems_name_the_field_they_are_about() -> None:
    visit = load_visit(ADVANCE)
    last = visit.follow_ups[-1]
    early = last.model_copy(update={"date": visit.visit_date.replace(year=visit.visit_date.year - 1)})
    (problem,) = follow_up_problems(visit, early)
    assert (problem.loc, problem.code) == (("date",), "before_visit")
    same_day = last.model_copy(update={"score": 99.0})
    codes = {(p.loc, p.code) for p in follow_up_problems(visit, same_day)}
    assert codes == {(("date",), "not_after_previous"), (("score",), "score_outside_scale")}
    # As review 1 of the visit itself (its place in the list): nothing wrong.
    assert follow_up_problems(visit, last, index=len(visit.follow_ups) - 1) == ()


def test_a_decision_with_safety_questions_not_asked_says_so_in_its_summary(content: ContentBundle) -> None:
    decision = decide(load_visit(ADVANCE)).latest
    assert decision is not None
    sentence = content.language.review.summary.safety_not_checked
    assert sentence not in words.summary(content, decision)
    unasked = DecisionReason(
        rule_id=words.SAFETY_UNANSWERED,
        severity="caution",
        inputs=("follow_ups.safety.surgery_planned",),
        references=decision.reasons[0].references,
    )
    flagged = decision.model_copy(update={"reasons": (*decision.reasons, unasked)})
    assert sentence in words.summary(content, flagged)
    assert (
        "safety questions not asked: 1"
        in words.history_cells(content, load_visit(ADVANCE).follow_ups[-1], flagged)[4]
    )
