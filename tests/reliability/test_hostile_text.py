"""Generated names and clinic details (markup, emoji, right-to-left scripts, control characters, 10,000
characters) always give a valid PDF that a second PDF library reads back, with the text printed
literally wherever the font has the characters."""

from __future__ import annotations

import io
import re

import pdfplumber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_aid.handout.compose import SHEET_TEXT_LIMIT, clean_user_text, compose_for_visit
from ldn_aid.paths import resource_path
from ldn_aid.pdf.render_pdf import render_pdf_bytes
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

VISIT = load_visit(resource_path("examples/stop.json"))

hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list("<>&\"'/;=[]{}()#%\\")), min_size=1, max_size=60),
    st.sampled_from(
        [
            "<b>bold</b>",
            "<para>&amp;</para>",
            "<font size=40>big</font>",
            "a & b < c > d",
            "😀🚀👩‍⚕️",
            "שלום עולם",
            "مرحبا بالعالم",
            "\u202eevil\u202c",
            "line\nbreak\r\ttab\x00null\x1b[31m",
        ]
    ),
    st.just("N" * 10_000),
)


def _ascii_runs(text: str) -> list[str]:
    """Runs of printable ASCII in the printed part of a name: what any Latin font shows as-is."""
    cleaned = clean_user_text(text, SHEET_TEXT_LIMIT).removesuffix("…")
    return [run for run in re.findall(r"[\x21-\x7e]+", cleaned) if len(run) >= 3][:5]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile_text, clinic=hostile_text, phone=st.text(max_size=40))
def test_any_name_and_clinic_give_a_readable_pdf(name: str, clinic: str, phone: str) -> None:
    visit = VISIT.model_copy(
        update={"patient": VISIT.patient.model_copy(update={"display_name": name[:10_000]})}
    )
    settings_ = ClinicSettings(clinic_name=clinic[:200], phone=phone[:200])
    data = render_pdf_bytes(compose_for_visit(visit, "en", settings_))
    assert data.startswith(b"%PDF-")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2  # the whole stop pack (issue 11: at most 3 pages), not a cut-off one
        text = pdf.pages[0].extract_text() or ""
        meta = " ".join(str(value) for value in pdf.metadata.values())
    flat = re.sub(r"\s", "", text)
    for original in (name, clinic[:200]):
        for run in _ascii_runs(original):
            assert run in flat, run
        probe = clean_user_text(original)[:12]
        # Short or digit-only probes could match the metadata's fixed date by chance.
        if len(probe) >= 5 and any(ch.isalpha() for ch in probe):
            assert probe not in meta


def test_longest_allowed_clinic_details_fit_the_wallet_card() -> None:
    visit = load_visit(resource_path("examples/ldn_option.json"))
    longest = ClinicSettings(
        clinic_name="W" * 200, phone="9" * 200, after_hours_phone="8" * 200, prescriber_name="M" * 200
    )
    data = render_pdf_bytes(compose_for_visit(visit, "es", longest))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        # The card's page: the calendar follows it.
        texts = [page.extract_text() or "" for page in pdf.pages]
    card = next(text for text in texts if "naltrexona" in text and "W" * 20 in text)
    assert "W" * 20 in card
    assert "…" in card
