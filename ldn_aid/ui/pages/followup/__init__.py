"""Page 8, Follow-up review, as a page composing its views (history, decision, review form)."""

from ldn_aid.ui.pages.followup.decision_view import REASON_NEEDED
from ldn_aid.ui.pages.followup.page import FollowUpPage

__all__ = ["REASON_NEEDED", "FollowUpPage"]
