"""The hostile-input corpus (tests/data/hostile/, made by make_hostile.py there): one case, one assertion.

Each case runs the command a user would run on the file and checks the exit code, that the expected words
are in the output, and that no traceback is. A regression names its file in the test id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gapmap.cli.main import main
from tests.conftest import DATA

HOSTILE = DATA / "hostile"


@dataclass(frozen=True)
class Case:
    file: str
    code: int
    expect: str
    command: str = "validate"  # validate | render | teams
    env: dict[str, str] = field(default_factory=dict)
    extra: tuple[str, ...] = ()


CASES = [
    # Valid files as people save them: read right.
    Case("trailing_blank_line_excel.csv", 0, "Skipped 1 empty row: 5."),
    Case("trailing_blank_lines.csv", 0, "Skipped 2 empty rows: 5-6."),
    Case("blank_rows_middle.csv", 0, "Skipped 2 empty rows: 3, 5."),
    Case("one_column.csv", 0, "3 respondents, no problems found"),
    Case("cr_line_endings.csv", 0, "3 respondents, no problems found"),
    Case("crlf_line_endings.csv", 0, "3 respondents, no problems found"),
    Case("excel_sep_line.csv", 0, "3 respondents, no problems found"),
    Case("utf16_bom_tabs.txt", 0, "3 respondents, no problems found"),
    Case("semicolons.csv", 0, "3 respondents, no problems found"),
    Case("tabs.csv", 0, "3 respondents, no problems found"),
    Case("quoted_newline_in_cell.csv", 0, "3 respondents, no problems found"),
    Case("xlsx_blank_rows.xlsx", 0, "Skipped 2 empty rows: 3, 5."),
    Case("xlsx_formula_with_saved_value.xlsx", 0, "2 respondents, no problems found"),
    # Refused, with the row and a fix.
    Case("decimal_rating_point.csv", 1, "row 3, column 'understanding_rating': Expected a whole number from 1 to 5; found '2.5'"),
    Case("decimal_rating_comma.csv", 1, "row 3, column 'understanding_rating': Expected a whole number from 1 to 5; found '3,5'"),
    Case("rating_out_of_scale.csv", 1, "row 4, column 'understanding_rating': Expected a whole number from 1 to 5; found '6'"),
    Case("duplicate_header.csv", 1, "'profession' heads both column B and column D"),
    Case("xlsx_duplicate_header.xlsx", 1, "'where_do_you_work' heads both column A and column D"),
    Case("header_only.csv", 1, "Expected at least one respondent; header_only.csv has a header but no answers"),
    Case("header_and_blank_rows.csv", 1, "Expected at least one respondent"),
    Case("empty.csv", 1, "The file is empty"),
    Case("only_line_ends.csv", 1, "The file is empty"),
    Case("truncated.csv", 1, "row 3: Expected a complete last row"),
    Case("unbalanced_quote.csv", 1, 'row 3: Expected every opening quote (") to be closed'),
    Case("text_after_quote.csv", 1, "row 3: Expected a quoted cell to end with a quote"),
    Case("extra_cell_without_heading.csv", 1, "row 3, column 'D': Expected at most 3 cells"),
    Case("ambiguous_separator.csv", 1, "could be split by semicolons or tabs"),
    Case("nul_bytes.csv", 1, "has a NUL byte at position"),
    Case("workbook_named_csv.csv", 1, "is an Excel workbook. Fix: rename it to end in .xlsx"),
    Case("damaged.xlsx", 1, "Expected an Excel workbook (.xlsx); damaged.xlsx is not one"),
    Case("xlsx_formula_without_value.xlsx", 1, "row 2, column 'understanding_rating': Expected a saved value in cell C2"),
    Case("xlsx_declares_6m_rows.xlsx", 1, "declares 5,999,999 (range A1:C6000000)"),
    # Limits, lowered so the files stay small (test_readers.py runs the full-size ones).
    Case("xlsx_expands_3mb.xlsx", 1, "expands to 3 MB", env={"GAPMAP_MAX_XLSX_EXPANDED_MB": "1"}),
    Case("xlsx_expands_3mb.xlsx", 0, "1 respondents, no problems found"),
    Case("long_cell.csv", 1, "row 3, column 'profession': Expected cells of at most 100 characters", env={"GAPMAP_MAX_CELL_CHARS": "100"}),
    Case("many_cells_in_a_row.csv", 1, "row 3: Expected at most 50 cells in a row; found 203", env={"GAPMAP_MAX_CELLS_PER_ROW": "50"}),
    Case("too_many_rows.csv", 1, "row 7: Expected at most 5 data rows", env={"GAPMAP_MAX_ROWS": "5"}),
    # Text that reaches matplotlib's maths parser if it is not data.
    Case("maths_in_profession.csv", 0, "wrote", "render", extra=("--profession", "Nurse $x^$ \\frac{")),
    Case("file_name_with_$x^$_maths.csv", 0, "wrote", "render"),
    Case("terminal_escapes.csv", 1, "row 3, column 'where_do_you_work': Expected a UK nation, English region, NHS area (ICB, health board, HSC trust) or local authority, by name or GSS code, or 'Across more than one nation'; found 'Atlantis[U+001B][31m'"),
    Case("markdown_and_html.csv", 0, "Ignored 1 column that is not survey questions: ![x]"),
    # Team imports: exit 1, never 2.
    Case("teams_without_name_column.csv", 1, "Expected a 'name' column", "teams"),
    Case("teams_for_rejects.csv", 0, "added 1 team", "teams"),
]  # fmt: skip


def run(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple:
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    path = str(HOSTILE / case.file)
    if case.command == "validate":
        argv = ["validate", path]
    elif case.command == "render":
        argv = ["render", "--indicator", "respondents", "--survey", path, "--no-teams", "--format", "svg"]
        argv += ["--out", str(tmp_path / "map.svg"), *case.extra]
    else:
        db = f"sqlite:///{tmp_path / 'teams.db'}"
        argv = [
            "teams",
            "import",
            path,
            "--skip-invalid",
            "--rejects",
            str(tmp_path / "r.csv"),
            "--database",
            db,
        ]
    code = main(argv)
    captured = capsys.readouterr()
    text = captured.out + captured.err
    clean = "\x1b" not in text and "\x07" not in text
    return code, case.expect in text, "Traceback" in text or not clean, text


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}-{c.command}-{c.code}" for c in CASES])
def test_hostile_file(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    code, found, traceback, text = run(case, tmp_path, monkeypatch, capsys)
    assert (code, found, traceback) == (case.code, True, False), text


def test_every_corpus_file_has_a_case():
    files = {p.name for p in HOSTILE.iterdir() if p.suffix in (".csv", ".txt", ".xlsx")}
    assert files == {c.file for c in CASES}
