"""`ldn-aid note` and `ldn-aid fhir`: the clinical-record commands, added to the `ldn-aid` parser.

    ldn-aid note VISIT.json [--lang en|es] [--large-print] [--paper letter|a4] [-o NOTE.txt]
    ldn-aid fhir questionnaire [-o FILE]
    ldn-aid fhir VISIT.json [-o bundle.json]

`ldn_aid.cli.build_parser` calls `add_record_commands(commands)`. Every handler returns an exit code;
bad input raises an `LdnAidError` subclass, which `ldn_aid.cli.main` prints on one line (exit 2).
Files are written atomically and readable by their owner only: a note or bundle holds patient data.
Without -o the text goes to standard output.

Both obey the core gate (`ldn_aid.rules.decide`): the note says whether the plan may be given and
why not. A visit saved by the wizard after printing or saving a sheet records the documents given,
and the note lists exactly those (the --lang/--large-print/--paper options then do not apply);
otherwise the note records the hash of the handout those options print, only when it may be given.
The bundle carries the draft prescription only when the plan may be given, and marks it stopped
after a review that stops LDN.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ldn_aid.atomic import write_atomically
from ldn_aid.content import load_content
from ldn_aid.domain.errors import one_line
from ldn_aid.domain.visit import Visit
from ldn_aid.output_target import checked_output
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings, read_settings, settings_path
from ldn_aid.visit_file import read_visit

# The `fhir` target that means "the Questionnaire" rather than a visit file (use ./questionnaire for a file
# of that name).
QUESTIONNAIRE_TARGET = "questionnaire"


def clinic_settings() -> ClinicSettings:
    """The clinic settings for a command that prints them, read once: a flawed file keeps its valid
    fields, and each one ignored is said on stderr, never silently lost."""
    loaded = read_settings()
    for problem in loaded.problems:
        print(f"ldn-aid: note: {problem}", file=sys.stderr)
    return loaded.settings


def read_visit_noting_migration(path: Path) -> Visit:
    """Read a visit file; when its format was migrated on load, say so once on stderr."""
    loaded = read_visit(path)
    if loaded.notice is not None:
        print(f"ldn-aid: note: {one_line(loaded.notice)}", file=sys.stderr)
    return loaded.visit


def _emit(text: str, args: argparse.Namespace, reads: list[tuple[Path, str]]) -> None:
    """Print the text, or write it owner-only where -o says (checked first: never a file the command
    reads, a device, a pipe or a folder; "-" is standard output)."""
    out = (
        None
        if args.output is None
        else checked_output(
            args.output, [*reads, (settings_path(), "the clinic settings")], force=args.force, text=True
        )
    )
    if out is None:
        print(text)
        return
    write_atomically(out, (text + "\n").encode("utf-8"), private=True)
    print(f"wrote {out}")


def cmd_note(args: argparse.Namespace) -> int:
    """Print or write the chart note: the documents the visit records as given, or else the SHA-256
    of the handout (and of the latest follow-up sheet) that the same options print."""
    from ldn_aid.record.exports import visit_chart_note

    visit = read_visit_noting_migration(Path(args.visit))
    clinic = clinic_settings()
    language = args.lang or visit.patient.handout_language
    paper = args.paper or clinic.default_paper
    note = visit_chart_note(visit, language, args.large_print, paper, clinic, decide(visit))
    _emit(note, args, [(Path(args.visit), "the visit file")])
    return 0


def cmd_fhir(args: argparse.Namespace) -> int:
    """Write the Questionnaire, or a visit's collection Bundle, as FHIR R4 JSON."""
    from ldn_aid.record.exports import visit_fhir_json
    from ldn_aid.record.fhir import questionnaire, resource_json

    reads: list[tuple[Path, str]] = []
    if args.target == QUESTIONNAIRE_TARGET:
        text = resource_json(questionnaire(load_content("en")))
    else:
        reads.append((Path(args.target), "the visit file"))
        visit = read_visit_noting_migration(reads[0][0])
        text = visit_fhir_json(visit, decide(visit))
    _emit(text, args, reads)
    return 0


def add_record_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `note` and `fhir` to the subcommands of the `ldn-aid` parser."""
    note = commands.add_parser(
        "note", help="print the chart note for a visit (or write it with -o), ready to paste into a record"
    )
    note.add_argument("visit", metavar="VISIT.json")
    note.add_argument("-o", "--output", metavar="NOTE.txt", help="write the note to this file (- for stdout)")
    note.add_argument("--force", action="store_true", help="replace NOTE.txt even if it is read-only")
    note.add_argument(
        "--lang",
        choices=["en", "es"],
        help="language of the handout given (default: the visit's); unused when the visit records"
        " the documents given",
    )
    note.add_argument("--large-print", action="store_true", help="the handout given was large print")
    note.add_argument(
        "--paper", choices=["letter", "a4"], help="paper of the handout given (default: clinic setting)"
    )
    note.set_defaults(run=cmd_note)

    fhir = commands.add_parser(
        "fhir",
        help="write FHIR R4 JSON: 'fhir questionnaire' for the Questionnaire, 'fhir VISIT.json' for a visit",
    )
    fhir.add_argument(
        "target",
        metavar="questionnaire|VISIT.json",
        help="the word 'questionnaire', or a visit file (write ./questionnaire for a file of that name)",
    )
    fhir.add_argument("-o", "--output", metavar="FILE", help="write the JSON to this file (- for stdout)")
    fhir.add_argument("--force", action="store_true", help="replace FILE even if it is read-only")
    fhir.set_defaults(run=cmd_fhir)
