"""Survey sums for every area of every level and every profession at once, and which of them may be shown.

Suppression must hold across every table a user can download (each level, each profession filter), so it is
decided once on the whole cube of cells (area code, profession), with '*' for all professions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from gapmap import areas, disclosure
from gapmap.areas import UK_CODE
from gapmap.survey import level_column

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


def build(
    frame: pd.DataFrame,
    answered: pd.Series,
    k: pd.Series,
    v: pd.Series,
    min_base: int,
    suppress: bool,
    boundaries_dir: str,
    secondary: bool = True,
) -> Cube:
    """Sum the answers into every (area, profession) cell and decide which cells are hidden.

    ``answered`` marks responses in the base, ``k`` those counted (proportions), ``v`` the rating (means).
    """
    t = areas.table(boundaries_dir)
    prof_codes, prof_names = pd.factorize(frame["profession"].fillna("").astype(str), sort=True)
    n_prof = len(prof_names) + 1  # the last slot is "all professions"
    weights = {
        "n": answered.to_numpy(dtype=float),
        "k": k.fillna(0.0).to_numpy(dtype=float),
        "s": v.fillna(0.0).to_numpy(dtype=float),
        "s2": v.fillna(0.0).to_numpy(dtype=float) ** 2,
    }
    labels = [*map(str, prof_names), ALL]
    sums: dict[tuple[str, str], tuple[int, float, float, float]] = {}
    # One bincount per level and measure over (area, profession): a million rows stay a few array passes.
    groups = [(level_column(lv), None) for lv in t.level_order] + [("", UK_CODE)]
    for col, fixed in groups:
        if fixed:
            area_codes, area_names = np.zeros(len(frame), dtype=np.int64), pd.Index([fixed])
        else:
            area_codes, area_names = pd.factorize(frame[col], sort=True)
        size = len(area_names) * n_prof
        cell_of = area_codes * n_prof + prof_codes
        tot = {
            m: np.bincount(cell_of, weights=w, minlength=size).reshape(-1, n_prof) for m, w in weights.items()
        }
        for m in tot:
            tot[m][:, -1] = tot[m][:, :-1].sum(axis=1)
        for i, code in enumerate(map(str, area_names)):
            if not code:
                continue
            for j, p in enumerate(labels):
                if tot["n"][i, j] or p == ALL:
                    key = (code, p)
                    if key not in sums:  # Wales is a nation and a region: one cell
                        sums[key] = (int(tot["n"][i, j]), tot["k"][i, j], tot["s"][i, j], tot["s2"][i, j])
    hidden: dict[tuple[str, str], str] = {}
    if suppress:
        professions = tuple(str(p) for p in prof_names if p)
        n: dict[tuple[str, str], int] = {key: v[0] for key, v in sums.items()}
        # Every area of every level is a cell, answered or not: an empty area hides nothing but counts.
        for code in t.frame["code"]:
            for p in (ALL, *professions):
                n.setdefault((code, p), 0)
        n.pop(("", ALL), None)
        n = {key: v for key, v in n.items() if key[1] != ""}
        rels = relations(professions, boundaries_dir)
        hidden = disclosure.suppress(n, rels, min_base, secondary)  # type: ignore[arg-type, assignment]
    return Cube(sums=sums, hidden=hidden)
