"""Hex layouts: every area of every level has exactly one hexagon shape with our code, none overlap, the NHS
layout is what its script makes, and the outlines drawn over the hexagons hold them."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
import shapely

from gapmap.geo import hexes
from gapmap.problems import InputError
from tests.conftest import ROOT

AREAS = pd.read_csv(ROOT / "boundaries" / "areas.csv", keep_default_na=False)
LEVELS = ("nation", "region", "nhs", "la")


@pytest.mark.parametrize("level", LEVELS)
def test_every_area_has_exactly_one_hex_shape_with_our_code(level: str):
    ours = AREAS.loc[AREAS["level"] == level]
    frame = hexes.layout(level)
    assert sorted(frame["area_code"]) == sorted(ours["code"])  # none missing, none extra, none twice
    assert frame["area_code"].is_unique
    names = dict(zip(ours["code"], ours["name"], strict=True))
    assert all(names[c] == n for c, n in zip(frame["area_code"], frame["area_name"], strict=True))
    assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any()


@pytest.mark.parametrize("level", ("nhs", "la"))
def test_each_area_is_one_regular_hexagon_of_the_same_size(level: str):
    frame = hexes.layout(level)
    assert (frame.geometry.geom_type == "Polygon").all()
    assert all(len(g.exterior.coords) == 7 for g in frame.geometry)
    # A regular hexagon of circumradius 1 has area 3√3/2.
    assert frame.geometry.area.round(9).eq(round(1.5 * 3**0.5, 9)).all()


@pytest.mark.parametrize("level", LEVELS)
def test_no_two_hexagons_overlap(level: str):
    geoms = hexes.layout(level).geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a < b]
    overlaps = [(a, b) for a, b in pairs if shapely.intersection(geoms[a], geoms[b]).area > 1e-9]
    assert overlaps == []
    # Together they cover exactly the sum of their areas (a second, independent check).
    assert shapely.union_all(geoms).area == pytest.approx(sum(g.area for g in geoms))


def test_region_and_nation_hexes_are_the_union_of_their_local_authorities():
    la = hexes.layout("la").set_index("area_code")
    las = AREAS.loc[AREAS["level"] == "la"]
    for level in ("region", "nation"):
        for code, geom in hexes.layout(level).set_index("area_code").geometry.items():
            members = las.loc[las[f"{level}_code"] == code, "code"]
            assert geom.area == pytest.approx(la.loc[members].geometry.area.sum())


def test_bundled_la_layout_keys_equal_our_codes():
    keys = set(json.loads((ROOT / "boundaries" / "hex" / "la.hexjson").read_text("utf-8"))["hexes"])
    assert keys == set(AREAS.loc[AREAS["level"] == "la", "code"])


def test_nhs_layout_is_what_its_script_makes(tmp_path):
    bundled = json.loads((ROOT / "boundaries" / "hex" / "nhs.hexjson").read_text("utf-8"))
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_hex_nhs
    finally:
        sys.path.pop(0)
    assert make_hex_nhs.build() == bundled
    # The English ICBs keep their published cells, matched through the crosswalk.
    walk = pd.read_csv(ROOT / "boundaries" / "hex" / "nhs-icb-england-crosswalk.csv")
    for _, row in walk.iterrows():
        h = bundled["hexes"][row["nhs_area_code"]]
        assert (h["q"], h["r"]) == (row["q"], row["r"])


def test_hexes_of_a_nation_sit_together_in_roughly_the_right_place():
    """Scotland above England, Northern Ireland west of Scotland, Wales west of England's middle."""
    frame = hexes.layout("nhs")
    nation = frame["area_code"].map(dict(zip(AREAS["code"], AREAS["nation_code"], strict=True)))
    c = frame.geometry.centroid
    mean = {n: (c.x[nation == n].mean(), c.y[nation == n].mean()) for n in set(nation)}
    eng, sco, wal, ni = (mean[k] for k in ("E92000001", "S92000003", "W92000004", "N92000002"))
    assert sco[1] > eng[1] and ni[0] < sco[0] and wal[0] < eng[0]
    assert c.y[nation == "S92000003"].min() > c.y[nation == "E92000001"].max()


@pytest.mark.parametrize(("level", "count"), [("la", 12), ("nhs", 4), ("region", 4), ("nation", 0)])
def test_outlines_hold_the_hexagons(level: str, count: int):
    lines = hexes.outlines(level)
    assert len(lines) == count
    if count:
        union = shapely.union_all(lines.geometry.to_numpy())
        assert union.area == pytest.approx(hexes.layout(level).geometry.area.sum())


def test_the_script_refuses_a_layout_with_two_areas_in_one_cell(tmp_path):
    code = (
        "import sys; sys.path.insert(0, 'scripts'); import make_hex_nhs as m; "
        "m.OTHERS['W11000024'] = ('PTH', 2, 7); m.build()"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "share the cell q=2, r=7" in done.stderr


@pytest.mark.parametrize(("shape", "ok"), [("hex", True), ("map", True), ("hexes", False), ("", False)])
def test_check_shape(shape: str, ok: bool):
    if ok:
        assert hexes.check_shape(shape) == shape
    else:
        with pytest.raises(InputError, match="Expected one of map, hex"):
            hexes.check_shape(shape)
