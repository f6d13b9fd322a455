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
        assert nation.loc[code, "category"] == "Not applicable: outside England (England-only programme)"
        assert pd.isna(nation.loc[code, "value"])
    la = provision.compute("start_for_life", s, "la").frame.set_index("area_code")
    assert (
        la.loc[la.index.str.startswith("W"), "category"]
        == "Not applicable: outside England (England-only programme)"
    ).all()
    assert "Not in the programme" not in set(la.loc[~la.index.str.startswith("E"), "category"])
    # The UK share is of England's children: recomputed here from the source CSV and the area table with pandas.
    t = areas.table()
    lad = t.level_frame("la").set_index("code")
    src = pd.read_csv(ROOT / "data" / "provision" / "start_for_life_las.csv", dtype=str)
    codes = {c for cell in src["lad24_codes"] for c in str(cell).replace(";", ",").split(",") if c.strip()}
    codes = {c.strip() for c in codes}
    england = lad.loc[lad.index.str.startswith("E"), "pop_age0to2"].astype(int)
    assert UK_CODE not in nation.index  # the benchmark is England's own row: England's children
    uk = nation.loc["E92000001"]
    assert int(uk["n"]) == int(england.sum())
    assert int(uk["k"]) == int(england.loc[sorted(codes & set(england.index))].sum())


def test_scotland_layer_outside_scotland():
    nation = provision.compute("scotland_infant_mh", Settings(), "nation").frame.set_index("area_code")
    assert nation.loc["E92000001", "category"] == "Not applicable: outside Scotland"
    table = provision.compute("scotland_infant_mh", Settings(), "nation")
    assert table.benchmark["area_code"] == "S92000003" and table.benchmark_is_area
    assert len(table.areas) == 4 and UK_CODE not in nation.index


def test_scotland_boards_with_no_source_have_no_value_not_zero():
    table = provision.compute("scotland_infant_mh", Settings(), "nhs")
    f = table.frame.set_index("area_code")
    no_value = f.loc[f["category"].isin(provision.NO_VALUE["scotland_infant_mh"])]
    assert len(no_value) == 6 and no_value["value"].isna().all() and no_value["k"].isna().all()
    assert f.loc["S08000016", "category"].startswith("No data")  # NHS Borders: nothing sourced
    bench = table.benchmark
    assert (bench["area_code"], bench["area_name"], int(bench["n"]), int(bench["k"])) == (
        "S92000003",
        "Scotland",
        157772,
        108651,
    )
    # Northern Ireland's trusts have codes beginning with S but are not Scottish.
    assert f.loc["SHSCT", "category"] == "Not applicable: outside Scotland"
