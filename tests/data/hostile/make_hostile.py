"""Write the hostile-input corpus beside this script (run from anywhere; output is deterministic).

Each file is what a careless or hostile user could hand gapmap; tests/cli/test_hostile.py says what must happen.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
HEAD = "where_do_you_work,profession,understanding_rating"
GOOD = ["Wales,Psychiatrist,4", "North West,Psychologist,3", "Scotland,Nurse,5"]


def csv(*lines: str, end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode("utf-8")


def xlsx(rows: list[list[object]], edit=None) -> bytes:  # type: ignore[no-untyped-def]
    """A workbook of ``rows``; ``edit`` rewrites the sheet XML. Zip times and document dates are fixed."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml" and edit is not None:
                body = edit(body)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", body)
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


FILES: dict[str, bytes] = {
    # Valid files people save, which must be read right.
    "trailing_blank_line_excel.csv": csv(HEAD, *GOOD, ",,", end="\r\n"),
    "trailing_blank_lines.csv": csv(HEAD, *GOOD, "", ""),
    "blank_rows_middle.csv": csv(HEAD, GOOD[0], ",,", GOOD[1], "", GOOD[2]),
    "one_column.csv": csv("where_do_you_work", "Wales", "North West", "Scotland"),
    "cr_line_endings.csv": csv(HEAD, *GOOD, end="\r"),
    "crlf_line_endings.csv": csv(HEAD, *GOOD, end="\r\n"),
    "excel_sep_line.csv": csv(
        "sep=;", HEAD.replace(",", ";"), *(g.replace(",", ";") for g in GOOD), end="\r\n"
    ),
    "utf16_bom_tabs.txt": ("\r\n".join([HEAD, *GOOD]).replace(",", "\t") + "\r\n").encode("utf-16"),
    "semicolons.csv": csv(HEAD.replace(",", ";"), *(g.replace(",", ";") for g in GOOD)),
    "tabs.csv": csv(HEAD.replace(",", "\t"), *(g.replace(",", "\t") for g in GOOD)),
    "quoted_newline_in_cell.csv": csv(HEAD, GOOD[0], 'North West,"Psycho-\nlogist",3', GOOD[2]),
    "xlsx_blank_rows.xlsx": xlsx(
        [
            HEAD.split(","),
            ["Wales", "Psychiatrist", 4],
            [],
            ["North West", "Psychologist", 3.0],
            [None, None, None],
        ]
    ),
    # Files to refuse with a row and a fix.
    "decimal_rating_point.csv": csv(HEAD, GOOD[0], "North West,Psychologist,2.5", GOOD[2]),
    "decimal_rating_comma.csv": csv(HEAD, GOOD[0], 'North West,Psychologist,"3,5"', GOOD[2]),
    "rating_out_of_scale.csv": csv(HEAD, GOOD[0], GOOD[1], "Scotland,Nurse,6"),
    "duplicate_header.csv": csv(HEAD + ",profession", GOOD[0] + ",Nurse"),
    "header_only.csv": csv(HEAD),
    "header_and_blank_rows.csv": csv(HEAD, ",,", ",,"),
    "empty.csv": b"",
    "only_line_ends.csv": b"\r\n\r\n",
    "truncated.csv": (HEAD + "\n" + GOOD[0] + "\nNorth We").encode(),
    "unbalanced_quote.csv": csv(HEAD, GOOD[0], 'North West,"Psychologist,3', GOOD[2]),
    "text_after_quote.csv": csv(HEAD, GOOD[0], 'North West,"Psycho"logist,3'),
    "extra_cell_without_heading.csv": csv(HEAD, GOOD[0], GOOD[1] + ",surprise"),
    "ambiguous_separator.csv": csv("where_do_you_work;a\tb", "Wales;1\t2"),
    "nul_bytes.csv": csv(HEAD, GOOD[0]) + b"\x00\x00",
    "workbook_named_csv.csv": xlsx([HEAD.split(","), GOOD[0].split(",")]),
    "damaged.xlsx": b"PK\x03\x04 this is not really a workbook",
    "xlsx_formula_without_value.xlsx": xlsx(
        [HEAD.split(","), ["Wales", "Psychiatrist", "=2+2"], ["North West", "=B2", 3]]
    ),
    # The same formula with the value Excel saves beside it: read as that value.
    "xlsx_formula_with_saved_value.xlsx": xlsx(
        [HEAD.split(","), ["Wales", "Psychiatrist", "=2+2"], ["North West", "Nurse", 3]],
        edit=lambda b: b.replace(b"<f>2+2</f><v />", b"<f>2+2</f><v>4</v>"),
    ),
    "xlsx_duplicate_header.xlsx": xlsx(
        [[*HEAD.split(","), "where_do_you_work"], ["Wales", "Nurse", 4, "Wales"]]
    ),
    # A 3-row sheet that declares six million rows: refused from its dimension before any row is read.
    "xlsx_declares_6m_rows.xlsx": xlsx(
        [HEAD.split(","), GOOD[0].split(","), GOOD[1].split(",")],
        edit=lambda b: b.replace(b'<dimension ref="A1:C3" />', b'<dimension ref="A1:C6000000" />'),
    ),
    # 3 MB of XML whitespace in a few kB: refused by the expansion guard when the limit is 1 MB.
    "xlsx_expands_3mb.xlsx": xlsx(
        [HEAD.split(","), GOOD[0].split(",")],
        edit=lambda b: b.replace(b"<sheetData>", b" " * 3_000_000 + b"<sheetData>"),
    ),
    # Limits, exercised with small settings so the files stay small.
    "long_cell.csv": csv(HEAD, GOOD[0], "North West," + "x" * 500 + ",3"),
    "many_cells_in_a_row.csv": csv(HEAD, GOOD[0], "North West,Psychologist,3" + ",1" * 200),
    "too_many_rows.csv": csv(HEAD, *(GOOD * 4)),
    # Text that must stay text: maths, Markdown, HTML, right-to-left override.
    "maths_in_profession.csv": csv(HEAD, "Wales,Nurse $x^$ \\frac{,4", "North West,Nurse $x^$ \\frac{,3"),
    "markdown_and_html.csv": csv(
        HEAD + ",![x](http://127.0.0.1:9/pixel.png)",
        "Wales,![p](http://127.0.0.1:9/p.png) <img src=x onerror=alert(1)>,4,[link](http://127.0.0.1:9/)",
        'North West,\u202eevil\u202c $\\alpha$ =HYPERLINK("x"),3,',
    ),
    "file_name_with_$x^$_maths.csv": csv(HEAD, *GOOD),
    # Terminal escapes (clear screen, set title) and a lone CR in a heading and an answer: shown, not obeyed.
    "terminal_escapes.csv": csv(
        HEAD + ",\x1b]0;owned\x07\x1b[2J", 'Wales,"Nurse\rPsychiatrist",4,x', "Atlantis\x1b[31m,Nurse,4,"
    ),
    # Team files.
    "teams_without_name_column.csv": csv("team_title,latitude,longitude", "Little Minds,53.48,-2.2426"),
    "teams_for_rejects.csv": csv(
        "name,latitude,longitude,established,provider,notes",
        "Good Team,53.4808,-2.2426,2019,  NHS Trust  ,  kept as given  ",
        "Bad Year Team,53.4000,-2.2426,19x9,Provider,=1+1",
    ),
}


def main() -> None:
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(FILES)} files to {HERE}")


if __name__ == "__main__":
    main()
