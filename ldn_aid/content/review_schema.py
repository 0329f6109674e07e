"""The words of a follow-up review shown to the clinician (resources/content/<lang>/review.toml):
the CGI-I anchors, each decision's sentence, the severity words of the reasons and the timing words.

Every decision, every CGI-I value and every severity must have its words: a missing one fails at load,
never on screen.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from ldn_aid.content.types import Text
from ldn_aid.domain.followup import DECISIONS

# CGI-I, Clinical Global Impression - Improvement: 1 (very much improved) to 7 (very much worse).
CGI_I_VALUES = tuple(range(1, 8))


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewSentences(_Words):
    """The parts of the one-line summary of a review's decision (`{placeholders}` filled when shown)."""

    next_review: Text
    cannot_judge: Text
    adherence: Text
    choice_refused: Text
    choice_applied: Text
    review_of: Text
    safety_not_checked: Text


class ReviewText(_Words):
    cgi_i: dict[int, Text]
    # One sentence per decision: `{dose_mg}` and `{timing}` are filled when shown.
    decision_sentence: dict[str, Text]
    severity: dict[Literal["stop", "caution", "info"], Text]
    timing: dict[Literal["bedtime", "morning"], Text]
    summary: ReviewSentences
    # The name of each follow-up reason, by rule id (the loader checks every follow-up rule has one).
    reason_label: dict[str, Text]

    @model_validator(mode="after")
    def _complete(self) -> ReviewText:
        if tuple(sorted(self.cgi_i)) != CGI_I_VALUES:
            raise ValueError(f"cgi_i must give words for exactly 1 to 7, not {sorted(self.cgi_i)}")
        missing = sorted(set(DECISIONS) - set(self.decision_sentence))
        extra = sorted(set(self.decision_sentence) - set(DECISIONS))
        if missing or extra:
            raise ValueError(f"decision_sentence: missing {missing}, unknown {extra}")
        for table, wanted in (("severity", 3), ("timing", 2)):
            if len(getattr(self, table)) != wanted:
                raise ValueError(f"{table}: every value needs its words")
        return self
