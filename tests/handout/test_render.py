"""The rendered PDF, read back with a second PDF library (pdfplumber): fonts, sizes, pages, metadata,
readability, escaping and atomic writing."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pdfplumber
import pytest
import textstat
from pdfminer.pdftypes import resolve1
from samples import EXAMPLES, example, handout_for, pdf_for, printable
from test_render_blocks import embedded_font_problems

from ldn_aid.atomic import SaveError
from ldn_aid.cli import main
from ldn_aid.handout import model
from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.paths import resource_path
from ldn_aid.pdf.render_pdf import MARGIN, RenderOptions, render_pdf_bytes, write_pdf
from ldn_aid.visit_file import save_visit

VARIANTS = [
    (name, language, large) for name in EXAMPLES for language in ("en", "es") for large in (False, True)
]


def open_pdf(data: bytes) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(data))


def is_card_page(page: pdfplumber.page.Page) -> bool:
    """The page with the cut-out wallet card: an outline two bank cards wide (front and back side by
    side, 85.6 mm each, in every print size) holding the card's first line."""
    mm = 72 / 25.4
    text = " ".join((page.extract_text() or "").split())
    panel = any(abs(r["width"] - 2 * 85.6 * mm) < 1.5 for r in page.rects)
    # Front and back sit side by side, so their lines interleave in the text: look for one word.
    return panel and "naltrexon" in text.lower()


@pytest.mark.parametrize(("name", "language", "large"), VARIANTS)
def test_font_sizes_and_embedded_fonts(name: str, language: str, large: bool) -> None:
    body_minimum = 18 if large else 12
    footer_minimum = 14 if large else 12  # review D14 and D19: the footer is read too
    data = pdf_for(name, language, large)
    with open_pdf(data) as pdf:
        for page in pdf.pages:
            card_page = is_card_page(page)
            for char in page.chars:
                assert "AtkinsonHyperlegible" in char["fontname"] or "NotoSans" in char["fontname"]
                in_footer = char["top"] > page.height - MARGIN
                if card_page and not in_footer and char["size"] < body_minimum:
                    assert char["size"] >= 7  # the ID-1 wallet card cannot grow with standard print
                elif in_footer:
                    assert char["size"] >= footer_minimum - 0.01
                else:
                    assert char["size"] >= body_minimum - 0.01, (page.page_number, char["text"], char["size"])
    # Every font any page names carries its TrueType file; Helvetica is named nowhere.
    assert embedded_font_problems(data) == []
    assert b"/Helvetica" not in data


@pytest.mark.parametrize(("name", "language", "large"), VARIANTS)
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_nothing_outside_the_margins_and_no_words_overlap(
    name: str, language: str, large: bool, paper: str
) -> None:
    with open_pdf(pdf_for(name, language, large, paper)) as pdf:
        expected = (612, 792) if paper == "letter" else (595, 842)
        first = pdf.pages[0]
        assert (round(first.width), round(first.height)) == expected
        for page in pdf.pages:
            margin = MARGIN / 2 if is_card_page(page) else MARGIN
            words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
            for word in words:
                if word["top"] > page.height - MARGIN:  # the footer line sits in the bottom margin
                    assert word["bottom"] <= page.height - 18
                    continue
                assert word["x0"] >= margin - 1, (page.page_number, word["text"])
                assert word["x1"] <= page.width - margin + 1, (page.page_number, word["text"], word["x1"])
                assert word["top"] >= margin - 1, (page.page_number, word["text"])
            for a, b in itertools.combinations(words, 2):
                overlap_x = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                assert not (overlap_x > 1 and overlap_y > 2), (page.page_number, a["text"], b["text"])


@pytest.mark.parametrize(("name", "language"), [(n, lang) for n in EXAMPLES for lang in ("en", "es")])
def test_metadata_has_title_and_language_and_no_patient_data(name: str, language: str) -> None:
    visit = example(name)
    with open_pdf(pdf_for(name, language)) as pdf:
        catalog = pdf.doc.catalog
        lang = catalog["Lang"]
        lang = lang.decode() if isinstance(lang, bytes) else str(lang)
        assert lang == ("en-US" if language == "en" else "es-US")
        meta = pdf.metadata
        assert meta["Title"] == handout_for(name, language).title
        assert meta["Author"] == "LDN Aid"
        assert resolve1(catalog["ViewerPreferences"])["DisplayDocTitle"]
        assert "Metadata" not in catalog  # no XMP packet that could carry anything else
        blob = " ".join(str(v) for v in meta.values())
        if visit.patient.display_name:
            for part in visit.patient.display_name.split():
                assert part not in blob


def _prose(handout: model.Handout) -> str:
    """The patient-facing sentences: paragraphs, bullets, boxes, grid cells, frames and captions."""
    parts: list[str] = []
    for block in handout.blocks:
        if isinstance(block, model.Paragraph):
            parts.append(block.text)
        elif isinstance(block, model.Bullets):
            parts.extend(block.items)
        elif isinstance(block, model.Box):
            parts.extend((*block.paragraphs, *block.bullets))
        elif isinstance(block, model.Checklist):
            parts.extend(block.items)
        elif isinstance(block, model.OptionGrid):
            parts.extend((*block.intro, *(cell for row in block.rows for cell in row.cells)))
        elif isinstance(block, model.Framed):
            for inner in block.blocks:
                if isinstance(inner, model.Paragraph):
                    parts.append(inner.text)
                elif isinstance(inner, model.Bullets):
                    parts.extend(inner.items)
        elif isinstance(block, model.IconArray):
            parts.extend((*(g.label for g in block.groups), block.caption))
    return " ".join(re.sub(r" \[[\d, ]+\]", "", part) for part in parts)


@pytest.mark.usefixtures("offline_cmudict")
@pytest.mark.parametrize("name", EXAMPLES)
def test_english_reads_at_grade_8_or_below(name: str) -> None:
    textstat.set_lang("en")
    grade = textstat.flesch_kincaid_grade(_prose(handout_for(name, "en")))
    assert grade <= 8.0


@pytest.mark.parametrize("name", EXAMPLES)
def test_spanish_is_easy_to_read(name: str) -> None:
    textstat.set_lang("es")
    try:
        ease = textstat.fernandez_huerta(_prose(handout_for(name, "es")))
    finally:
        textstat.set_lang("en")
    assert ease >= 70  # Fernández-Huerta 70+ is "fairly easy" or easier


HOSTILE_NAMES = [
    "<b>Bold</b> & \"quotes\" 'single'",
    "<para>&amp;&lt;</para><img src='x'/>",
    "Zoë 😀🚀 O'Brien",
    "שלום עליכם مرحبا",
    "A" * 500,
    "Line\nbreak\x00null\x07bell",
]


@pytest.mark.parametrize("display_name", HOSTILE_NAMES)
def test_hostile_names_print_literally(display_name: str) -> None:
    visit = example("ldn_option").model_copy(
        update={"patient": example("ldn_option").patient.model_copy(update={"display_name": display_name})}
    )
    data = render_pdf_bytes(compose_for_visit(visit, "en"))
    with open_pdf(data) as pdf:
        first = pdf.pages[0].extract_text() or ""
        meta = " ".join(str(v) for v in pdf.metadata.values())
    assert data.startswith(b"%PDF")
    visible = re.sub(r"[\x00-\x1f]", " ", display_name).split()[0][:20]
    if visible.isascii():
        assert visible in first.replace("\n", "")
    assert display_name[:10] not in meta or display_name[:10].strip() == ""


def test_markup_is_escaped_not_interpreted() -> None:
    visit = example("stop")
    visit = visit.model_copy(
        update={"patient": visit.patient.model_copy(update={"display_name": "<b>Ann</b> & Co"})}
    )
    with open_pdf(render_pdf_bytes(compose_for_visit(visit, "en"))) as pdf:
        text = pdf.pages[0].extract_text() or ""
        words = pdf.pages[0].extract_words(extra_attrs=["fontname"])
    assert "<b>Ann</b> & Co" in text
    name_words = [w for w in words if "Ann" in w["text"]]
    assert name_words
    assert all("Bold" not in w["fontname"] for w in name_words)  # printed as text, not made bold


def test_same_handout_gives_identical_bytes() -> None:
    handout = handout_for("ldn_option", "en")
    assert render_pdf_bytes(handout) == render_pdf_bytes(handout)


def test_write_is_atomic_and_keeps_the_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "handout.pdf"
    target.write_bytes(b"old file")

    def explode(*_: object, **__: object) -> bytes:
        raise RuntimeError("renderer failed half-way")

    monkeypatch.setattr("ldn_aid.pdf.render_pdf.render_pdf_bytes", explode)
    with pytest.raises(RuntimeError):
        write_pdf(handout_for("ldn_option", "en"), target)
    assert target.read_bytes() == b"old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]


def test_write_failing_mid_stream_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "handout.pdf"
    target.write_bytes(b"old file")
    real_fsync = __import__("os").fsync

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", disk_full)
    with pytest.raises(SaveError, match="No space left"):
        write_pdf(handout_for("ldn_option", "en"), target)
    monkeypatch.setattr("os.fsync", real_fsync)
    assert target.read_bytes() == b"old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="does not exist"):
        write_pdf(handout_for("stop", "en"), tmp_path / "missing" / "x.pdf")


# ---- command line ------------------------------------------------------------------------------


def _acknowledged_guideline_first(tmp_path: Path) -> Path:
    """The guideline_first example once the clinician has recorded the guideline discussion."""
    path = tmp_path / "guideline_first_acknowledged.json"
    save_visit(printable("guideline_first"), path)
    return path


def test_cli_handout_writes_the_same_pdf_as_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LDN_AID_CONFIG_DIR", str(tmp_path / "config"))
    out = tmp_path / "out.pdf"
    code = main(["handout", str(_acknowledged_guideline_first(tmp_path)), "-o", str(out), "--lang", "en"])
    assert code == 0
    assert out.read_bytes() == pdf_for("guideline_first", "en")
    # Without the acknowledgement the command line refuses, as the wizard does (D18).
    refused = tmp_path / "refused.pdf"
    assert main(["handout", str(resource_path("examples/guideline_first.json")), "-o", str(refused)]) == 2
    assert not refused.exists()
    assert "handout not printed" in capsys.readouterr().err


def test_cli_language_defaults_to_the_visit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LDN_AID_CONFIG_DIR", str(tmp_path / "config"))
    out = tmp_path / "out.pdf"
    assert main(["handout", str(_acknowledged_guideline_first(tmp_path)), "-o", str(out)]) == 0
    with open_pdf(out.read_bytes()) as pdf:
        assert str(pdf.doc.catalog["Lang"].decode()) == "es-US"


def test_cli_large_print_and_a4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LDN_AID_CONFIG_DIR", str(tmp_path / "config"))
    out = tmp_path / "out.pdf"
    args = [
        "handout",
        str(resource_path("examples/stop.json")),
        "-o",
        str(out),
        "--large-print",
        "--paper",
        "a4",
    ]
    assert main(args) == 0
    assert out.read_bytes() == pdf_for("stop", "en", True, "a4")


def test_cli_unwritable_output_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LDN_AID_CONFIG_DIR", str(tmp_path / "config"))
    code = main(["handout", str(resource_path("examples/stop.json")), "-o", str(tmp_path / "no" / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "does not exist" in err


def test_cli_bad_visit_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "ldn-aid.visit/1", "visit_date": "2026-01-01", "patient": {"age_years": 999}}')
    assert main(["handout", str(bad), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "patient.age_years" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_demo_writes_a_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LDN_AID_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    with open_pdf((tmp_path / "sample.pdf").read_bytes()) as pdf:
        assert 1 < len(pdf.pages) <= 14
        assert "LDN" in (pdf.pages[0].extract_text() or "")


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("large", [False, True])
def test_the_wallet_card_and_its_cut_marks_stay_far_from_the_paper_edge(large: bool, paper: str) -> None:
    """The card is a bank card's size (85.6 x 54 mm, front and back side by side) in every print size: it
    must fit a wallet, and its readers are clinicians. On a portrait page, no line of it or its cut
    marks comes within 10 mm of the paper edge, where printers clip (review D19)."""
    mm = 72 / 25.4
    with open_pdf(pdf_for("ldn_option", "en", large, paper)) as pdf:
        (page,) = [p for p in pdf.pages if is_card_page(p)]
        assert page.width < page.height
        outline = [r for r in page.rects if abs(r["width"] - 2 * 85.6 * mm) < 1.5]
        assert outline
        assert all(abs(r["height"] - 54 * mm) < 1.5 for r in outline)
        fold = [
            ln for ln in page.lines if abs(ln["x0"] - ln["x1"]) < 0.5 and abs(ln["height"] - 54 * mm) < 1.5
        ]
        assert fold  # the dashed fold line down the middle
        for shape in (*page.rects, *page.lines):
            assert shape["x0"] >= 10 * mm
            assert shape["x1"] <= page.width - 10 * mm
            assert shape["top"] >= 10 * mm
            assert shape["bottom"] <= page.height - 10 * mm


def test_large_print_uses_18_pt_with_one_and_a_half_line_spacing() -> None:
    from ldn_aid.pdf.styles import make_styles

    styles = make_styles(True)
    assert styles.body.fontSize == 18
    assert styles.body.leading == 27
    assert make_styles(False).body.fontSize == 12


def _documents(language: str) -> list[model.Handout]:
    """The pack, the evidence sheet and a follow-up sheet for the same patient."""
    from ldn_aid.handout.compose import compose_followup_for_visit
    from ldn_aid.handout.evidence_sheet import compose_evidence_sheet_for_visit

    documents = [handout_for("ldn_option", language)]
    documents.append(compose_evidence_sheet_for_visit(printable("ldn_option"), language))
    sheet = compose_followup_for_visit(example("followup_advance"), language)
    assert sheet is not None
    return [*documents, sheet]


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_of_every_document_names_the_patient_and_says_page_x_of_y(
    language: str, large: bool
) -> None:
    words = ("Page", "of") if language == "en" else ("Página", "de")
    for handout in _documents(language):
        data = render_pdf_bytes(handout, RenderOptions(large_print=large))
        with open_pdf(data) as pdf:
            total = len(pdf.pages)
            for page in pdf.pages:
                footer = " ".join(
                    (
                        page.crop((0, page.height - MARGIN, page.width, page.height)).extract_text() or ""
                    ).split()
                )
                assert f"{words[0]} {page.page_number} {words[1]} {total}" in footer, (
                    handout.document,
                    footer,
                )
                assert handout.patient_name
                assert handout.patient_name in footer
                assert handout.footer in footer
                assert page.width < page.height
        assert embedded_font_problems(data) == []
