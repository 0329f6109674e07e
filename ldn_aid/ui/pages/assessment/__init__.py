"""Page 6, Assessment and plan, as a page composing small views (code review §2.3)."""

from ldn_aid.ui.pages.assessment.page import AssessmentPage

__all__ = ["AssessmentPage"]
