"""Disclosure audit: golden bounds by hand, the attack's three mechanisms on hand-made surveys (each shown
leaking under the old suppression and closed under the new), the bundled sample at every minimum base, and
seeded stress surveys."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gapmap.cli.codes import EXIT_DISCLOSIVE, EXIT_OK
from gapmap.cli.main import main
from gapmap.measures import audit, disclosure, disclosure_audit, indicators, published, survey_indicators
from gapmap.measures.audit import Measure, Tables
from gapmap.measures.compute import indicator_table
from gapmap.problems import InputError
from gapmap.settings import Settings, from_env
from gapmap.survey.validate import load_survey
from tests.data import stress_surveys

RATING = (Measure("s", (1.0, 2.0, 3.0, 4.0, 5.0)), Measure("s2", (1.0, 4.0, 9.0, 16.0, 25.0), protect=False))


# -- the auditor on hand-made tables --------------------------------------------------------------------


def test_a_cell_rebuilt_by_subtraction_is_exactly_derivable():
    t = Tables({"a": (3, 1), "b": (2, 2)}, {"T": ("a", "b"), "A": ("a",), "B": ("b",)})
    result = audit.audit(t, {"A"}, 0.1)
    [bound] = result.bounds
    assert (bound.lower, bound.upper, bound.derivable, bound.narrow) == (1, 1, True, True)
    assert result.binding[("A", "k")] == ("B", "T")  # the shown cells that pin it
    assert audit.audit(t, {"A", "B"}, 0.1).clean  # A + B = 3: A anywhere from 0 to 3


def test_a_hidden_group_that_all_answered_alike_is_disclosed():
    # T shows 16 'Yes' of 41, C 6 of 12 and D 10 of 20: A and B hold 9 people between them, all 'No'.
    t = Tables(
        {"a": (5, 0), "b": (4, 0), "c": (6, 6), "d": (10, 10)},
        {"T": ("a", "b", "c", "d"), "A": ("a",), "B": ("b",), "C": ("c",), "D": ("d",)},
    )
    result = audit.audit(t, {"A", "B"}, 0.1)
    assert [(b.cell, b.lower, b.upper) for b in result.derivable] == [("A", 0, 0), ("B", 0, 0)]
    # Hiding C as well is not enough: A + B + C = 6, so C can be no more than its true 6.
    [c] = audit.audit(t, {"A", "B", "C"}, 0.1).failing
    assert (c.cell, c.lower, c.upper, c.derivable) == ("C", 0, 6, False)
    assert audit.audit(t, {"A", "B", "C", "D"}, 0.1).clean
    # The suppression loop finds both itself.
    nested = disclosure.Nested({c: t.n(c) for c in t.cells}, [], [audit.Auditor(t, 0.1)], {}, floor=10)
    assert nested.hidden(10) == {"A": "small base", "B": "small base", "C": "secondary", "D": "secondary"}


@pytest.mark.parametrize(("p", "clean"), [(0.1, True), (0.5, False)])
def test_a_two_by_two_table_with_its_margins_is_safe_by_p(p, clean):
    # Two regions × two professions, every margin shown, the four inner cells hidden. The one free
    # quantity t (cell a11) moves all four: a11 = t, a12 = 7 - t, a21 = 8 - t, a22 = 3 + t, with t in 0..5.
    counts = {"a11": (3, 3), "a12": (4, 4), "a21": (5, 5), "a22": (2, 6)}
    cells = {"R1": ("a11", "a12"), "R2": ("a21", "a22"), "P1": ("a11", "a21"), "P2": ("a12", "a22")}
    cells |= {"T": tuple(counts)} | {a: (a,) for a in counts}
    result = audit.audit(Tables(counts, cells), set(counts), p)
    assert [(b.cell, b.lower, b.upper) for b in result.bounds] == [
        ("a11", 0, 5),
        ("a12", 2, 7),
        ("a21", 3, 8),
        ("a22", 3, 8),
    ]
    # ±10% of a22's n = 8 asks 5.2..6.8 around its 6: reached. ±50% asks 2..8 (clipped): 3 is not low enough.
    assert result.clean is clean


def test_the_auditor_can_bound_a_mean_through_its_sum_and_sum_of_squares():
    # gapmap audits means by their sums only (docs/DISCLOSURE.md says why and what it leaves out); the
    # auditor itself can take the squares a mean's interval gives away, as five answer classes.
    # T shows two 3s and three 3s: a mean of 3 and no spread, so both hidden groups must be all 3s.
    counts = {"a": (0, 0, 2, 0, 0), "b": (0, 0, 3, 0, 0)}
    cells = {"T": ("a", "b"), "A": ("a",), "B": ("b",)}
    with_squares = audit.audit(Tables(counts, cells, RATING, integer=False), {"A", "B"}, 0.1)
    assert [(b.cell, b.lower, b.upper) for b in with_squares.derivable] == [("A", 6, 6), ("B", 9, 9)]
    # Were the interval's spread not published, the sums alone would leave A anywhere from 2 to 10.
    sums_only = audit.audit(Tables(counts, cells, RATING[:1], integer=False), {"A", "B"}, 0.1)
    assert sums_only.clean and (sums_only.bounds[0].lower, sums_only.bounds[0].upper) == (2, 10)


def test_linprog_gives_the_same_bounds_as_the_fast_path(monkeypatch):
    counts = {"a11": (3, 3), "a12": (4, 4), "a21": (5, 5), "a22": (2, 6), "r": (1, 0)}
    cells = {"R1": ("a11", "a12", "r"), "R2": ("a21", "a22"), "P1": ("a11", "a21"), "P2": ("a12", "a22")}
    cells |= {"T": tuple(counts)} | {a: (a,) for a in counts}
    for hidden in ({"a11", "a12", "a21", "a22"}, {"a11", "a21"}, {"a11", "P1"}):
        fast = audit.audit(Tables(counts, cells), hidden, 0.1, targets=[*hidden, "r"])
        monkeypatch.setattr(audit, "FAST", False)
        slow = audit.audit(Tables(counts, cells), hidden, 0.1, targets=[*hidden, "r"])
        monkeypatch.setattr(audit, "FAST", True)
        assert [(b.cell, b.lower, b.upper) for b in fast.bounds] == [
            (b.cell, b.lower, b.upper) for b in slow.bounds
        ]


def test_a_rating_item_is_one_sum_per_group_between_the_lowest_and_highest_score(sample):
    item = next(
        i for i in published.items(sample, indicators.INDICATORS.values()) if i.key == "understanding_rating"
    )
    assert [(m.name, m.weights) for m in item.measures] == [("understanding_mean", (1.0, 5.0))]
    assert item.collapse is not None and item.collapse[2].tolist() == [0.5, 0.5]  # a 3 is half of each


def test_protection_is_a_documented_setting_between_001_and_05():
    assert Settings().protection == 0.1
    assert from_env({"GAPMAP_PROTECTION": "0.2"}).protection == 0.2
    with pytest.raises(InputError, match=r"protection share between 0\.01 and 0\.5"):
        from_env({"GAPMAP_PROTECTION": "0.7"})


# -- the three mechanisms of the attack, on hand-made surveys --------------------------------------------


def _survey(tmp_path: Path, name: str, groups: dict[tuple[str, str], dict[str, int]]) -> Path:
    """A survey file of (area, profession) groups with so many of each answer to the specialist-team question."""
    rows = [
        {"where_do_you_work": area, "profession": prof, "specialist_team_in_cypmhs": answer}
        for (area, prof), answers in groups.items()
        for answer, count in answers.items()
        for _ in range(count)
    ]
    path = tmp_path / f"{name}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _audit(path: Path, bases: list[int]) -> disclosure_audit.Report:
    settings = Settings()
    return disclosure_audit.run(load_survey(path, settings=settings), settings, bases)


@pytest.fixture
def old_suppression(monkeypatch):
    """The suppression before the audit: the heuristic alone, decided at each base on its own."""
    monkeypatch.setattr(
        disclosure.Nested, "hidden", lambda self, m: disclosure.suppress(self.n, self.relations, m)
    )


@pytest.fixture
def unnested(monkeypatch):
    """Heuristic and audit, but each base decided on its own (no nesting)."""

    def hidden(self, m):
        found = self._protect(m, {})
        return {c: disclosure.SMALL_BASE if self.n.get(c, 0) < m else disclosure.SECONDARY for c in found}

    monkeypatch.setattr(disclosure.Nested, "hidden", hidden)


def _mechanism_a(tmp_path: Path) -> Path:
    # Every North East respondent answered with Newcastle: the region hidden as the complement of the North
    # West's 4 would show through its only local authority (and its ICB), with the same n.
    return _survey(
        tmp_path,
        "a",
        {
            ("Newcastle upon Tyne", ""): {"Yes": 4, "Partly": 3, "No": 4},
            ("North West", ""): {"Yes": 2, "No": 2},
            ("London", ""): {"Yes": 8, "Partly": 7, "No": 15},
        },
    )


def test_mechanism_a_a_hidden_cell_rebuilt_through_another_level(tmp_path: Path, old_suppression):
    old = _audit(_mechanism_a(tmp_path), [10])
    assert (
        old.derivable and "North East (E12000001), all professions, n = 11: exactly derivable" in old.text()
    )


def test_mechanism_a_is_closed(tmp_path: Path):
    report = _audit(_mechanism_a(tmp_path), [10])
    assert report.clean, report.text()
    region = indicator_table(
        "specialist_team_yes", load_survey(_mechanism_a(tmp_path)), level="region"
    ).frame.set_index("area_code")
    assert region.loc["E12000001", "suppressed"]  # still hidden, now with company


def _mechanism_b(tmp_path: Path) -> Path:
    # England shows 22 'Yes' of 70 and the shown London and South East hold all 22: the hidden North West
    # (4) and North East (6), 10 people together (no secondary suppression needed), must all be 0%.
    return _survey(
        tmp_path,
        "b",
        {
            ("London", ""): {"Yes": 10, "Partly": 10, "No": 10},
            ("South East", ""): {"Yes": 12, "Partly": 6, "No": 12},
            ("North West", ""): {"No": 4},
            ("North East", ""): {"No": 6},
        },
    )


def test_mechanism_b_a_hidden_group_that_answered_alike(tmp_path: Path, old_suppression):
    old = _audit(_mechanism_b(tmp_path), [10])
    assert {(f.cell, f.lower, f.upper) for f in old.findings} >= {
        (("E12000001", "*"), 0, 0),
        (("E12000002", "*"), 0, 0),
    }


def test_mechanism_b_is_closed(tmp_path: Path):
    report = _audit(_mechanism_b(tmp_path), [10])
    assert report.clean, report.text()


def _mechanism_c(tmp_path: Path) -> Path:
    # Found by a seeded search (62 respondents): decided base by base, the tables at 5 and at 10 are each
    # safe, but together they pin down Yorkshire and the Humber.
    P, T = "Psychiatrist", "Psychotherapist"
    return _survey(
        tmp_path,
        "c",
        {
            ("North East", P): {"Don't know": 1, "No": 6, "Yes": 1},
            ("North East", T): {"Don't know": 2, "Partly": 1, "Yes": 3},
            ("North West", P): {"No": 11},
            ("North West", T): {"Don't know": 1, "No": 3, "Partly": 2, "Yes": 1},
            ("South East", P): {"No": 2, "Partly": 1, "Yes": 2},
            ("South East", T): {"No": 7, "Yes": 1},
            ("Yorkshire and The Humber", P): {"No": 1, "Partly": 1, "Yes": 1},
            ("Yorkshire and The Humber", T): {"No": 13, "Partly": 1},
        },
    )


def test_mechanism_c_combining_minimum_bases(tmp_path: Path, unnested):
    path = _mechanism_c(tmp_path)
    assert _audit(path, [5]).clean and _audit(path, [10]).clean  # each base's tables are safe on their own
    together = _audit(path, [5, 10])
    assert not together.nested
    assert together.derivable
    assert (
        "Yorkshire and The Humber (E12000003), all professions, n = 17: exactly derivable" in together.text()
    )


def test_mechanism_c_is_closed_by_nesting(tmp_path: Path):
    report = _audit(_mechanism_c(tmp_path), [5, 10])
    assert report.nested and report.clean, report.text()


def test_the_audit_fails_without_secondary_suppression(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(disclosure, "SECONDARY_ENABLED", False)
    report = _audit(_mechanism_a(tmp_path), [10])
    assert report.derivable and not report.clean
    assert main(["audit-disclosure", "--survey", str(_mechanism_a(tmp_path)), "--min-base", "10"]) == (
        EXIT_DISCLOSIVE
    )


def test_audit_command(tmp_path: Path, capsys):
    path = _mechanism_b(tmp_path)
    assert main(["audit-disclosure", "--survey", str(path), "--min-base", "5", "--min-base", "10"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "minimum bases 5, 10 (each alone, and all combined)" in out
    assert "Exactly derivable: 0. Too narrow (within the protection interval): 0." in out
    assert main(["audit-disclosure", "--survey", str(path), "--min-base", "4"]) == 1
    assert "Expected minimum bases of at least 5; found 4" in capsys.readouterr().err


def test_the_downloaded_tables_hide_what_the_audit_audits(tmp_path: Path):
    """The report reads each indicator's cube; the CSVs a user downloads publish exactly its cells."""
    path = _mechanism_c(tmp_path)
    settings = Settings()
    responses = load_survey(path, settings=settings)
    cube = survey_indicators.cube_of(responses, "specialist_team_yes", settings)
    downloaded = set()
    for level in ("nation", "region", "nhs", "la"):
        for prof in (None, "Psychiatrist", "Psychotherapist"):
            t = indicator_table("specialist_team_yes", responses, settings, profession=prof, level=level)
            f = t.frame.loc[t.frame["suppressed"] & (t.frame["n"] > 0)]
            downloaded |= {(code, prof or "*") for code in f["area_code"]}
    assert downloaded == {key for key in cube.hidden if cube.cell(*key)[0] > 0}


# -- the bundled sample and stress surveys ---------------------------------------------------------------


def test_the_bundled_sample_is_safe_at_every_minimum_base_alone_and_combined(sample, settings):
    report = disclosure_audit.run(sample, settings)
    assert report.clean, report.text()
    assert (report.derivable, report.narrow, report.nested) == (0, 0, True)
    assert report.bases == list(range(5, 101)) and len(report.items) == 23  # every age group of each grid
    assert report.changes[0] == 5 and len(report.changes) > 10


@pytest.mark.parametrize("seed", range(50))
def test_stress_surveys_are_safe(seed: int, tmp_path: Path):
    report = _audit(stress_surveys.write(seed, tmp_path), [5, 10])
    assert report.clean, report.text()
