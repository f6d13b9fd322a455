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

    sums: pd.DataFrame  # index (code, profession); columns n, k, s, s2
    hidden: dict[tuple[str, str], str]

    def cell(self, code: str, profession: str) -> tuple[int, float, float, float]:
        key = (code, profession)
        if key not in self.sums.index:
            return 0, 0.0, 0.0, 0.0
        vals = [float(x) for x in self.sums.loc[key, ["n", "k", "s", "s2"]].to_numpy()]
        return int(vals[0]), vals[1], vals[2], vals[3]


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
    prof = frame["profession"].fillna("").astype(str)
    data = pd.DataFrame(
        {
            "n": answered.astype(np.int64).to_numpy(),
            "k": k.astype(float).to_numpy(),
            "s": v.fillna(0.0).astype(float).to_numpy(),
            "s2": (v.fillna(0.0).astype(float) ** 2).to_numpy(),
            "p": prof.to_numpy(),
        }
    )
    parts = []
    for lv in t.level_order:
        codes = frame[level_column(lv)].to_numpy()
        d = data.assign(code=codes)
        d = d.loc[d["code"] != ""]
        parts.append(d.groupby(["code", "p"])[["n", "k", "s", "s2"]].sum())
        parts.append(d.groupby("code")[["n", "k", "s", "s2"]].sum().assign(p=ALL).set_index("p", append=True))
    parts.append(data.groupby("p")[["n", "k", "s", "s2"]].sum().assign(code=UK_CODE).reset_index())
    uk_by_prof = parts.pop().set_index(["code", "p"])
    uk_all = (
        data[["n", "k", "s", "s2"]].sum().to_frame().T.assign(code=UK_CODE, p=ALL).set_index(["code", "p"])
    )
    sums = pd.concat([*parts, uk_by_prof, uk_all])
    sums = sums.loc[~sums.index.duplicated(keep="first")]  # Wales is a nation and a region: one cell
    hidden: dict[tuple[str, str], str] = {}
    if suppress:
        professions = tuple(sorted(p for p in prof.unique() if p))
        n: dict[tuple[str, str], int] = {
            (str(key[0]), str(key[1])): int(v)  # type: ignore[index]
            for key, v in sums["n"].items()
        }
        # Every area of every level is a cell, answered or not: an empty area hides nothing but counts.
        for code in t.frame["code"]:
            for p in (ALL, *professions):
                n.setdefault((code, p), 0)
        n.pop(("", ALL), None)
        n = {key: v for key, v in n.items() if key[1] != ""}
        rels = relations(professions, boundaries_dir)
        hidden = disclosure.suppress(n, rels, min_base, secondary)  # type: ignore[arg-type, assignment]
    return Cube(sums=sums, hidden=hidden)
