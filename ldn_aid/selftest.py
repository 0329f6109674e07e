"""`ldn-aid --self-test`: prove an installation (source or bundle) works, without a display.

Loads and validates every content file in every language, assesses the built-in example visits and
checks their outcomes, renders every handout variant into a temporary folder and checks each PDF.
Prints one line per check; the exit status is 1 when any check fails.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ldn_aid import __version__
from ldn_aid.content import load_content, load_rules
from ldn_aid.content.loader import LANGUAGES
from ldn_aid.domain.visit import Visit
from ldn_aid.paths import resource_path
from ldn_aid.rules import build_protocol, evaluate
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

# The example files are named after the outcome they must produce.
EXPECTED_OUTCOMES = {
    "ldn_option": "ldn_option",
    "guideline_first": "guideline_first",
    "stop": "stop",
    "incomplete": "incomplete",
}


class SelfTest:
    def __init__(self, echo: Callable[[str], None] = print) -> None:
        self.echo = echo
        self.failures = 0

    @contextmanager
    def check(self, name: str) -> Iterator[list[str]]:
        """Run one check; the block may append a short detail. Any exception marks it failed."""
        detail: list[str] = []
        try:
            yield detail
        except Exception as exc:  # noqa: BLE001 - a self-test reports every failure and goes on
            self.failures += 1
            self.echo(f"FAIL {name}: {type(exc).__name__}: {exc}")
        else:
            self.echo(f"ok   {name}" + (f" ({'; '.join(detail)})" if detail else ""))

    def run(self) -> int:
        self.echo(f"LDN Aid {__version__} self-test; resources at {resource_path('')}")
        with self.check("rules, numbers and references") as detail:
            rules = load_rules()
            detail.append(
                f"{len(rules.rules)} rules, {len(rules.references)} references,"
                f" content {rules.content_version}"
            )
        for language in LANGUAGES:
            with self.check(f"content {language}") as detail:
                bundle = load_content(language)
                detail.append(
                    f"{len(bundle.language.questions)} questions, {len(bundle.language.findings)} findings"
                )
        visits: dict[str, Visit] = {}
        for name, expected in EXPECTED_OUTCOMES.items():
            with self.check(f"assess example {name}") as detail:
                visit = load_visit(resource_path(f"examples/{name}.json"))
                assessment = evaluate(visit)
                protocol = build_protocol(visit, assessment)
                if assessment.outcome.value != expected:
                    raise AssertionError(f"outcome {assessment.outcome.value}, expected {expected}")
                if (protocol is None) != (expected in ("stop", "incomplete")):
                    raise AssertionError("protocol presence does not match the outcome")
                detail.append(assessment.outcome.value)
                visits[name] = visit
        self._render_handouts(visits)
        self._check_records(visits)
        self.echo(f"{'FAILED' if self.failures else 'passed'}: {self.failures} failure(s)")
        return 1 if self.failures else 0

    def _render_handouts(self, visits: dict[str, Visit]) -> None:
        # reportlab loads here only, so the checks above still run if it is broken.
        from ldn_aid.handout.compose import compose_for_visit
        from ldn_aid.handout.render_pdf import RenderOptions, write_pdf

        with tempfile.TemporaryDirectory(prefix="ldn-aid-selftest-") as folder:
            for name, visit in visits.items():
                for language in LANGUAGES:
                    handout = compose_for_visit(visit, language)
                    for large_print in (False, True):
                        for paper in ("letter", "a4"):
                            label = (
                                f"handout {name} {language} {'large' if large_print else 'standard'} {paper}"
                            )
                            with self.check(label) as detail:
                                path = Path(folder) / f"{name}-{language}-{int(large_print)}-{paper}.pdf"
                                write_pdf(handout, path, RenderOptions(paper=paper, large_print=large_print))
                                data = path.read_bytes()
                                _check_pdf(data, language)
                                detail.append(f"{len(data) // 1024} KB")
            with self.check("Qt libraries and the PDF preview engine") as detail:
                from ldn_aid.ui.selfcheck import check_qt_preview

                detail.append(check_qt_preview(Path(folder) / "ldn_option-en-0-letter.pdf"))

    def _check_records(self, visits: dict[str, Visit]) -> None:
        from ldn_aid.record.exports import visit_chart_note, visit_fhir_json

        for name, visit in visits.items():
            with self.check(f"chart note and FHIR bundle {name}") as detail:
                note = visit_chart_note(visit, "en", False, "letter", ClinicSettings())
                if f"OUTCOME: {EXPECTED_OUTCOMES[name]}" not in note or "PDF SHA-256:" not in note:
                    raise AssertionError("the chart note lacks its outcome or the handout's hash")
                bundle = visit_fhir_json(visit)
                if '"resourceType": "Bundle"' not in bundle:
                    raise AssertionError("the FHIR export is not a Bundle")
                detail.append(f"{len(note.splitlines())} note lines, {len(bundle) // 1024} KB FHIR")


def _check_pdf(data: bytes, language: str) -> None:
    if not data.startswith(b"%PDF-") or not data.rstrip().endswith(b"%%EOF"):
        raise AssertionError("not a complete PDF")
    if f"/Lang ({language}-US)".encode() not in data:
        raise AssertionError("document language missing")
    if b"/FontFile2" not in data:
        raise AssertionError("the handout font is not embedded")
    if b"/Type /Page" not in data:
        raise AssertionError("no pages")


def main() -> int:
    return SelfTest().run()
