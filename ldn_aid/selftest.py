"""`ldn-aid --self-test`: prove an installation (source or bundle) works, without a display.

Loads and validates every content file in every language, decides the built-in example visits
(`ldn_aid.rules.decide`) and checks their outcomes, renders every handout variant and every follow-up
sheet into a temporary folder and checks each PDF, and checks that the chart note and the FHIR bundle
obey the same gate as the documents. Prints one line per check; the exit status is 1 when any check
fails.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ldn_aid import __version__
from ldn_aid.content import load_content, load_rules
from ldn_aid.content.loader import LANGUAGES
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.paths import resource_path
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

# The example files are named after the outcome they must produce.
EXPECTED_OUTCOMES = {
    "ldn_option": "ldn_option",
    "guideline_first": "guideline_first",
    "stop": "stop",
    "incomplete": "incomplete",
}
# The examples with follow-up reviews, and the decision of the latest review in each.
EXPECTED_DECISIONS = {
    "followup_advance": "advance",
    "followup_stop": "stop",
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
        visits: dict[str, tuple[Visit, VisitDecision]] = {}
        for name, expected in EXPECTED_OUTCOMES.items():
            with self.check(f"assess example {name}") as detail:
                visit = load_visit(resource_path(f"examples/{name}.json"))
                decision = decide(visit)
                outcome = decision.assessment.outcome.value
                if outcome != expected:
                    raise AssertionError(f"outcome {outcome}, expected {expected}")
                if (decision.protocol is None) != (expected in ("stop", "incomplete")):
                    raise AssertionError("protocol presence does not match the outcome")
                # Only the guideline-first example waits, for the clinician's guideline discussion.
                blockers = decision.handout_gate.blockers
                if blockers not in ((), ("guideline_ack_missing",)):
                    raise AssertionError(f"the handout gate refuses it: {', '.join(blockers)}")
                detail.append(outcome)
                visits[name] = (visit, decision)
        follow_ups: dict[str, tuple[Visit, VisitDecision]] = {}
        for name, expected in EXPECTED_DECISIONS.items():
            with self.check(f"review example {name}") as detail:
                visit = load_visit(resource_path(f"examples/{name}.json"))
                decision = decide(visit)
                latest = decision.latest
                if latest is None or latest.decision != expected:
                    raise AssertionError(f"decision {latest and latest.decision}, expected {expected}")
                if not decision.followup_gate.allowed:
                    raise AssertionError(
                        f"the follow-up gate refuses it: {', '.join(decision.followup_gate.blockers)}"
                    )
                detail.append(latest.decision)
                follow_ups[name] = (visit, decision)
        printable = {
            name: self._printable(name, visit, decision) for name, (visit, decision) in visits.items()
        }
        self._render_handouts(printable, follow_ups)
        self._check_records({**visits, **follow_ups})
        self.echo(f"{'FAILED' if self.failures else 'passed'}: {self.failures} failure(s)")
        return 1 if self.failures else 0

    def _printable(self, name: str, visit: Visit, decision: VisitDecision) -> tuple[Visit, VisitDecision]:
        """The visit as its handout is printed: a guideline-first plan only after the clinician records
        the guideline discussion. Checks that composing refuses the handout before that."""
        if decision.handout_gate.allowed:
            return visit, decision
        from ldn_aid.handout.compose import DocumentRefusedError, compose_for_visit

        with self.check(f"gate: handout {name} refused until the guideline discussion is recorded"):
            try:
                compose_for_visit(visit, "en", decision=decision)
            except DocumentRefusedError:
                pass
            else:
                raise AssertionError("the handout was composed although the gate refuses it")
        plan = visit.effective_plan.model_copy(update={"guideline_options_discussed": True})
        acknowledged = visit.model_copy(update={"plan": plan})
        return acknowledged, decide(acknowledged)

    def _render_handouts(
        self,
        visits: dict[str, tuple[Visit, VisitDecision]],
        follow_ups: dict[str, tuple[Visit, VisitDecision]],
    ) -> None:
        # reportlab loads here only, so the checks above still run if it is broken.
        from ldn_aid.handout.compose import compose_followup_for_visit, compose_for_visit
        from ldn_aid.pdf.render_pdf import RenderOptions, write_pdf

        with tempfile.TemporaryDirectory(prefix="ldn-aid-selftest-") as folder:
            for name, (visit, decision) in visits.items():
                for language in LANGUAGES:
                    handout = compose_for_visit(visit, language, decision=decision)
                    for large_print in (False, True):
                        for paper in ("letter", "a4"):
                            label = (
                                f"handout {name} {language} {'large' if large_print else 'standard'} {paper}"
                            )
                            with self.check(label) as detail:
                                if handout.has_plan != decision.plan_printable:
                                    raise AssertionError("the handout's plan does not match the gate")
                                path = Path(folder) / f"{name}-{language}-{int(large_print)}-{paper}.pdf"
                                write_pdf(handout, path, RenderOptions(paper=paper, large_print=large_print))
                                data = path.read_bytes()
                                _check_pdf(data, language)
                                detail.append(f"{len(data) // 1024} KB")
            for name, (visit, decision) in follow_ups.items():
                for language in LANGUAGES:
                    with self.check(f"follow-up sheet {name} {language}") as detail:
                        sheet = compose_followup_for_visit(visit, language, decision=decision)
                        if sheet is None:
                            raise AssertionError("no follow-up sheet")
                        path = Path(folder) / f"{name}-{language}-sheet.pdf"
                        write_pdf(sheet, path, RenderOptions())
                        data = path.read_bytes()
                        _check_pdf(data, language)
                        detail.append(f"{len(data) // 1024} KB")
            with self.check("Qt libraries and the PDF preview engine") as detail:
                from ldn_aid.ui.selfcheck import check_qt_preview

                detail.append(check_qt_preview(Path(folder) / "ldn_option-en-0-letter.pdf"))

    def _check_records(self, visits: dict[str, tuple[Visit, VisitDecision]]) -> None:
        from ldn_aid.record.exports import visit_chart_note, visit_fhir_json

        for name, (visit, decision) in visits.items():
            with self.check(f"chart note and FHIR bundle {name}") as detail:
                note = visit_chart_note(visit, "en", False, "letter", ClinicSettings(), decision)
                outcome = decision.assessment.outcome.value
                if f"OUTCOME: {outcome}" not in note:
                    raise AssertionError("the chart note lacks its outcome")
                if ("PDF SHA-256:" in note) != decision.handout_gate.allowed:
                    raise AssertionError("the chart note's handout hash does not match the gate")
                bundle = visit_fhir_json(visit, decision)
                if '"resourceType": "Bundle"' not in bundle:
                    raise AssertionError("the FHIR export is not a Bundle")
                if ('"MedicationRequest"' in bundle) != decision.plan_printable:
                    raise AssertionError("the FHIR proposal does not match the gate")
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
