"""The clinic settings' names as the clinician sees them, shared by the dialog and the notice."""

from __future__ import annotations

TEXT_FIELDS = (
    ("clinic_name", "Clinic &name"),
    ("phone", "&Phone"),
    ("after_hours_phone", "&After-hours phone"),
    ("prescriber_name", "P&rescriber name"),
    ("emergency_number", "&Emergency number"),
    ("crisis_line", "&Crisis line"),
)
# The two drop-downs' choices, as the dialog shows them (the notice names a default the same way).
LANGUAGE_CHOICES = {"en": "English", "es": "Español"}
PAPER_CHOICES = {"letter": "Letter", "a4": "A4"}
# The two drop-downs' labels.
LANGUAGE_LABEL = "Default handout &language"
PAPER_LABEL = "&Default paper"
# Each setting's name as the clinician sees it (the settings notice names the ones not used).
FIELD_LABELS = {
    **{key: label.replace("&", "") for key, label in TEXT_FIELDS},
    "default_language": LANGUAGE_LABEL.replace("&", ""),
    "default_paper": PAPER_LABEL.replace("&", ""),
}
