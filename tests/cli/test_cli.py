import csv
import subprocess
import sys
from pathlib import Path

from gapmap.cli.main import main
from gapmap.present.tables import TIDY_COLUMNS
from tests.conftest import DATA


def test_indicators_csv_reproduces_report(tmp_path: Path, capsys):
    out = tmp_path / "ind.csv"
    assert main(["indicators", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == TIDY_COLUMNS  # the one tidy shape (README data dictionary)
    uk = {r["indicator"]: r for r in rows if r["area_code"] == "K02000001"}
    assert round(float(uk["services_0_2_definitely"]["value"]), 2) == 0.36
    assert uk["services_0_2_definitely"]["source"].startswith("synthetic sample")
    assert uk["services_0_2_definitely"]["age_group"] == "0-2" and uk["understanding_mean"]["age_group"] == ""
    sup = [r for r in rows if r["suppressed"] == "True"]
    assert sup and all(r["k"] == r["value"] == r["lower"] == r["upper"] == "" for r in sup)
    assert "SYNTHETIC SAMPLE" in capsys.readouterr().err


def test_bad_file_exits_1_naming_both_rows(capsys):
    code = main(["indicators", "--survey", str(DATA / "bad_rows.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert "row 3, column 'where_do_you_work'" in err and "'Atlantis'" in err
    assert "row 5, column 'lowest_referral_age'" in err and "'45'" in err
    assert "Traceback" not in err


def test_validate_good_and_bad(capsys):
    assert main(["validate", str(DATA / "google_forms_excel_cp1252.csv")]) == 0
    assert "19 respondents, no problems found" in capsys.readouterr().out
    assert main(["validate", str(DATA / "nope.csv")]) == 1
    assert "No file at" in capsys.readouterr().err


def test_render_all_writes_maps_and_alt_text(tmp_path: Path):
    assert main(["render", "--all", "--out-dir", str(tmp_path), "--format", "svg", "--no-teams"]) == 0
    svgs = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert len(svgs) == 15
    assert "understanding_mean.region.svg" in svgs and "children_0_2_no_team.region.svg" in svgs
    assert all((tmp_path / f"{s}.alt.txt").exists() for s in svgs)


def test_render_with_other_boundaries(tmp_path: Path, capsys):
    from tests.conftest import ROOT

    code = main(
        [
            "render",
            "--indicator",
            "respondents",
            "--out",
            str(tmp_path / "r.png"),
            "--boundaries",
            str(ROOT / "boundaries" / "uk_regions_nations_buc.geojson"),
            "--code-field",
            "nope",
        ]
    )
    assert code == 1 and "--code-field" in capsys.readouterr().err
    code = main(
        [
            "render",
            "--indicator",
            "respondents",
            "--out",
            str(tmp_path / "r.png"),
            "--boundaries",
            str(ROOT / "boundaries" / "uk_regions_nations_buc.geojson"),
            "--code-field",
            "gss_cd",
        ]
    )
    assert code == 0 and (tmp_path / "r.png").stat().st_size > 10000


def test_bad_min_base_and_indicator(capsys):
    assert main(["indicators", "--min-base", "3"]) == 1
    assert "at least 5" in capsys.readouterr().err
    assert main(["indicators", "--indicator", "nope"]) == 1


def test_console_script_runs_without_traceback(tmp_path: Path):
    exe = Path(sys.executable).with_name("gapmap")
    proc = subprocess.run(
        [str(exe), "validate", str(DATA / "bad_rows.csv")], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert "3 problems found" in proc.stderr and "Traceback" not in proc.stderr


def test_control_characters_in_file_names_are_shown_not_obeyed(tmp_path: Path, capsys):
    """A file name holding a terminal escape or a lone carriage return is printed as [U+001B], [U+000D] in every
    line gapmap prints about it ('wrote …', '… respondents'), never sent to the terminal raw."""
    import shutil

    from gapmap.settings import Settings

    survey = tmp_path / "s\x1b[2Jurvey\r.csv"
    shutil.copy(Settings().survey_path, survey)
    out = tmp_path / "out\x1b]0;title\x07.csv"
    assert main(["validate", str(survey)]) == 0
    assert main(["indicators", "--survey", str(survey), "--indicator", "respondents", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "s[U+001B][2Jurvey[U+000D].csv: 283 respondents" in text
    assert "out[U+001B]]0;title[U+0007].csv" in text


def test_render_says_synthetic_only_for_maps_that_draw_the_survey(tmp_path: Path, capsys):
    for indicator, survey in (("scotland_infant_mh", False), ("teams", False), ("respondents", True)):
        out = tmp_path / f"{indicator}.svg"
        assert (
            main(["render", "--indicator", indicator, "--level", "nation", "--no-teams", "--out", str(out)])
            == 0
        )
        err = capsys.readouterr().err
        assert ("SYNTHETIC SAMPLE" in err) == survey, indicator
        csv_text = (tmp_path / f"{indicator}.csv").read_text(encoding="utf-8")
        assert ("synthetic sample" in csv_text) == survey


def test_chart_credits_a_supplied_survey_file_to_its_name(tmp_path: Path, capsys):
    out = tmp_path / "c.svg"
    survey = DATA / "google_forms_excel_cp1252.csv"
    args = ["chart", "--indicator", "services_0_2_definitely", "--survey", str(survey), "--out", str(out)]
    assert main(args) == 1  # every area of this small file is suppressed: refused unless asked for
    assert main([*args, "--allow-empty"]) == 0
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "google_forms_excel_cp1252.csv, supplied by the user." in text
    assert "Parent-Infant Foundation (2021)" not in text and "SYNTHETIC" not in text
    assert "SYNTHETIC SAMPLE" not in capsys.readouterr().err
