"""Survey sums for every area of every level and every profession at once, and which of them may be shown.

Suppression must hold across every table a user can download (each level, each profession filter, each
minimum base), so it is decided once on the whole cube of cells (area code, profession), with '*' for all
professions, and audited against the cube's *atoms*: the finest groups of respondents (one area answer, one
profession) that every cell adds up. See docs/DISCLOSURE.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from gapmap.geo import areas
from gapmap.geo.areas import UK_CODE
from gapmap.measures import audit, disclosure
from gapmap.measures.published import Item
from gapmap.settings import MIN_BASE_FLOOR
from gapmap.survey.validate import level_column

ALL = "*"


@dataclass(frozen=True)
class Cube:
    """Sums per cell: n (answered), k (answers counted), s and s2 (sum and sum of squares of ratings)."""

    sums: dict[tuple[str, str], tuple[int, float, float, float]]  # (code, profession) -> n, k, s, s2
    hidden: dict[tuple[str, str], str]

    def cell(self, code: str, profession: str) -> tuple[int, float, float, float]:
        return self.sums.get((code, profession), (0, 0.0, 0.0, 0.0))


@lru_cache(maxsize=16)
def relations(professions: tuple[str, ...], boundaries_dir: str) -> tuple[disclosure.Relation, ...]:
    """Every additive relation between cells: coarser area = its finer areas (where the finer level nests in
    it), UK = every level's areas, and each area's all-professions cell = its profession cells."""
    t = areas.table(boundaries_dir)
    rels: list[disclosure.Relation] = []
    levels = t.level_order
    profs = (ALL, *professions)
    for i, coarse in enumerate(levels):
        for fine in levels[i + 1 :]:
            f = t.level_frame(fine)
            col = f"{coarse}_code"
            if col not in f.columns or (f[col] == "").any():
                continue  # the finer level does not nest in the coarser one (ICBs across regions)
            groups = f.groupby(col)["code"].apply(tuple)
            for p in profs:
                for parent, kids in groups.items():
                    rels.append(disclosure.Relation((parent, p), tuple((k, p) for k in kids)))
    for lv in levels:
        kids = tuple(t.codes(lv))
        for p in profs:
            rels.append(disclosure.Relation((UK_CODE, p), tuple((k, p) for k in kids)))
    if professions:
        for code in [UK_CODE, *dict.fromkeys(t.frame["code"])]:
            rels.append(disclosure.Relation((code, ALL), tuple((code, p) for p in professions)))
    return tuple(rels)


@dataclass(frozen=True)
class Cells:
    """Where each response is counted: its area's index at every level (the UK last) and its profession's.

    Made once per set of responses (:func:`cells`); each indicator then costs a few bincounts per level.
    """

    levels: tuple[tuple[np.ndarray, tuple[str, ...]], ...]  # (cell index per response, area codes)
    professions: tuple[str, ...]  # sorted; '' for no profession given

    @property
    def width(self) -> int:
        """Cells per area: one per profession, and the last for all professions."""
        return len(self.professions) + 1


def cells(frame: pd.DataFrame, boundaries_dir: str) -> Cells:
    """The cells of validated responses (columns 'profession' and one area column per level)."""
    t = areas.table(boundaries_dir)
    prof_codes, prof_names = pd.factorize(frame["profession"].fillna("").astype(str), sort=True)
    width = len(prof_names) + 1
    levels = []
    for lv in t.level_order:
        codes, names = pd.factorize(frame[level_column(lv)], sort=True)
        levels.append((codes * width + prof_codes, tuple(map(str, names))))
    levels.append((prof_codes.astype(np.int64), (UK_CODE,)))
    return Cells(tuple(levels), tuple(map(str, prof_names)))


@dataclass(frozen=True)
class Atoms:
    """The finest groups of respondents: those in the same cells at every level (one area answer, one
    profession). ``of`` is each response's group, ``keys`` name them ('group', finest area or the UK,
    profession), ``cells`` lists each cell's groups."""

    of: np.ndarray
    keys: tuple[tuple[str, str, str], ...]
    cells: dict[tuple[str, str], tuple[tuple[str, str, str], ...]]

    def unpublished(self, n: np.ndarray) -> dict[tuple[str, str, str], int]:
        """Groups with respondents that no cell equals (answered only with a coarser area, or with no
        profession), by n: an attacker may work them out, so small ones are protected like hidden cells."""
        alone = {members[0] for members in self.cells.values() if len(members) == 1}
        return {k: int(v) for k, v in zip(self.keys, n.tolist(), strict=True) if v and k not in alone}

    def tables(self, item: Item) -> audit.Tables:
        """Respondents per answer class in each group, for the auditor."""
        width = len(item.measures[0].weights) if item.collapse is None else item.collapse.shape[0]
        answered = item.answered
        counts = np.bincount(
            self.of[answered] * width + item.classes[answered], minlength=len(self.keys) * width
        ).reshape(-1, width)
        if item.collapse is not None:
            counts = counts @ item.collapse
        return audit.Tables(
            dict(zip(self.keys, map(tuple, counts.tolist()), strict=True)),
            self.cells,
            item.measures,
            item.integer,
        )

    def n(self, answered: np.ndarray) -> np.ndarray:
        return np.bincount(self.of[answered], minlength=len(self.keys))


def atoms(where: Cells) -> Atoms:
    """The groups of validated responses (made once per file, like :func:`cells`)."""
    width = where.width
    stacked = np.column_stack([cell_of for cell_of, _ in where.levels])
    _, first, of = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    keys = []
    cells: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for r in first.tolist():
        placed = []
        for cell_of, names in where.levels:
            code = names[int(cell_of[r]) // width]
            if code:
                placed.append(code)
        prof = where.professions[int(where.levels[-1][0][r])]
        key = ("group", placed[-2] if len(placed) > 1 else UK_CODE, prof)
        keys.append(key)
        for code in dict.fromkeys(placed):
            for p in (prof, ALL) if prof else (ALL,):
                cells.setdefault((code, p), []).append(key)
    return Atoms(np.asarray(of).reshape(-1), tuple(keys), {c: tuple(a) for c, a in cells.items()})


def build(
    where: Cells,
    answered: np.ndarray,
    k: np.ndarray | None,
    v: np.ndarray | None,
    min_base: int,
    suppress: bool,
    boundaries_dir: str,
    secondary: bool = True,
    memo: dict[object, object] | None = None,
    item: Item | None = None,
    protection: float = 0.1,
) -> Cube:
    """Sum the answers into every (area, profession) cell and decide which cells are hidden.

    ``answered`` marks responses in the base, ``k`` those counted (proportions), ``v`` the rating (means;
    NaN where not answered). A measure given as None sums to zero everywhere.

    Every indicator on one question item shares one suppression pattern, audited against all that ``item``
    publishes (the indicator's own measure when no item is given), so the decision does not depend on which
    indicator is computed first; ``memo`` keeps it with the responses for every minimum base.
    ``protection`` is the share of each hidden cell's range an attacker must stay unsure of (settings).
    """
    t = areas.table(boundaries_dir)
    n_prof = where.width  # the last slot is "all professions"
    weights: dict[str, np.ndarray | None] = {
        "n": np.asarray(answered, dtype=float),
        "k": None if k is None else np.nan_to_num(np.asarray(k, dtype=float)),
        "s": None if v is None else np.nan_to_num(np.asarray(v, dtype=float)),
    }
    weights["s2"] = None if weights["s"] is None else weights["s"] ** 2
    labels = [*where.professions, ALL]
    sums: dict[tuple[str, str], tuple[int, float, float, float]] = {}
    # One bincount per level and measure over (area, profession): a million rows stay a few array passes.
    for cell_of, area_names in where.levels:
        size = len(area_names) * n_prof
        tot = {
            m: np.zeros((len(area_names), n_prof))
            if w is None
            else np.bincount(cell_of, weights=w, minlength=size).reshape(-1, n_prof)
            for m, w in weights.items()
        }
        for m in tot:
            tot[m][:, -1] = tot[m][:, :-1].sum(axis=1)
        # As lists: the loop below reads each cell once, and numpy's per-element access is slow.
        n_, k_, s_, s2_ = (tot[m].tolist() for m in ("n", "k", "s", "s2"))
        for i, code in enumerate(area_names):
            if not code:
                continue
            for j, p in enumerate(labels):
                if n_[i][j] or p == ALL:
                    key = (code, p)
                    if key not in sums:  # Wales is a nation and a region: one cell
                        sums[key] = (int(n_[i][j]), k_[i][j], s_[i][j], s2_[i][j])
    hidden: dict[tuple[str, str], str] = {}
    if suppress:
        professions = tuple(p for p in where.professions if p)
        n: dict[tuple[str, str], int] = {key: v[0] for key, v in sums.items()}
        # Every area of every level is a cell, answered or not: an empty area hides nothing but counts.
        for code in t.frame["code"].tolist():  # a list: iterating pandas' string column is slow
            for p in (ALL, *professions):
                n.setdefault((code, p), 0)
        n.pop(("", ALL), None)
        n = {key: v for key, v in n.items() if key[1] != ""}
        rels = relations(professions, boundaries_dir)
        if secondary:
            nested = _pattern(n, rels, where, answered, k, v, item, protection, memo)
            hidden = nested.hidden(min_base)  # type: ignore[assignment]
        else:
            hidden = disclosure.suppress(n, rels, min_base, False)  # type: ignore[arg-type, assignment]
    return Cube(sums=sums, hidden=hidden)


def _pattern(
    n: dict[tuple[str, str], int],
    rels: tuple[disclosure.Relation, ...],
    where: Cells,
    answered: np.ndarray,
    k: np.ndarray | None,
    v: np.ndarray | None,
    item: Item | None,
    protection: float,
    memo: dict[object, object] | None,
) -> disclosure.Nested:
    """The nested, audited suppression of one item, made once per file (``memo``) for every base."""
    memo = {} if memo is None else memo
    held = memo.get(("atoms", id(where)))
    if isinstance(held, tuple) and held[0] is where:  # made for these cells, not another file's
        groups: Atoms = held[1]
    else:
        groups = atoms(where)
        memo[("atoms", id(where))] = (where, groups)
    answered = np.asarray(answered, dtype=bool)
    if item is None or not np.array_equal(item.answered, answered):  # a measure no item describes
        key: tuple[object, ...] = ("pattern", id(where), answered.tobytes(), _bytes(k), _bytes(v), protection)
    else:
        key = ("pattern", id(where), item.key, protection)
    found = memo.get(key)
    if isinstance(found, disclosure.Nested):
        return found
    if item is None or not np.array_equal(item.answered, answered):
        item = _own_item(answered, k, v)
    auditor = audit.Auditor(groups.tables(item), protection)
    base = groups.n(answered)
    unpublished = groups.unpublished(base)
    # Items answered by the same people share the relations' sums (made once, read at every breakpoint).
    live_key = ("live", id(where), base.tobytes())
    if live_key not in memo:
        memo[live_key] = disclosure.live_relations(n, rels)  # type: ignore[arg-type]
    live: disclosure.Live = memo[live_key]  # type: ignore[assignment]
    found = disclosure.Nested(n, rels, [auditor], unpublished, MIN_BASE_FLOOR, live)  # type: ignore[arg-type]
    memo[key] = found
    return found


def _bytes(a: np.ndarray | None) -> bytes:
    return b"" if a is None else np.asarray(a).tobytes()


def _own_item(answered: np.ndarray, k: np.ndarray | None, v: np.ndarray | None) -> Item:
    """An item of its own for a measure no family describes: counted or not, or its distinct ratings."""
    if v is not None:  # the sum of its values, each between the lowest and highest given
        values = np.where(answered, np.nan_to_num(np.asarray(v, dtype=float)), np.nan)
        distinct = np.array(sorted(set(values[answered].tolist())) or [0.0])
        classes = np.searchsorted(distinct, np.where(answered, values, distinct[0]))
        low, high = float(distinct[0]), float(distinct[-1])
        share = (distinct - low) / (high - low) if high > low else np.zeros(distinct.size)
        collapse = np.column_stack([1 - share, share])
        measure = audit.Measure("mean", (low, high if high > low else low + 1))
        return Item("", np.where(answered, classes, -1).astype(np.int64), (measure,), False, collapse)
    classes = np.asarray(k if k is not None else np.zeros(len(answered)), dtype=bool).astype(np.int64)
    return Item("", np.where(answered, classes, -1).astype(np.int64), audit.COUNT)
