"""Layout never fails: every combination of stop reasons renders, in every language, paper and print size.

Red team D01: the large-print pack of anyone with two or three stops (anyone on methadone) crashed
with reportlab's LayoutError. The stop visits here are the ldn_option example with the answers that
fire each stop rule of resources/content/rules.toml switched on.

Bounded, so it runs in reasonable time on two shared cores (the full cross product of 14 stops, their
pairs and triples, 2 languages, 2 papers and 2 print sizes is about 3 500 PDFs; this is about 1 000):
- every single stop, in all 8 variants;
- every pair, in large print, Letter and A4, English and Spanish;
- every triple in the largest variant (Spanish, large print, A4: the longest words on the narrowest
  page), and every triple holding methadone treatment (the red team's case) in the other 3 large-print
  variants;
- the visit with every stop at once, in all 8 variants (its standard print has no 3-page aim).
Text is read with pypdfium2 (`page_texts_fast`), fast enough for hundreds of PDFs: the file took about
1 to 1.5 minutes on the shared two-core machine when written.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import pdf_checks as pc
import pytest
from samples import example

from ldn_aid.content import load_content
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.rules import decide

Change = Callable[[Visit], Visit]


def _screen(**answers: object) -> Change:
    def change(visit: Visit) -> Visit:
        return visit.model_copy(update={"ldn_screen": visit.ldn_screen.model_copy(update=answers)})

    return change


def _diagnosis_unconfirmed(visit: Visit) -> Visit:
    return visit.model_copy(update={"diagnosis": visit.diagnosis.model_copy(update={"adhd_confirmed": "no"})})


def _age_five(visit: Visit) -> Visit:
    return visit.model_copy(
        update={"patient": visit.patient.model_copy(update={"age_years": 5, "weight_kg": 19})}
    )


# rule id -> the change to the ldn_option example that fires it (and only it, among the stops)
STOPS: dict[str, Change] = {
    "diagnosis_not_confirmed": _diagnosis_unconfirmed,
    "age_under_min": _age_five,
    "opioid_current": _screen(current_opioid_use="yes"),
    "opioid_agonist_treatment": _screen(opioid_agonist_treatment="yes"),
    "opioid_agonist_recent": _screen(opioid_agonist_last_14_days="yes"),
    "opioid_recent": _screen(opioid_use_last_10_days="yes"),
    "opioid_withdrawal": _screen(opioid_withdrawal_now="yes"),
    "acute_liver": _screen(acute_hepatitis_or_liver_failure="yes"),
    "naltrexone_allergy": _screen(naltrexone_allergy="yes"),
    "suicidal_thoughts": _screen(suicidal_thoughts="yes"),
    "urine_opioid_positive": _screen(urine_opioid_screen="positive"),
    "pregnancy": _screen(pregnancy="pregnant"),
    "trying_to_conceive": _screen(pregnancy="trying"),
    "breastfeeding": _screen(pregnancy="breastfeeding"),
}
# One answer ("pregnancy") fires these three, so at most one of them is in any combination.
EXCLUSIVE = frozenset({"pregnancy", "trying_to_conceive", "breastfeeding"})
ALL_STOPS = tuple(s for s in STOPS if s not in EXCLUSIVE or s == "pregnancy")


def combinations(size: int) -> list[tuple[str, ...]]:
    return [c for c in itertools.combinations(STOPS, size) if len(EXCLUSIVE.intersection(c)) <= 1]


def stop_visit(stops: tuple[str, ...]) -> Visit:
    visit = example("ldn_option")
    for rule_id in stops:
        visit = STOPS[rule_id](visit)
    return visit


LANGUAGES = ("en", "es")
PAPERS = ("letter", "a4")
ALL_VARIANTS = [(lang, paper, large) for lang in LANGUAGES for paper in PAPERS for large in (False, True)]
LARGE_VARIANTS = [(lang, paper, True) for lang in LANGUAGES for paper in PAPERS]


def _variant_id(variant: tuple[str, str, bool]) -> str:
    language, paper, large = variant
    return f"{language}-{paper}-{'large' if large else 'standard'}"


def _stops_id(stops: tuple[str, ...]) -> str:
    return "+".join(stops)


def patient_reasons(stops: tuple[str, ...], language: str) -> dict[str, str]:
    """Each stop's patient words: the start of their longest part without a show-time placeholder."""
    findings = load_content(language).language.findings
    reasons = {}
    for rule_id in stops:
        text = findings[rule_id].patient
        assert text, f"{rule_id} has no patient words in {language}/findings.toml"
        reasons[rule_id] = pc.fixed_fragment(text)[:50].strip()
    return reasons


def check(
    stops: tuple[str, ...], language: str, paper: str, large: bool, standard_limit: int | None = 3
) -> None:
    """Renders (a LayoutError fails here), prints every stop's reason, and keeps to the page aims: the
    stop pack's 3 in standard print (unless `standard_limit` is None) and 7 in large print. Every
    reason prints in full, never cut to fit, and one takes a quarter to a third of a large-print page:
    so each two reasons beyond the first may add one large-print page (8 for a pair or a triple)."""
    visit = stop_visit(stops)
    fired = {f.rule_id for f in decide(visit).assessment.with_severity("stop")}
    assert fired == set(stops), f"the visit fires {sorted(fired)}, not {sorted(stops)}"
    handout = compose_for_visit(visit, language)
    options = RenderOptions(paper=paper, large_print=large)  # type: ignore[arg-type]
    data = render_pdf_bytes(handout, options)  # a LayoutError fails the test here
    pages = pc.page_texts_fast(data)
    text = pc.flatten(" ".join(pages))
    problems = []  # both checks reported together, so a long pack does not hide a lost reason
    missing = [rule_id for rule_id, words in patient_reasons(stops, language).items() if words not in text]
    if missing:
        problems.append(f"stop reasons not on the pack: {missing}")
    limit = 7 + math.ceil((len(stops) - 1) / 2) if large else standard_limit
    if limit is not None and len(pages) > limit:
        problems.append(f"{len(pages)} pages, the aim is {limit} or fewer")
    assert not problems, "; ".join(problems)


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=_variant_id)
@pytest.mark.parametrize("stops", combinations(1), ids=_stops_id)
def test_every_single_stop_renders_everywhere(stops: tuple[str, ...], variant: tuple[str, str, bool]) -> None:
    check(stops, *variant)


@pytest.mark.parametrize("variant", LARGE_VARIANTS, ids=_variant_id)
@pytest.mark.parametrize("stops", combinations(2), ids=_stops_id)
def test_every_pair_of_stops_renders_in_large_print(
    stops: tuple[str, ...], variant: tuple[str, str, bool]
) -> None:
    check(stops, *variant)


@pytest.mark.parametrize("stops", combinations(3), ids=_stops_id)
def test_every_triple_of_stops_renders_in_spanish_large_print_a4(stops: tuple[str, ...]) -> None:
    check(stops, "es", "a4", True)


METHADONE_TRIPLES = [c for c in combinations(3) if "opioid_agonist_treatment" in c]


@pytest.mark.parametrize("variant", [v for v in LARGE_VARIANTS if v[:2] != ("es", "a4")], ids=_variant_id)
@pytest.mark.parametrize("stops", METHADONE_TRIPLES, ids=_stops_id)
def test_every_methadone_triple_renders_in_large_print(
    stops: tuple[str, ...], variant: tuple[str, str, bool]
) -> None:
    check(stops, *variant)


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=_variant_id)
def test_every_stop_at_once_renders_everywhere(variant: tuple[str, str, bool]) -> None:
    """Twelve reasons at once: no page aim in standard print (the brief sets 7 in large print only)."""
    check(ALL_STOPS, *variant, standard_limit=None)


def test_the_sweep_covers_every_stop_rule_in_the_rules() -> None:
    """A new stop rule in rules.toml must get its trigger here (follow-up reasons are the review's, not
    the pack's: they print on follow-up sheets)."""
    rules = load_content("en").rules.rules
    stop_rules = {
        rule_id
        for rule_id, rule in rules.items()
        if rule.severity == "stop" and not rule_id.startswith("followup_")
    }
    assert stop_rules == set(STOPS)
