"""Provision layers: areas outside the nation a source covers are 'not applicable', not 'not in' or 'none'."""

from __future__ import annotations

import pandas as pd

from gapmap.geo import areas
from gapmap.geo.areas import UK_CODE
from gapmap.measures import provision
from gapmap.settings import Settings
from tests.conftest import ROOT


def test_start_for_life_is_england_only():
    s = Settings()
    nation = provision.compute("start_for_life", s, "nation").frame.set_index("area_code")
    for code in ("W92000004", "S92000003", "N92000002"):
        assert nation.loc[code, "category"] == "Outside England (England-only programme)"
        assert pd.isna(nation.loc[code, "value"])
    la = provision.compute("start_for_life", s, "la").frame.set_index("area_code")
    assert (
        la.loc[la.index.str.startswith("W"), "category"] == "Outside England (England-only programme)"
    ).all()
    assert "Not in the programme" not in set(la.loc[~la.index.str.startswith("E"), "category"])
    # The UK share is of England's children: recomputed here from the source CSV and the area table with pandas.
    t = areas.table()
    lad = t.level_frame("la").set_index("code")
    src = pd.read_csv(ROOT / "data" / "provision" / "start_for_life_las.csv", dtype=str)
    codes = {c for cell in src["lad24_codes"] for c in str(cell).replace(";", ",").split(",") if c.strip()}
    codes = {c.strip() for c in codes}
    england = lad.loc[lad.index.str.startswith("E"), "pop_age0to2"].astype(int)
    uk = nation.loc[UK_CODE]
    assert int(uk["n"]) == int(england.sum())
    assert int(uk["k"]) == int(england.loc[sorted(codes & set(england.index))].sum())


def test_scotland_layer_outside_scotland():
    nation = provision.compute("scotland_infant_mh", Settings(), "nation").frame.set_index("area_code")
    assert nation.loc["E92000001", "category"] == "Outside Scotland"
    assert int(nation.loc[UK_CODE, "n"]) == int(nation.loc["S92000003", "n"])
