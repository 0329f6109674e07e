"""The renderer's own guarantees, on handouts built here block by block (independent of the pack's words):
portrait pages, the option grid on one page, every box splitting, no stranded heading, compact icon
arrays, the footer on every page, and embedded fonts only."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pdfplumber
import pytest
from pdfminer.pdftypes import resolve1

from ldn_aid.handout import model
from ldn_aid.pdf.render_pdf import MARGIN, RenderOptions, render_pdf_bytes

PAPERS = ("letter", "a4")
SIZES = (False, True)
NAME = "Nguyễn Thị Đặng"

GRID = model.OptionGrid(
    heading="Your options side by side",
    intro=(
        "Read across a row to compare the four options on one question. Stimulants include "
        "methylphenidate (Ritalin, Concerta) and lisdexamfetamine (Vyvanse).",
    ),
    columns=("No new medicine", "Stimulants", "Non-stimulants", "LDN"),
    rows=(
        model.GridRow(
            question="How well does it work?",
            cells=(
                "ADHD problems may stay as they are.",
                "They help ADHD the most, on average. Tested in many trials.",
                "They help, but less than stimulants, on average.",
                "Unknown. Never tested for ADHD.",
            ),
        ),
        model.GridRow(
            question="How soon does it work?",
            cells=(
                "No change to wait for.",
                "Within hours of a dose.",
                "Slower: 1 week to several weeks.",
                "Unknown for ADHD.",
            ),
        ),
        model.GridRow(
            question="Common side effects",
            cells=(
                "None from medicine.",
                "Less hunger, trouble sleeping, stomach ache.",
                "Sleepiness, tiredness, upset stomach.",
                "In other illnesses: vivid dreams, trouble sleeping, nausea.",
            ),
        ),
        model.GridRow(
            question="Serious risks",
            cells=(
                "None from medicine.",
                "Misuse and addiction. Higher heart rate and blood pressure.",
                "Atomoxetine and viloxazine: suicidal thoughts (a warning). Guanfacine: low blood pressure.",
                "Blocks opioid pain medicines. Long-term safety is unknown for anyone: studies lasted "
                "8 to 16 weeks.",
            ),
        ),
        model.GridRow(
            question="How is it taken?",
            cells=(
                "No new pills. Keep your current plan.",
                "A pill or capsule, once or more a day.",
                "A pill or capsule, usually once a day.",
                "A capsule or a liquid, once a day.",
            ),
        ),
        model.GridRow(
            question="Check-ups",
            cells=(
                "Regular visits to see how things go.",
                "Heart rate, blood pressure, weight.",
                "Blood pressure, pulse, mood.",
                "A side-effect check and a review on set dates.",
            ),
        ),
        model.GridRow(question="Controlled drug with strict rules?", cells=("No.", "Yes.", "No.", "No.")),
        model.GridRow(
            question="Cost and coverage",
            cells=(
                "No medicine cost.",
                "Approved for ADHD. Ask what your plan covers.",
                "Approved for ADHD. Ask what your plan covers.",
                "Off-label and made by a compounding pharmacy. Insurance may not pay.",
            ),
        ),
    ),
    note="Sources: [1, 2, 3]",
)


def _array(title: str, with_count: int, without_count: int) -> model.IconArray:
    return model.IconArray(
        title=title,
        groups=(
            model.IconGroup(
                label=f"{with_count} in 100 children who took lisdexamfetamine",
                count=with_count,
                highlighted=True,
            ),
            model.IconGroup(
                label=f"{without_count} in 100 children who took a dummy pill",
                count=without_count,
                highlighted=False,
            ),
        ),
        caption="Children aged 6 to 12 with ADHD, in 4-week trials, 30 to 70 mg a day.",
    )


ARRAYS = (
    _array("Less hunger", 39, 4),
    _array("Trouble sleeping", 19, 3),
    _array("Stopped because of side effects", 9, 2),
    _array("Feeling sleepy", 38, 12),
)

REASONS = tuple(
    f"Reason {n}: you take an opioid medicine every day, such as methadone or buprenorphine. LDN blocks "
    "opioids, so it could bring on withdrawal symptoms within an hour and stop your pain medicine working. "
    "Talk with your care team about what to do instead." * 2
    for n in range(1, 5)
)


def _handout(blocks: tuple[model.Block, ...], name: str = NAME, language: str = "en") -> model.Handout:
    return model.Handout(
        language=language,  # type: ignore[arg-type]
        title="Your LDN decision sheet",
        patient_name=name,
        blocks=blocks,
        footer="This sheet does not replace talking with your care team.",
        page_label="Page {page} of {pages}",
        has_plan=False,
    )


def _calendar() -> model.Calendar:
    start = dt.date(2027, 1, 4)
    weeks = []
    for week in range(4):
        days = tuple(start + dt.timedelta(days=7 * week + d) for d in range(7))
        weeks.append(
            model.CalendarWeek(
                label=f"Week {week + 1}",
                dose="1 capsule of 1.5 mg",
                days=days,
                day_labels=tuple(str(day.day) for day in days),
            )
        )
    return model.Calendar(
        weekday_names=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        weeks=tuple(weeks),
        marked=((start + dt.timedelta(days=27), "Review"),),
        dose_header="Dose",
        week_header="Week",
    )


def pack_like() -> model.Handout:
    """Every block kind the pack uses, in the pack's order."""
    return _handout(
        (
            model.Heading(text="Your visit today: LDN is not a good choice for you now"),
            model.Facts(rows=(("Prepared for", NAME), ("Visit date", "Monday, January 4, 2027"))),
            model.Box(
                style="main",
                heading="What we decided",
                paragraphs=("You and your care team decided not to start LDN now.",),
            ),
            model.Heading(text="Your next steps", level=2),
            model.Bullets(
                items=(
                    "Take no opioid medicines from today until Thursday, January 14, 2027.",
                    "Take your first dose on Thursday, January 14, 2027.",
                    "Come to your check-up on Monday, February 1, 2027.",
                ),
                numbered=True,
            ),
            model.Checklist(
                heading="Before your first dose",
                items=("Get the capsules from the pharmacy.", "Put the calendar on the fridge."),
            ),
            model.Facts(rows=(("Clinic", "Đặng Family Clinic"), ("Phone", "Phone: ____________________"))),
            model.PageBreak(),
            GRID,
            model.PageBreak(),
            model.Heading(text="In numbers"),
            model.Paragraph(text="Each picture shows 100 people in one study."),
            *ARRAYS,
            model.Framed(
                style="note",
                heading="LDN in other illnesses: not comparable",
                blocks=(
                    model.Paragraph(
                        text="These numbers come from small studies of other illnesses, not ADHD."
                    ),
                    model.IconArray(
                        title="LDN: stopped because of side effects",
                        groups=(
                            model.IconGroup(label="5 in 100 women who took LDN", count=5, highlighted=True),
                            model.IconGroup(
                                label="3 in 100 women who took a dummy pill", count=3, highlighted=False
                            ),
                        ),
                        caption="About 100 women with fibromyalgia, 6 mg a day for 12 weeks. Not ADHD.",
                    ),
                ),
            ),
            model.Paragraph(text="Pictures from different studies cannot be compared with each other."),
            model.PageBreak(),
            model.Heading(text="Your dose calendar"),
            model.Paragraph(text="Tick the box each day after you take the dose shown."),
            _calendar(),
        )
    )


def _pdf(handout: model.Handout, paper: str = "letter", large: bool = False) -> pdfplumber.PDF:
    options = RenderOptions(paper=paper, large_print=large)  # type: ignore[arg-type]
    return pdfplumber.open(io.BytesIO(render_pdf_bytes(handout, options)))


def _text(page: pdfplumber.page.Page) -> str:
    return " ".join((page.extract_text() or "").split())


def _body(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """The page without its footer (the bottom margin)."""
    return page.crop((0, 0, page.width, page.height - MARGIN + 2))


# ---- every page portrait, inside its margins, with its footer ---------------------------------


@pytest.mark.parametrize(("paper", "large"), list(itertools.product(PAPERS, SIZES)))
def test_every_page_is_portrait_with_text_inside_the_margins(paper: str, large: bool) -> None:
    with _pdf(pack_like(), paper, large) as pdf:
        expected = (612, 792) if paper == "letter" else (595, 842)
        for page in pdf.pages:
            assert (round(page.width), round(page.height)) == expected, page.page_number
            for char in page.chars:
                assert char["x0"] >= MARGIN - 1, (page.page_number, char["text"])
                assert char["x1"] <= page.width - MARGIN + 1, (page.page_number, char["text"], char["x1"])
                assert char["top"] >= MARGIN - 1, (page.page_number, char["text"])
                # The footer lives in the bottom margin, clear of a printer's hard margin.
                assert char["bottom"] <= page.height - 18, (page.page_number, char["text"])
            for shape in (*page.rects, *page.lines):
                assert shape["x0"] >= MARGIN - 2, page.page_number
                assert shape["x1"] <= page.width - MARGIN + 2, page.page_number


@pytest.mark.parametrize(("paper", "large"), list(itertools.product(PAPERS, SIZES)))
def test_every_page_names_the_patient_and_says_page_x_of_y(paper: str, large: bool) -> None:
    minimum = 14 if large else 12
    with _pdf(pack_like(), paper, large) as pdf:
        total = len(pdf.pages)
        for page in pdf.pages:
            footer = page.crop((0, page.height - MARGIN, page.width, page.height))
            text = _text(footer)
            assert NAME in text, (page.page_number, text)
            assert f"Page {page.page_number} of {total}" in text
            assert "does not replace talking with your care team" in text
            assert footer.chars
            assert min(c["size"] for c in footer.chars) >= minimum - 0.01


def test_an_empty_name_prints_no_name_line_and_a_long_one_stays_on_one_line() -> None:
    blocks: tuple[model.Block, ...] = (model.Heading(text="Title"), model.Paragraph(text="Text."))
    with _pdf(_handout(blocks, name="")) as pdf:
        footer = pdf.pages[0].crop((0, pdf.pages[0].height - MARGIN, pdf.pages[0].width, pdf.pages[0].height))
        assert _text(footer).startswith("Page 1 of 1") or "Page 1 of 1" in _text(footer)
        assert len({round(c["top"]) for c in footer.chars}) == 2  # the page line and the footer words
    with _pdf(_handout(blocks, name="A" * 500)) as pdf:
        page = pdf.pages[0]
        footer = page.crop((0, page.height - MARGIN, page.width, page.height))
        assert "AAAA…" in _text(footer)
        assert all(c["x1"] <= page.width - MARGIN + 1 for c in footer.chars)


# ---- the option grid ------------------------------------------------------------------------------


@pytest.mark.parametrize("paper", PAPERS)
def test_the_option_grid_fits_one_portrait_page_in_standard_print(paper: str) -> None:
    with _pdf(_handout((GRID,)), paper) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        words = [w["text"] for w in page.extract_words()]
        # Every word of every cell is on this one page, in the order the rows are read.
        expected = [w for row in GRID.rows for w in (*row.question.split(), *" ".join(row.cells).split())]
        assert set(expected) <= set(words)
        assert {"Stimulants", "Non-stimulants", "LDN"} <= set(words)
        body = _body(page)
        assert min(c["size"] for c in body.chars) >= 12 - 0.01
        # Four option columns side by side: "Stimulants" and "LDN" head columns on one line.
        heads = [w for w in page.extract_words() if w["text"] in ("Non-stimulants", "LDN")]
        assert len({round(w["top"]) for w in heads[:2]}) == 1


@pytest.mark.parametrize("paper", PAPERS)
def test_large_print_grid_goes_question_by_question(paper: str) -> None:
    with _pdf(_handout((GRID,)), paper, large=True) as pdf:
        pages = [_text(_body(p)) for p in pdf.pages]
        chars = [c for p in pdf.pages for c in _body(p).chars]
    assert min(c["size"] for c in chars) >= 18 - 0.01
    everything = " ".join(pages)
    assert "Stimulants: Within hours of a dose." in everything
    for row in GRID.rows:
        # A question never ends a page: its first answer is on the same page.
        first = next(text for text in pages if row.question in text)
        assert "No new medicine:" in first.split(row.question, 1)[1], row.question
    # No page opens on an answer: one split onto the next page has its question asked again above it.
    openings = (GRID.heading, *(row.question for row in GRID.rows), GRID.note)
    for text in pages:
        assert text.startswith(openings), text[:60]


# ---- splitting: nothing raises, no page ends on a heading, no page left mostly empty ---------------


@pytest.mark.parametrize(("paper", "large"), list(itertools.product(PAPERS, SIZES)))
def test_a_box_taller_than_a_page_splits_and_repeats_its_heading(paper: str, large: bool) -> None:
    box = model.Box(style="stop", heading="LDN is not a good choice for you right now", bullets=REASONS * 2)
    framed = model.Framed(
        style="note",
        heading="Not comparable",
        blocks=tuple(model.Paragraph(text=reason) for reason in REASONS * 2),
    )
    checklist = model.Checklist(heading="Before your first dose", items=REASONS * 2)
    blocks: tuple[model.Block, ...] = (
        model.Heading(text="Your visit today"),
        model.Paragraph(text="What was decided."),
        box,
        framed,
        checklist,
    )
    with _pdf(_handout(blocks), paper, large) as pdf:
        pages = [_text(_body(p)) for p in pdf.pages]
    assert len(pages) >= 3
    assert box.heading in pages[0]  # it starts where it stands
    assert sum(box.heading in text for text in pages) >= 2  # and names itself again
    for reason in REASONS:
        assert any(reason[-40:] in text for text in pages)


def _fill(page: pdfplumber.page.Page) -> float:
    """How far down the page's frame the content reaches, as a share of the frame."""
    body = _body(page)
    bottoms = [c["bottom"] for c in body.chars] + [r["bottom"] for r in body.rects]
    return (max(bottoms) - MARGIN) / (page.height - 2 * MARGIN) if bottoms else 0.0


@pytest.mark.parametrize(("paper", "large"), list(itertools.product(PAPERS, SIZES)))
def test_no_page_ends_on_a_heading_and_none_but_the_last_is_under_a_third_full(
    paper: str, large: bool
) -> None:
    handout = pack_like()
    headings = [b.text for b in handout.blocks if isinstance(b, model.Heading)]
    headings += [
        b.heading for b in handout.blocks if isinstance(b, (model.Box, model.Checklist, model.Framed))
    ]
    headings += [a.title for a in ARRAYS]
    with _pdf(handout, paper, large) as pdf:
        for page in pdf.pages:
            lines = [line for line in (_body(page).extract_text() or "").splitlines() if line.strip()]
            assert lines
            last = " ".join(lines[-1].split())
            assert not any(heading.endswith(last) for heading in headings), (page.page_number, last)
        # The pack's own page breaks decide where parts start; between them no page is left mostly empty.
        breaks_before = {1, 2, 3}
        for page in pdf.pages[:-1]:
            next_number = page.page_number + 1
            if next_number in breaks_before or _starts_a_part(pdf.pages[next_number - 1]):
                continue
            assert _fill(page) >= 1 / 3, (page.page_number, _fill(page))


def _starts_a_part(page: pdfplumber.page.Page) -> bool:
    text = _text(page)
    return text.startswith(("Your options side by side", "In numbers", "Your dose calendar"))


def test_a_numbers_page_holds_four_icon_array_pairs_in_standard_print() -> None:
    blocks: tuple[model.Block, ...] = (
        model.Heading(text="In numbers"),
        model.Paragraph(text="Each picture shows 100 people in one study. The dark figures had the result."),
        *ARRAYS,
    )
    with _pdf(_handout(blocks)) as pdf:
        assert len(pdf.pages) == 1
        text = _text(pdf.pages[0])
        for array in ARRAYS:
            assert array.title in text


@pytest.mark.parametrize("large", SIZES)
def test_an_icon_array_pair_stays_together(large: bool) -> None:
    filler = tuple(model.Paragraph(text=f"Line {n} of the text before the arrays.") for n in range(14))
    with _pdf(_handout((*filler, *ARRAYS, *ARRAYS)), large=large) as pdf:
        for page in pdf.pages:
            text = _text(page)
            # Label words sit beside their grid, a pair side by side: read them as words, not lines.
            words = [w["text"] for w in page.extract_words()]
            titles = [array for array in ARRAYS for _ in range(text.count(array.title))]
            # Each array's two labels ("... who took lisdexamfetamine", "... who took a dummy pill") and
            # its caption are on the page of its title, and no label is on a page without its title.
            assert words.count("lisdexamfetamine") == len(titles) == words.count("dummy"), page.page_number
            assert all(array.caption in text for array in titles)


def test_unaffected_icons_are_outlined_in_a_grey_of_at_least_3_to_1() -> None:
    with _pdf(_handout(ARRAYS[:1])) as pdf:
        page = pdf.pages[0]
        curves = [c for c in page.curves + page.rects if c.get("stroke")]
        greys = {tuple(round(v, 3) for v in c["stroking_color"]) for c in curves if c.get("stroking_color")}
    assert greys, "no outlined figures"
    for grey in greys:
        level = grey[0] if len(grey) in (1, 3) else 1 - grey[3]
        linear = level / 12.92 if level <= 0.04045 else ((level + 0.055) / 1.055) ** 2.4
        assert 1.05 / (linear + 0.05) >= 3.0, grey


def test_numbered_bullets_and_tick_boxes() -> None:
    blocks: tuple[model.Block, ...] = (
        model.Bullets(
            items=("Stop opioids today.", "Start on Monday.", "Come back in 4 weeks."), numbered=True
        ),
        model.Checklist(heading="Before your first dose", items=("Get the capsules.", "Read the calendar.")),
    )
    with _pdf(_handout(blocks)) as pdf:
        page = pdf.pages[0]
        text = page.extract_text() or ""
        boxes = [r for r in page.rects if abs(r["width"] - r["height"]) < 0.5 and r["width"] >= 6 * 72 / 25.4]
    assert "1. Stop opioids today." in text
    assert "3. Come back in 4 weeks." in text
    assert len(boxes) == 2


# ---- fonts -------------------------------------------------------------------------------------


def embedded_font_problems(data: bytes) -> list[str]:
    """Every font that any page, or any form drawn on it (the icon figures), names without carrying
    its TrueType file."""
    problems = []

    def check(resources: object, where: str) -> None:
        resources = resolve1(resources) or {}
        for key, ref in (resolve1(resources.get("Font")) or {}).items():
            font = resolve1(ref)
            if "DescendantFonts" in font:
                font = resolve1(resolve1(font["DescendantFonts"])[0])
            descriptor = resolve1(font.get("FontDescriptor")) or {}
            if "FontFile2" not in descriptor:
                problems.append(f"{where}: {key} {font.get('BaseFont')}")
        for ref in (resolve1(resources.get("XObject")) or {}).values():
            xobject = resolve1(ref)
            if "Resources" in xobject.attrs:
                check(xobject.attrs["Resources"], f"{where} form")

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            check(page.page_obj.resources, f"page {page.page_number}")
    return problems


@pytest.mark.parametrize(("paper", "large"), list(itertools.product(PAPERS, SIZES)))
def test_only_embedded_fonts_are_referenced(paper: str, large: bool) -> None:
    options = RenderOptions(paper=paper, large_print=large)  # type: ignore[arg-type]
    data = render_pdf_bytes(pack_like(), options)
    assert embedded_font_problems(data) == []
    assert b"Helvetica" not in data


def test_a_page_break_starts_a_new_page_unless_that_leaves_the_page_under_a_third_full() -> None:
    part_two: tuple[model.Block, ...] = (
        model.PageBreak(),
        model.Heading(text="Your dose calendar"),
        model.Paragraph(text="Tick the box each day."),
    )
    short: tuple[model.Block, ...] = (
        model.Heading(text="Your visit today"),
        model.Paragraph(text="One line."),
    )
    with _pdf(_handout((*short, *part_two))) as pdf:
        assert len(pdf.pages) == 1  # a page with two lines is not left behind
    long = tuple(model.Paragraph(text=f"Line {n}: what to do and when to call.") for n in range(22))
    with _pdf(_handout((*short, *long, *part_two))) as pdf:
        assert len(pdf.pages) == 2
        assert _text(pdf.pages[1]).startswith("Your dose calendar")
    with _pdf(_handout((*part_two, *short))) as pdf:
        assert len(pdf.pages) == 1  # never a blank first page


def test_a_reference_list_keeps_its_heading_with_its_first_source() -> None:
    references = model.ReferenceList(
        heading="Sources", items=tuple(f"{n}. A source, 2024." for n in range(1, 6))
    )
    # Some filler length puts the heading at the foot of page 1: try each.
    for lines in range(24, 34):
        filler = tuple(model.Paragraph(text=f"Line {n} of the sheet.") for n in range(lines))
        with _pdf(_handout((*filler, references))) as pdf:
            (page,) = [p for p in pdf.pages if "Sources" in _text(_body(p))]
            assert "1. A source, 2024." in _text(page), lines
