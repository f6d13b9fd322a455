"""Validate a survey table once: map columns to questions and answers to options, collecting every problem."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gapmap import areas
from gapmap.io import Table
from gapmap.problems import InputError, Issue
from gapmap.questions import (
    QUESTION_BY_ID,
    Question,
    answer_lookup,
    column_lookup,
    norm,
)
from gapmap.readers import row_ranges

SYNTHETIC_COLUMN = "synthetic"
SYNTHETIC_MARK = "synthetic sample"
AREA_ITEM = "where_do_you_work"


@dataclass
class Responses:
    """Validated survey answers, one row per respondent.

    ``frame`` has 'area_code' ('' when not given), 'profession', 'row' (spreadsheet row) and one column per
    answered item (see :func:`gapmap.questions.item_key`), holding option labels, or None for no answer.
    Ratings hold floats.
    """

    frame: pd.DataFrame
    source: str
    synthetic: bool
    items: frozenset[str]
    notes: list[str] = field(default_factory=list)
    cache: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

    def has(self, key: str) -> bool:
        return key in self.items

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


def level_column(level: str) -> str:
    """Column of validated responses holding each response's area at one level ('' where not placed)."""
    return f"at_{level}"


def placement(codes: pd.Series) -> pd.DataFrame:
    """Each response's area at every level: the finest its answer gives, and every coarser level above it.

    A response answered with a local authority is counted in its NHS area, region and nation; one answered with
    a region cannot be placed at NHS-area or local-authority level ('' there).
    """
    t = areas.table()
    distinct = {c: {lv: t.ancestor(c, lv) for lv in t.level_order} for c in codes.unique()}
    return pd.DataFrame(
        {
            level_column(lv): codes.map({c: d[lv] for c, d in distinct.items()}).fillna("")
            for lv in t.level_order
        },
        index=codes.index,
    )


def validate(table: Table, *, synthetic: bool | None = None) -> Responses:
    """Map columns and answers of a survey table; raise InputError listing every problem found.

    >>> from gapmap import io, settings
    >>> r = validate(io.read_table(settings.Settings().survey_path))
    >>> len(r.frame), r.synthetic
    (283, True)
    """
    frame = table.frame
    lookup = column_lookup()
    problems: list[Issue] = []
    notes: list[str] = []
    columns: dict[str, str] = {}  # item key -> header
    ignored: list[str] = []
    for header in frame.columns:
        if norm(header) == SYNTHETIC_COLUMN:
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
        notes.append(f"Ignored {len(ignored)} column(s) that are not survey questions: {', '.join(ignored)}.")
    if AREA_ITEM not in columns:
        problems.append(
            Issue(
                1,
                None,
                None,
                "Expected a column for 'Where do you work?' (id where_do_you_work); found none. "
                f"Columns present: {', '.join(frame.columns)}. Fix: rename the nation/region column.",
            )
        )
        raise InputError(problems)

    blank = np.ones(len(frame), dtype=bool)
    for header in frame.columns:
        if not blank.any():
            break
        blank &= frame[header].astype(str).str.strip().eq("").to_numpy()
    numbers = np.asarray(table.row_numbers(), dtype=int)  # spreadsheet numbering: header is row 1
    empty_rows = sorted([*table.blank_rows, *numbers[blank].tolist()])
    kept = frame.loc[~blank]
    rows = pd.Series(numbers, index=frame.index).loc[~blank]
    if not len(kept):
        problems.append(
            Issue(
                None,
                None,
                table.name,
                f"Expected at least one respondent; {table.name} has a header but no answers"
                + (f" ({len(empty_rows)} blank row(s))" if empty_rows else "")
                + ". Fix: export the survey responses again, not just the questions.",
            )
        )
        raise InputError(problems)
    parsed: dict[str, pd.Series] = {}
    for key, header in columns.items():
        question = QUESTION_BY_ID[key.split("[")[0]]
        table_ = answer_lookup(question)
        raw_col = kept[header].astype(str)
        # Parse each distinct answer once: a million rows hold only a handful of spellings.
        mapping: dict[str, object] = {}
        bad: dict[str, str] = {}
        for raw in raw_col.unique():
            try:
                mapping[raw] = _parse(question, raw, table_)
            except Ambiguous as amb:
                names = " and ".join(areas.table().describe(c) for c in amb.codes)
                bad[raw] = (
                    f"Expected one area; '{raw}' names {len(amb.codes)}: {names}. "
                    "Fix: write the area's full name or its GSS code."
                )
            except ValueError:
                bad[raw] = f"Expected {_expected(question)}; found '{raw}'. {_hint(question, raw)}"
        if bad:
            hit = raw_col.isin(list(bad))
            for row, raw in zip(rows[hit], raw_col[hit], strict=True):
                problems.append(Issue(row, header, raw, bad[raw]))
        parsed[key] = raw_col.map(mapping)
    order = {header: i for i, header in enumerate(frame.columns)}
    problems.sort(key=lambda i: (i.row or 0, order.get(i.column or "", 0)))
    out: dict[str, object] = {
        "row": rows.to_numpy(),
        "area_code": parsed[AREA_ITEM].astype(object).where(parsed[AREA_ITEM].notna(), "").to_numpy(),
        "profession": parsed["profession"].to_numpy() if "profession" in parsed else [None] * len(kept),
    }
    for k in columns:
        if k not in (AREA_ITEM, "profession"):
            out[k] = parsed[k].to_numpy()
    if problems:
        raise InputError(problems)
    if empty_rows:
        notes.append(f"Skipped {len(empty_rows)} empty row(s): {row_ranges(empty_rows)}.")
    result = pd.DataFrame(out)
    result = pd.concat([result, placement(result["area_code"])], axis=1)
    no_area = int((result["area_code"] == "").sum())
    if no_area:
        notes.append(f"{no_area} respondent(s) gave no area: counted in the UK figures only.")
    if synthetic is None:
        synthetic = (
            SYNTHETIC_COLUMN in {norm(c) for c in frame.columns}
            and bool(len(frame))
            and all(
                norm(v) == norm(SYNTHETIC_MARK)
                for v in frame[next(c for c in frame.columns if norm(c) == SYNTHETIC_COLUMN)]
            )
        )
    missing = sorted(
        {k.split("[")[0] for k in QUESTION_BY_ID} - {k.split("[")[0] for k in columns} - {"final_comments"}
    )
    if missing:
        notes.append("Not in this file (indicators from them are unavailable): " + ", ".join(missing) + ".")
    return Responses(
        frame=result,
        source=table.name,
        synthetic=bool(synthetic),
        items=frozenset(columns),
        notes=notes,
    )
