"""Where a follow-up stands against the predefined response rule (issue 9, "Follow-up safety").

- Before the response review nothing is judged.
- At or after it, a score with CGI-I is judged against the rule; without one the response cannot be
  judged, and the clinician may extend once (`extend_once_weeks`).
- After a met rule the trial is in maintenance: a met response is never carried forward. Every
  maintenance review needs a new score and CGI-I. With none the review holds once, to re-score
  within `extend_once_weeks` of the first unscored review; a review still unscored at or past
  that date cannot judge (a stop). A score that fails the rule: the response is lost.
- The response review is the one in force: the protocol's, or after a restart the date the target
  is reached again + `response_review_weeks` (review.py re-plans it).

Only a baseline on a scale that can carry a percentage fall (`RESPONSE_SCALES`) can judge a response.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ldn_aid.content import RuleBook
from ldn_aid.domain.followup import FollowUp
from ldn_aid.domain.visit import RESPONSE_SCALES, Visit

Stage = Literal[
    "before",  # before the response review
    "met",  # the rule is met (first time, or again at a maintenance review)
    "not_met",  # judged at or after the response review, and not met
    "cannot_judge",  # no score at or after the response review, no extension left (or an
    # unscored maintenance review at or past the re-score window)
    "extended",  # no score, inside the one extension
    "maintenance_unscored",  # after a met rule, a review with no score or CGI-I
    "lost",  # after a met rule, a new score no longer meets it
]
# The stages in which the response could not be judged at this review.
UNJUDGED: tuple[Stage, ...] = ("cannot_judge", "extended", "maintenance_unscored")


def response_met(book: RuleBook, visit: Visit, follow_up: FollowUp) -> bool | None:
    """The predefined response rule on the baseline's scale; None when it cannot be judged."""
    baseline = visit.diagnosis.baseline
    if (
        baseline is None
        or baseline.scale not in RESPONSE_SCALES
        or baseline.score <= 0
        or follow_up.score is None
        or follow_up.cgi_i is None
    ):
        return None
    before, now = Decimal(repr(baseline.score)), Decimal(repr(follow_up.score))
    fell_enough = (before - now) * 100 >= book.number("response_min_fall_percent") * before
    return fell_enough and follow_up.cgi_i <= book.number("response_max_cgi_i")


def response_stage(
    book: RuleBook,
    visit: Visit,
    response_review: dt.date,
    follow_up: FollowUp,
    met_before: bool,
    extended_until: dt.date | None,
    unscored_since: dt.date | None = None,
) -> Stage:
    """Where this follow-up stands against the response rule, given what earlier reviews found."""
    if follow_up.date < response_review:
        return "before"
    met = response_met(book, visit, follow_up)
    if met_before:
        if met is None:
            if unscored_since is not None and follow_up.date >= _rescore_by(book, unscored_since):
                return "cannot_judge"
            return "maintenance_unscored"
        return "met" if met else "lost"
    if met is not None:
        return "met" if met else "not_met"
    if extended_until is not None:
        return "extended" if follow_up.date < extended_until else "cannot_judge"
    return "extended" if follow_up.extend_once else "cannot_judge"


def judge_by(
    book: RuleBook,
    response_review: dt.date,
    follow_up: FollowUp,
    stage: Stage,
    extended_until: dt.date | None,
    unscored_since: dt.date | None = None,
) -> dt.date | None:
    """The latest date for the next review so the response is judged in time (None: no limit)."""
    if stage == "before":
        return response_review
    if stage == "extended":
        return extended_until if extended_until is not None else _rescore_by(book, follow_up.date)
    if stage == "maintenance_unscored":
        # The window starts at the first unscored review: a second one does not extend it.
        return _rescore_by(book, unscored_since or follow_up.date)
    return None


def _rescore_by(book: RuleBook, since: dt.date) -> dt.date:
    return since + dt.timedelta(weeks=int(book.number("extend_once_weeks")))
