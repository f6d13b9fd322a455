"""Geography levels: the coverage gap from an independent computation, answers at any level, disclosure control
that holds across levels and professions."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from gapmap.cli.main import main
from gapmap.files import io
from gapmap.measures import disclosure
from gapmap.measures.compute import indicator_table
from gapmap.present.mapspec import map_spec
from gapmap.settings import Settings
from gapmap.survey import validate
from gapmap.survey.validate import load_survey
from tests.conftest import ROOT

AREAS = pd.read_csv(ROOT / "boundaries" / "areas.csv", keep_default_na=False)
LA = AREAS.loc[AREAS["level"] == "la"]


def _las_of(code: str) -> set[str]:
    """Local authorities inside any area code, straight from areas.csv (independent of gapmap.geo.areas)."""
    hit = (
        (LA["code"] == code)
        | (LA["nhs_code"] == code)
        | (LA["region_code"] == code)
        | (LA["nation_code"] == code)
    )
    return set(LA.loc[hit, "code"])


def test_coverage_gap_matches_an_independent_computation(tmp_path: Path):
    teams = pd.read_csv(ROOT / "data" / "teams.csv", dtype=str, keep_default_na=False)
    # open: not closed, and not merely commissioned (a contract awarded is not a team known to be operating)
    open_teams = teams.loc[(teams["closed"] == "") & (teams["status"] != "commissioned")]
    served: set[str] = set()
    for codes in open_teams["area_codes"]:
        for code in filter(None, (c.strip() for c in codes.split(";"))):
            served |= _las_of(code)
    unserved = LA.loc[~LA["code"].isin(served)]
    uk_children = int(LA["pop_age0to2"].sum())
    uk_unserved = int(unserved["pop_age0to2"].sum())
    assert 0.70 < uk_unserved / uk_children < 0.80  # "about three quarters"

    s = Settings(database_url=f"sqlite:///{tmp_path / 't.db'}")
    table = indicator_table("children_0_2_no_team", settings=s, level="region")
    got = table.frame.set_index("area_code")
    assert (int(got.loc["K02000001", "n"]), int(got.loc["K02000001", "k"])) == (uk_children, uk_unserved)
    for region, group in LA.groupby("region_code"):
        expected = int(group.loc[~group["code"].isin(served), "pop_age0to2"].sum())
        assert int(got.loc[region, "k"]) == expected, region
        assert int(got.loc[region, "n"]) == int(group["pop_age0to2"].sum()), region
    for code in ("W92000004", "E12000005"):  # no known team in Wales or the West Midlands
        assert got.loc[code, "k"] == got.loc[code, "n"]
    nations = indicator_table("children_0_2_no_team", settings=s, level="nation").frame
    nations = nations.set_index("area_code")
    for nation, group in LA.groupby("nation_code"):
        assert int(nations.loc[nation, "k"]) == int(
            group.loc[~group["code"].isin(served), "pop_age0to2"].sum()
        )


def test_coverage_command_prints_the_headline_and_writes_csv(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("GAPMAP_DATABASE_URL", f"sqlite:///{tmp_path / 't.db'}")
    out = tmp_path / "cov.csv"
    assert main(["coverage", "--level", "region", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Of the UK's 2,252,744 children aged 0-2" in text
    assert "Parent-Infant Foundation counted 51 in December 2025" in text
    assert "West Midlands (E12000005): 208,187 children aged 0-2" in text
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 13 and rows[0]["area_code"] == "K02000001"
    # Known by 2021, NorPIP (closed June 2021) still serves Northamptonshire.
    assert main(["coverage", "--level", "la", "--known-by", "2021", "--out", str(out)]) == 0
    la = {r["area_code"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert la["E06000061"]["teams_serving"] == "1"
    assert main(["coverage", "--level", "la", "--out", str(out)]) == 0
    la_now = {r["area_code"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert int(la_now["E06000061"]["teams_serving"]) == 0


def test_areas_command_lists_codes_parents_and_children(tmp_path: Path):
    out = tmp_path / "a.csv"
    assert main(["areas", "--level", "nhs", "--out", str(out)]) == 0
    rows = {r["code"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert len(rows) == 68
    fife = rows["S08000029"]
    assert fife["nation_name"] == "Scotland" and int(fife["children_0_2"]) == int(
        LA.loc[LA["code"] == "S12000047", "pop_age0to2"].iloc[0]
    )


def _sample_frame() -> pd.DataFrame:
    return io.read_table(ROOT / "data" / "sample_survey.csv").frame


def _as_la(frame: pd.DataFrame) -> pd.DataFrame:
    """The same respondents, each answering with a local authority in their region (by name)."""
    t = AREAS.loc[AREAS["level"] == "region"].set_index("name")
    la_by_region = LA.groupby("region_code")["name"].apply(list)
    aliases = {"Yorkshire and Humber": "Yorkshire and The Humber", "East": "East of England"}
    out = frame.copy()
    answers = []
    for i, answer in enumerate(out["where_do_you_work"]):
        name = aliases.get(answer, answer)
        if name in t.index:
            las = la_by_region[t.loc[name, "code"]]
            answers.append(las[i % len(las)])
        else:
            answers.append(answer)  # "England", "Across more than one nation"
    out["where_do_you_work"] = answers
    return out


def test_la_answers_give_the_same_regional_counts(monkeypatch, settings):
    monkeypatch.setattr(disclosure, "SECONDARY_ENABLED", False)  # compare counts, not suppression
    by_region = validate.validate(io.Table(_sample_frame(), "region.csv", "utf-8"))
    by_la = validate.validate(io.Table(_as_la(_sample_frame()), "la.csv", "utf-8"))
    for ind in ("respondents", "services_0_2_definitely", "understanding_mean"):
        a = indicator_table(ind, by_region, settings, level="region").frame.set_index("area_code")
        b = indicator_table(ind, by_la, settings, level="region").frame.set_index("area_code")
        pd.testing.assert_series_equal(a["n"], b["n"])
        pd.testing.assert_series_equal(a["k"], b["k"])
        assert b.index.size == 13
    la = indicator_table("respondents", by_la, settings, level="la")
    assert la.unplaced == 3 and int(la.areas["n"].sum()) == 280


def test_region_answers_at_la_level_say_why_they_cannot_be_placed(sample, settings):
    t = indicator_table("services_0_2_definitely", sample, settings, level="la")
    assert t.unplaced == 283
    assert "280 answered with a nation or English region" in t.unplaced_note
    assert "choose nations and regions" in t.unplaced_note
    spec = map_spec(t, settings)
    assert "could not be placed in a local authority" in spec.base_note
    assert "could not be placed" in spec.alt_text


def test_a_file_mixing_levels_places_each_response(settings):
    answers = {
        "Bristol": ("E06000023", "E54000039", "E12000009", "E92000001"),
        "NHS Cheshire and Merseyside ICB": ("", "E54000008", "E12000002", "E92000001"),
        "NHS North East and North Cumbria ICB": ("", "E54000050", "", "E92000001"),
        "Cardiff and Vale UHB": ("", "W11000029", "W92000004", "W92000004"),
        "South West": ("", "", "E12000009", "E92000001"),
        "Scotland": ("", "", "S92000003", "S92000003"),
        "England": ("", "", "", "E92000001"),
        "Across more than one nation": ("", "", "", ""),
        "S12000047": ("S12000047", "S08000029", "S92000003", "S92000003"),
    }
    frame = pd.DataFrame({"where_do_you_work": list(answers)})
    r = validate.validate(io.Table(frame, "mixed.csv", "utf-8"))
    got = r.frame.set_index(frame["where_do_you_work"])
    for answer, (la, nhs, region, nation) in answers.items():
        row = got.loc[answer]
        assert (row["at_la"], row["at_nhs"], row["at_region"], row["at_nation"]) == (
            la,
            nhs,
            region,
            nation,
        ), answer


def test_ambiguous_and_unknown_areas_are_problems_with_the_closest_names():
    from gapmap.problems import InputError

    frame = pd.DataFrame({"where_do_you_work": ["Wales", "Nottingam", "Atlantis"]})
    with pytest.raises(InputError) as exc:
        validate.validate(io.Table(frame, "bad.csv", "utf-8"))
    messages = [i.format() for i in exc.value.issues]
    assert [m.split(":")[0] for m in messages] == [
        "row 3, column 'where_do_you_work'",
        "row 4, column 'where_do_you_work'",
    ]
    assert "did you mean 'Nottingham'" in messages[0]


# -- disclosure control ------------------------------------------------------------------------------------


def _leaky_survey(tmp_path: Path) -> Path:
    """NHS Lothian's four local authorities: West Lothian has 3 responses (suppressed), the others 10+,
    and within Edinburgh one profession has 4 and another 20."""
    rows = []
    for la, n in (("City of Edinburgh", 24), ("East Lothian", 12), ("Midlothian", 11), ("West Lothian", 3)):
        for i in range(n):
            prof = (
                ("Psychiatrist" if i < 4 else "Psychotherapist")
                if la == "City of Edinburgh"
                else "Psychotherapist"
            )
            rows.append(
                {
                    "where_do_you_work": la,
                    "profession": prof,
                    "specialist_team_in_cypmhs": "Yes" if i % 3 else "No",
                }
            )
    for i in range(30):
        rows.append(
            {
                "where_do_you_work": "Wales",
                "profession": "Psychotherapist",
                "specialist_team_in_cypmhs": "No" if i % 2 else "Yes",
            }
        )
    path = tmp_path / "leaky.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _exports(path: Path, tmp_path: Path) -> pd.DataFrame:
    """Every indicator CSV a user can download for this file: each level, all professions and each one."""
    frames = []
    for level in ("nation", "region", "nhs", "la"):
        for prof in (None, "Psychiatrist", "Psychotherapist"):
            out = tmp_path / f"{level}-{prof}.csv"
            args = [
                "indicators",
                "--survey",
                str(path),
                "--indicator",
                "specialist_team_yes",
                "--level",
                level,
            ]
            args += ["--profession", prof] if prof else []
            assert main([*args, "--out", str(out)]) == 0
            f = pd.read_csv(out, keep_default_na=False, dtype={"k": str})
            f["prof"] = prof or "*"
            frames.append(f)
    return pd.concat(frames, ignore_index=True)


def _leaks(exports: pd.DataFrame, min_base: int = 10) -> list[str]:
    """Any shown parent from which fewer than min_base hidden responses can be worked out by subtraction,
    using only the downloaded CSVs and the published area lists (parents from boundaries/areas.csv)."""
    cells = exports.drop_duplicates(["area_code", "prof"]).set_index(["area_code", "prof"])
    shown = {key for key, k in cells["k"].items() if k != ""}
    n = cells["n"].astype(int).to_dict()
    leaks = []
    for prof in ("*", "Psychiatrist", "Psychotherapist"):
        families = []
        for parent_level in ("nation", "region", "nhs"):
            col = f"{parent_level}_code"
            if (LA[col] == "").any():
                continue
            families += [(p, list(g["code"])) for p, g in LA.groupby(col)]
        families.append(("K02000001", list(AREAS.loc[AREAS["level"] == "nation", "code"])))
        families.append(("K02000001", list(AREAS.loc[AREAS["level"] == "region", "code"])))
        families.append(("K02000001", list(LA["code"])))
        for parent, kids in families:
            kids = [k for k in kids if k != parent]
            if (parent, prof) not in shown:
                continue
            total = sum(n.get((k, prof), 0) for k in kids)
            exposed = (
                n[(parent, prof)] - total + sum(n.get((k, prof), 0) for k in kids if (k, prof) not in shown)
            )
            if 0 < exposed < min_base:
                leaks.append(f"{parent}/{prof}: {exposed}")
    for code in {c for c, _ in cells.index}:
        if (code, "*") in shown:
            parts = [("Psychiatrist"), ("Psychotherapist")]
            exposed = (
                n[(code, "*")]
                - sum(n.get((code, p), 0) for p in parts)
                + sum(n.get((code, p), 0) for p in parts if (code, p) not in shown)
            )
            if 0 < exposed < min_base:
                leaks.append(f"{code}/professions: {exposed}")
    return leaks


def test_secondary_suppression_leaves_nothing_derivable(tmp_path: Path):
    exports = _exports(_leaky_survey(tmp_path), tmp_path)
    assert _leaks(exports) == []
    la = exports.loc[(exports["level"] == "la") & (exports["prof"] == "*")].set_index("area_code")
    assert la.loc["S12000040", "suppressed_reason"] == "small base"  # West Lothian, n = 3
    assert la.loc["S12000019", "suppressed_reason"] == "secondary"  # Midlothian, the next smallest
    assert la.loc["S12000036", "suppressed_reason"] == ""  # Edinburgh shown
    edin = exports.loc[(exports["area_code"] == "S12000036") & (exports["level"] == "la")].set_index("prof")
    assert edin.loc["Psychiatrist", "suppressed_reason"] == "small base"
    assert edin.loc["Psychotherapist", "suppressed_reason"] == "secondary"


def test_the_leak_check_fails_without_secondary_suppression(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(disclosure, "SECONDARY_ENABLED", False)
    leaks = _leaks(_exports(_leaky_survey(tmp_path), tmp_path))
    assert "S08000024/*: 3" in leaks  # NHS Lothian minus its shown local authorities = West Lothian
    assert "S12000036/professions: 4" in leaks


def test_hidden_values_appear_in_no_map_label_or_alt_text(tmp_path: Path, settings):
    r = load_survey(_leaky_survey(tmp_path), settings=settings)
    t = indicator_table("specialist_team_yes", r, settings, level="la")
    spec = map_spec(t, settings)
    hidden = spec.areas.loc[spec.areas["suppressed"]]
    assert set(hidden["label"]) == {""} and hidden["value"].isna().all()
    assert "West Lothian" in spec.alt_text and "Midlothian" in spec.alt_text
    geo = spec.areas.loc[spec.areas["area_code"] == "S12000019"]
    assert geo["k"].isna().all() and geo["lo"].isna().all()


def test_coverage_listing_agrees_in_number(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("GAPMAP_DATABASE_URL", f"sqlite:///{tmp_path / 't.db'}")
    assert main(["coverage", "--level", "nation"]) == 0
    assert "1 of 4 nations has no known team" in capsys.readouterr().out  # Wales alone (data/teams.csv)
    assert main(["coverage", "--level", "region"]) == 0
    assert re.search(r"\b([2-9]|1\d) of 12 nations and regions have no known team", capsys.readouterr().out)
