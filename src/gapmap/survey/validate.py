"""Validate a survey table once: map columns to questions and answers to options, collecting every problem."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gapmap.files import io
from gapmap.files.io import Table
from gapmap.files.readers import row_ranges
from gapmap.geo import areas
from gapmap.problems import InputError, Issue
from gapmap.safetext import count
from gapmap.settings import Settings, from_env
from gapmap.survey.questions import (
    QUESTION_BY_ID,
    Question,
    answer_lookup,
    column_lookup,
    norm,
)
from gapmap.survey.waves import WAVE_COLUMN, latest

SYNTHETIC_COLUMN = "synthetic"

SYNTHETIC_MARK = "synthetic sample"
AREA_ITEM = "where_do_you_work"


@dataclass
class Responses:
    """Validated survey answers, one row per respondent.

    ``frame`` has 'area_code' ('' when not given), 'profession', 'row' (spreadsheet row) and one column per
    answered item (see :func:`gapmap.survey.questions.item_key`), holding option labels, or None for no answer.
    Ratings hold floats.
    """

    frame: pd.DataFrame
    source: str
    synthetic: bool
    items: frozenset[str]
    notes: list[str] = field(default_factory=list)
    cache: dict[object, object] = field(default_factory=dict, repr=False, compare=False)
    # Who gave the file: '' for the bundled sample, else 'uploaded by the user' (app) or 'supplied by the user'
    # (CLI): a file of the user's own is credited to its name, never to the 2021 report.
    supplied_by: str = ""

    def has(self, key: str) -> bool:
        return key in self.items

    def coded(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """One item's answers as an integer code per response (-1: not answered) and the distinct answers.

        Validation leaves these behind for every item, so indicators test each distinct answer once.

        >>> from gapmap.survey.validate import load_survey
        >>> codes, labels = load_survey().coded("specialist_team_in_cypmhs")
        >>> len(codes), sorted(labels)
        (283, ["Don't know", 'No', 'Partly', 'Yes'])
        """
        memo = ("coded", key)
        held = self.cache.get(memo)
        if isinstance(held, tuple) and held[0] is self.frame:  # made for this frame, not a copy's
            return held[1], held[2]
        codes, labels = pd.factorize(self.frame[key], use_na_sentinel=True)
        values = np.empty(len(labels), dtype=object)
        values[:] = list(labels)
        self.cache[memo] = (self.frame, codes, values)
        return codes, values

    def professions(self) -> list[str]:
        values = self.frame["profession"].dropna().unique().tolist() if "profession" in self.frame else []
        return sorted(v for v in values if v)


def _expected(question: Question) -> str:
    if question.kind == "area":
        return (
            "a UK nation, English region, NHS area (ICB, health board, HSC trust) or local authority, by name or "
            "GSS code, or 'Across more than one nation'"
        )
    if question.kind == "rating":
        return "a whole number from 1 to 5"
    if question.kind == "referral_age":
        return "'Pregnancy', an age in whole years from 0 to 25, or 'Don't know'"
    return "one of " + ", ".join(f"'{o}'" for o in question.options)


class Ambiguous(ValueError):
    """An area answer that names more than one area."""

    def __init__(self, codes: tuple[str, ...]) -> None:
        super().__init__(codes)
        self.codes = codes


def _parse(question: Question, raw: str, table: dict[str, str]) -> str | float | None:
    """Option label (or rating, or area code) for a raw answer; raises ValueError if it is none of them."""
    key = norm(raw)
    if key == "":
        return None
    if question.kind == "area":
        match = areas.table().match(raw)
        if len(match.codes) > 1:
            raise Ambiguous(match.codes)
        if not match.codes:
            raise ValueError
        return match.codes[0]
    if question.kind == "text":
        return raw.strip()
    if question.kind in ("rating", "referral_age") and raw.strip().startswith("-"):
        raise ValueError  # norm() drops the minus sign: a negative number is never an age or a score
    if question.kind == "rating":
        # A whole score, optionally "4.0", "4/5" or "4 out of 5". Not "2.5" or "3,5": a decimal is not a
        # score the survey offered (norm() would turn "2.5" into "2 5", read as "2 of 5").
        m = re.fullmatch(r"([1-5])(?:[.,]0+)?(?:\s*(?:/|out of)\s*5)?", raw.strip().lower())
        if not m:
            raise ValueError
        return float(m.group(1))
    if question.kind == "referral_age":
        m = re.fullmatch(r"(?:age )?(\d+)(?: 0+)?(?: years?(?: old)?| yrs?| y)?", key)
        if m:
            age = int(m.group(1))
            if age > 25:
                raise ValueError
            return str(age)
    if key in table:
        return table[key]
    raise ValueError


def _hint(question: Question, raw: str) -> str:
    if question.kind == "referral_age":
        return "Fix: correct the age (services take referrals from pregnancy up to 25 at most)."
    if question.kind == "area":
        close = areas.table().match(raw).closest
        if close:
            return "Fix: did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        return "Fix: use the area's name as ONS lists it (e.g. 'North West', 'Cardiff', 'NHS Fife') or its GSS code."
    if question.kind == "rating":
        if re.fullmatch(r"\d+[.,]\d*[1-9]\d*", raw.strip()):
            return "Fix: the survey offered whole scores only; use the score the respondent chose, 1 to 5."
        return "Fix: use the score the respondent chose, 1 to 5."
    return "Fix: use one of the options, or leave the cell blank if the question was not answered."


def _frame(columns: dict[str, object]) -> pd.DataFrame:
    """A frame whose text columns stay object arrays of Python strings and None.

    pandas would otherwise copy every string into a new string array (seconds and hundreds of MB for a
    million responses) and turn None into NaN.
    """
    return pd.DataFrame(
        {
            k: pd.Series(v, dtype=object, copy=False)
            if isinstance(v, np.ndarray) and v.dtype == object
            else v
            for k, v in columns.items()
        },
        copy=False,
    )


def level_column(level: str) -> str:
    """Column of validated responses holding each response's area at one level ('' where not placed)."""
    return f"at_{level}"


def placement(codes: pd.Series) -> pd.DataFrame:
    """Each response's area at every level: the finest its answer gives, and every coarser level above it.

    A response answered with a local authority is counted in its NHS area, region and nation; one answered with
    a region cannot be placed at NHS-area or local-authority level ('' there).
    """
    t = areas.table()
    index, distinct = pd.factorize(codes)  # each distinct answer placed once, then spread by its code
    out: dict[str, object] = {}
    for lv in t.level_order:
        at = np.empty(len(distinct) + 1, dtype=object)
        at[:-1] = [t.ancestor(str(c), lv) for c in distinct]
        at[-1] = ""  # a missing code (-1) places nowhere
        out[level_column(lv)] = at[index]
    return _frame(out).set_axis(codes.index)


def is_question_column(header: str) -> bool:
    """Whether :func:`validate` reads a column with this heading (a question, or the synthetic-sample mark).

    Pass it to :func:`gapmap.files.io.read_table` as ``columns`` so other columns are never read into memory.

    >>> is_question_column("Where do you work?"), is_question_column("Timestamp")
    (True, False)
    """
    key = norm(header)
    return key in (SYNTHETIC_COLUMN, WAVE_COLUMN) or key in column_lookup()


def _distinct(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """A column as an integer code per row and its distinct texts (as ``astype(str)`` gives them; a text
    may be listed that no row holds)."""
    if isinstance(column.dtype, pd.CategoricalDtype) and not column.hasnans:
        # Categories no row holds may be listed too: callers look only at the codes present.
        return column.cat.codes.to_numpy(), [str(v) for v in column.cat.categories]
    if column.dtype != object or pd.api.types.infer_dtype(column, skipna=False) != "string":
        column = column.astype(str)
    codes, uniques = pd.factorize(column)
    return codes, [str(v) for v in uniques]


def validate(table: Table, *, synthetic: bool | None = None) -> Responses:
    """Map columns and answers of a survey table; raise InputError listing every problem found.

    Each column's distinct answers are parsed once and the results spread to every row by integer codes, so
    a million responses cost little more than the handful of spellings in them.

    >>> from gapmap import settings
    >>> from gapmap.files import io
    >>> r = validate(io.read_table(settings.Settings().survey_path))
    >>> len(r.frame), r.synthetic
    (283, True)
    """
    frame = table.frame
    headings = table.headings()
    lookup = column_lookup()
    problems: list[Issue] = []
    notes: list[str] = []
    columns: dict[str, str] = {}  # item key -> header
    ignored: list[str] = []
    wave_header = None
    for header in headings:
        if norm(header) == SYNTHETIC_COLUMN:
            continue
        if norm(header) == WAVE_COLUMN:
            wave_header = header
            continue
        key = lookup.get(norm(header))
        if key is None:
            ignored.append(header)
        elif key in columns:
            problems.append(
                Issue(
                    1,
                    header,
                    header,
                    f"Expected one column for '{key}'; found it twice ('{columns[key]}' and '{header}'). "
                    "Fix: delete or rename one of them.",
                )
            )
        else:
            columns[key] = header
    if ignored:
        notes.append(
            f"Ignored {count(len(ignored), 'column')} that {'is' if len(ignored) == 1 else 'are'} not survey questions: {', '.join(ignored)}."
        )
    if AREA_ITEM not in columns:
        problems.append(
            Issue(
                1,
                None,
                None,
                "Expected a column for 'Where do you work?' (id where_do_you_work); found none. "
                f"Columns present: {', '.join(headings)}. Fix: rename the nation/region column.",
            )
        )
        raise InputError(problems)

    distinct = {header: _distinct(frame[header]) for header in frame.columns}
    # A row blank in every column is skipped; where columns were left unread, the reader has done it.
    blank = np.full(len(frame), len(frame.columns) == len(headings))
    for codes, values in distinct.values() if blank.any() else ():
        blank &= np.array([not v.strip() for v in values], dtype=bool)[codes]
    numbers = table.row_array()  # spreadsheet numbering: header is row 1
    empty_rows = sorted([*table.blank_rows, *numbers[blank].tolist()])
    kept = ~blank
    rows = numbers[kept]
    n_kept = int(kept.sum())
    if not n_kept:
        problems.append(
            Issue(
                None,
                None,
                table.name,
                f"Expected at least one respondent; {table.name} has a header but no answers"
                + (f" ({count(len(empty_rows), 'blank row')})" if empty_rows else "")
                + ". Fix: export the survey responses again, not just the questions.",
            )
        )
        raise InputError(problems)
    parsed: dict[str, np.ndarray] = {}
    coded: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key, header in columns.items():
        question = QUESTION_BY_ID[key.split("[")[0]]
        table_ = answer_lookup(question)
        codes, values = distinct[header]
        codes = codes[kept] if n_kept < len(frame) else codes
        present = np.bincount(codes, minlength=len(values)) > 0
        # Parse each distinct answer once: a million rows hold only a handful of spellings.
        mapping: list[object] = [None] * len(values)
        bad: dict[int, str] = {}
        for u in np.flatnonzero(present).tolist():
            raw = values[u]
            try:
                mapping[u] = _parse(question, raw, table_)
            except Ambiguous as amb:
                names = " and ".join(areas.table().describe(c) for c in amb.codes)
                bad[u] = (
                    f"Expected one area; '{raw}' names {len(amb.codes)}: {names}. "
                    "Fix: write the area's full name or its GSS code."
                )
            except ValueError:
                bad[u] = f"Expected {_expected(question)}; found '{raw}'. {_hint(question, raw)}"
        if bad:
            is_bad = np.zeros(len(values), dtype=bool)
            is_bad[list(bad)] = True
            for i in np.flatnonzero(is_bad[codes]).tolist():
                problems.append(Issue(int(rows[i]), header, values[codes[i]], bad[int(codes[i])]))
        if question.kind == "rating":
            labels = np.array([np.nan if v is None else v for v in mapping], dtype=float)
        else:
            labels = np.empty(len(mapping), dtype=object)
            labels[:] = mapping
        parsed[key] = labels[codes]
        # The same answers as codes of their distinct meanings (-1: none), kept for the indicators.
        answer_codes, meanings = pd.factorize(pd.Series(mapping, dtype=object), use_na_sentinel=True)
        distinct_meanings = np.empty(len(meanings), dtype=object)
        distinct_meanings[:] = list(meanings)
        coded[key] = (np.asarray(answer_codes)[codes], distinct_meanings)
    waves = _waves(distinct[wave_header], kept, rows, wave_header, problems) if wave_header else None
    order = {header: i for i, header in enumerate(headings)}
    problems.sort(key=lambda i: (i.row or 0, order.get(i.column or "", 0)))
    if problems:
        raise InputError(problems)
    area = parsed[AREA_ITEM]
    area[area == None] = ""  # noqa: E711 (elementwise comparison with None)
    out: dict[str, object] = {
        "row": rows,
        "area_code": area,
        "profession": parsed["profession"] if "profession" in parsed else np.full(n_kept, None, dtype=object),
    }
    for k in columns:
        if k not in (AREA_ITEM, "profession"):
            out[k] = parsed[k]
    if waves is not None:
        out[WAVE_COLUMN] = waves
    if empty_rows:
        notes.append(f"Skipped {count(len(empty_rows), 'empty row')}: {row_ranges(empty_rows)}.")
    result = _frame(out)
    result = pd.concat([result, placement(result["area_code"])], axis=1)
    no_area = int((area == "").sum())
    if no_area:
        notes.append(f"{count(no_area, 'respondent')} gave no area: counted in the UK figures only.")
    if synthetic is None:
        mark = next((h for h in frame.columns if norm(h) == SYNTHETIC_COLUMN), None)
        if mark is not None and len(frame):
            codes, values = distinct[mark]
            held = np.flatnonzero(np.bincount(codes, minlength=len(values))).tolist()
            synthetic = all(norm(values[i]) == norm(SYNTHETIC_MARK) for i in held)
        else:
            synthetic = False
    missing = sorted(
        {k.split("[")[0] for k in QUESTION_BY_ID} - {k.split("[")[0] for k in columns} - {"final_comments"}
    )
    if missing:
        notes.append("Not in this file (indicators from them are unavailable): " + ", ".join(missing) + ".")
    responses = Responses(
        frame=result,
        source=table.name,
        synthetic=bool(synthetic),
        items=frozenset(columns),
        notes=notes,
    )
    for key, (item_codes, item_meanings) in coded.items():
        responses.cache[("coded", key)] = (result, item_codes, item_meanings)
    return responses


def _waves(
    distinct: tuple[np.ndarray, list[str]],
    kept: np.ndarray,
    rows: np.ndarray,
    header: str,
    problems: list[Issue],
) -> np.ndarray:
    """Each kept row's wave label (trimmed); a blank one is a problem, listed with its row."""
    codes, values = distinct
    codes = codes[kept] if len(codes) != int(kept.sum()) else codes
    labels = np.array([v.strip() for v in values], dtype=object)[codes]
    for i in np.flatnonzero(labels == "").tolist():
        problems.append(
            Issue(
                int(rows[i]),
                header,
                "",
                "Expected a wave (a year such as 2024, or a label); found a blank cell. Fix: fill in the wave of "
                "every response, or remove the wave column.",
            )
        )
    return labels


def load_survey(
    path: str | Path | None = None,
    data: bytes | None = None,
    settings: Settings | None = None,
    supplied_by: str = "supplied by the user",
    all_waves: bool = False,
) -> Responses:
    """Validated responses from a survey file (the bundled synthetic sample when no path is given). A file other
    than the bundled sample is marked as ``supplied_by`` the user, so it is credited to its own name. A file of
    several waves gives its latest wave, unless ``all_waves`` (for :mod:`gapmap.survey.waves` to split).

    >>> load_survey().synthetic, load_survey().supplied_by
    (True, '')
    """
    settings = settings or from_env()
    if path is not None and not str(path).strip():  # '--survey ""': a name left out, not the bundled sample
        raise InputError(
            [
                Issue(
                    None,
                    "--survey",
                    str(path),
                    "Expected a survey file's name; found an empty one. Fix: give the file's path, or leave "
                    "--survey out for the bundled synthetic sample.",
                )
            ]
        )
    src = Path(path) if path else settings.survey_path
    table = io.read_table(src, data, settings, columns=is_question_column, categorical=True)
    responses = validate(table)
    if not all_waves:
        responses = latest(responses)
    bundled = data is None and src.resolve() == Path(settings.survey_path).resolve()
    if not bundled:
        responses.supplied_by = supplied_by
    return responses
