"""Every page's footer: the patient's name, "Page X of Y" and the footer words, drawn once the page
count is known (the canvas holds its pages back until the end)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from ldn_aid import __version__
from ldn_aid.handout import model
from ldn_aid.pdf.render_layout import MARGIN
from ldn_aid.pdf.render_text import paragraph as _p
from ldn_aid.pdf.styles import FONT, Styles

# The lowest footer line stays this far above the paper edge: clear of a printer's 6.35 mm hard margin.
FOOTER_FLOOR = 24.0


def page_text(label: str, page: int, pages: int) -> str:
    """ "Page 2 of 6" from the words' template ("Page {page} of {pages}"); a bare label ("Page") gives
    "Page 2 / 6", readable in any language."""
    if "{page}" in label:
        return label.replace("{page}", str(page)).replace("{pages}", str(pages))
    return f"{label} {page} / {pages}"


def draw_footer(canvas: Canvas, handout: model.Handout, styles: Styles, page: int, pages: int) -> None:
    """The patient's name and "Page X of Y" on one line, the footer words under it, all in the bottom
    margin, at 12 pt (14 pt in large print)."""
    width = float(getattr(canvas, "_pagesize")[0])  # reportlab has no public getter  # noqa: B009
    usable = width - 2 * MARGIN
    right_text = f"{page_text(handout.page_label, page, pages)}  ·  LDN Aid {__version__}"
    top_line: list[tuple[Flowable, float]] = [(_p(right_text, styles.footer_right), usable)]
    if handout.patient_name.strip():
        name_width = usable - _text_width(right_text, styles) - 2 * styles.footer_size
        name = _fit(" ".join(handout.patient_name.split()), name_width, styles)
        top_line.append((_p(name, styles.footer), name_width))
    words = _p(handout.footer, styles.footer) if handout.footer.strip() else None
    words_height = float(words.wrap(usable, MARGIN)[1]) if words is not None else 0.0
    # Bottom up: the footer words sit on the floor, the name and page line just above them.
    line_bottom = FOOTER_FLOOR + words_height + styles.footer.leading * 0.2
    canvas.saveState()
    for flowable, line_width in top_line:
        flowable.wrap(line_width, MARGIN)
        flowable.drawOn(canvas, MARGIN, line_bottom)
    if words is not None:
        words.drawOn(canvas, MARGIN, FOOTER_FLOOR)
    canvas.restoreState()


def _text_width(text: str, styles: Styles) -> float:
    return float(stringWidth(text, FONT, styles.footer_size))


def _fit(name: str, width: float, styles: Styles) -> str:
    """The name shortened with an ellipsis to one footer line (a 500-letter name must not wrap)."""
    if _text_width(name, styles) <= width:
        return name
    while name and _text_width(name + "…", styles) > width:
        name = name[:-1]
    return name.rstrip() + "…"


def canvas_maker(handout: model.Handout, styles: Styles) -> Callable[..., Canvas]:
    """A canvas that holds its pages back until the end, so each footer can say "Page X of Y"."""

    class _FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's names
            self._held.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own page reset

        def save(self) -> None:
            pages = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                draw_footer(self, handout, styles, number, pages)
                super().showPage()
            super().save()

    return _FooterCanvas
