"""Every colour and style sheet of the wizard, in one place, so a stop looks the same on every page
and a colour is changed once. Colour always goes with words: it never carries a meaning alone.

Nothing here is a word the clinician reads; the pages pair these styles with words from the content.
"""

from __future__ import annotations

from typing import NamedTuple


class Style(NamedTuple):
    """An ink (text and border) and the pale fill behind it."""

    ink: str
    fill: str


# The four tones; each passes WCAG AA (4.5:1) for its ink on its fill and on white.
STOP = Style("#b00020", "#fdecec")
CHANGE = Style("#8a4b00", "#fff4e0")
GO = Style("#1b6e2a", "#e7f5ea")
INFO = Style("#1f5fa8", "#e8f1fb")

# Darker inks for body text inside a tinted box (a box's own ink is for its border and title).
STOP_TEXT = "#5c0010"
INFO_TEXT = "#102a4c"
CHANGE_TEXT = "#3d2200"

# The ink of each severity of a finding or a follow-up reason.
SEVERITY_STYLE: dict[str, Style] = {"stop": STOP, "caution": CHANGE, "info": INFO}
SEVERITY_INK: dict[str, str] = {name: style.ink for name, style in SEVERITY_STYLE.items()}

# The assessment's outcomes, by `Outcome.value`.
OUTCOME_STYLE: dict[str, Style] = {
    "stop": STOP,
    "incomplete": CHANGE,
    "guideline_first": INFO,
    "ldn_option": GO,
}

# A follow-up review's decisions, by decision id ("no plan": no dosing advice at all, as plain a
# warning as a stop).
DECISION_STYLE: dict[str, Style] = {
    "advance": GO,
    "continue": GO,
    "hold": CHANGE,
    "step_down": CHANGE,
    "switch_to_morning": CHANGE,
    "restart": CHANGE,
    "stop": STOP,
    "no_plan": STOP,
}

# One-line status inks.
ERROR_CSS = f"color: {STOP.ink}; font-weight: bold;"
NOTE_CSS = f"color: {CHANGE.ink}; font-weight: bold;"
READY_CSS = f"color: {GO.ink}; font-weight: bold;"
# A field whose value is refused or missing.
INVALID_INPUT_CSS = f"border: 2px solid {STOP.ink};"
INVALID_LINE_EDIT_CSS = f"QLineEdit {{ {INVALID_INPUT_CSS} }}"

# The history chart's pens.
CHART_DOSE_INK = INFO.ink
CHART_SCORE_INK = CHANGE.ink
CHART_RESPONSE_INK = GO.ink
CHART_STOP_INK = STOP.ink


def banner_css(style: Style, *, large: bool = True) -> str:
    """A page's (large) or the side panel's (compact) outcome banner."""
    if large:
        return (
            f"QLabel {{ color: {style.ink}; background: {style.fill}; border: 2px solid {style.ink};"
            f" border-left: 10px solid {style.ink}; border-radius: 4px; padding: 8px; font-weight: bold;"
            " font-size: 120%; }"
        )
    return (
        f"QLabel {{ color: {style.ink}; background: {style.fill}; border: 2px solid {style.ink};"
        " border-radius: 4px; padding: 6px; font-weight: bold; }"
    )


def _selector(name: str) -> str:
    return "#" + name.replace(".", "\\.")


def box_css(name: str, style: Style, *, text: str | None = None, left: int = 6, border: int = 1) -> str:
    """A tinted box named `name` (its object name) with a thick left edge; its labels in `text`
    (default: the box's ink) on a transparent background."""
    selector = _selector(name)
    return (
        f"{selector} {{ border: {border}px solid {style.ink}; border-left: {left}px solid {style.ink};"
        f" border-radius: 3px; background: {style.fill}; }}"
        f" {selector} QLabel {{ color: {text or style.ink}; background: transparent; }}"
    )


# Blockers: why a document cannot be printed yet (assessment gate, handout page).
def gate_box_css(name: str) -> str:
    return box_css(name, STOP, text=STOP_TEXT, left=8, border=2)


BLOCKED_LABEL_CSS = (
    f"QLabel {{ color: {STOP_TEXT}; background: {STOP.fill}; border: 2px solid {STOP.ink};"
    f" border-left: 8px solid {STOP.ink}; border-radius: 4px; font-weight: bold; }}"
)

# One sheet on a report page's body styles the widgets rebuilt on every change, by property: a
# style sheet per widget costs a restyle each time one is made.
BODY_CSS = (
    'QLabel[role="heading"] { font-size: 110%; font-weight: bold; margin-top: 6px; }'
    ' QLabel[role="small"] { font-size: 90%; }'
    ' QPushButton[role="link"] { text-align: left; color: palette(link); text-decoration: underline;'
    " border: 1px solid transparent; padding: 2px 6px; }"
    ' QPushButton[role="link"]:focus { border: 1px solid palette(highlight); }'
    + "".join(
        f' QLabel[severity="{name}"] {{ color: {ink}; font-weight: bold; margin-top: 4px; }}'
        f' QFrame[rule_item="{name}"] {{ border: 0px; border-left: 4px solid {ink}; }}'
        for name, ink in SEVERITY_INK.items()
    )
)
