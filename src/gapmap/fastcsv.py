"""Read a well-formed CSV file straight into categorical columns with pandas' C parser, or step aside.

:func:`gapmap.readers.parse_csv` is the reference: it reads any file cell by cell and reports every problem
with its row. This module gives the same header, rows, row numbers and blank rows for files in which that
reader would find nothing to report, at the speed and memory of ``pandas.read_csv``: only the wanted
columns become values, each distinct answer once (categories; every cell is a small integer code). Whenever
a file has anything the reference treats specially (an irregular quote, a row longer than the header, a
cut-short last row, an over-long cell, too many rows, a duplicate heading, an undecodable byte) :func:`read`
returns None and the caller uses the reference, so every problem is still reported exactly as before.
Nothing here knows what a survey or a team is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gapmap.problems import InputError
from gapmap.readers import column_letter, sniff
from gapmap.settings import Settings

HEAD_BYTES = (
    2 * 1024 * 1024
)  # decoded for the header, Excel's sep= line and the delimiter (sniff reads 256 KB)
CHUNK = 4 * 1024 * 1024  # bytes scanned per numpy pass: bounds the scan's temporary arrays
QUOTE, LF, CR = 34, 10, 13


@dataclass
class Columns:
    """A CSV file read as columns: every heading (file order), the wanted columns as categoricals, the
    spreadsheet row number of each frame row (header = row 1), and the blank rows skipped."""

    header: list[str]
    frame: pd.DataFrame
    row_numbers: np.ndarray
    blank_rows: list[int]
    encoding: str


def _decodes(data: bytes | memoryview, codec: str) -> bool:
    """Whether the bytes decode, checked in slices so a large file is never held twice."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    try:
        for start in range(0, len(view), CHUNK):
            decoder.decode(view[start : start + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _source(data: bytes) -> tuple[bytes, str, str] | None:
    """(UTF-8 or Windows-1252 bytes, codec for pandas, encoding name) as :func:`readers.decode` decides it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
        return (text, "utf-8", "utf-16") if text.find(b"\x00") < 0 else None
    if data.startswith(b"PK\x03\x04") or data.find(b"\x00") >= 0:
        return None
    if _decodes(data, "utf-8"):
        return data, "utf-8", "utf-8"
    if _decodes(data, "cp1252"):
        return data, "cp1252", "windows-1252"
    return None


@dataclass(frozen=True)
class _Scan:
    records: int  # records after the start offset (a last record without a line end included)
    widest: int  # most cells in one record
    longest: int  # bytes in the longest record, terminator included: no cell in the file is longer
    tail: int  # offset of the last record when the file does not end with a line end, else -1


def _scan(buf: np.ndarray, start: int, delimiter: int, count_cells: bool) -> _Scan | None:
    """Check that every quote opens a cell, closes one, or doubles one inside a cell, and measure the records.

    With quotes used only that way, whether a byte is inside a quoted cell is the parity of the quotes before
    it, csv (strict) and pandas split the file alike, and a line end or delimiter outside quotes ends a record
    or a cell. Any other quote (text after a closing quote, a quote inside an unquoted cell, one never closed)
    gives None. Cells are counted only with ``count_cells`` (pandas checks row lengths itself when it reads
    every column). Works through the file in chunks, so its temporary arrays stay small.
    """
    n = len(buf)
    allowed = np.zeros(256, dtype=bool)
    allowed[[delimiter, CR, LF, QUOTE]] = True
    inside = 0  # 1 while the scan is inside a quoted cell
    terminators = longest = 0
    widest = 1
    open_cells = 1  # cells so far in the record that is still open
    last_end = start  # offset just after the last record terminator seen
    for lo in range(start, n, CHUNK):
        chunk = buf[lo : min(n, lo + CHUNK)]
        q = np.flatnonzero(chunk == QUOTE)
        # parity[i]: 1 if byte i is inside quotes (a quote counts as inside when it opens a cell), built as
        # alternating runs between quotes (faster than a running xor over every byte).
        runs = np.diff(q, prepend=0, append=len(chunk))
        parity = np.repeat((np.arange(inside, inside + runs.size) & 1).astype(np.uint8), runs)
        if q.size:
            opening = parity[q] == 1
            q += lo
            prev_ok = allowed[buf[np.maximum(q - 1, 0)]] | (q == start)
            next_ok = allowed[buf[np.minimum(q + 1, n - 1)]] | (q == n - 1)
            if not (prev_ok[opening].all() and next_ok[~opening].all()):
                return None
            inside = int(parity[-1])
        outside = parity == 0
        ends = np.flatnonzero(((chunk == LF) | (chunk == CR)) & outside) + lo
        # "\r\n" is one line end: its "\n" does not end another record.
        crlf = (buf[ends] == LF) & (ends > start) & (buf[np.maximum(ends - 1, 0)] == CR)
        ends = ends[~crlf]
        delims = ends[:0] if not count_cells else np.flatnonzero((chunk == delimiter) & outside) + lo
        if ends.size:
            cells = np.diff(np.searchsorted(delims, ends), prepend=0)
            cells[0] += open_cells - 1
            widest = max(widest, int(cells.max()) + 1)
            open_cells = 1 + int(delims.size - np.searchsorted(delims, ends[-1]))
            stops = np.concatenate(([last_end], ends + 1))
            longest = max(longest, int(np.diff(stops).max()))
            terminators += int(ends.size)
            last_end = int(ends[-1]) + 1
            if last_end < n and buf[last_end - 1] == CR and buf[last_end] == LF:
                last_end += 1
        else:
            open_cells += int(delims.size)
    if inside:
        return None  # a quote never closed
    tail = last_end if last_end < n else -1
    if tail >= 0:
        longest = max(longest, n - last_end)
        widest = max(widest, open_cells)
    return _Scan(terminators + (tail >= 0), widest, longest, tail)


def _head(data: bytes, codec: str) -> str:
    """The start of the file as text (all of it when small); a character cut at the end waits for more bytes."""
    decoder = codecs.getincrementaldecoder("utf-8-sig" if codec == "utf-8" else codec)()
    return decoder.decode(data[:HEAD_BYTES], final=len(data) <= HEAD_BYTES)


def _header(text: str, delimiter: str, complete: bool) -> tuple[int, list[str]] | None:
    """(index of the header record, its cells): the first record with a non-blank cell, read by csv."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    found: tuple[int, list[str]] | None = None
    widths: list[int] = []
    try:
        for index, cells in enumerate(reader):
            if found is not None:
                # A record follows, so the header was not cut by the end of the head. A blank record above
                # it with more cells would make pandas read its first column as an index: leave such files.
                return found if max(widths) <= len(found[1]) else None
            widths.append(len(cells))
            if any(c.strip() for c in cells):
                found = (index, cells)
    except csv.Error:  # in a later record (the reference reports it), or where the head was cut
        complete = False
    return found if found is not None and complete and max(widths) <= len(found[1]) else None


def _blank(column: pd.Series) -> np.ndarray:
    """Per row: whether the cell is blank (spaces only), decided once per distinct value."""
    cats = column.cat.categories
    blank = np.fromiter((not str(c).strip() for c in cats), dtype=bool, count=len(cats))
    return blank[column.cat.codes.to_numpy()]


def read(
    data: bytes, name: str, settings: Settings, wanted: Callable[[str], bool] | None = None
) -> Columns | None:
    """The file as columns, or None when :func:`gapmap.readers.parse_csv` must read it (see the module doc).

    ``wanted`` picks the columns to read by heading; the others are tokenised by the parser but never
    become values. Every heading is still returned, in file order.
    """
    source = _source(data)
    if source is None:
        return None
    data, codec, encoding = source
    head = _head(data, codec)
    complete = len(data) <= HEAD_BYTES
    if not head.strip():
        return None  # empty, or a megabyte of blank lines: the reference says which
    skip = 0
    start = 3 if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else 0
    first = re.match(r"([^\r\n]*)(\r\n|\r|\n|$)", head)
    m = re.fullmatch(r'"?sep=(.)"?', first.group(1) if first else "", re.IGNORECASE)
    try:
        if m and first:
            delimiter, skip = m.group(1), 1
            start += len(head[: first.end()].encode(codec))
            head = head[first.end() :]
        else:
            delimiter = sniff(head, name)
    except InputError:
        return None
    if not (delimiter.isascii() and not delimiter.isalnum() and delimiter not in '"\r\n'):
        return None
    found = _header(head, delimiter, complete)
    if found is None:
        return None
    header_index, cells = found
    width = len(cells)
    header = [c.strip() for c in cells]
    if width > settings.max_cells_per_row or any(len(c) > settings.max_cell_chars for c in cells):
        return None
    named = [h for h in header if h]
    if len({h.casefold() for h in named}) < len(named):
        return None  # a duplicate heading: the reference names both columns

    if settings.max_rows < 1:
        return None
    unnamed = [i for i, h in enumerate(header) if not h]
    skipping = wanted is not None and not all(wanted(h) for h in header if h)
    buf = np.frombuffer(data, dtype=np.uint8)
    scan = _scan(buf, start, ord(delimiter), skipping)
    if scan is None or scan.widest > width or scan.records - header_index - 1 > settings.max_rows:
        return None  # a row longer than the header, or too many rows: the reference reports or trims them
    if scan.tail >= 0:
        tail = data[scan.tail :].decode(codec)
        try:
            last = next(csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True), [])
        except csv.Error:
            return None
        if scan.records - 1 > header_index and len(last) < width and any(c.strip() for c in last):
            return None  # the file ends inside a short row: the reference reports it as cut short

    check_all = scan.longest > settings.max_cell_chars  # some cell may be too long: read every column
    use = [i for i, h in enumerate(header) if check_all or not skipping or not h or wanted(h)]  # type: ignore[misc]
    frame = _parse(data, codec, delimiter, width, use, skip)
    if frame is None or len(frame) != scan.records:
        return None
    if check_all and any(len(c) > settings.max_cell_chars for i in use for c in frame[i].cat.categories):
        return None
    if [frame.at[header_index, i] for i in use] != [cells[i] for i in use]:
        return None  # the parsers disagree about the header: let the reference read the file

    blank = np.ones(len(frame), dtype=bool)
    for i in use:
        blank &= _blank(frame[i])
    used = set(use)
    skipped = [i for i in range(width) if i not in used]
    after = np.arange(len(frame)) > header_index
    maybe_blank = blank & after
    if skipped and maybe_blank.any():
        rest = _parse(data, codec, delimiter, width, skipped, skip)
        if rest is None or len(rest) != len(frame):
            return None
        for i in skipped:
            blank &= _blank(rest[i])
    data_rows = np.flatnonzero(after & ~blank)
    for i in unnamed:  # an empty column Excel saved beyond the data is dropped; one with data is named
        if not _blank(frame[i])[data_rows].all():
            header[i] = f"(no heading, column {column_letter(i)})"
    columns = [i for i in use if header[i] and (wanted is None or wanted(header[i]))]
    out = frame.iloc[data_rows][columns].reset_index(drop=True)
    out.columns = [header[i] for i in columns]
    return Columns(
        header=[h for h in header if h],
        frame=out,
        row_numbers=data_rows + 1,
        blank_rows=(np.flatnonzero(after & blank) + 1).tolist(),
        encoding=encoding,
    )


def _parse(
    data: bytes, codec: str, delimiter: str, width: int, use: list[int], skip: int
) -> pd.DataFrame | None:
    """Columns ``use`` of every record as categoricals of the text as written ('' for an empty cell).

    Reading every column, pandas refuses a row longer than the header itself; it does not when given
    ``usecols``, so :func:`_scan` counts cells whenever columns are skipped.
    """
    try:
        return pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            header=None,
            names=list(range(width)),
            usecols=None if use == list(range(width)) else use,
            dtype="category",
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,
            skiprows=skip,
            quotechar='"',
            doublequote=True,
            escapechar=None,
            comment=None,
            skipinitialspace=False,
            encoding="utf-8-sig" if codec == "utf-8" else codec,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        return None
