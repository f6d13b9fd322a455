"""``gapmap audit-disclosure``: every table a user can download from a survey (each level, profession filter, age
group and minimum base, alone and combined) audited for suppressed values that could be worked out
(:mod:`gapmap.measures.disclosure_audit`); exit 3 when one can."""

from __future__ import annotations

import argparse
import sys

from gapmap.cli.codes import EXIT_DISCLOSIVE, EXIT_OK
from gapmap.cli.common import read_responses, say
from gapmap.measures import waves
from gapmap.problems import InputError, Issue
from gapmap.settings import MIN_BASE_FLOOR, from_env
from gapmap.survey import waves as survey_waves
from gapmap.survey.validate import load_survey


def cmd_audit_disclosure(args: argparse.Namespace) -> int:
    from gapmap.measures import disclosure_audit

    bases = args.min_base or None
    if bases and min(bases) < MIN_BASE_FLOOR:
        raise InputError(
            [
                Issue(
                    None,
                    "--min-base",
                    str(min(bases)),
                    f"Expected minimum bases of at least {MIN_BASE_FLOOR}; found {min(bases)}. "
                    f"Fix: choose {MIN_BASE_FLOOR} or more, or leave --min-base out to audit {MIN_BASE_FLOOR} to "
                    f"{disclosure_audit.MAX_BASE}.",
                )
            ]
        )
    settings = from_env()
    specs = args.survey or []
    if len(specs) > 1 or (specs and waves.parse_spec(specs[0])[0]):
        found = waves.load_waves(specs, settings)
    else:
        whole = load_survey(specs[0] if specs else None, settings=settings, all_waves=True)
        split = survey_waves.split(whole)
        if len(split) < 2:  # one wave: the file audited as it always was
            args.survey = specs[0] if specs else None
            report = disclosure_audit.run(read_responses(args, settings), settings, bases)
            say(report.text())
            return EXIT_OK if report.clean else EXIT_DISCLOSIVE
        found = waves.Waves(split, list(whole.notes))
    for note in found.notes:
        say(note, file=sys.stderr)
    both = disclosure_audit.run_waves(found, settings, bases)
    say(both.text())
    return EXIT_OK if both.clean else EXIT_DISCLOSIVE


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit-disclosure",
        help="check that no suppressed value can be worked out from every table a user can download",
    )
    p.add_argument(
        "--survey",
        action="append",
        help="survey file (CSV or XLSX; default: the bundled synthetic sample); for waves, repeat as LABEL=FILE "
        "or give one file with a 'wave' column: each wave is audited, and every change between two",
    )
    p.add_argument(
        "--min-base",
        type=int,
        action="append",
        help="a minimum base to audit (repeat for several, audited alone and combined; default every base "
        "from 5 to 100)",
    )
    p.set_defaults(func=cmd_audit_disclosure)
