"""Turn the bytes of a CSV file into a header and rows of text, accepting what people actually save.

UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252; CR, LF or CRLF line ends; Excel's ``sep=``
first line; comma, or semicolon / tab when the file leaves no doubt (XLSX is read by :mod:`gapmap.files.xlsx` into
the same :class:`Grid`). For both: blank rows skipped and counted, duplicate headings refused, every limit in
:class:`~gapmap.settings.Settings` checked before the work it bounds, and every failure reported at the
spreadsheet row where it happens (header = row 1). Nothing here knows what a survey or a team is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from gapmap.problems import InputError, Issue
from gapmap.safetext import count
from gapmap.settings import Settings

MAX_LISTED = 100  # a broken file can have a problem on every row; list this many, then say how many more
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
MB = 1_000_000  # a megabyte as Streamlit's upload limit and most file managers count it: one unit everywhere


@dataclass
class Grid:
    """A file as text: the header, data rows as equal-length lists, their spreadsheet row numbers, blank rows."""

    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    blank_rows: list[int] = field(default_factory=list)
    encoding: str = "utf-8"


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def row_ranges(rows: list[int] | tuple[int, ...]) -> str:
    """Row numbers as a short list of runs.

    >>> row_ranges([3, 5, 6, 7, 10])
    '3, 5-7, 10'
    """
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def short(value: str, limit: int = 40) -> str:
    """A cell quoted in a message: at most ``limit`` characters."""
    return value if len(value) <= limit else value[:limit] + f"… ({len(value):,} characters)"


def check_size(size: int, name: str, settings: Settings) -> None:
    """InputError if a file of ``size`` bytes is over the max_file_mb setting."""
    if size > settings.max_file_mb * MB:
        raise InputError(
            [
                Issue(
                    None,
                    None,
                    name,
                    f"Expected a file of at most {settings.max_file_mb} MB; {name} is "
                    f"{size / MB:.1f} MB. Fix: split the file, or raise GAPMAP_MAX_FILE_MB.",
                )
            ]
        )


# -- CSV ------------------------------------------------------------------------------------------------------
def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding: UTF-16 (with BOM), UTF-8 (with or without BOM), else Windows-1252 as Excel saves it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise file_problem(
                name, f"Expected UTF-16 text after the UTF-16 mark; {exc.reason} at byte {exc.start}."
            ) from None
    if data.startswith(b"PK\x03\x04"):
        raise file_problem(
            name, f"Expected CSV text; {name} is an Excel workbook. Fix: rename it to end in .xlsx."
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise file_problem(
            name,
            f"Expected CSV text; {name} has a NUL byte at position {nul}, so it is not a text file (or is UTF-16 "
            "without its byte-order mark). Fix: in Excel use 'Save as' > 'CSV UTF-8 (Comma delimited)'.",
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    check_one_encoding(data, name)
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise file_problem(
            name,
            f"Expected a CSV file saved as UTF-8 or Windows-1252; {name} has a byte "
            f"(0x{data[exc.start]:02x} at position {exc.start}) that is neither. "
            "Fix: in Excel use 'Save as' > 'CSV UTF-8 (Comma delimited)'.",
        ) from None


def check_one_encoding(data: bytes, name: str) -> None:
    """InputError naming every line that is not UTF-8 in a file whose other accented lines are UTF-8.

    A file pasted together from two exports (one saved as UTF-8, one by older Excel as Windows-1252) would otherwise
    be read whole as Windows-1252, garbling the UTF-8 rows ("CafÃ©") and blaming them, never the real culprit.
    Lines are counted as a text editor counts them (a quoted cell with a line break spans two).
    """
    utf8_lines, bad = 0, []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError as exc:
            bad.append((number, line, exc.start))
    if not utf8_lines or not bad:
        return
    issues = []
    for number, line, at in bad[:MAX_LISTED]:
        char = line[at : at + 1].decode("cp1252", errors="replace")
        issues.append(
            Issue(
                number,
                None,
                short(line.decode("cp1252", errors="replace").strip()),
                f"Expected UTF-8 text like the rest of {name} ({count(utf8_lines, 'other line')} with accented letters "
                f"are UTF-8); this line has byte 0x{line[at]:02x} ('{char}') at position {at + 1}, which is "
                "Windows-1252. Fix: retype that line's accented letters in the UTF-8 file, or save the whole file "
                "again from one program as 'CSV UTF-8'.",
            )
        )
    if len(bad) > MAX_LISTED:
        issues.append(
            Issue(None, None, name, f"… and {count(len(bad) - MAX_LISTED, 'more line')} like these.")
        )
    raise InputError(issues)


def file_problem(name: str, message: str) -> InputError:
    """An InputError for a problem with the whole file (no row)."""
    return InputError([Issue(None, None, name, message)])


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _sample_lengths(text: str, delimiter: str, n: int = 50) -> list[int] | None:
    """Cells per non-blank record in the first ``n`` records, or None if they do not parse."""
    out: list[int] = []
    try:
        for rec in _records(text[: 256 * 1024], delimiter):
            if any(c.strip() for c in rec):
                out.append(len(rec))
            if len(out) >= n:
                break
    except csv.Error:
        return None
    return out


def sniff(text: str, name: str) -> str:
    """The delimiter: comma unless semicolon or tab is the only one that splits every sampled row alike."""
    lengths = {d: _sample_lengths(text, d) for d in DELIMITERS}
    splits = [d for d, ls in lengths.items() if ls and ls[0] > 1]
    consistent = [d for d in splits if len(set(lengths[d] or [])) == 1]
    if "," in consistent or not splits:
        return ","
    if len(consistent) == 1:
        return consistent[0]
    if "," in splits:
        return ","  # rows of unequal length are then reported with their row numbers
    if len(splits) == 1:
        return splits[0]
    raise file_problem(
        name,
        f"Expected columns separated by commas; {name} could be split by "
        f"{' or '.join(DELIMITERS[d] for d in splits)} and it is not clear which. "
        "Fix: save it as 'CSV UTF-8 (Comma delimited)', or add a first line 'sep=;' (or the separator used).",
    )


def parse_csv(data: bytes, name: str, settings: Settings) -> Grid:
    """Header and rows of a CSV file; InputError listing every problem with its row."""
    text, encoding = decode(data, name)
    if not text.strip():
        raise file_problem(
            name, f"The file is empty: {name} has no header and no rows. Fix: export it again."
        )
    delimiter = None
    first = re.match(r"([^\r\n]*)(\r\n|\r|\n|$)", text)
    m = re.fullmatch(r'"?sep=(.)"?', first.group(1) if first else "", re.IGNORECASE)
    if m and first:  # Excel's own hint; Excel hides this line, so the header is still row 1
        delimiter, text = m.group(1), text[first.end() :]
    delimiter = delimiter or sniff(text, name)
    limit = max(csv.field_size_limit(), settings.max_cell_chars + 1)
    csv.field_size_limit(limit)
    return build_grid(_csv_rows(text, delimiter, name, settings), name, settings, encoding)


def _csv_rows(text: str, delimiter: str, name: str, settings: Settings) -> Iterator[tuple[int, list[str]]]:
    row = 0
    reader = _records(text, delimiter)
    try:
        for rec in reader:
            row += 1
            yield row, rec
    except csv.Error as exc:
        row += 1
        msg = str(exc)
        if "field larger than field limit" in msg:
            message = (
                f"Expected cells of at most {settings.max_cell_chars:,} characters; a cell in this row is longer. "
                "Fix: shorten it, or raise GAPMAP_MAX_CELL_CHARS."
            )
        elif "unexpected end of data" in msg or "EOF" in msg:
            message = (
                'Expected every opening quote (") to be closed; a quoted cell that starts in this row runs '
                "to the end of the file. Fix: close the quote, or remove the stray quote mark."
            )
        else:
            message = (
                f'Expected a quoted cell to end with a quote followed by "{delimiter}" or the end of the row; '
                f"found more text after the closing quote ({msg}). Fix: put the whole cell inside the quotes, "
                'and double any quote mark inside it ("").'
            )
        raise InputError([Issue(row, None, None, message)]) from None
    truncated = bool(text) and not text.endswith(("\n", "\r"))
    if truncated:
        yield -1, []  # marker: the last record had no line end


# -- shared ---------------------------------------------------------------------------------------------------
def build_grid(
    records: Iterable[tuple[int, list[str]]], name: str, settings: Settings, encoding: str
) -> Grid:
    """Apply header rules, blank rows and limits to (row number, cells) records."""
    problems: list[Issue] = []
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    blank: list[int] = []
    last_short: int | None = None
    header_row = 1

    def add(issue: Issue) -> None:
        problems.append(issue)
        if len(problems) >= MAX_LISTED:
            problems.append(Issue(None, None, None, f"Stopped after {MAX_LISTED} problems; fix these first."))
            raise InputError(problems)

    for number, cells in records:
        if number == -1:  # the file ended without a line end
            if last_short is not None and last_short == (numbers[-1] if numbers else None):
                add(
                    Issue(
                        last_short,
                        None,
                        None,
                        "Expected a complete last row; it has fewer cells than the header and no line end, so the "
                        "file looks cut short. Fix: export the file again.",
                    )
                )
            break
        if len(cells) > settings.max_cells_per_row:
            add(
                Issue(
                    number,
                    None,
                    None,
                    f"Expected at most {settings.max_cells_per_row:,} cells in a row; found {len(cells):,}. "
                    "Fix: check the separator and quotes in this row, or raise GAPMAP_MAX_CELLS_PER_ROW.",
                )
            )
            raise InputError(problems)
        if len(rows) + len(blank) >= settings.max_rows:  # blank rows count too: a sheet of empty rows is work
            add(
                Issue(
                    number,
                    None,
                    None,
                    f"Expected at most {settings.max_rows:,} data rows; the file has more"
                    + (f" ({len(blank):,} of them blank)" if blank else "")
                    + ". Fix: split the file or delete unused rows, or raise GAPMAP_MAX_ROWS.",
                )
            )
            raise InputError(problems)
        if not any(c.strip() for c in cells):
            if header is not None:
                blank.append(number)
            last_short = None
            continue
        for i, c in enumerate(cells):
            if len(c) > settings.max_cell_chars:
                col = header[i] if header is not None and i < len(header) else column_letter(i)
                add(
                    Issue(
                        number,
                        col,
                        short(c),
                        f"Expected cells of at most {settings.max_cell_chars:,} characters; this one has "
                        f"{len(c):,}. Fix: shorten it, or raise GAPMAP_MAX_CELL_CHARS.",
                    )
                )
        if header is None:
            header, header_row = [c.strip() for c in cells], number
            continue
        width = len(header)
        last_short = None
        if len(cells) > width:
            extra = [(i, c) for i, c in enumerate(cells[width:], start=width) if c.strip()]
            if extra:
                i, c = extra[0]
                add(
                    Issue(
                        number,
                        column_letter(i),
                        short(c),
                        f"Expected at most {width} cells, one per heading; found {len(cells)} (a value in column "
                        f"{column_letter(i)}, which has no heading). Fix: give the column a heading, or check "
                        "the quotes and separators in this row.",
                    )
                )
            cells = cells[:width]
        elif len(cells) < width:
            last_short = number
            cells = cells + [""] * (width - len(cells))
        rows.append(cells)
        numbers.append(number)

    if header is None:
        raise file_problem(
            name, f"The file is empty: {name} has no header and no rows. Fix: export it again."
        )
    keep = _header_problems(header, header_row, rows, add)
    if problems:
        raise InputError(problems)
    if len(keep) < len(header):
        header = [header[i] for i in keep]
        rows = [[r[i] for i in keep] for r in rows]
    return Grid(header, rows, numbers, blank, encoding)


def _header_problems(
    header: list[str], header_row: int, rows: list[list[str]], report: Callable[[Issue], None]
) -> list[int]:
    """Indexes of the columns to keep; duplicate headings reported (both columns named)."""
    keep: list[int] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if not h:
            if not any(r[i].strip() for r in rows):
                continue  # an empty column Excel saved beyond the data
            header[i] = f"(no heading, column {column_letter(i)})"
        key = header[i].casefold()
        if key in seen:
            j = seen[key]
            report(
                Issue(
                    header_row,
                    header[i],
                    header[i],
                    f"Expected each heading once; '{header[i]}' heads both column {column_letter(j)} and column "
                    f"{column_letter(i)}. Fix: delete or rename one of them.",
                )
            )
        else:
            seen[key] = i
        keep.append(i)
    return keep
