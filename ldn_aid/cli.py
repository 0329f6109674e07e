"""The `ldn-aid` command line: assess visits, review follow-ups, print the schema, make handouts. Qt-free.

Exit codes: 0 for every valid visit whatever its outcome; 2 with one clear line for a bad file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ldn_aid import __version__
from ldn_aid.cli_record import add_record_commands
from ldn_aid.content import load_content
from ldn_aid.domain.assessment import Assessment
from ldn_aid.domain.errors import LdnAidError, VisitFileError, one_line
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.paths import resource_path
from ldn_aid.rules import build_protocol, evaluate, review
from ldn_aid.settings import load_settings
from ldn_aid.visit_file import load_visit

ASSESSMENT_FORMAT = "ldn-aid.assessment/1"
REVIEW_FORMAT = "ldn-aid.review/1"
NO_FOLLOW_UPS = "No follow-up visits recorded."
EXIT_BAD_INPUT = 2


def _number(value: Decimal) -> float | int:
    """A Decimal dose as a plain JSON number (1.5, 3)."""
    return int(value) if value == value.to_integral_value() else float(value)


def protocol_json(protocol: Protocol | None) -> dict[str, Any] | None:
    if protocol is None:
        return None
    return {
        "formulation": protocol.formulation,
        "timing": protocol.timing,
        "timing_reason": protocol.timing_reason,
        "target_mg": _number(protocol.target_mg),
        "target_basis": protocol.target_basis,
        "schedule": protocol.schedule,
        "step_weeks": protocol.step_weeks,
        "steps": [
            {
                "start": step.start.isoformat(),
                "dose_mg": _number(step.dose_mg),
                "volume_ml": None if step.volume_ml is None else _number(step.volume_ml),
            }
            for step in protocol.steps
        ],
        "tolerability_review": protocol.tolerability_review.isoformat(),
        "response_review": protocol.response_review.isoformat(),
        "response_rule": {
            "min_fall_percent": protocol.response_rule.min_fall_percent,
            "max_cgi_i": protocol.response_rule.max_cgi_i,
            "references": list(protocol.response_rule.references),
        },
        "guideline_options_first": protocol.guideline_options_first,
        "references": list(protocol.references),
    }


def assessment_json(assessment: Assessment, protocol: Protocol | None) -> dict[str, Any]:
    return {
        "format": ASSESSMENT_FORMAT,
        "outcome": assessment.outcome.value,
        "rules_version": assessment.rules_version,
        "missing": list(assessment.missing),
        "findings": [
            {
                "rule_id": f.rule_id,
                "severity": f.severity,
                "text": f.clinician_text,
                "inputs": list(f.inputs),
                "references": list(f.references),
            }
            for f in assessment.findings
        ],
        "protocol": protocol_json(protocol),
    }


def _mg(value: Decimal) -> str:
    return f"{value:.1f} mg"


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width=100, initial_indent=first, subsequent_indent=rest) or [first.rstrip()]


def assessment_summary(visit: Visit, assessment: Assessment, protocol: Protocol | None) -> str:
    """A plain-text summary a clinician can read at a glance."""
    content = load_content("en")
    words = content.language
    lines = [f"Outcome: {assessment.outcome.value.upper()} - {words.outcomes[assessment.outcome.value]}"]
    if assessment.missing:
        lines.append("")
        lines.append(f"Missing answers ({len(assessment.missing)}):")
        lines.extend(f"  - {path}" for path in assessment.missing)
    for severity in ("stop", "caution", "info"):
        found = assessment.with_severity(severity)
        if not found:
            continue
        lines.append("")
        lines.append(f"{severity.upper()} ({len(found)}):")
        for f in found:
            lines.extend(_wrapped(f"[{f.rule_id}] {f.clinician_text}", first="  - ", rest="    "))
            lines.append(f"    sources: {', '.join(f.references)}")
    lines.append("")
    if protocol is None:
        lines.append("Protocol: none (no LDN plan for this outcome).")
    else:
        text = words.protocol
        if protocol.guideline_options_first:
            lines.extend(_wrapped(f"NOTE: {text.guideline_first_note}", first="", rest="  "))
        form = text.formulation_capsule if protocol.formulation == "capsule" else text.formulation_liquid
        timing = text.timing_bedtime if protocol.timing == "bedtime" else text.timing_morning
        lines.append(
            f"Protocol: target {_mg(protocol.target_mg)} ({protocol.target_basis}),"
            f" {protocol.schedule} schedule in {protocol.step_weeks}-week steps."
        )
        lines.extend(_wrapped(form, first="  formulation: ", rest="    "))
        lines.extend(_wrapped(timing, first="  timing: ", rest="    "))
        for number, step in enumerate(protocol.steps, start=1):
            volume = "" if step.volume_ml is None else f" = {step.volume_ml:.1f} mL"
            lines.append(f"  step {number}: from {step.start.isoformat()}  {_mg(step.dose_mg)}{volume}")
        lines.append(f"  tolerability review: {protocol.tolerability_review.isoformat()}")
        lines.append(f"  response review:     {protocol.response_review.isoformat()}")
        lines.extend(
            _wrapped(f"response rule: {text.response_rule} {text.stop_rule}", first="  ", rest="    ")
        )
        lines.extend(_wrapped(text.evidence_note, first="  ", rest="  "))
        lines.append(f"  sources: {', '.join(protocol.references)}")
    lines.append("")
    lines.append(
        f"Rules {assessment.rules_version}; content {content.rules.content_version}; "
        f"evidence reviewed {content.rules.evidence_reviewed.isoformat()}."
    )
    return "\n".join(lines)


def _cmd_assess(args: argparse.Namespace) -> int:
    visit = load_visit(Path(args.visit))
    assessment = evaluate(visit)
    protocol = build_protocol(visit, assessment)
    if args.json:
        print(json.dumps(assessment_json(assessment, protocol), indent=2, ensure_ascii=False))
    else:
        print(assessment_summary(visit, assessment, protocol))
    return 0


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def review_json(decision: FollowUpDecision) -> dict[str, Any]:
    return {
        "format": REVIEW_FORMAT,
        "review_date": decision.review_date.isoformat(),
        "dose_taken_mg": _number(decision.dose_taken_mg),
        "decision": decision.decision,
        "computed": decision.computed,
        "chosen": decision.chosen,
        "override_reason": decision.override_reason,
        "override_refused": decision.override_refused,
        "reasons": [
            {"rule_id": r.rule_id, "severity": r.severity, "text": r.text, "references": list(r.references)}
            for r in decision.reasons
        ],
        "adherence_point": decision.adherence_point,
        "cannot_judge": decision.cannot_judge,
        "next_dose_mg": None if decision.next_dose_mg is None else _number(decision.next_dose_mg),
        "next_timing": decision.next_timing,
        "revised_steps": [
            {
                "start": step.start.isoformat(),
                "dose_mg": _number(step.dose_mg),
                "volume_ml": None if step.volume_ml is None else _number(step.volume_ml),
            }
            for step in decision.revised_steps
        ],
        "next_review": _date(decision.next_review),
        "response_review": _date(decision.response_review),
    }


def review_summary(decision: FollowUpDecision) -> str:
    """The decision for the latest follow-up, in plain text."""
    lines = [
        f"Follow-up {decision.review_date.isoformat()}: taking {_mg(decision.dose_taken_mg)}.",
        f"Decision: {decision.decision.upper()}",
    ]
    if decision.chosen is not None and decision.chosen != decision.computed:
        verdict = "refused" if decision.override_refused else "applied"
        lines.extend(
            _wrapped(
                f"clinician's choice {decision.chosen} ({verdict}; computed: {decision.computed}):"
                f" {decision.override_reason or 'no reason given'}",
                first="  ",
                rest="    ",
            )
        )
    if decision.cannot_judge:
        lines.append("  cannot judge the response rule (no score recorded)")
    if decision.adherence_point:
        lines.append("  adherence: discuss before any change")
    lines.append("")
    lines.append(f"Reasons ({len(decision.reasons)}):")
    for r in decision.reasons:
        lines.extend(_wrapped(f"[{r.rule_id}] {r.text}", first="  - ", rest="    "))
        lines.append(f"    sources: {', '.join(r.references)}")
    lines.append("")
    if decision.next_dose_mg is None:
        lines.append("Next dose: none (stop LDN).")
    else:
        lines.append(f"Next dose: {_mg(decision.next_dose_mg)} at {decision.next_timing}.")
    for step in decision.revised_steps:
        volume = "" if step.volume_ml is None else f" = {step.volume_ml:.1f} mL"
        lines.append(f"  from {step.start.isoformat()}  {_mg(step.dose_mg)}{volume}")
    lines.append(f"Next review:     {_date(decision.next_review) or 'none'}")
    lines.append(f"Response review: {_date(decision.response_review) or 'none'}")
    return "\n".join(lines)


def _cmd_review(args: argparse.Namespace) -> int:
    visit = load_visit(Path(args.visit))
    decision = review(visit)
    if decision is None:
        if args.json:
            print(json.dumps({"format": REVIEW_FORMAT, "decision": None, "message": NO_FOLLOW_UPS}, indent=2))
        else:
            print(NO_FOLLOW_UPS)
        return 0
    if args.json:
        print(json.dumps(review_json(decision), indent=2, ensure_ascii=False))
    else:
        print(review_summary(decision))
    return 0


def _write_document(visit: Visit, args: argparse.Namespace, *, follow_up: bool = False) -> Path:
    """Compose the handout (or the latest follow-up sheet) and write it with the command's PDF options."""
    # reportlab loads only for the commands that draw a PDF.
    from ldn_aid.handout.compose import compose_followup_for_visit, compose_for_visit
    from ldn_aid.handout.render_pdf import RenderOptions, write_pdf

    clinic = load_settings()
    if follow_up:
        document = compose_followup_for_visit(visit, args.lang, clinic)
        if document is None:
            raise VisitFileError(
                f"{args.visit} has no follow-up visits, so there is no follow-up sheet to print"
            )
    else:
        document = compose_for_visit(visit, args.lang, clinic)
    options = RenderOptions(paper=args.paper or clinic.default_paper, large_print=args.large_print)
    out = Path(args.output)
    write_pdf(document, out, options)
    return out


def _cmd_handout(args: argparse.Namespace) -> int:
    out = _write_document(load_visit(Path(args.visit)), args)
    print(f"wrote {out}")
    return 0


def _cmd_followup_sheet(args: argparse.Namespace) -> int:
    out = _write_document(load_visit(Path(args.visit)), args, follow_up=True)
    print(f"wrote {out}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    visit = load_visit(resource_path("examples/ldn_option.json"))
    out = _write_document(visit, args)
    print(f"wrote {out} (a handout for the built-in example visit resources/examples/ldn_option.json)")
    return 0


def _add_pdf_options(command: argparse.ArgumentParser, default_output: str | None) -> None:
    command.add_argument(
        "-o", "--output", metavar="OUT.pdf", required=default_output is None, default=default_output
    )
    command.add_argument("--lang", choices=["en", "es"], help="handout language (default: the visit's)")
    command.add_argument("--large-print", action="store_true", help="18 pt text, 1.5 line spacing")
    command.add_argument("--paper", choices=["letter", "a4"], help="paper size (default: clinic setting)")


def _cmd_schema(_: argparse.Namespace) -> int:
    print(json.dumps(Visit.model_json_schema(), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ldn-aid",
        description="LDN Aid: screening, a starting protocol and a patient handout"
        " for low-dose naltrexone (LDN) in ADHD.",
    )
    parser.add_argument("--version", action="version", version=f"ldn-aid {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    assess = commands.add_parser("assess", help="assess a visit file and print the outcome and protocol")
    assess.add_argument("visit", metavar="VISIT.json")
    assess.add_argument("--json", action="store_true", help="print ldn-aid.assessment/1 JSON")
    assess.set_defaults(run=_cmd_assess)

    review_command = commands.add_parser(
        "review", help="decide the next step after the latest follow-up visit in a visit file"
    )
    review_command.add_argument("visit", metavar="VISIT.json")
    review_command.add_argument("--json", action="store_true", help="print ldn-aid.review/1 JSON")
    review_command.set_defaults(run=_cmd_review)

    schema = commands.add_parser("schema", help="print the JSON Schema of the visit file")
    schema.set_defaults(run=_cmd_schema)

    handout = commands.add_parser("handout", help="write the patient handout PDF for a visit")
    handout.add_argument("visit", metavar="VISIT.json")
    _add_pdf_options(handout, default_output=None)
    handout.set_defaults(run=_cmd_handout)

    sheet = commands.add_parser(
        "followup-sheet", help="write the patient's sheet for the latest follow-up review"
    )
    sheet.add_argument("visit", metavar="VISIT.json")
    _add_pdf_options(sheet, default_output=None)
    sheet.set_defaults(run=_cmd_followup_sheet)

    demo = commands.add_parser("demo", help="write a handout for a built-in example visit")
    _add_pdf_options(demo, default_output="sample.pdf")
    demo.set_defaults(run=_cmd_demo)

    add_record_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    try:
        return int(args.run(args))
    except LdnAidError as exc:
        print(f"ldn-aid: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
