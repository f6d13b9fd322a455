"""`gapmap atlas build`: a page for every area of every level, no broken internal link, each local authority's
coverage as an independent pandas computation from data/teams.csv and the population file finds it, and text
from data escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest

from gapmap.measures.indicators import IndicatorTable
from tests.conftest import ROOT

LEVEL_SIZES = {"uk": 1, "nation": 4, "region": 12, "nhs": 68, "la": 361}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_a_page_for_every_area_of_every_level_and_the_index(atlas_site):
    assert (atlas_site / "index.html").is_file()
    areas = pd.read_csv(ROOT / "boundaries" / "areas.csv", dtype=str, keep_default_na=False)
    expected = {lv: len(areas.loc[areas["level"] == lv]) for lv in ("nation", "region", "nhs", "la")} | {
        "uk": 1
    }
    assert expected == LEVEL_SIZES  # the 446 pages: 1 + 4 + 12 + 68 + 361
    for level, n in expected.items():
        pages = sorted((atlas_site / "area" / level).glob("*.html"))
        assert len(pages) == n, level
        assert len(list((atlas_site / "embed" / level).glob("*.html"))) == n
        assert len(list((atlas_site / "csv" / level).glob("*.csv"))) == n
    assert sum(LEVEL_SIZES.values()) == 446
    for name in (
        "sitemap.xml",
        "ATTRIBUTION.txt",
        "LICENCE.txt",
        "data/gapmap-atlas-tidy.csv",
        "data/la.geojson",
    ):
        assert (atlas_site / name).stat().st_size > 0, name
    sitemap = (atlas_site / "sitemap.xml").read_text()
    assert sitemap.count("<loc>") == 447


def test_no_internal_link_or_source_is_broken_and_nothing_is_fetched_from_elsewhere(atlas_site):
    pages = sorted(atlas_site.rglob("*.html"))
    assert len(pages) >= 446 + 446 + 1
    parsed = {p: _parse(p) for p in pages}
    broken, external = [], []
    for page, found in parsed.items():
        for link in found.links:
            url = urlparse(link)
            if url.scheme in ("http", "https") or link.startswith("//"):
                external.append((page.relative_to(atlas_site), link))
                continue
            target = page if not url.path else (page.parent / unquote(url.path)).resolve()
            if not target.is_file():
                broken.append((str(page.relative_to(atlas_site)), link))
            elif url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if url.fragment not in ids:
                    broken.append((str(page.relative_to(atlas_site)), link))
    assert broken == []
    assert external == []  # no page asks another site for anything


def _served_las() -> set[str]:
    """Which local authorities an open team in data/teams.csv serves, worked out with pandas alone: its area
    codes, an NHS-area code standing for every local authority in it (boundaries/areas.csv)."""
    teams = pd.read_csv(ROOT / "data" / "teams.csv", dtype=str, keep_default_na=False)
    # open: not closed, and not merely commissioned (a contract awarded is not a team known to be operating)
    teams = teams.loc[(teams["closed"].str.strip() == "") & (teams["status"].str.strip() != "commissioned")]
    areas = pd.read_csv(ROOT / "boundaries" / "areas.csv", dtype=str, keep_default_na=False)
    la = areas.loc[areas["level"] == "la"]
    served: set[str] = set()
    for codes in teams["area_codes"]:
        for code in filter(None, (c.strip() for c in codes.split(";"))):
            if code in set(la["code"]):
                served.add(code)
            for col in ("nhs_code", "region_code", "nation_code"):
                served |= set(la.loc[la[col] == code, "code"])
    return served


def test_every_local_authoritys_coverage_matches_an_independent_computation(atlas_site):
    teams = pd.read_csv(ROOT / "data" / "teams.csv", dtype=str, keep_default_na=False)
    # The check below assumes every open team names its area codes (or has no location at all): say so if not.
    no_codes = teams.loc[(teams["area_codes"] == "") & (teams["closed"] == "")]
    assert (no_codes["latitude"] == "").all(), "a team placed by its point: extend this check"
    pop = pd.read_csv(ROOT / "boundaries" / "population_age0to2_mid2019_lad24.csv", dtype={"LAD24CD": str})
    served = _served_las()
    assert 0 < len(served) < len(pop)
    for code, children in zip(pop["LAD24CD"], pop["pop_age0to2"].astype(int), strict=True):
        gap = 0 if code in served else children
        share = round(100 * gap / children) if children else None
        text = (atlas_site / "area" / "la" / f"{code}.html").read_text(encoding="utf-8")
        figure = re.search(r"<dt>Living where no known parent-infant team serves</dt><dd>([^<]*)</dd>", text)
        assert figure is not None, code
        assert figure.group(1) == f"{gap:,} ({share}%)", code
        kids = re.search(r"<dt>Children aged 0-2</dt><dd>([^<]*)</dd>", text)
        assert kids is not None and kids.group(1) == f"{children:,}", code


def test_survey_figures_carry_the_synthetic_label_on_every_area_page(atlas_site):
    for path in (atlas_site / "area" / "region").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "SYNTHETIC SAMPLE" in text
        rows = re.findall(
            r"<tr><th scope=\"row\">Services that can definitely work[^<]*(<span[^>]*>[^<]*</span>)?", text
        )
        assert rows and all("synthetic sample" in r for r in rows), path.name


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", 'a\u202eb & "c"'])
def test_names_from_data_are_escaped(name):
    from gapmap.present.atlas_maps import Ref
    from gapmap.render import atlas as pages

    html = pages._items([Ref("la", "E06000023", name)])
    assert "<script>" not in html and "\u202e" not in html
    assert "&lt;script&gt;" in html or "[U+202E]" in html


def test_serve_previews_a_built_atlas_and_refuses_a_folder_without_one(atlas_site, tmp_path):
    import os
    import subprocess
    import sys
    import urllib.request

    from tests.conftest import ROOT as root

    env = os.environ | {"PYTHONPATH": str(root / "src")}
    cmd = [sys.executable, "-m", "gapmap.cli", "atlas", "serve", str(atlas_site), "--port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = re.search(r"http://\S+/", line)
        assert url is not None, line
        with urllib.request.urlopen(url.group(0) + f"area/la/{'E06000023'}.html", timeout=30) as r:  # noqa: S310
            assert "Bristol, City of" in r.read().decode("utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    empty = subprocess.run(
        [sys.executable, "-m", "gapmap.cli", "atlas", "serve", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert empty.returncode == 1  # bad data: no atlas there
    assert "no atlas in" in empty.stderr and "gapmap atlas build" in empty.stderr


def test_pages_show_the_hex_map_beside_the_geographic_one(atlas_site):
    # A map of several areas has its equal-hexagon copy, one path per area, with the page's area outlined.
    page = (atlas_site / "area" / "la" / "E06000023.html").read_text(encoding="utf-8")
    hexes = page.split('<div class="hex">', 1)[1].split("</svg>", 1)[0]
    assert "hex map: one equal hexagon per area" in hexes
    assert hexes.count('<path class="a') == 3 and 'class="a here" data-code="E06000023"' in hexes


def _years(text: str) -> tuple[list[str], dict[int, list[str]]]:
    """An area page's 'Every year as a table': the column heads and each year's cells."""
    table = re.search(r'<table class="years">.*?</table>', text, re.S)
    assert table is not None
    heads = re.findall(r'<th scope="col">([^<]*)</th>', table.group(0))[1:]
    rows = re.findall(
        r'<tr><th scope="row">(\d{4})</th>((?:<td class="num">[^<]*</td>)+)</tr>', table.group(0)
    )
    return heads, {int(y): re.findall(r'<td class="num">([^<]*)</td>', cells) for y, cells in rows}


def test_over_the_years_agrees_with_an_independent_count_every_year_for_the_uk_and_each_nation(atlas_site):
    from gapmap.measures.indicators import INDICATORS, format_value
    from tests.measures.test_trend import NATIONS, UK, expected

    ind = INDICATORS["children_0_2_no_team"]
    trend = pd.read_csv(atlas_site / "data" / "gapmap-atlas-trend.csv", dtype={"area_code": str})
    assert not trend.duplicated(["period", "area_code"]).any()
    years = sorted(trend["period"].unique())
    assert years[-1] == pd.Timestamp.now().year and len(years) > 20
    for code in [UK, *NATIONS.values()]:
        level = "uk" if code == UK else "nation"
        heads, cells = _years((atlas_site / "area" / level / f"{code}.html").read_text(encoding="utf-8"))
        assert heads[-1] == "UK" and sorted(cells) == years, code
        rows = trend.loc[trend["area_code"] == code].set_index("period")
        for year in years:
            truth = expected("children_0_2_no_team", int(year))[code]
            assert abs(rows.loc[year, "value"] - truth) < 5e-5, (code, year)
            assert cells[year][0] == format_value(ind, truth), (code, year)  # the page's own column first
            assert cells[year][-1] == format_value(ind, expected("children_0_2_no_team", int(year))[UK])


def test_every_area_page_charts_its_years_against_its_parent_and_the_uk_as_the_download_has_them(atlas_site):
    from gapmap.measures.indicators import INDICATORS, format_value

    ind = INDICATORS["children_0_2_no_team"]
    trend = pd.read_csv(atlas_site / "data" / "gapmap-atlas-trend.csv", dtype={"area_code": str})
    last = trend["period"].max()
    newest = trend.loc[trend["period"] == last]
    value = dict(zip(newest["area_code"], newest["value"], strict=True))
    for level in ("region", "nhs", "la"):
        for page in sorted((atlas_site / "area" / level).glob("*.html")):
            text = page.read_text(encoding="utf-8")
            heads, cells = _years(text)
            # the area, its parent and the UK; Wales, Scotland and Northern Ireland are regions and nations
            lines = 2 if page.stem[1:3] == "92" else 3
            assert len(heads) == lines and heads[-1] == "UK", page.name
            assert cells[last][0] == format_value(ind, value[page.stem]), page.name
            assert text.count('<polyline fill="none"') >= lines, page.name
            assert "A fall means more teams known and open" in text  # a share of children in the gap falls
            assert 'role="img" aria-labelledby="trend-t trend-d"' in text


def _key_counts(text: str) -> list[tuple[int, int]]:
    """A map's served-or-not key: each entry's (areas, children aged 0-2)."""
    key = re.search(r'<ul class="legend"[^>]*>(.*?)</ul>', text)
    assert key is not None
    found = re.findall(r"\((\d[\d,]*) areas?, (\d[\d,]*) children aged 0-2\)", key.group(1))
    assert len(found) == 2, key.group(1)
    return [(int(a.replace(",", "")), int(c.replace(",", ""))) for a, c in found]


@pytest.mark.parametrize(
    ("page", "nhs_of"),
    [
        ("embed/la/E06000023.html", "E06000023"),  # Bristol: its NHS area's 3 local authorities
        ("area/la/W06000015.html", "W06000015"),  # Cardiff: 2
        ("embed/la/S12000047.html", "S12000047"),  # Fife: NHS Fife's one
        ("embed/map/la.html", ""),  # the UK's 361
        ("index.html", ""),
    ],
)
def test_a_maps_key_counts_the_areas_that_map_draws(atlas_site, page, nhs_of):
    areas = pd.read_csv(ROOT / "boundaries" / "areas.csv", dtype=str, keep_default_na=False)
    la = areas.loc[areas["level"] == "la"]
    if nhs_of:
        la = la.loc[la["nhs_code"] == la.set_index("code").loc[nhs_of, "nhs_code"]]
    pop = pd.read_csv(ROOT / "boundaries" / "population_age0to2_mid2019_lad24.csv", dtype={"LAD24CD": str})
    children = pop.set_index("LAD24CD")["pop_age0to2"].astype(int)
    text = (atlas_site / page).read_text(encoding="utf-8")
    svg = text.split('<svg class="map"', 1)[1].split("</svg>", 1)[0]
    drawn = set(re.findall(r'<path class="a[^"]*" data-code="([^"]+)"', svg))
    assert drawn == set(la["code"])
    counts = _key_counts(text)
    assert sum(a for a, _ in counts) == len(drawn)
    assert sum(c for _, c in counts) == int(children.loc[sorted(drawn)].sum())


def _coverage_table() -> IndicatorTable:
    from gapmap.measures.indicators import INDICATORS

    return IndicatorTable(INDICATORS["children_0_2_no_team"], pd.DataFrame(), None, None, 10, 0.95, False, "")


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ([0.2, 0.5, 0.9], ["Highest: C, 90%.", "Lowest: A, 20%."]),  # no tie
        ([1.0, 1.0, 0.0], ["Highest: 100%, in 2 areas (A, B).", "Lowest: C, 0%."]),  # two tied at the top
        ([1.0, 1.0, 1.0], ["Every area: 100%."]),  # all equal
        ([1.0, 1.0], ["Every area: 100%."]),
    ],
)
def test_a_maps_text_alternative_names_a_tie_by_its_count(values, said):
    from gapmap.present.atlas_maps import extremes

    shown = pd.DataFrame({"area_name": list("ABC")[: len(values)], "value": values})
    assert extremes(_coverage_table(), shown) == said


def test_the_built_maps_text_alternatives_pick_no_area_out_of_a_tie(atlas_site):
    cardiff = (atlas_site / "area" / "la" / "W06000015.html").read_text(encoding="utf-8")
    assert "Every area: 100%." in cardiff and "Lowest: Cardiff" not in cardiff
    index = (atlas_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Highest: 100%, in \d+ areas \(", index) and "Lowest: Aberdeen City (" not in index
