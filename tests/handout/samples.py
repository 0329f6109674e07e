"""Example visits composed and rendered once per test session (shared by the handout tests)."""

from __future__ import annotations

from ldn_aid.domain.visit import Visit
from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.handout.model import Handout
from ldn_aid.handout.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.paths import resource_path
from ldn_aid.visit_file import load_visit

EXAMPLES = ("ldn_option", "guideline_first", "stop", "incomplete")


def example(name: str) -> Visit:
    return load_visit(resource_path(f"examples/{name}.json"))


_HANDOUTS: dict[tuple[str, str], Handout] = {}
_PDFS: dict[tuple[str, str, bool, str], bytes] = {}


def handout_for(name: str, language: str) -> Handout:
    key = (name, language)
    if key not in _HANDOUTS:
        _HANDOUTS[key] = compose_for_visit(example(name), language)
    return _HANDOUTS[key]


def pdf_for(name: str, language: str, large_print: bool = False, paper: str = "letter") -> bytes:
    key = (name, language, large_print, paper)
    if key not in _PDFS:
        options = RenderOptions(paper=paper, large_print=large_print)  # type: ignore[arg-type]
        _PDFS[key] = render_pdf_bytes(handout_for(name, language), options)
    return _PDFS[key]
