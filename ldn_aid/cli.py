"""The `ldn-aid` command line: assess visits, review follow-ups, print the schema, make handouts. Qt-free.

Every command decides the visit once (`ldn_aid.rules.decide`, language-free) and looks up the words
where it shows them. `handout`, `evidence-sheet` and `followup-sheet` obey the core gate (the evidence
sheet goes with the pack, so it obeys the pack's): when it refuses, nothing is written or printed on
standard output, each reason goes on its own line on stderr, and the exit code is 2. They write
atomically, and never over the visit file they read.

Exit codes: 0 for every valid visit whatever its outcome; 2 with one clear line for a bad file, and
2 with one line per reason when the gate refuses a document. A visit file in an older format is
migrated on load, with one notice on stderr (the exit code is unchanged).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import io
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ldn_aid import __version__
from ldn_aid.cli_record import add_record_commands, clinic_settings, read_visit_noting_migration
from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.words import blocker_text, clinician_text
from ldn_aid.domain.decision import Gate, VisitDecision
from ldn_aid.domain.errors import LdnAidError, one_line
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.values import MAX_DOSE_MG
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.compose import dose_limit, doses_above_limit
from ldn_aid.handout.dose_text import number as dose_number
from ldn_aid.output_target import checked_output
from ldn_aid.paths import resource_path
from ldn_aid.rules import decide
from ldn_aid.settings import settings_path
from ldn_aid.visit_file import load_visit

if TYPE_CHECKING:
    from ldn_aid.handout.model import Handout

ASSESSMENT_FORMAT = "ldn-aid.assessment/1"
REVIEW_FORMAT = "ldn-aid.review/1"
NO_FOLLOW_UPS = "No follow-up visits recorded."
EXIT_BAD_INPUT = 2


def _number(value: Decimal) -> float | int:
    """A Decimal dose as a plain JSON number (1.5, 3)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _optional_number(value: Decimal | None) -> float | int | None:
    return None if value is None else _number(value)


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
        "ceiling_mg": _number(protocol.ceiling_mg),
        "refused_target_mg": None
        if protocol.refused_target_mg is None
        else _number(protocol.refused_target_mg),
        "trial_ends": _date(protocol.trial_ends),
    }


def gate_json(gate: Gate, content: ContentBundle) -> dict[str, Any]:
    """A gate as JSON: whether the document may be given, and each blocker with its words."""
    return {
        "allowed": gate.allowed,
        "blockers": [
            {"id": blocker, "text": _one_sentence(blocker_text(content, blocker, gate.params))}
            for blocker in gate.blockers
        ],
    }


def assessment_json(decision: VisitDecision, content: ContentBundle | None = None) -> dict[str, Any]:
    """`ldn-aid.assessment/1`: the outcome, the findings (with their words in the content's language),
    the protocol, and whether the handout and its plan may be given to the patient."""
    words = content if content is not None else load_content("en")
    assessment = decision.assessment
    return {
        "format": ASSESSMENT_FORMAT,
        "outcome": assessment.outcome.value,
        "rules_version": assessment.rules_version,
        "missing": list(assessment.missing),
        "findings": [
            {
                "rule_id": f.rule_id,
                "severity": f.severity,
                "text": clinician_text(words, f.rule_id, f.params, f.inputs),
                "inputs": list(f.inputs),
                "references": list(f.references),
                "params": dict(f.params),
            }
            for f in assessment.findings
        ],
        "protocol": protocol_json(decision.protocol),
        "handout_gate": gate_json(decision.handout_gate, words),
        "plan_printable": decision.plan_printable,
    }


def _mg(value: Decimal) -> str:
    """A dose as the safe-medication lists write it (no trailing zero: "3 mg", never "3.0 mg"), for the
    clinician's screen; the patient documents use `ldn_aid.handout.dose_text` with its no-break space."""
    return f"{dose_number(value, 'en')} mg"


def _ml(value: Decimal) -> str:
    return f"{dose_number(value, 'en')} mL"


def _one_sentence(text: str) -> str:
    """Content words on one line (TOML multi-line strings may carry newlines)."""
    return " ".join(text.split())


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width=100, initial_indent=first, subsequent_indent=rest) or [first.rstrip()]


def assessment_summary(visit: Visit, decision: VisitDecision, content: ContentBundle | None = None) -> str:
    """A plain-text summary a clinician can read at a glance (English unless `content` says otherwise)."""
    content = content if content is not None else load_content("en")
    words = content.language
    assessment, protocol = decision.assessment, decision.protocol
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
            said = clinician_text(content, f.rule_id, f.params, f.inputs)
            lines.extend(_wrapped(f"[{f.rule_id}] {said}", first="  - ", rest="    "))
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
            volume = "" if step.volume_ml is None else f" = {_ml(step.volume_ml)}"
            lines.append(f"  step {number}: from {step.start.isoformat()}  {_mg(step.dose_mg)}{volume}")
        lines.append(f"  tolerability review: {protocol.tolerability_review.isoformat()}")
        lines.append(f"  response review:     {protocol.response_review.isoformat()}")
        lines.extend(
            _wrapped(f"response rule: {text.response_rule} {text.stop_rule}", first="  ", rest="    ")
        )
        lines.extend(_wrapped(text.evidence_note, first="  ", rest="  "))
        lines.append(f"  sources: {', '.join(protocol.references)}")
        lines.append(f"  ceiling: {_mg(protocol.ceiling_mg)} (the highest dose for this patient)")
        if protocol.trial_ends is not None:
            lines.append(f"  trial ends by: {protocol.trial_ends.isoformat()}")
        lines.append("")
        if decision.plan_printable:
            lines.append("Handout: may be printed, with this plan.")
        else:
            lines.append("Handout: NOT printed - the plan may not be given to the patient yet:")
            lines.extend(_gate_lines(decision.handout_gate, content))
    lines.append("")
    lines.append(
        f"Rules {assessment.rules_version}; content {content.rules.content_version}; "
        f"evidence reviewed {content.rules.evidence_reviewed.isoformat()}."
    )
    return "\n".join(lines)


def _gate_lines(gate: Gate, content: ContentBundle) -> list[str]:
    lines: list[str] = []
    for blocker in gate.blockers:
        text = _one_sentence(blocker_text(content, blocker, gate.params))
        lines.extend(_wrapped(f"[{blocker}] {text}", first="  - ", rest="    "))
    return lines


def _load(args: argparse.Namespace) -> Visit:
    return read_visit_noting_migration(Path(args.visit))


def _cmd_assess(args: argparse.Namespace) -> int:
    visit = _load(args)
    decision = decide(visit)
    content = load_content(args.lang or "en")
    if args.json:
        print(json.dumps(assessment_json(decision, content), indent=2, ensure_ascii=False))
    else:
        print(assessment_summary(visit, decision, content))
    return 0


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def review_json(
    decision: FollowUpDecision, visit_decision: VisitDecision, content: ContentBundle
) -> dict[str, Any]:
    """`ldn-aid.review/1`: the latest decision, its reasons in the content's language, and the gate."""
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
            {
                "rule_id": r.rule_id,
                "severity": r.severity,
                "text": clinician_text(content, r.rule_id, r.params, r.inputs),
                "inputs": list(r.inputs),
                "references": list(r.references),
                "params": dict(r.params),
            }
            for r in decision.reasons
        ],
        # The reasons whose patient words the follow-up sheet prints (every reason above is the
        # clinician's).
        "patient_reasons": [r.rule_id for r in decision.patient_reasons],
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
        "recheck_due": _date(decision.recheck_due),
        "ceiling_mg": _optional_number(decision.ceiling_mg),
        "followup_gate": gate_json(visit_decision.followup_gate, content),
    }


def _decision_words(content: ContentBundle, decision: str) -> str:
    words = content.language.choices.get("decision", {}).get(decision)
    return f"{decision.upper()} - {_one_sentence(words)}" if words else decision.upper()


def review_summary(visit_decision: VisitDecision, content: ContentBundle | None = None) -> str:
    """The decision for the latest follow-up, in plain text (English unless `content` says otherwise)."""
    content = content if content is not None else load_content("en")
    decision = visit_decision.latest
    if decision is None:
        return NO_FOLLOW_UPS
    lines = [
        f"Follow-up {decision.review_date.isoformat()}: taking {_mg(decision.dose_taken_mg)}.",
        f"Decision: {_decision_words(content, decision.decision)}",
    ]
    if decision.chosen is not None and decision.chosen != decision.computed:
        verdict = "refused" if decision.override_refused else "applied"
        lines.extend(
            _wrapped(
                f"clinician's choice {decision.chosen} ({verdict}; computed: {decision.computed}):"
                f" {one_line(decision.override_reason or 'no reason given')}",
                first="  ",
                rest="    ",
            )
        )
    if decision.cannot_judge:
        lines.append("  cannot judge the response rule (no score recorded)")
    if decision.adherence_point:
        lines.append("  adherence: discuss before any change")
    if decision.dose_taken_mg > dose_limit(decision):
        above = (
            f"the {_mg(MAX_DOSE_MG)} cap"
            if decision.ceiling_mg is None
            else f"this patient's ceiling of {_mg(dose_limit(decision))}"
        )
        lines.append(f"  dose taken {_mg(decision.dose_taken_mg)} is above {above}: an error to correct")
    lines.append("")
    lines.append(f"Reasons ({len(decision.reasons)}):")
    for r in decision.reasons:
        text = clinician_text(content, r.rule_id, r.params, r.inputs)
        lines.extend(_wrapped(f"[{r.rule_id}] {text}", first="  - ", rest="    "))
        if r.rule_id == "followup_plan_not_given":
            lines.extend("  " + line for line in _gate_lines(visit_decision.handout_gate, content))
        lines.append(f"    sources: {', '.join(r.references)}")
    told = ", ".join(r.rule_id for r in decision.patient_reasons) or "none"
    if decision.decision != "no_plan":
        lines.extend(_wrapped(f"On the patient's sheet: {told}", first="  ", rest="    "))
    lines.append("")
    too_high = doses_above_limit(decision)
    if decision.decision == "no_plan":
        lines.append("Next dose: none - there is no plan, so no dosing advice (see the reasons).")
    elif decision.decision == "stop" or decision.next_dose_mg is None:
        lines.append("Next dose: none (stop LDN).")
    elif too_high:
        # A fault in the review: never shown as advice.
        lines.append(
            f"Next dose: NOT shown - the review gave {', '.join(_mg(d) for d in too_high)}, above the"
            f" highest dose of {_mg(dose_limit(decision))}. Report this fault."
        )
    else:
        lines.append(f"Next dose: {_mg(decision.next_dose_mg)} at {decision.next_timing}.")
    for step in () if too_high else decision.revised_steps:
        volume = "" if step.volume_ml is None else f" = {_ml(step.volume_ml)}"
        lines.append(f"  from {step.start.isoformat()}  {_mg(step.dose_mg)}{volume}")
    lines.append(f"Next review:     {_date(decision.next_review) or 'none'}")
    lines.append(f"Response review: {_date(decision.response_review) or 'none'}")
    if decision.recheck_due is not None:
        lines.append(f"Re-check due:    {decision.recheck_due.isoformat()} (a planned pause or re-challenge)")
    gate = visit_decision.followup_gate
    if gate.allowed:
        lines.append("Follow-up sheet: may be printed.")
    else:
        lines.append("Follow-up sheet: NOT printed:")
        lines.extend(_gate_lines(gate, content))
    return "\n".join(lines)


def _cmd_review(args: argparse.Namespace) -> int:
    visit = _load(args)
    decided = decide(visit)
    content = load_content(args.lang or "en")
    decision = decided.latest
    if decision is None:
        if args.json:
            print(json.dumps({"format": REVIEW_FORMAT, "decision": None, "message": NO_FOLLOW_UPS}, indent=2))
        else:
            print(NO_FOLLOW_UPS)
        return 0
    if args.json:
        print(json.dumps(review_json(decision, decided, content), indent=2, ensure_ascii=False))
    else:
        print(review_summary(decided, content))
    return 0


def _refused(document: str, gate: Gate, args: argparse.Namespace) -> int:
    """Say on stderr, one line per blocker, why the gate refuses the document; nothing on stdout."""
    content = load_content(args.lang or "en")
    for blocker in gate.blockers:
        text = one_line(_one_sentence(blocker_text(content, blocker, gate.params)))
        print(f"ldn-aid: {document} not printed: {text}", file=sys.stderr)
    return EXIT_BAD_INPUT


# An error is one line a person reads: the field is named first, so cutting its tail loses no clue.
ERROR_LINE_LIMIT = 500
Document = Literal["pack", "evidence_sheet", "followup_sheet"]


def _output_path(args: argparse.Namespace) -> Path:
    """The PDF to write, checked before anything is written (`output_target`): never a file the
    command reads (the visit, the clinic settings), never a device, pipe or folder, never a read-only
    file without --force."""
    visit = getattr(args, "visit", None)
    reads = [(Path(visit), "the visit file")] if visit is not None else []
    out = checked_output(args.output, [*reads, (settings_path(), "the clinic settings")], force=args.force)
    assert out is not None  # a PDF never goes to standard output (checked_output refuses "-")
    return out


def _write_document(
    visit: Visit, decision: VisitDecision, args: argparse.Namespace, document: Document = "pack"
) -> Path:
    """Compose the pack, its evidence sheet or the latest follow-up sheet, and write it atomically with
    the command's PDF options.

    The caller has checked the gate; composing checks it again, so no path prints a refused plan.
    """
    out = _output_path(args)
    # reportlab loads only for the commands that draw a PDF.
    from ldn_aid.handout.compose import compose_followup_for_visit, compose_for_visit
    from ldn_aid.handout.evidence_sheet import compose_evidence_sheet_for_visit
    from ldn_aid.pdf.render_pdf import RenderOptions, write_pdf

    clinic = clinic_settings()
    handout: Handout
    if document == "followup_sheet":
        sheet = compose_followup_for_visit(visit, args.lang, clinic, decision)
        if sheet is None:  # pragma: no cover - the gate refuses a visit without follow-ups first
            raise LdnAidError(f"{args.visit} has no follow-up visits, so there is no follow-up sheet")
        handout = sheet
    elif document == "evidence_sheet":
        handout = compose_evidence_sheet_for_visit(visit, args.lang, clinic, decision)
    else:
        handout = compose_for_visit(visit, args.lang, clinic, decision)
    options = RenderOptions(paper=args.paper or clinic.default_paper, large_print=args.large_print)
    write_pdf(handout, out, options)
    return out


def _cmd_handout(args: argparse.Namespace) -> int:
    visit = _load(args)
    decision = decide(visit)
    if not decision.handout_gate.allowed:
        return _refused("handout", decision.handout_gate, args)
    out = _write_document(visit, decision, args)
    print(f"wrote {out}")
    return 0


def _cmd_followup_sheet(args: argparse.Namespace) -> int:
    visit = _load(args)
    decision = decide(visit)
    if not decision.followup_gate.allowed:
        return _refused("follow-up sheet", decision.followup_gate, args)
    out = _write_document(visit, decision, args, "followup_sheet")
    print(f"wrote {out}")
    return 0


def _cmd_evidence_sheet(args: argparse.Namespace) -> int:
    """The numbered sources of the pack (and of the latest follow-up sheet): given with the pack, so
    refused whenever the pack is."""
    visit = _load(args)
    decision = decide(visit)
    if not decision.handout_gate.allowed:
        return _refused("evidence sheet", decision.handout_gate, args)
    out = _write_document(visit, decision, args, "evidence_sheet")
    print(f"wrote {out}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    visit = load_visit(resource_path("examples/ldn_option.json"))
    decision = decide(visit)
    if not decision.handout_gate.allowed:  # pragma: no cover - the built-in example may be printed
        return _refused("handout", decision.handout_gate, args)
    out = _write_document(visit, decision, args)
    print(f"wrote {out} (a handout for the built-in example visit, examples/ldn_option.json)")
    return 0


def _add_pdf_options(command: argparse.ArgumentParser, default_output: str | None) -> None:
    command.add_argument(
        "-o", "--output", metavar="OUT.pdf", required=default_output is None, default=default_output
    )
    command.add_argument("--lang", choices=["en", "es"], help="handout language (default: the visit's)")
    command.add_argument("--large-print", action="store_true", help="18 pt text, 1.5 line spacing")
    command.add_argument("--paper", choices=["letter", "a4"], help="paper size (default: clinic setting)")
    command.add_argument("--force", action="store_true", help="replace OUT.pdf even if it is read-only")


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
    assess.add_argument("--lang", choices=["en", "es"], help="language of the findings' words (default: en)")
    assess.set_defaults(run=_cmd_assess)

    review_command = commands.add_parser(
        "review", help="decide the next step after the latest follow-up visit in a visit file"
    )
    review_command.add_argument("visit", metavar="VISIT.json")
    review_command.add_argument("--json", action="store_true", help="print ldn-aid.review/1 JSON")
    review_command.add_argument(
        "--lang", choices=["en", "es"], help="language of the reasons' words (default: en)"
    )
    review_command.set_defaults(run=_cmd_review)

    schema = commands.add_parser("schema", help="print the JSON Schema of the visit file")
    schema.set_defaults(run=_cmd_schema)

    handout = commands.add_parser("handout", help="write the patient handout PDF for a visit")
    handout.add_argument("visit", metavar="VISIT.json")
    _add_pdf_options(handout, default_output=None)
    handout.set_defaults(run=_cmd_handout)

    evidence = commands.add_parser(
        "evidence-sheet",
        help="write the numbered sources of the handout (and of the latest follow-up sheet) as a PDF",
        description="Write the evidence sheet: every source the handout cites, under the number the"
        " handout gives it, with a DOI, PubMed id or web address to find it; and, after a follow-up"
        " review, the sources of the latest follow-up sheet in a second list. It goes with the handout,"
        " so it is refused whenever the handout is (exit 2, each reason on stderr).",
    )
    evidence.add_argument("visit", metavar="VISIT.json")
    _add_pdf_options(evidence, default_output=None)
    evidence.set_defaults(run=_cmd_evidence_sheet)

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


# What a shell reports for a command whose reader went away (128 + SIGPIPE), as `| head` expects.
EXIT_BROKEN_PIPE = 141


def _tolerant_output() -> None:
    """Never fail on a character the terminal's encoding lacks (a non-UTF-8 file name under a strict
    locale, red team D16): show it escaped instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """After the reader went away, point stdout at nothing, so Python's own flush at exit cannot fail."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


# What a shell reports for a command stopped by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130


class _ClosedStream(io.TextIOBase):
    """Standard output when the shell closed it (`>&-`): writing fails as a full disk does, with one
    line and exit 2, instead of the output vanishing or a traceback at the final flush."""

    def write(self, _text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def main(argv: Sequence[str] | None = None) -> int:
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    _tolerant_output()
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not in Python's exit
        return code
    except LdnAidError as exc:
        print(f"ldn-aid: {one_line(str(exc), ERROR_LINE_LIMIT)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing more to say
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # writing standard output failed (files report as SaveError above)
        _silence_stdout()
        problem = exc.strerror or type(exc).__name__
        print(
            f"ldn-aid: cannot write to standard output: {one_line(problem, ERROR_LINE_LIMIT)}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # Ctrl-C: a file being written is already removed (atomic.py)
        print("ldn-aid: interrupted; nothing was left half-written", file=sys.stderr)
        return EXIT_INTERRUPTED
