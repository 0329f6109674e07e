"""Doses written the safe-medication way (issue 11): no trailing zero, a leading zero below 1, the unit
never split from its number, the decimal comma on Spanish sheets, the strength of each capsule and
liquids in mL and mg."""

from __future__ import annotations

import re
from decimal import Decimal

import pdf_checks as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldn_aid.content import load_content
from ldn_aid.handout import model
from ldn_aid.handout.dose_text import NO_BREAK_SPACE, mg, ml, number, plain_dose, step_amount
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes

# Every dose the plans can give, in 0.1 mg steps from 0.1 to 4.5 mg.
DOSES = st.integers(min_value=1, max_value=45).map(lambda tenths: Decimal(tenths) / 10)
# The same values as the rules may hold them ("3.0", "3.00", "30E-1").
WRITTEN = st.sampled_from(("{:.1f}", "{:.2f}", "{}")).flatmap(
    lambda form: DOSES.map(lambda dose: Decimal(form.format(dose)))
)
TRAILING_ZERO = re.compile(r"\d[.,]0\b")


@given(dose=WRITTEN, language=st.sampled_from(("en", "es")))
def test_no_trailing_zero_a_leading_zero_and_the_unit_tied_to_its_number(
    dose: Decimal, language: str
) -> None:
    for text in (mg(dose, language), ml(dose, language)):
        assert not TRAILING_ZERO.search(text), text
        number_part, unit = text.split(NO_BREAK_SPACE)
        assert unit in ("mg", "mL")
        assert " " not in text  # no ordinary space: a line can never break inside a dose
        assert not number_part.startswith((".", ","))
        if dose < 1:
            assert number_part.startswith(("0.", "0,")), text
        assert Decimal(number_part.replace(",", ".")) == dose


@given(dose=DOSES)
def test_spanish_doses_use_the_decimal_comma(dose: Decimal) -> None:
    english, spanish = mg(dose, "en"), mg(dose, "es")
    assert "." not in spanish
    assert spanish == english.replace(".", ",")
    if dose != dose.to_integral():
        assert "," in spanish


@given(dose=DOSES, language=st.sampled_from(("en", "es")))
def test_each_step_names_its_capsule_strength_or_its_millilitres_and_milligrams(
    dose: Decimal, language: str
) -> None:
    words = load_content(language).language.sheets
    capsule = step_amount(dose, None, language, words)
    assert capsule == words.dose.capsule.format(strength=mg(dose, language))
    assert capsule.startswith("1 ")
    liquid = step_amount(dose, dose, language, words)
    assert liquid == f"{ml(dose, language)} ({mg(dose, language)})"
    assert plain_dose(dose, None, language, words) == mg(dose, language)
    assert plain_dose(dose, dose, language, words) == liquid


def test_the_review_s_examples() -> None:
    en = load_content("en").language.sheets
    es = load_content("es").language.sheets
    assert number(Decimal("3.0"), "en") == "3"
    assert number(Decimal("30"), "en") == "30"  # normalize() alone writes 3E+1
    assert number(Decimal(".8"), "en") == "0.8"
    assert mg(Decimal("1.5"), "es") == "1,5\u00a0mg"
    assert step_amount(Decimal("1.5"), None, "en", en) == "1 capsule of 1.5\u00a0mg"
    assert step_amount(Decimal("1.5"), None, "es", es) == "1 cápsula de 1,5\u00a0mg"
    assert step_amount(Decimal("0.8"), Decimal("0.8"), "en", en) == "0.8\u00a0mL (0.8\u00a0mg)"
    assert step_amount(Decimal("2.5"), Decimal("2.5"), "es", es) == "2,5\u00a0mL (2,5\u00a0mg)"
    with pytest.raises(ValueError, match="no number format"):
        number(Decimal("1"), "fr")


@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_rendered_dose_never_breaks_from_its_unit(language: str, large_print: bool) -> None:
    """Text of every length before a dose, so some dose falls at the end of a line."""
    words = load_content(language).language.sheets
    doses = [Decimal(tenths) / 10 for tenths in range(1, 46)]
    paragraphs = tuple(
        model.Paragraph(text="word " * (index % 13) + step_amount(dose, dose, language, words) + " each day.")
        for index, dose in enumerate(doses)
    )
    handout = model.Handout(
        language=language,  # type: ignore[arg-type]
        title="doses",
        blocks=paragraphs,
        footer="",
        page_label="",
        has_plan=True,
    )
    facts = pc.read_pdf(render_pdf_bytes(handout, RenderOptions(large_print=large_print)))
    assert pc.split_doses(facts) == []
    assert pc.trailing_zero_doses(facts.text) == []
    assert pc.naked_decimal_doses(facts.text) == []
    if language == "es":
        assert pc.decimal_point_doses(facts.text) == []
        assert len(pc.decimal_comma_doses(facts.text)) >= 40
