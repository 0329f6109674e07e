"""Issue 11: what may print as a source, the audit's reference fixes, and the pack's "In numbers" pairs.

A printed source is a label, guideline, paper, registry record or named organisation's page with a
locator that finds it; the display citation carries no drafting note; every source a patient text
cites is printable or one the composer drops; and benefit and harm pictures come in pairs from one
placebo-controlled trial per option and age group, with LDN's numbers never comparable."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from ldn_aid.content import load_content, load_rules
from ldn_aid.content.schema import Reference
from ldn_aid.domain.errors import ContentError
from ldn_aid.paths import resource_path

CONTENT = resource_path("content")
LANGUAGES = ("en", "es")

# Words that mark a reviewer's note, never a citation (handout review D3, clinical audit D-1.2).
DRAFTING = (
    "unconfirmed",
    "not recorded",
    "mirror",
    "believed",
    "duckduckgo",
    "verify before citing",
    "reconstructed",
    "third-party",
    "(authors",
    "locator",
)

# Sites that must never be printed as a source: AI summaries, user-generated answers, searches,
# document-sharing copies, unofficial mirrors, patient forums and advocacy copies.
NEVER_PRINTED_HOSTS = (
    "droracle",
    "answers.com",
    "duckduckgo",
    "netlify",
    "studylib",
    "scribd",
    "pdf4pro",
    "120ty",
    "healthscout",
    "globalrph",
    "biologyinsights",
    "crohnsforum",
    "s4me.info",
    "ldnresearchtrust",
)

# Sources that patient texts cite for the reviewer's benefit but that never print (the composer
# drops them: Citations numbers printable references only). Each stays for a stated reason.
DROPPED: dict[str, str] = {
    "LRT-g": "advocacy practice opinion: dose steps",
    "LRT-p": "advocacy practice opinion: titration, surgery, restart",
    "NO": "patient-association practice opinion",
    "LAV": "commercial prescriber's schedule, an example of practice",
    "REV13": "10/2013 REVIA text, read only in a republished copy (NTX-DM prints)",
    "LBL-pp": "label text republished by a third party (NTX-DM prints)",
    "MPR": "commercial tertiary monograph (NTX-DM prints)",
    "RXR": "EU SmPC wording seen only via a derived site; no SmPC locator found",
    "ROSH-label": "label-derived interaction text on a third-party site",
    "EMED": "consumer summary of label interactions",
    "MULTUM-REV": "consumer monograph copy",
    "MPH-ci": "commercial tertiary monograph, possibly outdated (clinical audit C-5)",
    "MIMS-MPH": "commercial monograph with an SmPC-type list",
    "VNA": "consumer nursing page",
    "HEALTH-TBL": "title unconfirmed (clinical audit C-6)",
    "NICE-FF": "secondary summary of NICE NG87",
    "NICE-IP": "secondary summary of NICE NG87",
    "NICE-IAT": "secondary summary of NICE NG87",
    "PA-ADV": "news summary of Cortese 2018",
    "INVENTI": "secondary abstract page",
    "ETG": "paywalled guideline seen only in an unofficial copy",
    "ETG-mon": "paywalled guideline seen only in an unofficial copy",
    "CH04": "maternal dose unconfirmed (clinical audit C-8)",
    "C360-VIL": "news report of the Qelbree label (QEL prints)",
    "MDPF-VIL": "news digest (Qelbree not controlled)",
    "BR24-ACP": "news summary of FINAL (BR24 prints)",
}

# Patient texts that are instructions for following the plan, backed only by practice opinion or a
# marked judgement: they print with no source number, on purpose.
PRACTICE_ONLY = {
    "followup_stop_severe_lowest",
    "followup_switch_morning",
    "followup_hold",
    "followup_hold_tolerable",
    "followup_advance",
    "followup_continue_maintenance",
    "followup_clinician_choice",
}


def _reference(**fields: object) -> Reference:
    base: dict[str, object] = {"citation": "A source.", "kind": "paper", "reliability": "primary"}
    base.update(fields)
    return Reference.model_validate(base)


def _language_reference_lists(language: str) -> Iterator[tuple[str, list[str]]]:
    """Every `references` (or `*_references`) list in a language file: handout, pack, sheets words."""

    def walk(value: object, path: str) -> Iterator[tuple[str, list[str]]]:
        if isinstance(value, dict):
            for key, item in value.items():
                if (key == "references" or key.endswith("_references")) and isinstance(item, list):
                    yield path, [str(ref) for ref in item]
                else:
                    yield from walk(item, f"{path}/{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, f"{path}/{index}")

    for path in sorted((CONTENT / language).glob("*.toml")):
        yield from walk(tomllib.loads(path.read_text("utf-8")), f"{language}/{path.name}")


def _patient_facing_lists() -> list[tuple[str, list[str]]]:
    """(owner, reference ids) for every source list behind text a patient reads."""
    rules = load_rules()
    lists: list[tuple[str, list[str]]] = []
    for language in LANGUAGES:
        findings = load_content(language).language.findings
        for rule_id, meta in rules.rules.items():
            if findings[rule_id].patient:
                lists.append((rule_id, list(meta.references)))
        lists += [(path, refs) for path, refs in _language_reference_lists(language) if refs]
    lists.append(("protocol", list(rules.protocol_references)))
    response = (
        rules.numbers.response_min_fall_percent.references + rules.numbers.response_max_cgi_i.references
    )
    lists.append(("response rule", list(response)))
    lists += [
        (f"icon array {name}", list(array.references)) for name, array in rules.options.icon_arrays.items()
    ]
    return lists


# ---- the printable rule ---------------------------------------------------------------------------


def test_printable_needs_a_citable_kind_a_fair_grade_and_a_locator_that_finds_the_source() -> None:
    assert _reference(pmid="19453963").printable
    assert _reference(
        kind="label", url="https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=x"
    ).printable
    assert _reference(kind="organisation", reliability="secondary", url="https://www.fda.gov/a/b").printable
    assert not _reference(kind="other", pmid="1").printable
    assert not _reference(reliability="low", pmid="1").printable
    assert not _reference(reliability="unconfirmed", doi="10.1/x").printable
    assert not _reference(url="https://duckduckgo.com/?q=Intuniv+controlled").printable
    assert not _reference(url="https://pubmed.ncbi.nlm.nih.gov/?term=younger+mackey").printable
    assert not _reference(url="https://www.droracle.ai/").printable
    assert not _reference(url="https://www.tg.org.au").printable


def test_a_reference_without_a_kind_fails_to_load() -> None:
    with pytest.raises(ValueError, match="kind"):
        Reference.model_validate({"citation": "A source.", "reliability": "primary", "pmid": "1"})


def test_citations_carry_no_drafting_notes() -> None:
    for ref_id, ref in load_rules().references.items():
        lowered = ref.citation.lower()
        found = [word for word in DRAFTING if word in lowered]
        assert not found, (ref_id, found, ref.citation)


def test_no_printable_source_is_an_ai_summary_a_search_a_forum_or_a_copy() -> None:
    for ref_id, ref in load_rules().references.items():
        if ref.printable and ref.url and not (ref.doi or ref.pmid):
            assert not any(host in ref.url for host in NEVER_PRINTED_HOSTS), (ref_id, ref.url)


def test_every_source_behind_patient_text_is_printable_or_dropped_on_purpose() -> None:
    references = load_rules().references
    for ref_id in DROPPED:
        assert not references[ref_id].printable, f"{ref_id} prints; take it off the dropped list"
    for owner, ref_ids in _patient_facing_lists():
        for ref_id in ref_ids:
            assert references[ref_id].printable or ref_id in DROPPED, (owner, ref_id)
        if owner not in PRACTICE_ONLY:
            assert any(references[ref_id].printable for ref_id in ref_ids), (owner, ref_ids)


def test_no_patient_text_cites_ai_text_user_answers_or_search_results() -> None:
    references = load_rules().references
    for owner, ref_ids in _patient_facing_lists():
        for ref_id in ref_ids:
            ref = references[ref_id]
            address = ref.url or ""
            assert not any(host in address for host in ("droracle", "answers.com", "duckduckgo")), (
                owner,
                ref_id,
            )
            if ref.reliability == "low":
                assert "practice opinion" in (ref.note or "").lower() or ref_id == "LAV", (owner, ref_id)


# ---- the clinical audit's reference fixes -----------------------------------------------------------


def test_c1_sources_that_did_not_resolve_are_replaced_or_gone() -> None:
    references = load_rules().references
    for gone in (
        "EDRUGS-DEX",
        "INT-NC",
        "SCHED",
        "KR",
        "FA97-AHS",
        "SERAG-VIL",
        "CARE-VAN",
        "VALANT",
        "CANCER8",
    ):
        assert gone not in references, gone
    for never in ("DRO-ATX", "ANS-STR", "BMJBP-comp"):
        assert not references[never].printable, never
    cited = {ref_id for _, ref_ids in _patient_facing_lists() for ref_id in ref_ids}
    assert not cited & {"DRO-ATX", "ANS-STR", "BMJBP-comp", "KR", "FA97-AHS"}
    schedule = references["DEA-SCHED"]
    assert schedule.printable
    assert schedule.url is not None
    assert "ecfr.gov" in schedule.url
    assert schedule.url.endswith("section-1308.12")
    assert "1308.12" in schedule.citation
    assert references["YM09"].pmid == "19453963"
    assert references["FA97"].pmid == "9391680"
    # Onset: a trial and a pooled analysis instead of an AI summary.
    assert references["WI09"].pmid == "19508731"
    assert references["DI11"].doi == "10.1186/1753-2000-5-14"


def test_c7_advocacy_is_practice_opinion_and_label_mirrors_are_replaced_by_dailymed() -> None:
    references = load_rules().references
    for ref_id in ("LRT-g", "LRT-p", "NO"):
        assert references[ref_id].reliability == "low", ref_id
        assert "practice opinion" in (references[ref_id].note or "").lower(), ref_id
        assert not references[ref_id].printable, ref_id
    for ref_id, mirror in (("STR", "120ty"), ("INT", "120ty"), ("ADXR", "healthscout"), ("CON", "globalrph")):
        ref = references[ref_id]
        assert ref.kind == "label", ref_id
        assert ref.printable, ref_id
        assert (ref.url or "").startswith("https://dailymed.nlm.nih.gov/"), ref_id
        assert mirror in (ref.note or ""), ref_id  # the replaced mirror is recorded for the reviewer
    for ref_id in ("VYV", "QEL", "NTX-DM", "CON10"):
        assert (references[ref_id].url or "").startswith("https://dailymed.nlm.nih.gov/"), ref_id
        assert references[ref_id].printable, ref_id
    for ref_id in ("MPR", "MPH-ci", "MIMS-MPH", "LBL-pp"):
        assert references[ref_id].reliability == "secondary", ref_id


def test_c8_citation_corrections_are_exact() -> None:
    refs = load_rules().references
    assert refs["BMCP13"].citation.startswith("Mattingly GW, Weisler RH, Young J, et al.")
    assert refs["BMCP13"].pmid == "23356790"
    assert "BMC Psychiatry. 2013;13:39" in refs["BMCP13"].citation
    assert (
        "findings of a small, randomized, double-blind, placebo-controlled, counterbalanced, crossover "
        in (refs["YO13"].citation)
    )
    assert "assessing daily pain levels" in refs["YO13"].citation
    assert "with trial sequential analysis" in refs["VA24"].citation
    assert (refs["SM13"].pmid, "J Clin Gastroenterol. 2013" in refs["SM13"].citation) == ("23188075", True)
    assert (refs["SP18a"].pmid, refs["SP18a"].doi) == ("29617066", "10.4088/JCP.17m11609")
    assert refs["OL25"].citation.startswith("Ologunowa A, Otoo MN, Caffrey AR, Buchanan A, Eze UJ, Vyas A.")
    assert "J Pain Palliat Care Pharmacother. 2025" in refs["OL25"].citation
    assert refs["OL25"].doi == "10.1080/15360288.2025.2496526"
    assert refs["AMS25"].citation.startswith(
        "Efficacy and safety of low-dose naltrexone (LDN) in fibromyalgia"
    )
    assert "2025;87(5):2928-35" in refs["AMS25"].citation
    assert refs["AMS25"].pmid == "40337423"
    assert refs["MTA07"].citation.startswith("Swanson JM, Elliott GR, Greenhill LL, et al.")
    assert "2007;46(8):1015-27" in refs["MTA07"].citation
    assert refs["MTA07"].pmid == "17667480"
    assert refs["MTA07"].reliability == "primary"
    assert refs["MTA19"].citation.startswith("Greenhill LL")
    assert "2020;59(8):978-89" in refs["MTA19"].citation
    assert refs["MTA19"].doi == "10.1016/j.jaac.2019.06.019"
    assert "2018;35(3):163-7" in refs["CORT-IJPM"].citation
    assert refs["CORT-IJPM"].pmid == "30124188"
    assert refs["CH04"].pmid == "15296587"
    assert refs["CH04"].reliability == "unconfirmed"
    assert "5 mg/day" in (refs["CH04"].note or "")
    assert refs["KH17"].citation.startswith("Kelty E, Hulse G.")
    assert "2017;77(11):1211-9" in refs["KH17"].citation
    assert "Psychiatry Res. 1995;58(3):191-201" in refs["BO95"].citation
    assert (
        "Placebo-controlled acute dosage naltrexone study in young autistic children" in refs["WS95"].citation
    )
    assert refs["KO95"].citation.startswith("Kolmen BK, Feldman HM, Handen BL, Janosky JE.")
    assert "1995;34(2):223-31" in refs["KO95"].citation
    assert "1997;36(11):1570-8" in refs["KO97"].citation
    assert refs["PA18"].citation.startswith("Parker CE")
    assert "Dig Dis Sci. 2011;56(7):2088-97" in refs["SM11"].citation


def test_c9_duplicates_unrelated_and_unofficial_sources_are_gone() -> None:
    rules = load_rules()
    refs = rules.references
    for gone in ("CON360-VIL", "AAP19-excerpt", "LOCKE"):
        assert gone not in refs, gone
    for ref_id in ("ETG", "ETG-mon"):
        assert "netlify" not in (refs[ref_id].url or ""), ref_id
        assert (refs[ref_id].url or "").startswith("https://www.tg.org.au"), ref_id
    # Pregnancy stops rest on a printable label, not only on a derived site and a monograph.
    for rule_id in (
        "pregnancy",
        "followup_stop_pregnancy",
        "trying_to_conceive",
        "followup_trying_to_conceive",
    ):
        assert any(
            refs[ref_id].printable and refs[ref_id].kind == "label"
            for ref_id in rules.rules[rule_id].references
        )
    assert "evening" in (refs["SM07"].note or "")
    assert "sedation" in (refs["INT"].note or "")


# ---- "In numbers": benefit and harm from the same trial --------------------------------------------


def _arrays() -> dict[str, dict[str, object]]:
    return {name: array.model_dump() for name, array in load_rules().options.icon_arrays.items()}


def test_every_comparable_option_and_age_group_has_a_benefit_and_a_harm_from_one_trial() -> None:
    groups: dict[tuple[object, object], list[dict[str, object]]] = defaultdict(list)
    for array in _arrays().values():
        if array["comparable"]:
            groups[(array["option"], array["population"])].append(array)
    assert set(groups) == {("stimulants", "adults"), ("stimulants", "children")}
    for key, arrays in groups.items():
        assert {a["kind"] for a in arrays} == {"benefit", "harm"}, key
        assert len({a["trial"] for a in arrays}) == 1, key  # one trial: same people, dose and time
        for array in arrays:
            assert array["without_option"] is not None, key  # always against a dummy pill
    adults, children = groups[("stimulants", "adults")], groups[("stimulants", "children")]
    assert adults[0]["trial"] != children[0]["trial"]


def test_ldn_numbers_are_never_comparable_and_the_7_of_17_is_text_not_a_picture() -> None:
    arrays = _arrays()
    ldn = {name: a for name, a in arrays.items() if a["option"] == "ldn"}
    assert ldn, "the FINAL discontinuation numbers are shown in the not-comparable frame"
    assert all(a["comparable"] is False for a in ldn.values())
    assert (ldn["ldn_stopped"]["with_option"], ldn["ldn_stopped"]["without_option"]) == (8, 6)
    assert "6 mg" in str(ldn["ldn_stopped"]["note"])
    assert "4 of 49" in str(ldn["ldn_stopped"]["note"])
    assert not any(a["with_option"] == 41 for a in arrays.values())
    assert "non_stimulants" not in {a["option"] for a in arrays.values()}  # no same-trial benefit exists


def test_the_pack_numbers_match_their_verified_sources() -> None:
    got = {name: (a["with_option"], a["without_option"], a["references"]) for name, a in _arrays().items()}
    assert got["stimulant_adult_response"] == (69, 37, ("BMCP13", "ADL08"))
    assert got["stimulant_adult_appetite"] == (27, 2, ("VYV",))
    assert got["stimulant_adult_sleep"] == (27, 8, ("VYV",))
    assert got["stimulant_adult_stopped"] == (6, 2, ("VYV",))
    assert got["stimulant_child_response"] == (79, 29, ("FI10",))
    assert got["stimulant_child_appetite"] == (39, 4, ("VYV",))
    assert got["stimulant_child_sleep"] == (22, 3, ("VYV",))
    assert got["stimulant_child_stopped"] == (8, 0, ("VYV",))
    references = load_rules().references
    for name, numbers in load_rules().options.icon_arrays.items():
        assert any(references[ref_id].printable for ref_id in numbers.references), name
        assert numbers.note, name  # every number says where it comes from


def test_a_comparable_picture_without_its_placebo_number_fails_to_load(content_copy: Path) -> None:
    path = content_copy / "options.toml"
    text = path.read_text("utf-8")
    text = text.replace("with_option = 69\nwithout_option = 37\n", "with_option = 69\n", 1)
    path.write_text(text, "utf-8")
    with pytest.raises(ContentError, match="without_option"):
        load_rules(content_copy)


# ---- wording (clinical audit B-7, C-9.7, D-1.3; en-US spelling) ---------------------------------------


def test_the_protocol_note_describes_final_titration_and_the_single_extension() -> None:
    english = load_content("en").language.protocol
    assert "the 2024 FINAL trial titrated to its dose over 4 weeks" in english.evidence_note
    assert "from the first day" not in english.evidence_note
    assert "beyond the single 4-week extension" in english.stop_rule
    spanish = load_content("es").language.protocol
    assert "FINAL de 2024" in spanish.evidence_note
    assert "4 semanas" in spanish.evidence_note
    assert "única extensión de 4 semanas" in spanish.stop_rule


def test_the_slow_schedule_is_not_called_gentle() -> None:
    assert load_content("en").language.choices["schedule"]["gentle"] == "Slow start"
    assert load_content("es").language.choices["schedule"]["gentle"] == "Inicio lento"


BRITISH = re.compile(
    r"\b(paediatric\w*|behaviour\w*|diarrhoea|optimis\w*|judgement|counselling|labelling|anaesth\w*)",
    re.IGNORECASE,
)


@pytest.mark.parametrize("name", ["findings", "questions", "protocol", "choices", "review", "outcomes"])
def test_english_words_use_us_spelling(name: str) -> None:
    def strings(value: object) -> Iterator[str]:
        if isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    data = tomllib.loads((CONTENT / "en" / f"{name}.toml").read_text("utf-8"))
    for text in strings(data):
        words = re.sub(r"\{[a-z0-9_]+\}", "", text).replace(
            "Australasian Anaesthesia", ""
        )  # a journal's name
        assert not BRITISH.search(words), (name, BRITISH.search(words), text[:120])
