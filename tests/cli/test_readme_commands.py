"""Every `gapmap` command the README shows runs as written (placeholders filled in) and exits 0.

A command added to the README without a case here fails the first test, so the README cannot drift from the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gapmap.cli.main import main
from gapmap.settings import Settings
from gapmap.teams.store import Store
from tests.conftest import DATA, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMS = str(DATA / "google_forms_excel_cp1252.csv")
MESSY = str(DATA / "messy_teams.csv")
BUC = str(ROOT / "boundaries" / "uk_regions_nations_buc.geojson")
WAVE1 = "2021=" + str(ROOT / "data" / "sample_survey.csv")
WAVE2 = "2024=" + str(ROOT / "data" / "sample_survey_wave2.csv")


def readme_commands() -> set[str]:
    """`gapmap …` lines of the README's bash blocks and its inline code, comments dropped."""
    found = set()
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = re.split(r"\s{2,}#", line)[0].strip().removeprefix(".venv/bin/")
            if line.startswith("gapmap "):
                found.add(line)
    for code in re.findall(r"`([^`\n]+)`", README):
        code = code.removeprefix(".venv/bin/")
        if code.startswith("gapmap "):
            found.add(code)
    return found


# README command -> the concrete command lines run for it ({team}, {batch}: filled in at run time).
CASES: dict[str, list[list[str]]] = {
    "gapmap indicators": [["indicators"]],
    "gapmap indicators [--level L] [--survey FILE] [--indicator ID] [--age-group LABEL] [--profession P] [--min-base N] --out FILE.csv": [
        ["indicators", "--out", "all.csv"],
        ["indicators", "--survey", FORMS, "--indicator", "services_0_2_definitely", "--age-group", "3-4",
         "--profession", "Psychiatrist", "--min-base", "5", "--out", "one.csv"],
        ["indicators", "--level", "la", "--indicator", "children_0_2_no_team", "--out", "la.csv"],
    ],
    "gapmap render": [["render", "--indicator", "respondents", "--out", "r.png"]],
    "gapmap render --all --out-dir maps": [["render", "--all", "--out-dir", "maps"]],
    "gapmap render --all --out-dir DIR [--level L] [--format svg]": [
        ["render", "--all", "--out-dir", "svgs", "--format", "svg"],
        ["render", "--all", "--out-dir", "nations", "--level", "nation"],
    ],
    "gapmap render --indicator ID [--level L] [--survey FILE] [--format png|svg|pdf|html] --out FILE": [
        ["render", "--indicator", "understanding_mean", "--out", "u.png"],
        ["render", "--indicator", "children_0_2_no_team", "--level", "la", "--format", "png", "--out", "la.png"],
        *[["render", "--indicator", "respondents", "--survey", FORMS, "--format", f, "--out", f"r.{f}"]
          for f in ("png", "svg", "pdf", "html")],
    ],
    "gapmap render ... --boundaries FILE --code-field FIELD": [
        ["render", "--indicator", "respondents", "--out", "b.png", "--boundaries", BUC, "--code-field", "gss_cd"]
    ],
    "gapmap render ... --shape hex": [
        ["render", "--indicator", "services_0_2_definitely", "--shape", "hex", "--out", "hex.svg"],
        ["render", "--indicator", "teams", "--level", "region", "--shape", "hex", "--format", "html", "--out", "hex.html"],
        ["render", "--all", "--out-dir", "hexes", "--level", "nation", "--shape", "hex", "--format", "pdf"],
    ],
    "gapmap render --level la --shape hex --indicator children_0_2_no_team --size social": [
        ["render", "--level", "la", "--shape", "hex", "--indicator", "children_0_2_no_team", "--size", "social"]
    ],
    "gapmap render --level nhs --shape hex --indicator children_0_2_no_team --size social": [
        ["render", "--level", "nhs", "--shape", "hex", "--indicator", "children_0_2_no_team", "--size", "social"]
    ],
    "gapmap render --indicator ID [--level L] [--size a4-portrait|a4-landscape|social|square] [--title TEXT] [--subtitle TEXT] --out FILE.png": [
        ["render", "--indicator", "children_0_2_no_team", "--level", "nhs", "--size", "social", "--title",
         "Most babies live where no team serves", "--subtitle", "Share of children aged 0-2, by NHS area", "--out", "s.png"],
        *[["render", "--indicator", "services_0_2_definitely", "--size", s, "--out", f"{s}.pdf"]
          for s in ("a4-portrait", "a4-landscape", "square")],
    ],
    "gapmap chart --indicator ID [--level L] [--sort gap|best|name] [--size S] [--out FILE.png]": [
        ["chart", "--indicator", "sufficient_provision"],
        ["chart", "--indicator", "children_0_2_no_team", "--level", "nhs", "--size", "square", "--out", "c.svg"],
        ["chart", "--indicator", "children_0_2_no_team", "--level", "la", "--sort", "best", "--out", "b.png"],
    ],
    "gapmap profile --area NAME_OR_CODE [--level L] [--size S] [--out FILE.png]": [
        ["profile", "--area", "North West"],
        ["profile", "--area", "KY1", "--level", "nhs", "--size", "social", "--out", "fife.png"],
    ],
    "gapmap indicators --help": [["indicators", "--help"]],
    "gapmap render --indicator children_0_2_no_team --level nhs --size social --out gaps.png": [
        ["render", "--indicator", "children_0_2_no_team", "--level", "nhs", "--size", "social", "--out", "gaps.png"]
    ],
    "gapmap chart --indicator children_0_2_no_team --level nhs --size square --out ranked.png": [
        ["chart", "--indicator", "children_0_2_no_team", "--level", "nhs", "--size", "square", "--out", "ranked.png"]
    ],
    'gapmap profile --area "Bristol" --size a4-portrait --out bristol.pdf': [
        ["profile", "--area", "Bristol", "--size", "a4-portrait", "--out", "bristol.pdf"]
    ],
    "gapmap teams import data/teams_template.csv --dry-run": [
        ["teams", "import", str(ROOT / "data" / "teams_template.csv"), "--dry-run"]
    ],
    "gapmap validate my_survey.csv": [["validate", FORMS]],
    "gapmap indicators --survey my_survey.csv --out indicators.csv": [
        ["indicators", "--survey", FORMS, "--out", "indicators.csv"]
    ],
    "gapmap validate FILE": [["validate", FORMS]],
    "gapmap coverage [--level L] [--known-by YEAR] [--top N] [--out FILE.csv]": [
        ["coverage"],
        ["coverage", "--level", "la", "--known-by", "2021", "--top", "5", "--out", "cov.csv"],
    ],
    "gapmap areas --level L [--out FILE.csv]": [["areas", "--level", "nhs"], ["areas", "--level", "la", "--out", "la.csv"]],
    "gapmap areas --level L": [["areas", "--level", "la"]],
    "gapmap settings": [["settings"]],
    "gapmap audit-disclosure [--survey FILE] [--min-base N]": [["audit-disclosure", "--min-base", "10"]],
    "gapmap teams import FILE.csv [--by NAME] [--postcode-file ONSPD.csv]": [
        ["teams", "import", "new_teams.csv"],
        ["teams", "import", "more_teams.csv", "--by", "Analyst", "--postcode-file", "onspd.csv"],
    ],
    "gapmap teams import FILE.csv --skip-invalid --rejects REJECTS.csv": [
        ["teams", "import", MESSY, "--skip-invalid", "--rejects", "rejects.csv"]
    ],
    "gapmap teams import FILE.csv --dry-run": [
        ["teams", "import", "new_teams.csv", "--dry-run"],
        ["teams", "import", str(ROOT / "data" / "teams_template.csv"), "--dry-run"],
    ],
    "gapmap teams list [--format csv|geojson] [--out FILE] [--known-by 2021]": [
        ["teams", "list"],
        ["teams", "list", "--format", "geojson", "--out", "teams.geojson", "--known-by", "2021"],
        ["teams", "list", "--format", "csv", "--out", "teams.csv"],
    ],
    "gapmap trend": [["trend", "--indicator", "teams", "--out", "t.png"]],
    "gapmap change": [["change", "--survey", WAVE1, "--survey", WAVE2, "--out", "c.csv"]],
    "gapmap trend --indicator ID [--level L] [--area NAME_OR_CODE] [--from YEAR] [--to YEAR] [--size S] [--format png|svg|pdf] [--out FILE.png]": [
        ["trend", "--indicator", "teams"],
        ["trend", "--indicator", "children_0_2_no_team", "--level", "la", "--area", "Cardiff", "--size", "social",
         "--format", "pdf", "--out", "cardiff.pdf"],
        ["trend", "--indicator", "teams_per_10k_age_0_2", "--level", "nhs", "--area", "KY1", "--from", "2010",
         "--to", "2025", "--size", "square", "--out", "fife.svg"],
    ],
    "gapmap change --survey 2021=data/sample_survey.csv --survey 2024=data/sample_survey_wave2.csv [--level L] [--indicator ID] [--since W] [--to W] [--comparison-level 0.998] [--out FILE.csv]": [
        ["change", "--survey", WAVE1, "--survey", WAVE2],
        ["change", "--survey", WAVE1, "--survey", WAVE2, "--level", "nation", "--indicator", "sufficient_provision",
         "--since", "2021", "--to", "2024", "--comparison-level", "0.998", "--out", "change.csv"],
    ],
    "gapmap change --survey 2021=data/sample_survey.csv --survey 2024=data/sample_survey_wave2.csv --indicator referrals_age_2_or_under --map change.png --size social": [
        ["change", "--survey", WAVE1, "--survey", WAVE2, "--indicator", "referrals_age_2_or_under", "--map",
         "change.png", "--size", "social"],
        ["change", "--survey", WAVE1, "--survey", WAVE2, "--indicator", "sufficient_provision", "--map",
         "change.pdf", "--shape", "hex", "--title", "Sufficient provision, 2021 to 2024"],
    ],
    "gapmap audit-disclosure --survey 2021=A.csv --survey 2024=B.csv [--min-base N]": [
        ["audit-disclosure", "--survey", WAVE1, "--survey", WAVE2, "--min-base", "10"],
    ],
    "gapmap teams remove ID": [["teams", "remove", "{team}"]],
    "gapmap teams history": [["teams", "history"]],
    "gapmap teams undo BATCH": [["teams", "undo", "{batch}"]],
    "gapmap atlas build site/": [["atlas", "build", "site/"]],
    # Serving runs until Ctrl-C: tests/cli/test_atlas.py starts it for real and fetches a page from it.
    "gapmap atlas serve site/": [["atlas", "serve", "--help"]],
}  # fmt: skip


def test_every_readme_command_has_a_case():
    assert readme_commands() == set(CASES)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GAPMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'teams.db'}")
    (tmp_path / "new_teams.csv").write_text(
        "name,latitude,longitude\nREADME Team,53.48,-2.24\n", encoding="utf-8"
    )
    (tmp_path / "more_teams.csv").write_text("name,postcode\nPostcode Team,BT7 1NN\n", encoding="utf-8")
    (tmp_path / "onspd.csv").write_text("pcds,lat,long\nBT7 1NN,54.5840,-5.9340\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("command", sorted(CASES))
def test_readme_command_runs(command: str, workdir: Path):
    store = Store(Settings(database_url=f"sqlite:///{workdir / 'teams.db'}"))
    batch = (
        store.import_file(workdir / "new_teams.csv").batch_id if "{batch}" in str(CASES[command]) else None
    )
    team = int(store.list_teams()["id"].iloc[0])
    runs = [[a.format(team=team, batch=batch) for a in argv] for argv in CASES[command]]
    assert [_exit_code(argv) for argv in runs] == [0] * len(runs)


def _exit_code(argv: list[str]) -> int:
    """The command's exit status as a shell sees it (``--help`` exits through argparse's SystemExit)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
