"""Coverage by year: `gapmap trend` agrees, year by year at UK and nation level, with a computation of its own made
here from data/teams.csv, the local-authority population file and the NHS-area lookup with pandas and geopandas
(none of gapmap's coverage code); the year rule is the --known-by rule; the undated teams are counted."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from gapmap.cli.main import main
from gapmap.measures.trend import BASIS, coverage_by_year, trend_indicators
from gapmap.problems import InputError
from gapmap.settings import Settings
from gapmap.teams.store import Store
from tests.conftest import ROOT

NATIONS = {"E": "E92000001", "W": "W92000004", "S": "S92000003", "N": "N92000002"}
UK = "K02000001"


@cache
def _teams() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "teams.csv", dtype={"area_codes": str}, keep_default_na=True)


@cache
def _pop() -> pd.Series:
    f = pd.read_csv(ROOT / "boundaries" / "population_age0to2_mid2019_lad24.csv")
    return f.set_index("LAD24CD")["pop_age0to2"].astype("int64")


@cache
def _served() -> list[set[str]]:
    """Each team's local authorities, from its area codes (a local authority, NHS area, region or nation) or, with
    none, the local authority its point lies in (point in polygon)."""
    pop = pd.read_csv(ROOT / "boundaries" / "population_age0to2_mid2019_lad24.csv")
    lookup = pd.read_csv(ROOT / "boundaries" / "lad24_to_nhs_area_lookup.csv")
    lookup = lookup.loc[lookup["is_main"].astype(str) == "True"]
    by_nhs = lookup.groupby("nhs_area_code")["LAD24CD"].apply(set).to_dict()
    by_region = pop.groupby("RGNCTRYCD")["LAD24CD"].apply(set).to_dict()
    las = set(pop["LAD24CD"])
    la_shapes = gpd.read_file(ROOT / "boundaries" / "levels" / "la.geojson")
    out = []
    for row in _teams().itertuples():
        codes = [c for c in str(row.area_codes if isinstance(row.area_codes, str) else "").split(";") if c]
        served: set[str] = set()
        for c in codes:
            if c in las:
                served.add(c)
            elif c in by_nhs:
                served |= by_nhs[c]
            elif c in by_region:
                served |= by_region[c]
            elif c in NATIONS.values():
                served |= {la for la in las if la[0] == c[0]}
        if not codes and not pd.isna(row.latitude):
            point = gpd.GeoDataFrame(geometry=gpd.points_from_xy([row.longitude], [row.latitude]), crs=4326)
            hit = gpd.sjoin(point.to_crs(la_shapes.crs), la_shapes, predicate="within")
            served |= set(hit["code"])
        out.append(served)
    return out


def _open(year: int) -> np.ndarray:
    t = _teams()
    ev, est, closed = (
        pd.to_numeric(t[c], errors="coerce") for c in ("evidence_year", "established", "closed")
    )
    return ((ev <= year) & (est.isna() | (est <= year)) & (closed.isna() | (closed >= year))).to_numpy()


def expected(indicator: str, year: int) -> dict[str, float]:
    """The indicator's value in ``year`` for the UK and each nation, computed here."""
    pop = _pop()
    served = [s for s, keep in zip(_served(), _open(year), strict=True) if keep]
    has_team = pd.Series(0, index=pop.index)
    for s in served:
        has_team[list(s & set(pop.index))] += 1
    out = {}
    for code, members in [
        (UK, list(pop.index)),
        *[(c, [la for la in pop.index if la[0] == p]) for p, c in NATIONS.items()],
    ]:
        children = int(pop[members].sum())
        teams = sum(1 for s in served if s & set(members))
        if indicator == "teams":
            out[code] = float(teams)
        elif indicator == "teams_per_10k_age_0_2":
            out[code] = 10_000 * teams / children
        else:
            out[code] = int(pop[members][has_team[members] == 0].sum()) / children
    return out


@pytest.fixture(scope="module")
def fresh_db(tmp_path_factory) -> str:
    return "sqlite:///" + str(tmp_path_factory.mktemp("trend") / "teams.db")


@pytest.mark.parametrize("indicator", ["teams", "teams_per_10k_age_0_2", "children_0_2_no_team"])
def test_gapmap_trend_agrees_with_an_independent_count_for_every_year_at_uk_and_nation_level(
    indicator: str, fresh_db: str, tmp_path: Path, capsys
):
    out = tmp_path / "t.png"
    assert (
        main(
            [
                "trend",
                "--indicator",
                indicator,
                "--level",
                "nation",
                "--database",
                fresh_db,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    got = pd.read_csv(tmp_path / "t.csv")
    years = sorted(got["period"].unique())
    first = int(pd.to_numeric(_teams()["evidence_year"], errors="coerce").min())
    assert years == list(range(first, dt.date.today().year + 1))
    assert set(got["area_code"]) == {UK, *NATIONS.values()}
    for year in years:
        want = expected(indicator, year)
        rows = got.loc[got["period"] == year].set_index("area_code")["value"]
        for code, value in want.items():
            assert rows[code] == pytest.approx(round(value, 4), abs=1e-4), (year, code)
    # Not a constant: the count grows over the years.
    uk = got.loc[got["area_code"] == UK].set_index("period")["value"]
    assert uk.iloc[0] != uk.iloc[-1]
    assert set(got["basis"]) == {BASIS}


def test_each_year_counts_the_teams_the_known_by_rule_lists(settings: Settings):
    store = Store(settings)
    names = _teams()["name"]
    for year in range(1995, dt.date.today().year + 2):
        assert set(store.list_teams(known_by=year)["name"]) == set(names[_open(year)]), year


def test_an_established_year_after_the_evidence_year_waits_for_it(tmp_path: Path):
    """A team whose evidence (2020) names a service opening in 2023 is not counted before 2023."""
    s = Settings(database_url=f"sqlite:///{tmp_path / 't.db'}")
    store = Store(s)
    row = _teams().iloc[[2]].assign(name="Planned team", established=2023, evidence_year=2020)
    path = tmp_path / "one.csv"
    row.to_csv(path, index=False)
    store.import_file(path)
    series = coverage_by_year("teams", s, "nation", last_year=2024).series(UK).set_index("period")["value"]
    bundled = {y: expected("teams", y)[UK] for y in (2021, 2022, 2023)}
    assert series[2021] == bundled[2021] and series[2022] == bundled[2022]
    assert series[2023] == bundled[2023] + 1


def test_teams_without_dates_are_counted_and_said(settings: Settings):
    t = coverage_by_year("teams", settings, "nation")
    est = pd.to_numeric(_teams()["established"], errors="coerce")
    ev = pd.to_numeric(_teams()["evidence_year"], errors="coerce")
    assert t.no_established == int(est.isna().sum()) > 0
    assert t.undated == int((est.isna() & ev.isna()).sum()) > 0


@pytest.mark.parametrize("bad", ["respondents", "services_0_2_definitely", "start_for_life"])
def test_an_indicator_without_years_is_refused_with_the_choices(bad: str, settings: Settings):
    with pytest.raises(InputError) as err:
        coverage_by_year(bad, settings, "nation")
    assert all(i in err.value.issues[0].message for i in trend_indicators())


def test_a_first_year_after_the_last_is_refused(settings: Settings):
    with pytest.raises(InputError, match="first year no later than the last"):
        coverage_by_year("teams", settings, "nation", first_year=2024, last_year=2020)
