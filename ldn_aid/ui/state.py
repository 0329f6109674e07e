"""VisitState: the visit being edited, and what the core decides about it, recomputed on every change.

Pages write answers here by their visit-file path (`ldn_screen.planned_surgery`); nothing else holds
answers. The state validates the draft with the Visit model, runs the one pass of the rules
(`ldn_aid.rules.decide`) once per change and emits `changed`. Every page reads that one
`VisitDecision` (ids, numbers and dates) and looks up its own words, so no two pages can disagree.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal

from ldn_aid.domain.assessment import Assessment
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import VISIT_FORMAT, GivenDocument, Visit
from ldn_aid.rules import decide


def new_visit_data(today: dt.date | None = None) -> dict[str, Any]:
    """A blank visit: today's date, every answer unanswered."""
    return {"format": VISIT_FORMAT, "visit_date": (today or dt.date.today()).isoformat()}


class VisitState(QObject):
    """The draft visit as plain JSON-like data, plus the latest valid Visit and what the rules decide.

    Signals:
        changed: any answer changed; read `visit`, `decision` (or its `assessment` and `protocol`)
            and `errors`.
        loaded: the whole visit was replaced (new or opened); pages reload their widgets.
    """

    changed = Signal()
    loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data: dict[str, Any] = new_visit_data()
        self._saved_snapshot: dict[str, Any] = copy.deepcopy(self._data)
        self.visit: Visit | None = None
        # What `decide(visit)` says about the valid visit; None while an answer is invalid.
        self.decision: VisitDecision | None = None
        self.errors: dict[str, str] = {}
        # The file this visit was opened from or last saved to (None: never saved). Nothing else the
        # wizard saves may be written over it.
        self.file: Path | None = None
        self._recompute()

    # ---- reading and writing answers -------------------------------------------------------

    def get(self, path: str) -> Any:
        node: Any = self._data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def set(self, path: str, value: Any) -> None:
        """Set one answer; `None` removes it (unanswered)."""
        if self.get(path) == value:
            return
        *parents, leaf = path.split(".")
        node = self._data
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        if value is None:
            node.pop(leaf, None)
            self._prune_empty(parents)
        else:
            node[leaf] = value
        self._recompute()
        self.changed.emit()

    def _prune_empty(self, parents: list[str]) -> None:
        """Drop sections emptied by clearing their last answer: an empty `baseline` is not a baseline."""
        for depth in range(len(parents), 0, -1):
            node: Any = self._data
            for part in parents[: depth - 1]:
                node = node.get(part, {})
            if isinstance(node, dict) and node.get(parents[depth - 1]) == {}:
                del node[parents[depth - 1]]

    @property
    def data(self) -> dict[str, Any]:
        return copy.deepcopy(self._data)

    def load(self, visit: Visit) -> None:
        """Replace the draft with a saved visit."""
        self._data = visit.model_dump(mode="json", exclude_none=True)
        self._saved_snapshot = copy.deepcopy(self._data)
        self._recompute()
        self.loaded.emit()
        self.changed.emit()

    def reset(self, today: dt.date | None = None, presets: Mapping[str, Any] | None = None) -> None:
        """Start a blank visit. `presets` ({path: value}, such as the clinic's handout language) are in
        place before the pages show it, so no widget shows a different value, and count as saved."""
        self._data = new_visit_data(today)
        for path, value in (presets or {}).items():
            *parents, leaf = path.split(".")
            node = self._data
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        self._saved_snapshot = copy.deepcopy(self._data)
        self._recompute()
        self.loaded.emit()
        self.changed.emit()

    def record_given(self, doc: GivenDocument) -> None:
        """Record a sheet printed or saved for the patient: an edit of the visit (its title shows `*`),
        so the saved visit file says what was given."""
        given = [*(self._data.get("documents_given") or []), doc.model_dump(mode="json")]
        self._data["documents_given"] = given
        self._recompute()
        self.changed.emit()

    def mark_saved(self) -> None:
        self._saved_snapshot = copy.deepcopy(self._data)

    @property
    def has_unsaved_changes(self) -> bool:
        return self._data != self._saved_snapshot

    @property
    def acknowledged_guideline_first(self) -> bool:
        return bool(self.get("plan.guideline_options_discussed"))

    def set_acknowledged(self, value: bool) -> None:
        """Record (in the visit's plan) that guideline medicines were discussed."""
        self.set("plan.guideline_options_discussed", True if value else None)

    # ---- the core's view --------------------------------------------------------------------

    @property
    def assessment(self) -> Assessment | None:
        return self.decision.assessment if self.decision is not None else None

    @property
    def protocol(self) -> Protocol | None:
        return self.decision.protocol if self.decision is not None else None

    def _recompute(self) -> None:
        try:
            self.visit = Visit.model_validate(self._data)
        except ValidationError as exc:
            self.visit = None
            self.decision = None
            self.errors = {
                ".".join(str(part) for part in error["loc"]): error["msg"] for error in exc.errors()
            }
            return
        self.errors = {}
        self.decision = decide(self.visit)

    def decide_draft(self, data: Mapping[str, Any]) -> VisitDecision | None:
        """What the rules would decide for a changed copy of the draft (None when it is not valid);
        the state itself is left alone. Used to check a follow-up before it is added."""
        try:
            visit = Visit.model_validate(dict(data))
        except ValidationError:
            return None
        return decide(visit)

    def errors_under(self, prefix: str) -> dict[str, str]:
        """Validation errors for one field or group of fields."""
        return {
            path: msg for path, msg in self.errors.items() if path == prefix or path.startswith(prefix + ".")
        }
