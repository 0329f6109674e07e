"""Draw a composed Handout as a PDF with reportlab platypus: the document, its one portrait page
template and its metadata. Every page is portrait at every paper and print size; the blocks come from
render_blocks, how they split from render_layout, the footer from render_footer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from ldn_aid import __version__
from ldn_aid.atomic import write_with
from ldn_aid.handout import model
from ldn_aid.pdf.render_blocks import BlockRenderer
from ldn_aid.pdf.render_footer import canvas_maker
from ldn_aid.pdf.render_layout import MARGIN
from ldn_aid.pdf.styles import FONT, make_styles

__all__ = ["MARGIN", "PAPER_SIZES", "Paper", "RenderOptions", "render_pdf", "render_pdf_bytes", "write_pdf"]

Paper = Literal["letter", "a4"]
PAPER_SIZES: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}


@dataclass(frozen=True)
class RenderOptions:
    paper: Paper = "letter"
    large_print: bool = False


def render_pdf(handout: model.Handout, out: BinaryIO, options: RenderOptions | None = None) -> int:
    """Write the handout as PDF to a binary stream; returns the number of pages."""
    options = options if options is not None else RenderOptions()
    styles = make_styles(options.large_print)
    portrait = PAPER_SIZES[options.paper]
    doc = BaseDocTemplate(
        out,
        pagesize=portrait,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        # The generic document title only: the metadata never carries the patient's name.
        title=handout.title,
        author="LDN Aid",
        subject="",
        creator=f"LDN Aid {__version__}",
        keywords=[],
        lang="en-US" if handout.language == "en" else "es-US",
        displayDocTitle=True,
        # The canvas's first font is the embedded one: reportlab names Helvetica on every page otherwise.
        initialFontName=FONT,
        initialFontSize=styles.body_size,
        invariant=1,  # no timestamps or random ids: the same handout always gives the same bytes
    )
    frame = Frame(
        MARGIN,
        MARGIN,
        portrait[0] - 2 * MARGIN,
        portrait[1] - 2 * MARGIN,
        id="page",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="portrait", frames=[frame], pagesize=portrait)])
    renderer = BlockRenderer(handout, options.large_print, portrait[0] - 2 * MARGIN, portrait[1] - 2 * MARGIN)
    doc.build(renderer.flowables(), canvasmaker=canvas_maker(handout, styles))
    return int(doc.page)


def render_pdf_bytes(handout: model.Handout, options: RenderOptions | None = None) -> bytes:
    buffer = io.BytesIO()
    render_pdf(handout, buffer, options)
    return buffer.getvalue()


def write_pdf(handout: model.Handout, path: Path, options: RenderOptions | None = None) -> None:
    """Render first, then write atomically, owner-only (a handout names the patient): a failure never
    leaves a partial file or harms an old one."""
    data = render_pdf_bytes(handout, options)
    write_with(path, lambda handle: handle.write(data), private=True)
