"""The checks of one follow-up review against its visit, as data with the field they are about.

The Visit model runs them over every review when it validates; the wizard's review form runs them
on the review it is about to add, so it names the field from `loc` instead of reading the model's
error text. One place decides what a valid review is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ldn_aid.domain.followup import FollowUp

if TYPE_CHECKING:
    from ldn_aid.domain.visit import Visit

ProblemCode = Literal["before_visit", "not_after_previous", "score_outside_scale"]


@dataclass(frozen=True)
class FollowUpProblem:
    """One thing wrong with a review: `loc` is the field inside the follow-up ("date", "score")."""

    loc: tuple[str, ...]
    code: ProblemCode
    message: str


def follow_up_problems(
    visit: Visit, follow_up: FollowUp, index: int | None = None
) -> tuple[FollowUpProblem, ...]:
    """What is wrong with `follow_up` as review `index` of `visit` (None: as a new last review)."""
    # Imported here: the visit module runs these checks from its own validator.
    from ldn_aid.domain.visit import SCALE_RANGES

    earlier = visit.follow_ups if index is None else visit.follow_ups[:index]
    previous = earlier[-1].date if earlier else None
    problems: list[FollowUpProblem] = []
    if follow_up.date < visit.visit_date:
        problems.append(
            FollowUpProblem(
                ("date",), "before_visit", f"{follow_up.date} is before visit_date {visit.visit_date}"
            )
        )
    elif previous is not None and follow_up.date <= previous:
        problems.append(
            FollowUpProblem(
                ("date",),
                "not_after_previous",
                f"{follow_up.date} must come after the one before ({previous});"
                " follow-ups are listed oldest first, one per date",
            )
        )
    baseline = visit.diagnosis.baseline
    if follow_up.score is not None and baseline is not None:
        low, high = SCALE_RANGES[baseline.scale]
        if not low <= follow_up.score <= high:
            problems.append(
                FollowUpProblem(
                    ("score",),
                    "score_outside_scale",
                    f"{follow_up.score:g} is outside the baseline scale {baseline.scale}'s"
                    f" range {low}-{high}",
                )
            )
    return tuple(problems)
