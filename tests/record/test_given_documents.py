"""Issue 10: the chart note records the documents actually given (`Visit.documents_given`), with the
SHA-256 of the bytes printed or saved; it never renders a fresh sheet to describe them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from record_helpers import EXAMPLES_DIR, unwrapped

from ldn_aid.cli import main
from ldn_aid.domain.visit import GivenDocument, Visit
from ldn_aid.record.exports import visit_chart_note, wizard_chart_note
from ldn_aid.record.handout_hash import given_document
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit, save_visit

SHA_A = hashlib.sha256(b"spanish sheet").hexdigest()
SHA_B = hashlib.sha256(b"english sheet").hexdigest()


def given(how: str = "saved", sha: str = SHA_A, **fields: object) -> GivenDocument:
    values: dict[str, object] = {
        "kind": "handout",
        "for_date": dt.date(2026, 11, 25),
        "how": how,
        "language": "es",
        "large_print": True,
        "paper": "a4",
        "content_version": "2026.12.2",
        "sha256": sha,
    }
    values.update(fields)
    return GivenDocument.model_validate(values)


def with_given(*docs: GivenDocument, example: str = "ldn_option") -> Visit:
    visit = load_visit(EXAMPLES_DIR / f"{example}.json")
    return visit.model_copy(update={"documents_given": docs})


@pytest.fixture
def no_render(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("the chart note rendered a PDF")

    monkeypatch.setattr("ldn_aid.pdf.render_pdf.render_pdf_bytes", explode)


def given_section(note: str) -> str:
    section = note[note.index("GIVEN TO THE PATIENT") :]
    return unwrapped(section[: section.index("REFERENCES")] if "REFERENCES" in section else section)


@pytest.mark.usefixtures("no_render")
def test_the_note_lists_what_was_given_and_merges_printed_and_saved() -> None:
    visit = with_given(given("printed"), given("saved"), given("saved", SHA_B, language="en"))
    section = given_section(wizard_chart_note(visit))
    assert "GIVEN TO THE PATIENT (2)" in section
    assert (
        "Handout for 2026-11-25: Español; large print: yes; paper: a4; content version: 2026.12.2;"
        " printed and saved." in section
    )
    assert f"PDF SHA-256: {SHA_A}" in section
    assert f"PDF SHA-256: {SHA_B}" in section
    assert section.count("PDF SHA-256") == 2


@pytest.mark.usefixtures("no_render")
def test_nothing_given_yet_is_said_without_a_render() -> None:
    note = wizard_chart_note(with_given(example="followup_advance"))
    section = given_section(note)
    assert "Handout: not printed or saved yet." in section
    assert "Follow-up sheet (" in section
    assert "not printed or saved yet" in section
    assert "PDF SHA-256" not in note


@pytest.mark.usefixtures("no_render")
def test_the_command_lines_note_lists_the_documents_given_whatever_its_options() -> None:
    visit = with_given(given("printed"))
    note = visit_chart_note(visit, "en", False, "letter", ClinicSettings(clinic_name="Other"))
    assert note == wizard_chart_note(visit)
    assert f"PDF SHA-256: {SHA_A}" in note


def test_a_sheet_for_an_earlier_review_is_not_the_latest_reviews_sheet() -> None:
    visit = load_visit(EXAMPLES_DIR / "followup_advance.json")
    earlier = given(kind="followup_sheet", for_date=visit.follow_ups[0].date)
    note = wizard_chart_note(visit.model_copy(update={"documents_given": (earlier,)}))
    section = given_section(note)
    assert f"Follow-up sheet for {visit.follow_ups[0].date.isoformat()}" in section
    assert f"Follow-up sheet ({visit.follow_ups[-1].date.isoformat()}): not printed or saved yet" in section


def test_given_document_hashes_exactly_the_bytes() -> None:
    record = given_document("handout", dt.date(2026, 11, 25), "saved", "en", False, "letter", b"%PDF-1.4 x")
    assert record.sha256 == hashlib.sha256(b"%PDF-1.4 x").hexdigest()
    assert record.content_version


def test_documents_given_round_trip_and_old_files_load(tmp_path: Path) -> None:
    visit = with_given(given("printed"))
    path = tmp_path / "visit.json"
    save_visit(visit, path)
    assert load_visit(path) == visit
    # A file written before the field existed loads with nothing given.
    raw = json.loads((EXAMPLES_DIR / "ldn_option.json").read_text("utf-8"))
    raw.pop("documents_given", None)
    raw.get("patient", {}).pop("handout_large_print", None)
    old = Visit.model_validate(raw)
    assert old.documents_given == ()
    assert old.patient.handout_large_print is False


@pytest.mark.parametrize(
    "change",
    [{"sha256": "ABC"}, {"sha256": "0" * 63}, {"large_print": "yes"}, {"how": "emailed"}, {"kind": "letter"}],
)
def test_a_given_document_is_strict(change: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        given(**change)


def test_cli_note_lists_the_documents_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "visit.json"
    save_visit(with_given(given("saved")), path)
    assert main(["note", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"PDF SHA-256: {SHA_A}" in out
    assert "Español" in given_section(out)
