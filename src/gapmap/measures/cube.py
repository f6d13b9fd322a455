"""Survey sums for every area of every level and every profession at once, and which of them may be shown.

Suppression must hold across every table a user can download (each level, each profession filter), so it is
decided once on the whole cube of cells (area code, profession), with '*' for all professions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from gapmap.geo import areas
from gapmap.geo.areas import UK_CODE
from gapmap.measures import disclosure
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
) -> Cube:
    """Sum the answers into every (area, profession) cell and decide which cells are hidden.

    ``answered`` marks responses in the base, ``k`` those counted (proportions), ``v`` the rating (means;
    NaN where not answered). A measure given as None sums to zero everywhere. Suppression depends only on
    the bases, so indicators whose items were answered by the same people share one decision (``memo``).
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
        hidden = _suppress(n, professions, boundaries_dir, min_base, secondary, memo)
    return Cube(sums=sums, hidden=hidden)


def _suppress(
    n: dict[tuple[str, str], int],
    professions: tuple[str, ...],
    boundaries_dir: str,
    min_base: int,
    secondary: bool,
    memo: dict[object, object] | None,
) -> dict[tuple[str, str], str]:
    """disclosure.suppress, decided once per distinct set of bases (``memo``: kept with the responses)."""
    key = ("suppressed", frozenset(n.items()), professions, boundaries_dir, min_base, secondary)
    if memo is not None and key in memo:
        return dict(memo[key])  # type: ignore[call-overload]
    rels = relations(professions, boundaries_dir)
    hidden = disclosure.suppress(n, rels, min_base, secondary)  # type: ignore[arg-type]
    if memo is not None:
        memo[key] = hidden
    return dict(hidden)  # type: ignore[arg-type]
