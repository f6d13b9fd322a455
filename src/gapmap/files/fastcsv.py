"""Read a well-formed CSV file straight into columns of integer codes with pyarrow's parser, or step aside.

:func:`gapmap.files.readers.parse_csv` is the reference: it reads any file cell by cell and reports every problem
with its row. This module gives the same header, rows, row numbers and blank rows for files in which that
reader would find nothing to report, at the speed of a columnar parser: only the wanted columns are
converted, each to its distinct texts and one integer code per row (a dictionary array), so a million rows
never become a million Python strings. Whenever a file has anything the reference reports or treats
specially (an irregular quote, a row shorter or longer than the header, too many rows, an over-long cell, a
duplicate heading, an undecodable byte) :func:`read` returns None and the caller uses the reference, so every
problem is still reported exactly as before. Without pyarrow installed it always steps aside. Nothing here
knows what a survey or a team is.
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

from gapmap.files.readers import check_one_encoding, column_letter, sniff
from gapmap.problems import InputError
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


def _utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8, checked in slices so a large file is never held twice as text."""
    if data.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), CHUNK):
            decoder.decode(view[start : start + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _source(data: bytes, name: str) -> tuple[bytes, str] | None:
    """(the file as UTF-8 bytes, its encoding as :func:`gapmap.files.readers.decode` names it), or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
        return (text, "utf-16") if text.find(b"\x00") < 0 else None
    if data.startswith(b"PK\x03\x04") or data.find(b"\x00") >= 0:
        return None
    if _utf8(data):
        return data, "utf-8"
    check_one_encoding(data, name)
    try:
        return data.decode("cp1252").encode("utf-8"), "windows-1252"
    except UnicodeDecodeError:
        return None


@dataclass(frozen=True)
class _Scan:
    records: int  # records after the start offset (a last record without a line end included)
    kept: np.ndarray  # index of every record that is not an empty line: the rows the parser returns, in order
    longest: int  # bytes in the longest record: no cell in the file is longer


def _scan(buf: np.ndarray, start: int, delimiter: int) -> _Scan | None:
    """Check that every quote opens a cell, closes one, or doubles one inside a cell, and find the records.

    With quotes used only that way, whether a byte is inside a quoted cell is the parity of the quotes before
    it, so csv (strict) and pyarrow split the file alike and a line end outside quotes ends a record. Any
    other quote (text after a closing quote, a quote inside an unquoted cell, one never closed) gives None:
    pyarrow would read such a file where csv refuses it. Works in chunks, so its temporary arrays stay small.
    """
    n = len(buf)
    allowed = np.zeros(256, dtype=bool)
    allowed[[delimiter, CR, LF, QUOTE]] = True
    quotes = 0
    found: list[np.ndarray] = []
    for lo in range(start, n, CHUNK):
        chunk = buf[lo : min(n, lo + CHUNK)]
        q = np.flatnonzero(chunk == QUOTE) + lo
        opening, closing = q[quotes % 2 :: 2], q[1 - quotes % 2 :: 2]  # quotes alternate: open, close
        if not (
            (allowed[buf[np.maximum(opening - 1, 0)]] | (opening == start)).all()
            and (allowed[buf[np.minimum(closing + 1, n - 1)]] | (closing == n - 1)).all()
        ):
            return None
        lf = np.flatnonzero(chunk == LF)
        cr = np.flatnonzero(chunk == CR)
        if not cr.size:
            ends = lf + lo
            if ends.size and ends[0] == lo > start and buf[lo - 1] == CR:
                ends = ends[1:]  # the "\n" of a "\r\n" split between two chunks
        elif cr.size == lf.size and np.array_equal(cr + 1, lf):
            ends = cr + lo  # every line ends "\r\n": one line end each, at its "\r"
        else:
            ends = np.union1d(lf, cr) + lo
            # "\r\n" is one line end: its "\n" does not end another record.
            crlf = (buf[ends] == LF) & (ends > start) & (buf[np.maximum(ends - 1, 0)] == CR)
            ends = ends[~crlf]
        found.append(ends[(quotes + np.searchsorted(q, ends)) % 2 == 0])
        quotes += int(q.size)
    if quotes % 2:
        return None  # a quote never closed
    ends = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
    after = ends + 1 + ((buf[ends] == CR) & (buf[np.minimum(ends + 1, n - 1)] == LF) & (ends + 1 < n))
    starts = np.concatenate(([start], after))
    lengths = np.append(ends, n) - starts  # the last: what follows the last line end (0 if nothing)
    if lengths[-1] == 0:
        lengths = lengths[:-1]
    return _Scan(len(lengths), np.flatnonzero(lengths > 0), int(lengths.max(initial=0)))


def _head(data: bytes, bom: bool) -> str:
    """The start of the file as text (all of it when small); a character cut at the end waits for more bytes.
    ``bom``: a UTF-8 file, whose byte-order mark is not text (a second mark after UTF-16's own is)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig" if bom else "utf-8")()
    return decoder.decode(data[:HEAD_BYTES], final=len(data) <= HEAD_BYTES)


def _header(text: str, delimiter: str, complete: bool) -> tuple[int, list[str]] | None:
    """(index of the header record, its cells): the first record with a non-blank cell, read by csv."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    found: tuple[int, list[str]] | None = None
    try:
        for index, cells in enumerate(reader):
            if found is not None:
                return found  # a record follows, so the header was not cut by the end of the head
            if any(c.strip() for c in cells):
                found = (index, cells)
    except csv.Error:  # in a later record (the reference reports it), or where the head was cut
        complete = False
    return found if complete else None


def _parse(
    data: bytes, start: int, delimiter: str, width: int, use: list[int]
) -> dict[int, tuple[np.ndarray, list[str]]] | None:
    """Columns ``use`` of every non-empty record: a code per row and the distinct texts (as written)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pc
    except ImportError:
        return None
    names = [f"c{i}" for i in range(width)]
    wanted = [names[i] for i in use]
    try:
        table = pc.read_csv(
            pa.py_buffer(memoryview(data)[start:]),
            read_options=pc.ReadOptions(column_names=names),
            parse_options=pc.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=True,
            ),
            convert_options=pc.ConvertOptions(
                include_columns=wanted,
                column_types={n: pa.dictionary(pa.int32(), pa.string()) for n in wanted},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                true_values=[],
                false_values=[],
            ),
        ).unify_dictionaries()
    except (pa.ArrowException, ValueError):  # a row of another length, and the like: the reference reports
        return None
    out: dict[int, tuple[np.ndarray, list[str]]] = {}
    for i, n in zip(use, wanted, strict=True):
        column = table.column(n)
        if column.num_chunks == 0:
            out[i] = (np.empty(0, dtype=np.int32), [])
            continue
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in column.chunks])
        out[i] = (codes, [str(v) for v in column.chunk(0).dictionary.to_pylist()])
    return out


def _blank(codes: np.ndarray, values: list[str]) -> np.ndarray:
    """Per row: whether the cell is blank (spaces only), decided once per distinct value."""
    return np.array([not v.strip() for v in values], dtype=bool)[codes] if values else np.ones(0, bool)


def read(
    data: bytes, name: str, settings: Settings, wanted: Callable[[str], bool] | None = None
) -> Columns | None:
    """The file as columns, or None when :func:`gapmap.files.readers.parse_csv` must read it (see the module doc).

    ``wanted`` picks the columns to read by heading; the others are tokenised by the parser but never
    become values. Every heading is still returned, in file order.
    """
    source = _source(data, name)
    if source is None:
        return None
    data, encoding = source
    head = _head(data, encoding == "utf-8")
    complete = len(data) <= HEAD_BYTES
    if not head.strip():
        return None  # empty, or a megabyte of blank lines: the reference says which
    start = 3 if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8) else 0
    first = re.match(r"([^\r\n]*)(\r\n|\r|\n|$)", head)
    m = re.fullmatch(r'"?sep=(.)"?', first.group(1) if first else "", re.IGNORECASE)
    try:
        if m and first:
            delimiter = m.group(1)
            start += len(head[: first.end()].encode("utf-8"))
            head = head[first.end() :]
        else:
            delimiter = sniff(head, name)
    except InputError:
        return None
    if not (delimiter.isascii() and not delimiter.isalnum() and delimiter not in '"\r\n'):
        return None
    found = _header(head, delimiter, complete)
    if found is None or settings.max_rows < 1:
        return None
    header_index, cells = found
    width = len(cells)
    header = [c.strip() for c in cells]
    if width > settings.max_cells_per_row or any(len(c) > settings.max_cell_chars for c in cells):
        return None
    named = [h for h in header if h]
    if len({h.casefold() for h in named}) < len(named):
        return None  # a duplicate heading: the reference names both columns

    scan = _scan(np.frombuffer(data, dtype=np.uint8), start, ord(delimiter))
    if scan is None or scan.records - header_index - 1 > settings.max_rows:
        return None  # the reference reports the row past the limit
    unnamed = [i for i, h in enumerate(header) if not h]
    # Every column when a record is long enough to hold an over-long cell, so each cell can be measured.
    check_all = scan.longest > settings.max_cell_chars
    use = [i for i, h in enumerate(header) if check_all or wanted is None or not h or wanted(h)]
    columns = _parse(data, start, delimiter, width, use) if use else None
    if columns is None or any(len(codes) != len(scan.kept) for codes, _ in columns.values()):
        return None
    if check_all and any(len(v) > settings.max_cell_chars for _, values in columns.values() for v in values):
        return None
    at = int(np.searchsorted(scan.kept, header_index))
    if (
        at >= len(scan.kept)
        or scan.kept[at] != header_index
        or [columns[i][1][columns[i][0][at]] for i in use] != [cells[i] for i in use]
    ):
        return None  # the parsers disagree about the header: let the reference read the file

    blank = np.ones(len(scan.kept), dtype=bool)
    for codes, values in columns.values():
        blank &= _blank(codes, values)
    skipped = [i for i in range(width) if i not in columns]
    after = scan.kept > header_index
    if skipped and (blank & after).any():  # blank in every column read: look at the others too
        rest = _parse(data, start, delimiter, width, skipped)
        if rest is None:
            return None
        for codes, values in rest.values():
            blank &= _blank(codes, values)
    rows = np.flatnonzero(after & ~blank)
    for i in unnamed:  # an empty column Excel saved beyond the data is dropped; one with data is named
        if not _blank(*columns[i])[rows].all():
            header[i] = f"(no heading, column {column_letter(i)})"
    keep = [i for i in use if header[i] and (wanted is None or wanted(header[i]))]
    frame = pd.DataFrame(
        {
            header[i]: pd.Categorical.from_codes(
                columns[i][0][rows], categories=pd.Index(columns[i][1], dtype=object), validate=False
            )
            for i in keep
        },
        index=pd.RangeIndex(len(rows)),
    )
    empty = np.ones(scan.records, dtype=bool)
    empty[scan.kept] = False
    blank_rows = np.union1d(
        scan.kept[after & blank], np.flatnonzero(empty)[np.flatnonzero(empty) > header_index]
    )
    return Columns(
        header=[h for h in header if h],
        frame=frame,
        row_numbers=scan.kept[rows] + 1,
        blank_rows=(blank_rows + 1).tolist(),
        encoding=encoding,
    )
