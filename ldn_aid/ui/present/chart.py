"""What the follow-up history chart shows, as plain data (no Qt): the doses in force and planned,
the doses taken, the scores against the baseline and the response rule's threshold, and the stops.

The response rule's numbers (the fall in percent and the highest CGI-I that counts) are read from
the rule book, never written here, so the chart and its words follow a change of the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ldn_aid.content.schema import RuleBook, plain_number
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol, Step
from ldn_aid.domain.visit import SCALE_RANGES, Visit

# How far the last planned step is drawn when nothing says where it ends.
OPEN_END = dt.timedelta(weeks=2)
# The shortest a planned last step is drawn, so it is never a dot.
SHORTEST_PLANNED = dt.timedelta(days=7)


@dataclass(frozen=True)
class DoseSegment:
    """One dose held from `start` up to (not including) `end`; `planned` is after the latest review."""

    start: dt.date
    end: dt.date
    dose_mg: Decimal
    planned: bool


@dataclass(frozen=True)
class ChartData:
    segments: tuple[DoseSegment, ...] = ()
    taken: tuple[tuple[dt.date, Decimal], ...] = ()
    scores: tuple[tuple[dt.date, float], ...] = ()
    baseline: tuple[dt.date, float] | None = None
    # A score at or below this meets the response rule's fall; the CGI-I must be at most
    # `response_max_cgi_i` as well (both from the rule book).
    response_score: float | None = None
    response_fall_percent: int | None = None
    response_max_cgi_i: int | None = None
    score_range: tuple[float, float] = (0, 1)
    score_name: str = "Score"
    stops: tuple[dt.date, ...] = ()
    ladder: tuple[Decimal, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.segments or self.taken or self.scores or self.baseline)

    def dates(self) -> list[dt.date]:
        found = [d for s in self.segments for d in (s.start, s.end)]
        found += [d for d, _ in self.taken] + [d for d, _ in self.scores] + list(self.stops)
        if self.baseline is not None:
            found.append(self.baseline[0])
        return found

    def dose_top(self) -> float:
        """The top of the dose axis: a little above the highest dose shown or planned."""
        doses = [s.dose_mg for s in self.segments] + [d for _, d in self.taken] + list(self.ladder)
        return float(max(doses)) * 1.15 if doses else 1.0


def _clip(steps: Sequence[Step], start: dt.date, end: dt.date, planned: bool) -> list[DoseSegment]:
    """The steps of a schedule that fall between `start` and `end`, as segments."""
    out: list[DoseSegment] = []
    for index, step in enumerate(steps):
        step_end = steps[index + 1].start if index + 1 < len(steps) else end
        begin, finish = max(step.start, start), min(step_end, end)
        if begin < finish:
            out.append(DoseSegment(begin, finish, step.dose_mg, planned))
    return out


def _segments(
    visit: Visit, protocol: Protocol | None, decisions: Sequence[FollowUpDecision]
) -> tuple[list[DoseSegment], list[dt.date]]:
    """The dose step line (in force up to each review, then each review's revised schedule) and
    the dates of the reviews that stopped LDN."""
    segments: list[DoseSegment] = []
    schedule: tuple[Step, ...] = protocol.steps if protocol is not None else ()
    since = protocol.start_date if protocol is not None else visit.visit_date
    stops: list[dt.date] = []
    for follow_up, decision in zip(visit.follow_ups, decisions, strict=False):
        segments += _clip(schedule, since, follow_up.date, planned=False)
        schedule, since = decision.revised_steps, follow_up.date
        if decision.decision == "stop":
            stops.append(follow_up.date)
    if schedule:
        if decisions and decisions[-1].next_review is not None:
            end = decisions[-1].next_review
        elif not decisions and protocol is not None:
            end = protocol.response_review
        else:
            end = max(schedule[-1].start, since) + OPEN_END
        end = max(end, schedule[-1].start + SHORTEST_PLANNED)
        segments += _clip(schedule, since, end, planned=True)
    return segments, stops


def chart_data(
    visit: Visit,
    protocol: Protocol | None,
    decisions: Sequence[FollowUpDecision],
    *,
    scale_name: str,
    rules: RuleBook,
) -> ChartData:
    """What the chart shows for `visit`: `decisions[i]` is the review of `visit.follow_ups[i]`."""
    segments, stops = _segments(visit, protocol, decisions)
    baseline = visit.diagnosis.baseline
    score_range: tuple[float, float] = (0, 1)
    response_score = None
    fall = int(rules.number("response_min_fall_percent"))
    if baseline is not None:
        low, high = SCALE_RANGES[baseline.scale]
        score_range = (float(low), float(high))
        response_score = baseline.score * (100 - fall) / 100
    scores = tuple((f.date, f.score) for f in visit.follow_ups if f.score is not None)
    if baseline is None and scores:
        score_range = (0, max(score for _, score in scores))
    return ChartData(
        segments=tuple(segments),
        taken=tuple((f.date, f.dose_mg) for f in visit.follow_ups),
        scores=scores,
        baseline=(baseline.date, baseline.score) if baseline is not None else None,
        response_score=response_score,
        response_fall_percent=fall if response_score is not None else None,
        response_max_cgi_i=int(rules.number("response_max_cgi_i")) if response_score is not None else None,
        score_range=score_range,
        score_name=scale_name,
        stops=tuple(stops),
        ladder=tuple(step.dose_mg for step in protocol.steps) if protocol is not None else (),
    )


def mg(dose: Decimal) -> str:
    return f"{plain_number(dose)} mg"


def score_text(value: float) -> str:
    return f"{value:g}"


def _cgi_words(most: int) -> str:
    """The CGI-I values that count as improved (1 is the best): "of 1", "of 1 or 2", "of 1 to 3"."""
    if most <= 1:
        return "of 1"
    return "of 1 or 2" if most == 2 else f"of 1 to {most}"


def _score_words(data: ChartData) -> str:
    if not data.scores:
        return "No follow-up score recorded."
    words = []
    for day, value in data.scores:
        text = f"{score_text(value)} on {day.isoformat()}"
        if data.baseline is not None and data.baseline[1] > 0:
            change = (data.baseline[1] - value) * 100 / data.baseline[1]
            text += f" ({'down' if change >= 0 else 'up'} {abs(change):.0f}% from baseline)"
        words.append(text)
    return "Scores: " + "; ".join(words) + "."


def describe(data: ChartData) -> str:
    """The chart in words, for screen readers and tooltips."""
    if data.empty:
        return "No doses or scores to show yet."
    parts: list[str] = []
    done = [s for s in data.segments if not s.planned]
    planned = [s for s in data.segments if s.planned]
    if done:
        parts.append(
            "Dose in force: " + "; ".join(f"{mg(s.dose_mg)} from {s.start.isoformat()}" for s in done) + "."
        )
    if planned:
        parts.append(
            "Planned: "
            + "; ".join(f"{mg(s.dose_mg)} from {s.start.isoformat()}" for s in planned)
            + f", until {planned[-1].end.isoformat()}."
        )
    if data.taken:
        parts.append(
            "Doses taken at follow-ups: "
            + "; ".join(f"{mg(dose)} on {day.isoformat()}" for day, dose in data.taken)
            + "."
        )
    if data.stops:
        parts.append("Stopped on " + ", ".join(day.isoformat() for day in data.stops) + ".")
    if data.baseline is not None:
        day, value = data.baseline
        parts.append(f"{data.score_name} baseline {score_text(value)} on {day.isoformat()}.")
    parts.append(_score_words(data))
    if data.response_score is not None:
        cgi = (
            f" with a CGI-I {_cgi_words(data.response_max_cgi_i)}"
            if data.response_max_cgi_i is not None
            else ""
        )
        parts.append(
            f"The response rule needs {score_text(round(data.response_score, 1))} or lower"
            f" (a fall of {data.response_fall_percent}% or more){cgi}."
        )
    return " ".join(parts)
