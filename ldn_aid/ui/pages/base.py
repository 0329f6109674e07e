"""QuestionPage: the shared machinery of a page of answers.

A subclass builds its rows with `yes_no()`, `choice()`, `number()`, `text()` and `date()`; each row
edits one visit-file path through the VisitState. Subclasses may override `page_problems()` to add
a page-level rule (for example, weight is required under 18). Next stays disabled while any field on
the page has a parse error, a validation error, or a page problem, and the reason shows beside it.

Keyboard: each labelled row gets an Alt letter unique on its page (never N or B, which are Next and
Back, nor F, the File menu); a yes/no answered with Y or N moves the cursor to the next question
that still needs an answer, and after the last one to Next. `first_focus()` is where the cursor
starts when the page is shown; `reset_view()` scrolls back to the top for a new visit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ldn_aid.content import ContentBundle
from ldn_aid.ui import theme
from ldn_aid.ui.pages import conditions
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.fields import (
    FOCUS_TINT_ALPHA,
    CheckField,
    ChoiceField,
    DateField,
    Field,
    NumberField,
    TextField,
    YesNoField,
)
from ldn_aid.ui.widgets.report import fit_scroll_body

# The widest a question label grows before it wraps, in average characters.
LABEL_COLUMN_CHARS = 44
ERROR_CSS = theme.ERROR_CSS
# A note beside an answer (not blocking Next): the caution ink.
NOTE_CSS = theme.NOTE_CSS
# Alt letters no field may take: N is Next and B is Back on every page, F opens the File menu.
RESERVED_LETTERS = frozenset("nbf")


def mnemonic_label(text: str, taken: set[str]) -> str:
    """`text` with an Alt letter (`&`) on a letter not in `taken` (which it joins): the first letter
    of a word if one is free, else any free letter; no letter at all when none is free."""
    letter_positions = [i for i, char in enumerate(text) if char.isalpha()]
    word_starts = [i for i in letter_positions if i == 0 or not text[i - 1].isalpha()]
    for index in (*word_starts, *letter_positions):
        letter = text[index].lower()
        if letter.isascii() and letter not in taken:
            taken.add(letter)
            return text[:index].replace("&", "&&") + "&" + text[index:].replace("&", "&&")
    return text.replace("&", "&&")


class QuestionPage(QWizardPage):
    def __init__(self, state: VisitState, content: ContentBundle, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.state = state
        self.content = content
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)
        self.fields: dict[str, Field] = {}
        # Each field's row (the container beside its label), to show or hide conditional questions.
        self._rows: dict[str, QWidget] = {}
        self._error_labels: dict[str, QLabel] = {}
        self._question_labels: dict[str, QLabel] = {}
        self._local_errors: dict[str, str] = {}
        self._letters: set[str] = set(RESERVED_LETTERS)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area = scroll  # not `scroll`: that would shadow QWidget.scroll()
        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        scroll.setWidget(body)
        outer.addWidget(scroll)

        self._body = body
        state.loaded.connect(self._load_all)
        state.changed.connect(self._follow_state)
        state.changed.connect(self._refresh_errors)
        state.changed.connect(self._refresh_rows)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._show_focused_row)

    def _show_focused_row(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Keep the whole row of the focused answer in view (its label and "why" line, not just the
        box), and tint its question so the clinician sees which one the next key answers."""
        widget = new
        while widget is not None and widget.parentWidget() is not self._body:
            widget = widget.parentWidget()
        if widget is not None:
            self.scroll_area.ensureWidgetVisible(widget, 0, 24)
        row_path = next((path for path, row in self._rows.items() if row is widget), None)
        self._tint_question(row_path)

    def _tint_question(self, path: str | None) -> None:
        for label_path, label in self._question_labels.items():
            focused = label_path == path
            if label.autoFillBackground() == focused:
                continue
            if focused:
                palette = label.palette()
                tint = QColor(palette.color(QPalette.ColorRole.Highlight))
                tint.setAlpha(FOCUS_TINT_ALPHA)
                palette.setColor(QPalette.ColorRole.Window, tint)
                label.setPalette(palette)
            label.setAutoFillBackground(focused)

    # ---- building rows ------------------------------------------------------------------------

    def question(self, path: str) -> tuple[str, str]:
        entry = self.content.language.questions.get(path)
        if entry is None:
            return path, ""
        return entry.text, entry.why

    def choices(self, key: str) -> list[tuple[str, str]]:
        return list(self.content.language.choices[key].items())

    def add_row(
        self,
        field: Field,
        label: str,
        why: str = "",
        mnemonic: bool = False,
        before: QWidget | None = None,
    ) -> Field:
        """One question's row: its label, then (in a column) `before` (an explanation the answer
        must come after), the answer, the "why" line and the message line."""
        text_label = QLabel(mnemonic_label(label, self._letters) if mnemonic else label.replace("&", "&&"))
        text_label.setWordWrap(True)
        # A word-wrapped label asks for a narrow, squarish size, so short labels broke onto two
        # lines (and were clipped). Keep a label on one line up to a readable column width, and
        # wrap only longer ones; font metrics keep this right on high-DPI screens.
        metrics = text_label.fontMetrics()
        text_label.setMinimumWidth(
            min(metrics.horizontalAdvance(label) + 2, LABEL_COLUMN_CHARS * metrics.averageCharWidth())
        )
        buddy = field.focus_target()
        if isinstance(buddy, QAbstractButton) and buddy.isCheckable():
            # Qt clicks a button buddy on its Alt key: point at the row, whose focus goes to it.
            if field.focusProxy() is None:
                field.setFocusProxy(buddy)
            if field.focusPolicy() == Qt.FocusPolicy.NoFocus:
                field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            buddy = field
        text_label.setBuddy(buddy)
        container = QWidget()
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 0, 6)
        column.setSpacing(2)
        if before is not None:
            column.addWidget(before)
        column.addWidget(field)
        if why:
            why_label = QLabel(why)
            why_label.setWordWrap(True)
            why_label.setObjectName(f"{field.path}:why")
            why_label.setPalette(_secondary_text(why_label.palette()))
            why_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            column.addWidget(why_label)
        error = QLabel()
        error.setObjectName(f"{field.path}:error")
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_CSS)
        error.hide()
        column.addWidget(error)
        self.form.addRow(text_label, container)
        self.fields[field.path] = field
        self._rows[field.path] = container
        self._error_labels[field.path] = error
        self._question_labels[field.path] = text_label
        field.edited.connect(lambda f=field: self._on_edited(f))
        field.advance.connect(lambda f=field: self._advance_from(f))
        field.set_value(self.state.get(field.path))
        self._refresh_row(field.path)
        return field

    def yes_no(self, path: str) -> YesNoField:
        label, why = self.question(path)
        field = YesNoField(path, label)
        self.add_row(field, label, why)
        return field

    def choice(
        self,
        path: str,
        key: str,
        *,
        allow_unanswered: bool = True,
        default: str | None = None,
        read_only: bool = False,
    ) -> ChoiceField:
        """A drop-down; without `allow_unanswered`, pass the model's `default` so it shows while unset.
        A `read_only` one shows a recorded value that is no longer asked (it cannot be changed)."""
        label, why = self.question(path)
        field = ChoiceField(
            path, label, self.choices(key), allow_unanswered=allow_unanswered, default=default
        )
        if read_only:
            field.combo.setEnabled(False)
        self.add_row(field, label, why, mnemonic=not read_only)
        return field

    def check(self, path: str, before: QWidget | None = None) -> CheckField:
        """A tick box for a clinician's confirmation; the question's words are its label."""
        label, why = self.question(path)
        field = CheckField(path, label, label)
        self.add_row(field, "", why, before=before)
        return field

    def flag(self, path: str) -> CheckField:
        """A yes/no setting as a tick box (unticked records False), labelled like any question."""
        label, why = self.question(path)
        field = CheckField(path, label, "", record_false=True)
        self.add_row(field, label, why, mnemonic=True)
        return field

    def number(self, path: str, *, integer: bool, unit: str = "") -> NumberField:
        label, why = self.question(path)
        field = NumberField(path, label, integer=integer, unit=unit)
        self.add_row(field, label, why, mnemonic=True)
        return field

    def text(self, path: str, *, max_length: int = 200) -> TextField:
        label, why = self.question(path)
        field = TextField(path, label, max_length=max_length)
        self.add_row(field, label, why, mnemonic=True)
        return field

    def date(self, path: str) -> DateField:
        label, why = self.question(path)
        field = DateField(path, label)
        self.add_row(field, label, why, mnemonic=True)
        return field

    def add_heading(self, text: str) -> None:
        heading = QLabel(f"<b>{text}</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.form.addRow(heading)

    # ---- keeping widgets and state in step -------------------------------------------------------

    def _on_edited(self, field: Field) -> None:
        problem = field.parse_error()
        if problem:
            self._local_errors[field.path] = problem
            self.state.set(field.path, None)
        else:
            self._local_errors.pop(field.path, None)
            self.state.set(field.path, field.value())
        # Answers that stop applying with this one go too, so no hidden answer stays in the record.
        for path in conditions.to_clear(field.path, self.state):
            self.state.set(path, None)
        self._refresh_errors()

    def _follow_state(self) -> None:
        """Show answers changed elsewhere (another page, the handout's language) in their widgets;
        a field showing a typo keeps it, so the clinician can correct what they typed."""
        for path, field in self.fields.items():
            if path in self._local_errors:
                continue
            value = self.state.get(path)
            if not field.shows(value):
                field.set_value(value)

    def _refresh_rows(self) -> None:
        changed = [self._refresh_row(path) for path in self._rows]
        if any(changed):
            self._fit_body()

    def _fit_body(self) -> None:
        """Give the scrolled body its new height now that a row came or went, or a row's wrapped lines
        changed: otherwise the "why" lines around it stay clipped until the window is next resized."""
        fit_scroll_body(self.scroll_area)

    def _refresh_row(self, path: str) -> bool:
        """Show a conditional question where it applies, where it is missing, or where it is answered.
        True when its row was shown or hidden."""
        if path not in conditions.APPLIES:
            return False
        assessment = self.state.assessment
        missing = assessment.missing if assessment is not None else ()
        visible = conditions.shown(path, self.state, missing)
        field = self.fields[path]
        # Another page may have cleared it (see `conditions.DEPENDENTS`): show what the visit holds.
        if field.value() != self.state.get(path):
            field.set_value(self.state.get(path))
        row = self._rows[path]
        if row.isVisibleTo(self._body) == visible:
            return False
        self.form.setRowVisible(row, visible)
        return True

    def is_shown(self, path: str) -> bool:
        """Whether this page asks `path` now (a conditional question may be hidden)."""
        row = self._rows.get(path)
        return row is not None and conditions.shown(
            path, self.state, self.state.assessment.missing if self.state.assessment is not None else ()
        )

    def _load_all(self) -> None:
        self._local_errors.clear()
        for path, field in self.fields.items():
            field.set_value(self.state.get(path))
        self._refresh_errors()

    def page_problems(self) -> dict[str, str]:
        """Page-level rules beyond the visit model, as {path: reason}. Override where needed."""
        return {}

    def page_notes(self) -> dict[str, str]:
        """Things to say beside an answer that do not block Next (the rules list what is missing),
        as {path: words}. Override where needed."""
        return {}

    def problems(self) -> dict[str, str]:
        """Every reason Next is disabled on this page, by field path."""
        found: dict[str, str] = {}
        for path in self.fields:
            for error_path, message in self.state.errors_under(path).items():
                found.setdefault(path, _plain_error(error_path, message))
        found.update(self.page_problems())
        found.update(self._local_errors)
        return found

    def _refresh_errors(self) -> None:
        problems = self.problems()
        notes = self.page_notes()
        for path, label in self._error_labels.items():
            message = problems.get(path)
            css = ERROR_CSS
            if not message and notes.get(path):
                message, css = notes[path], NOTE_CSS
            label.setText(message or "")
            if label.styleSheet() != css:
                label.setStyleSheet(css)
            label.setVisible(bool(message))
        # A message or a changed answer can change a row's wrapped height: re-fit, or the rows are
        # squeezed and their "why" lines clipped (seen at 1280x720 after answering page 2).
        self._fit_body()
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return not self.problems()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        # QWizard.next() called from code skips the disabled button; the same rule must hold there.
        return self.isComplete()

    def focus_path(self, path: str) -> bool:
        """Scroll to and focus the field for `path`; False when this page does not ask it."""
        field = self.fields.get(path)
        if field is None:
            return False
        self._refresh_row(path)
        self.scroll_area.ensureWidgetVisible(field)
        field.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def paths(self) -> Sequence[str]:
        return tuple(self.fields)

    # ---- where the cursor goes ------------------------------------------------------------------

    def _reachable(self, path: str) -> bool:
        row = self._rows[path]
        target = self.fields[path].focus_target()
        return row.isVisibleTo(self._body) and target.isEnabled()

    def needs_answer(self, path: str) -> bool:
        """Whether the question at `path` still wants the clinician: its value is refused, the rules
        list it (or its group) as missing, or a yes/no or drop-down on it shows no answer."""
        if path in self.problems():
            return True
        assessment = self.state.assessment
        missing = assessment.missing if assessment is not None else ()
        if any(path == gap or path.startswith(gap + ".") for gap in missing):
            return True
        field = self.fields[path]
        return isinstance(field, YesNoField | ChoiceField) and field.value() is None

    def _wanting(self, paths: Iterable[str]) -> str | None:
        return next((p for p in paths if self._reachable(p) and self.needs_answer(p)), None)

    def first_focus(self) -> QWidget | None:
        """The first question shown that is refused, else the first that still needs an answer;
        None when all are answered (the wizard then puts the cursor on Next)."""
        problems = self.problems()
        path = next((p for p in self.fields if p in problems and self._reachable(p)), None)
        path = path or self._wanting(self.fields)
        return self.fields[path].focus_target() if path is not None else None

    def _advance_from(self, field: Field) -> None:
        """After a keyboard answer: on to the next question below that needs an answer, else Next
        (and when Next is disabled, to the question that blocks it)."""
        order = list(self.fields)
        after = order[order.index(field.path) + 1 :] if field.path in order else []
        path = self._wanting(after)
        if path is not None:
            self.focus_path(path)
            return
        wizard = self.wizard()
        if wizard is not None:
            next_button = wizard.button(wizard.WizardButton.NextButton)
            if next_button.isVisible() and next_button.isEnabled():
                next_button.setFocus(Qt.FocusReason.TabFocusReason)
                return
        blocking = self.first_focus()
        if blocking is not None:
            blocking.setFocus(Qt.FocusReason.TabFocusReason)

    def reset_view(self) -> None:
        """A new visit starts at the top of the page."""
        self.scroll_area.verticalScrollBar().setValue(0)
        self.scroll_area.horizontalScrollBar().setValue(0)


def _secondary_text(palette: QPalette) -> QPalette:
    """Quieter than the question but still readable, in light and dark themes alike.

    (palette(mid) was barely legible on the light Fusion background and would vanish on a dark one.)
    """
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)
    mixed = QColor(
        round(text.red() * 0.68 + window.red() * 0.32),
        round(text.green() * 0.68 + window.green() * 0.32),
        round(text.blue() * 0.68 + window.blue() * 0.32),
    )
    palette.setColor(QPalette.ColorRole.WindowText, mixed)
    return palette


def _plain_error(path: str, message: str) -> str:
    """Pydantic's message made readable beside a field."""
    text = message.removeprefix("Value error, ")
    return text[0].upper() + text[1:] if text else path


def describe(value: Any) -> str:
    return "" if value is None else str(value)
