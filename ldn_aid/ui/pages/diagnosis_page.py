"""Page 2, Diagnosis and history: the diagnosis, an optional baseline rating, and earlier treatment."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QSizePolicy

from ldn_aid.content import ContentBundle
from ldn_aid.domain.visit import MEDICINE_CLASSES, NON_STIMULANT_CLASSES, SCALE_RANGES, Diagnosis, History
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.fields import Field

BASELINE = "diagnosis.baseline"
SCALE = "diagnosis.baseline.scale"
SCORE = "diagnosis.baseline.score"
DATE = "diagnosis.baseline.date"
HALF_FILLED = "Give the scale, the score and the date, or none of them."
UNSPECIFIED = "history.non_stimulant_unspecified"


class DiagnosisPage(QuestionPage):
    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__(
            state,
            content,
            "Diagnosis and history",
            "The diagnosis, an optional baseline rating, and the treatment tried before.",
        )
        self.choice("diagnosis.adhd_confirmed", "adhd_confirmed")
        self.choice(
            "diagnosis.presentation",
            "presentation",
            allow_unanswered=False,
            default=Diagnosis.model_fields["presentation"].default,
        )
        self.add_heading("Baseline rating (optional)")
        self.choice(SCALE, "scale")
        self.number(SCORE, integer=False)
        self.baseline_date = self.date(DATE)
        # Greyed out until a scale or score is given, so today's date is not mistaken for an answer.
        state.changed.connect(self._enable_baseline_date)
        self._enable_baseline_date()
        self.add_heading("Earlier treatment")
        for name in MEDICINE_CLASSES:
            self.choice(
                f"history.{name}",
                "trial_outcome",
                allow_unanswered=False,
                default=History.model_fields[name].default,
            )
            # Asked only when the class gave no benefit: it counts as tried only after an adequate trial.
            self.yes_no(f"history.{name}_adequate_trial")
        # A format-1 record's "non-stimulant", kept until the clinician says which medicine it was:
        # it cannot be changed, only removed once a non-stimulant above says which one it was.
        self.choice(UNSPECIFIED, "trial_outcome", read_only=True)
        self.remove_unspecified = QPushButton("Remove the old answer (once the medicine is recorded above)")
        self.remove_unspecified.setObjectName(f"{UNSPECIFIED}:remove")
        self.remove_unspecified.setAutoDefault(False)
        self.remove_unspecified.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.remove_unspecified.clicked.connect(lambda: self.state.set(UNSPECIFIED, None))
        row = self._rows[UNSPECIFIED].layout()
        if row is not None:
            row.addWidget(self.remove_unspecified)
        state.changed.connect(self._enable_remove_unspecified)
        self._enable_remove_unspecified()
        self.choice(
            "history.behavioural_support",
            "behavioural_support",
            allow_unanswered=False,
            default=History.model_fields["behavioural_support"].default,
        )

    def _on_edited(self, field: Field) -> None:
        # The date edit always shows a date, so it cannot say "no baseline". So the visit holds the
        # baseline date only while a scale or a score is given: the date row never writes through
        # the base class, and after any baseline edit the date is copied in (scale or score given)
        # or the whole baseline is removed (neither given). An untouched page therefore has no
        # baseline at all, instead of a date alone that the model would reject.
        if field.path != DATE:
            super()._on_edited(field)
        if field.path.startswith("diagnosis.baseline."):
            if self._baseline_started():
                self.state.set(DATE, self.baseline_date.value())
            else:
                # Drop the whole baseline: clearing its last part would leave an empty {} behind,
                # which the model reads as a baseline with every part missing.
                self.state.set(BASELINE, None)
            self._refresh_errors()

    def _enable_remove_unspecified(self) -> None:
        self.remove_unspecified.setEnabled(
            any(
                self.state.get(f"history.{name}") not in (None, "not_tried") for name in NON_STIMULANT_CLASSES
            )
        )

    def _baseline_started(self) -> bool:
        return self.state.get(SCALE) is not None or self.state.get(SCORE) is not None

    def _enable_baseline_date(self) -> None:
        self.baseline_date.setEnabled(self._baseline_started())

    def page_problems(self) -> dict[str, str]:
        scale = self.state.get(SCALE)
        score = self.state.get(SCORE)
        if (scale is None) != (score is None):
            # Name the missing part instead of pydantic's "Field required".
            return {SCALE if scale is None else SCORE: HALF_FILLED}
        # A score outside its scale's range fails on the baseline as a whole; show it at the score.
        if scale is not None and BASELINE in self.state.errors:
            low, high = SCALE_RANGES.get(scale, (None, None))
            label = self.content.language.choices["scale"].get(scale, scale)
            if low is not None:
                return {SCORE: f"{label} total scores run from {low} to {high}."}
            return {SCORE: self.state.errors[BASELINE]}
        return {}
