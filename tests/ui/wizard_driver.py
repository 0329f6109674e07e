"""Helpers for the UI tests: fake dialogs that record what the app asked, and a driver that answers
the wizard the way a clinician does (keys into line edits, Y/N on yes/no rows, choices in drop-downs,
the Next button)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget, QWizard
from pytestqt.qtbot import QtBot

from ldn_aid.domain.visit import (
    CONDITIONAL_LDN_SCREEN_FIELDS,
    LDN_SCREEN_FIELDS,
    STIMULANT_SCREEN_FIELDS,
    VISIT_FORMAT,
    Visit,
)
from ldn_aid.settings import ClinicSettings, SettingsProblem
from ldn_aid.ui.dialogs import BlankPhoneAnswer, UnsavedAnswer
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId, page_of
from ldn_aid.ui.pages.preferences_page import PriorityField
from ldn_aid.ui.widgets.fields import (
    CheckField,
    ChoiceField,
    DateField,
    Field,
    NumberField,
    TextField,
    YesNoField,
)
from ldn_aid.ui.wizard import LdnWizard

# The date every driven visit is held on, so protocols and handouts do not depend on the clock.
VISIT_DATE = "2026-03-02"


# ---- four visits, as the answers a clinician gives (None: left unanswered) ------------------------

# Every screening question every patient is asked, answered no; the questions asked only where they
# apply (the urine opioid screen, child-bearing potential) are left to each visit.
SCREEN_ALL_NO: dict[str, Any] = {
    **{
        f"ldn_screen.{name}": "no"
        for name in LDN_SCREEN_FIELDS
        if name not in CONDITIONAL_LDN_SCREEN_FIELDS and name != "pregnancy"
    },
    "ldn_screen.pregnancy": "no",
    "ldn_screen.childbearing_potential": "yes",
}
# Male sex at birth: pregnancy and child-bearing potential are not asked.
NOT_ASKED_OF_MEN: dict[str, Any] = {"ldn_screen.pregnancy": None, "ldn_screen.childbearing_potential": None}
STIMULANT_ALL_NO: dict[str, Any] = {f"stimulant_screen.{name}": "no" for name in STIMULANT_SCREEN_FIELDS}

# (Priorities are listed in the visit model's order, the order the wizard stores them in.)
# Every non-stimulant class tried, stimulants declined: nothing left to try first, so LDN is an option.
# (The baseline is on a scale that can carry the response rule; a no-benefit trial was adequate.)
LDN_OPTION: dict[str, Any] = {
    "visit_date": VISIT_DATE,
    "patient.display_name": "Alex Example",
    "patient.age_years": 34,
    "patient.weight_kg": 72.5,
    "patient.sex_at_birth": "female",
    "patient.handout_language": "en",
    "diagnosis.adhd_confirmed": "yes",
    "diagnosis.presentation": "inattentive",
    "diagnosis.baseline.scale": "aisrs",
    "diagnosis.baseline.score": 36,
    "diagnosis.baseline.date": "2026-02-20",
    "history.methylphenidate": "side_effects",
    "history.amphetamine": "no_benefit",
    "history.amphetamine_adequate_trial": "yes",
    "history.atomoxetine": "side_effects",
    "history.alpha2_agonist": "no_benefit",
    "history.alpha2_agonist_adequate_trial": "yes",
    "history.viloxazine": "side_effects",
    "history.behavioural_support": "ongoing",
    **SCREEN_ALL_NO,
    **STIMULANT_ALL_NO,
    "preferences.priorities": ["few_side_effects", "not_controlled", "protect_sleep"],
    "preferences.declines_stimulants": "yes",
    "preferences.declines_non_stimulants": "no",
}
# Two LDN screen questions left unanswered (None: never touched).
INCOMPLETE: dict[str, Any] = {
    **LDN_OPTION,
    "patient.display_name": "Casey Example",
    "ldn_screen.planned_surgery": None,
    "ldn_screen.chronic_liver_disease": None,
}
# On methadone (opioid agonist treatment): naltrexone would precipitate withdrawal.
STOP: dict[str, Any] = {
    **LDN_OPTION,
    "patient.display_name": "Sam Example",
    "patient.age_years": 41,
    "patient.weight_kg": 88,
    "patient.sex_at_birth": "male",
    "history.methylphenidate": "partial",
    "history.amphetamine": "not_tried",
    "history.amphetamine_adequate_trial": None,
    "history.atomoxetine": "not_tried",
    "history.alpha2_agonist": "not_tried",
    "history.alpha2_agonist_adequate_trial": None,
    "history.viloxazine": "not_tried",
    "ldn_screen.opioid_agonist_treatment": "yes",
    **NOT_ASKED_OF_MEN,
    "stimulant_screen.high_blood_pressure": "yes",
    "preferences.priorities": ["strong_evidence", "once_daily"],
    "preferences.declines_stimulants": "no",
}
# A 12-year-old with untried guideline medicines, handout in Spanish.
GUIDELINE_FIRST: dict[str, Any] = {
    **LDN_OPTION,
    "patient.display_name": "Jordan Ejemplo",
    "patient.age_years": 12,
    "patient.weight_kg": 38,
    "patient.sex_at_birth": "male",
    "patient.handout_language": "es",
    "diagnosis.baseline.scale": "vanderbilt_parent",
    "diagnosis.baseline.score": 36,
    "history.amphetamine": "not_tried",
    "history.amphetamine_adequate_trial": None,
    "history.atomoxetine": "not_tried",
    "history.alpha2_agonist": "not_tried",
    "history.alpha2_agonist_adequate_trial": None,
    "history.viloxazine": "not_tried",
    "history.behavioural_support": "tried",
    "ldn_screen.sleep_problems": "yes",
    **NOT_ASKED_OF_MEN,
    "stimulant_screen.tics_or_tourette": "yes",
    "preferences.priorities": ["not_controlled", "protect_appetite"],
    "preferences.declines_stimulants": "no",
    "preferences.declines_non_stimulants": None,
}


class UnexpectedDialogError(AssertionError):
    """A dialog the test did not expect (and so did not queue an answer for) was about to open."""


@dataclass
class DialogLog:
    """What the app asked, and the answers the test queued for it."""

    errors: list[tuple[str, str]] = field(default_factory=list)
    infos: list[tuple[str, str]] = field(default_factory=list)
    # The answers to "Unsaved visit": "save", "discard" or "cancel" (True is "discard", False "cancel").
    discard_answers: list[UnsavedAnswer | bool] = field(default_factory=list)
    discard_asked: int = 0
    save_paths: list[Path | None] = field(default_factory=list)
    save_suggestions: list[str] = field(default_factory=list)
    open_paths: list[Path | None] = field(default_factory=list)
    settings_answers: list[ClinicSettings | None] = field(default_factory=list)
    settings_shown: list[ClinicSettings] = field(default_factory=list)
    settings_focus: list[str | None] = field(default_factory=list)
    # The settings file's problems the dialog showed at its top, each time it opened.
    settings_problems: list[tuple[SettingsProblem, ...]] = field(default_factory=list)
    # The answers to "NAME already exists. Replace it?", and the names asked about.
    replace_answers: list[bool] = field(default_factory=list)
    replace_asked: list[str] = field(default_factory=list)

    def ask_replace(self, _parent: QWidget | None, name: str, *, no_means: str = "") -> bool:
        self.replace_asked.append(name)
        if not self.replace_answers:
            raise UnexpectedDialogError("the replace-file question opened, but the test queued no answer")
        return self.replace_answers.pop(0)

    crash_details: list[str] = field(default_factory=list)
    # The answers to the blank-clinic-phone warning ("set", "anyway", "cancel"), and the actions asked.
    blank_phone_answers: list[BlankPhoneAnswer] = field(default_factory=list)
    blank_phone_asked: list[str] = field(default_factory=list)

    def ask_blank_phone(self, _parent: QWidget | None, action: str) -> BlankPhoneAnswer:
        self.blank_phone_asked.append(action)
        if not self.blank_phone_answers:
            raise UnexpectedDialogError("the blank-phone warning opened, but the test queued no answer")
        return self.blank_phone_answers.pop(0)

    def ask_unsaved(self, _parent: QWidget | None) -> UnsavedAnswer:
        self.discard_asked += 1
        if not self.discard_answers:
            raise UnexpectedDialogError("ask_unsaved was asked, but the test queued no answer")
        answer = self.discard_answers.pop(0)
        if isinstance(answer, bool):
            return "discard" if answer else "cancel"
        return answer

    def ask_save_path(
        self, _parent: QWidget | None, _title: str, suggested: str, _filter: str
    ) -> Path | None:
        self.save_suggestions.append(suggested)
        if not self.save_paths:
            raise UnexpectedDialogError("ask_save_path was asked, but the test queued no path")
        return self.save_paths.pop(0)

    def ask_open_path(self, _parent: QWidget | None, _title: str, _filter: str) -> Path | None:
        if not self.open_paths:
            raise UnexpectedDialogError("ask_open_path was asked, but the test queued no path")
        return self.open_paths.pop(0)

    def show_error(self, _parent: QWidget | None, title: str, message: str) -> None:
        self.errors.append((title, message))

    def show_info(self, _parent: QWidget | None, title: str, message: str) -> None:
        self.infos.append((title, message))

    def ask_settings(
        self,
        settings: ClinicSettings,
        _parent: QWidget | None = None,
        focus: str | None = None,
        problems: Sequence[SettingsProblem] = (),
    ) -> ClinicSettings | None:
        self.settings_shown.append(settings)
        self.settings_focus.append(focus)
        self.settings_problems.append(tuple(problems))
        if not self.settings_answers:
            raise UnexpectedDialogError("the clinic settings dialog opened, but the test queued no answer")
        return self.settings_answers.pop(0)

    def show_crash(self, details: str, _parent: QWidget | None = None) -> None:
        self.crash_details.append(details)


def nested(answers: Mapping[str, Any]) -> dict[str, Any]:
    """{"patient.age_years": 30} -> {"patient": {"age_years": 30}}, leaving out unanswered (None) values."""
    data: dict[str, Any] = {}
    for dotted, value in answers.items():
        if value is None:
            continue
        *parents, leaf = dotted.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return data


def expected_visit(answers: Mapping[str, Any]) -> Visit:
    """The Visit the wizard should hold after being given `answers`."""
    return Visit.model_validate({"format": VISIT_FORMAT, "visit_date": VISIT_DATE, **nested(answers)})


class WizardDriver:
    """Answers questions through the widgets, as a person at the keyboard would."""

    def __init__(self, qtbot: QtBot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.wizard: LdnWizard = window.wizard
        self.state = window.state

    # ---- finding things ----------------------------------------------------------------------------

    def field(self, path: str) -> Field:
        found = self.wizard.findChild(Field, path)
        assert found is not None, f"no answer widget named {path!r}"
        return found

    def error_text(self, path: str) -> str:
        """The reason shown beside a field ("" when none is shown)."""
        page = self.wizard.question_pages[page_of(path)]
        label = page.findChild(QWidget, f"{path}:error")
        assert label is not None, f"no error label for {path!r}"
        return label.text() if label.isVisible() else ""

    @property
    def page_id(self) -> PageId:
        return PageId(self.wizard.currentId())

    @property
    def next_button(self) -> QWidget:
        return self.wizard.button(QWizard.WizardButton.NextButton)

    @property
    def back_button(self) -> QWidget:
        return self.wizard.button(QWizard.WizardButton.BackButton)

    def next_enabled(self) -> bool:
        return self.next_button.isEnabled() and self.wizard.currentPage().isComplete()

    # ---- answering ---------------------------------------------------------------------------------

    def answer(self, path: str, value: Any) -> None:
        """Give one answer through its widget; the wizard must be on the page that asks it."""
        widget = self.field(path)
        assert widget.isVisible(), f"{path} is not on the page shown ({self.page_id.name})"
        if isinstance(widget, YesNoField):
            key = {"yes": Qt.Key.Key_Y, "no": Qt.Key.Key_N, None: Qt.Key.Key_Delete}[value]
            self.qtbot.keyClick(widget, key)
        elif isinstance(widget, ChoiceField):
            index = widget.combo.findData(value)
            assert index >= 0, f"{path} offers no {value!r}"
            widget.combo.setCurrentIndex(index)
        elif isinstance(widget, NumberField | TextField):
            self.type_into(path, "" if value is None else str(value))
        elif isinstance(widget, DateField):
            widget.edit.setDate(QDate.fromString(value, "yyyy-MM-dd"))
        elif isinstance(widget, CheckField):
            if widget.box.isChecked() != (value is True):
                self.qtbot.keyClick(widget.box, Qt.Key.Key_Space)
        elif isinstance(widget, PriorityField):
            # Untick what is not wanted, then tick the wanted ones in the order given.
            for name, box in widget.boxes.items():
                if box.isChecked() and name not in value:
                    self.qtbot.keyClick(box, Qt.Key.Key_Space)
            for name in value:
                if not widget.boxes[name].isChecked():
                    self.qtbot.keyClick(widget.boxes[name], Qt.Key.Key_Space)
        else:  # pragma: no cover - a new field type needs a branch here
            raise AssertionError(f"no way to answer {type(widget).__name__}")

    def type_into(self, path: str, text: str) -> None:
        """Replace a line edit's text by keyboard: select all, delete, type."""
        widget = self.field(path)
        assert isinstance(widget, NumberField | TextField)
        edit = widget.edit
        self.qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        self.qtbot.keyClick(edit, Qt.Key.Key_Backspace)
        for char in text:
            if char.isascii():
                self.qtbot.keyClick(edit, char)
            else:  # QTest only types ASCII; send what a keyboard layout or input method would
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(edit, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))
        assert edit.text() == text

    def next(self) -> None:
        """Press Next and check the wizard moved on."""
        before = self.page_id
        assert self.next_enabled(), f"Next is disabled on {before.name}: {self.problems()}"
        self.qtbot.mouseClick(self.next_button, Qt.MouseButton.LeftButton)
        assert self.page_id == before + 1, f"Next did not leave {before.name}"

    def back(self) -> None:
        before = self.page_id
        self.qtbot.mouseClick(self.back_button, Qt.MouseButton.LeftButton)
        assert self.page_id == before - 1

    def problems(self) -> dict[str, str]:
        page = self.wizard.currentPage()
        return page.problems() if hasattr(page, "problems") else {}

    def fill(self, answers: Mapping[str, Any], *, stop_at: PageId = PageId.ASSESSMENT) -> None:
        """Answer every question in `answers` page by page, pressing Next after each page, until the
        wizard shows `stop_at`. `plan.*` answers are left for the assessment page's own controls."""
        by_page: dict[PageId, list[tuple[str, Any]]] = {}
        for path, value in answers.items():
            if not path.startswith("plan."):
                by_page.setdefault(page_of(path), []).append((path, value))
        while self.page_id < stop_at:
            for path, value in by_page.get(self.page_id, []):
                if value is None and not self.shown(path):
                    continue  # a question that does not apply is left unanswered by not being asked
                self.answer(path, value)
            self.next()

    def shown(self, path: str) -> bool:
        """Whether the page that asks `path` shows its question now (conditional ones may be hidden)."""
        return self.wizard.question_pages[page_of(path)].is_shown(path)

    def go_to(self, target: PageId) -> None:
        assert self.wizard.go_to(target), f"stopped at {self.page_id.name}: {self.problems()}"
        QApplication.processEvents()

    def focused(self) -> QWidget | None:
        return QApplication.focusWidget()


# ---- the follow-up form --------------------------------------------------------------------------


def child(parent: QWidget, kind: type[Any], name: str) -> Any:
    """The widget of `kind` named `name` under `parent` (fails the test when there is none)."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def choose(parent: QWidget, name: str, value: object) -> None:
    """Pick the entry holding `value` in the drop-down named `name` under `parent`."""
    from PySide6.QtWidgets import QComboBox

    combo = child(parent, QComboBox, name)
    index = combo.findData(value)
    assert index >= 0, f"{name} has no choice {value!r}"
    combo.setCurrentIndex(index)


def answer_review(
    page: QWidget,
    *,
    dose: str = "4.5",
    missed: int = 0,
    days_off: int = 0,
    grades: Mapping[str, str] | None = None,
    **safety: str | None,
) -> None:
    """Answer every question of the follow-up form that it shows: the dose taken, the missed doses,
    the days without LDN, every side-effect grade ("none" unless given) and every safety question
    ("no" unless given; None leaves one not asked; the urine screen only when given). Hidden
    (conditional) questions are left alone."""
    from PySide6.QtWidgets import QLineEdit, QSpinBox

    from ldn_aid.domain.followup import SAFETY_ITEMS, SIDE_EFFECTS

    child(page, QLineEdit, "followup.new.dose_mg").setText(dose)
    child(page, QSpinBox, "followup.new.missed_doses_last_week").setValue(missed)
    child(page, QSpinBox, "followup.new.days_without_ldn").setValue(days_off)
    for name in SIDE_EFFECTS:
        choose(page, f"followup.new.side_effects.{name}", (grades or {}).get(name, "none"))
    for name in SAFETY_ITEMS:
        if name == "last_opioid_dose":
            continue
        if not page.is_asked(f"safety.{name}"):  # type: ignore[attr-defined]
            assert name not in safety, f"safety.{name} is not asked on this form"
            continue
        # The urine opioid screen has no "no": left not asked unless given.
        choose(
            page,
            f"followup.new.safety.{name}",
            safety.get(name, None if name == "urine_opioid_screen" else "no"),
        )


# ---- the keyboard: where the cursor is, Alt letters, and counting keystrokes -----------------------


def mnemonic_letter(text: str) -> str | None:
    """The Alt letter of a label or button text ("Lar&ge print" -> "g"; "&&" is a literal "&")."""
    plain = text.replace("&&", "")
    index = plain.find("&")
    return plain[index + 1].lower() if 0 <= index < len(plain) - 1 else None


def row_label(page: QWidget, field: Field) -> QLabel | None:
    """The question label whose Alt letter leads to `field` (its buddy)."""
    targets = (field, field.focus_target())
    return next((label for label in page.findChildren(QLabel) if label.buddy() in targets), None)


def settle_focus(qtbot: QtBot, wizard: LdnWizard) -> QWidget | None:
    """Let a button pressed by its Alt letter finish its (animated, 100 ms) click and the wizard
    place the cursor on the page shown; the widget that has the cursor then."""
    window = wizard.window()
    qtbot.waitUntil(lambda: not any(b.isDown() for b in window.findChildren(QAbstractButton)), timeout=2000)
    pending = getattr(wizard, "focus_pending", None)  # (an older wizard places no cursor)
    if pending is not None:
        qtbot.waitUntil(lambda: not pending(), timeout=2000)
    QApplication.processEvents()
    return QApplication.focusWidget()


class KeyCounter:
    """Presses keys on whatever widget has the focus, as a person at the keyboard, and counts them:
    1 per key or chord (Alt+N, Ctrl+S), 1 per typed character."""

    def __init__(self, qtbot: QtBot, wizard: LdnWizard) -> None:
        self.qtbot = qtbot
        self.wizard = wizard
        self.count = 0
        self.log: list[str] = []

    def _target(self) -> QWidget:
        settle_focus(self.qtbot, self.wizard)
        focused = QApplication.focusWidget()
        assert focused is not None, f"nothing has the focus after {self.log[-5:]}"
        return focused

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self._target(), key, modifier)
        self.count += 1
        self.log.append(f"{modifier.name}+{key.name}" if modifier else key.name)
        settle_focus(self.qtbot, self.wizard)

    def alt(self, letter: str) -> None:
        self.key(Qt.Key(ord(letter.upper())), Qt.KeyboardModifier.AltModifier)

    def type(self, text: str) -> None:
        for char in text:
            self.qtbot.keyClick(self._target(), char)
            self.count += 1
            self.log.append(char)
        settle_focus(self.qtbot, self.wizard)

    def keys(self, *keys: Qt.Key) -> None:
        for key in keys:
            self.key(key)

    def answered_by_dialog(self) -> None:
        """A (faked) file dialog that takes the suggested name: one Enter."""
        self.count += 1
        self.log.append("Enter (dialog)")


def wheel_over(widget: QWidget, notches: int = -1) -> None:
    """One mouse-wheel event over the middle of `widget`, as the pointer resting on it sends."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)
