"""Example visits composed and rendered once per test session (shared by the handout tests).

The guideline_first example records no acknowledgement that the guideline medicines were discussed,
so the core gate refuses its handout (D18). The handout tests print it as it is printed once the
clinician records that discussion (`printable`); tests of the refusal use `example`.
"""

from __future__ import annotations

from ldn_aid.content import load_content
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.handout.model import Handout
from ldn_aid.handout.wallet_card import wallet_card_blocks
from ldn_aid.paths import resource_path
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

EXAMPLES = ("ldn_option", "guideline_first", "stop", "incomplete")


def example(name: str) -> Visit:
    return load_visit(resource_path(f"examples/{name}.json"))


def acknowledged(visit: Visit) -> Visit:
    """The visit with the clinician's tick that the guideline medicines were discussed."""
    plan = visit.effective_plan.model_copy(update={"guideline_options_discussed": True})
    return visit.model_copy(update={"plan": plan})


def printable(name: str) -> Visit:
    """The example as it is printed: guideline_first only after the clinician's acknowledgement."""
    visit = example(name)
    if decide(visit).handout_gate.blockers == ("guideline_ack_missing",):
        return acknowledged(visit)
    return visit


_HANDOUTS: dict[tuple[str, str], Handout] = {}
_PDFS: dict[tuple[str, str, bool, str], bytes] = {}


def handout_for(name: str, language: str) -> Handout:
    key = (name, language)
    if key not in _HANDOUTS:
        _HANDOUTS[key] = compose_for_visit(printable(name), language)
    return _HANDOUTS[key]


def pdf_for(name: str, language: str, large_print: bool = False, paper: str = "letter") -> bytes:
    key = (name, language, large_print, paper)
    if key not in _PDFS:
        options = RenderOptions(paper=paper, large_print=large_print)  # type: ignore[arg-type]
        _PDFS[key] = render_pdf_bytes(handout_for(name, language), options)
    return _PDFS[key]


def block_texts(sheet: Handout) -> str:
    """Every word of a document's blocks but its reference list, as one string."""
    return " ".join(
        str(value)
        for block in sheet.blocks
        if not isinstance(block, model.ReferenceList)
        for value in block.model_dump(mode="json").values()
    )


def wallet_card_pdf(
    protocol: Protocol,
    visit: Visit,
    language: str,
    clinic: ClinicSettings,
    paper: str = "letter",
    large_print: bool = False,
) -> bytes:
    """The wallet card's blocks alone, rendered as a one-document PDF."""
    blocks = wallet_card_blocks(protocol, visit, load_content(language), clinic)
    handout = Handout(
        language=language,  # type: ignore[arg-type]
        title="card",
        blocks=tuple(blocks),
        footer="",
        page_label="",
        has_plan=True,
    )
    return render_pdf_bytes(handout, RenderOptions(paper=paper, large_print=large_print))  # type: ignore[arg-type]
