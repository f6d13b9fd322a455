"""What the app's pages show, without a browser: the map view, the ranked chart and spine chart specs, the map's
base and overlay (legend beside the map, source line, tooltips), and the URL's comparison choices."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gapmap.app import state, views
from gapmap.measures import comparison
from gapmap.present.profile import area_profile
from gapmap.present.ranking import ranked
from gapmap.render import render_map, vega, web
from gapmap.settings import Settings


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('views') / 't.db'}")


@pytest.fixture(scope="module")
def survey_view(app_settings, sample):
    return views.map_view(state.View(indicator="services_0_2_definitely"), sample, app_settings)


def test_table_shows_n_and_comparison_first_and_the_uk_as_the_first_row(survey_view):
    d = survey_view.areas_display
    assert list(d.columns[:3]) == ["Area", "n", "Compared with UK"]
    assert d.iloc[0]["Area"] == "United Kingdom" and len(d) == 13
    assert set(d["Compared with UK"]) <= {*comparison.LABELS.values(), ""}


@pytest.mark.parametrize(
    ("indicator", "level"), [("services_0_2_definitely", ""), ("children_0_2_no_team", "la")]
)
def test_the_table_lists_areas_in_the_ranked_charts_order(app_settings, sample, indicator, level):
    v = views.map_view(state.View(indicator=indicator, level=level), sample, app_settings)
    names = v.areas_display["Area"].tolist()
    charted = v.ranked.shown["area_name"].tolist()
    assert names[0] == "United Kingdom" and names[1 : 1 + len(charted)] == charted
    assert names[1 + len(charted) :] == [*v.ranked.no_value["area_name"], *v.ranked.hidden["area_name"]]
    # not the code order it had before: the ranking changes where the table starts
    codes = v.table.areas.sort_values("area_code")["area_name"].tolist()
    assert names[1:] != codes


def test_the_teams_preview_names_its_columns_for_a_reader():
    import pandas as pd

    records = pd.DataFrame(
        {
            "row": [2],
            "name": ["A team"],
            "location_basis": ["postcode district"],
            "region": ["Wales"],
            "evidence_year": [2024],
        }
    )
    d = views.teams_preview(records)
    assert list(d.columns) == ["Row", "Team", "Located by", "Region", "Evidence year"]
    assert d.iloc[0]["Located by"] == "centre of the postcode district (not the team's base)"


def test_hidden_areas_are_named_with_their_reason(survey_view):
    note = survey_view.hidden_note
    hidden = survey_view.table.areas.loc[survey_view.table.areas["suppressed"], "area_name"]
    assert len(hidden) and note.startswith("Not charted (fewer than 10 responses): ")
    assert all(name in note for name in hidden)


def test_a_long_hidden_list_is_cut_with_how_many_more(app_settings, sample):
    v = views.map_view(state.View(indicator="sufficient_provision", level="la"), sample, app_settings)
    note = v.hidden_note
    assert len(v.ranked.hidden) == 361
    assert note.startswith("Not charted (fewer than 10 responses): ") and "and 351 more" in note
    assert note.count(",") < 20


def test_ranked_chart_lists_areas_best_first_with_intervals_uk_line_and_n(survey_view):
    spec = vega.ranked_chart(survey_view.ranked, survey_view.colours())
    rows = spec["data"]["values"]
    assert [r["area_name"] for r in rows] == survey_view.ranked.shown["area_name"].tolist()
    values = [r["value"] for r in rows]
    assert values == sorted(values, reverse=True)  # higher is better for this indicator
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "rule", "rule"]  # value, interval, the UK
    assert spec["layer"][2]["data"]["values"][0]["uk"] == pytest.approx(survey_view.ranked.uk_value)
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["field"] == "comparison" and "Similar to the UK" in colour["scale"]["domain"]
    assert all(r["n"].endswith("respondents") for r in rows)
    assert {"n", "interval", "says"} <= {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]}
    assert "http" not in json.dumps(spec)  # nothing for Vega to fetch


def test_ranked_chart_of_lower_is_better_puts_the_lowest_first(app_settings, sample):
    v = views.map_view(state.View(level="nation"), sample, app_settings)
    assert v.ranked.shown["area_name"].iloc[0] == "England"  # by default, largest gap (most children) first
    rows = vega.ranked_chart(ranked(v.table, "best"), v.colours())["data"]["values"]
    assert rows[0]["area_name"] == "Scotland" and [r["value"] for r in rows] == sorted(
        r["value"] for r in rows
    )
    # No area is compared (counts of children, no interval): bars take the map's colours.
    assert {r["colour"] for r in rows} <= set(v.spec.areas["colour"])


@pytest.mark.parametrize(
    ("value", "polarity", "expected"),
    [(0.5, "higher_better", 0.5), (0.7, "higher_better", 1.0), (0.7, "lower_better", 0.0), (0.4, "", 0.25)],
)
def test_spine_positions_put_the_uk_in_the_middle_and_better_on_the_right(value, polarity, expected):
    assert vega.spine_position(value, 0.5, 0.3, 0.7, polarity) == pytest.approx(expected)


def test_spine_chart_and_profile_table_label_survey_rows_synthetic(app_settings, sample):
    profile = area_profile(app_settings, "E12000007", sample)
    spec = vega.spine_chart(profile)
    ranges = spec["layer"][0]["data"]["values"]
    assert any(r["indicator"].endswith("(synthetic sample)") for r in ranges)
    assert not any(
        "synthetic" in r["indicator"] for r in ranges if r["indicator"].startswith("Children aged 0-2")
    )
    assert all(0 <= r["a"] <= r["c"] <= r["d"] <= r["b"] <= 1 for r in ranges)
    dots = spec["layer"][3]["data"]["values"]
    assert dots and all(0 <= d["x"] <= 1 for d in dots)
    table = views.profile_display(profile)
    assert list(table.columns[:3]) == ["Indicator", "n", "Compared with UK"]
    assert set(table["Data"]) == {"synthetic sample", "real (sourced)"}


def test_profile_download_is_the_tidy_shape_for_the_area_and_the_uk(app_settings, sample):
    from gapmap.present.tables import TIDY_COLUMNS

    profile = area_profile(app_settings, "E12000007", sample)
    frame = views.profile_tidy(profile, sample, app_settings)
    assert list(frame.columns) == TIDY_COLUMNS
    assert set(frame["area_code"]) == {"E12000007", "K02000001", "E92000001", "S92000003"}
    # Each indicator's benchmark row: the UK's, but England's for an England-only programme.
    programme = frame.loc[frame["indicator"] == "start_for_life", "area_code"].tolist()
    assert programme == ["E12000007", "E92000001"]


@pytest.fixture(scope="module")
def export(survey_view, tmp_path_factory) -> str:
    out, _ = render_map(survey_view.spec, tmp_path_factory.mktemp("html") / "m.html")
    return Path(out).read_text(encoding="utf-8")


def test_export_has_the_source_line_legend_column_and_tooltips_that_stay_inside(export):
    decoded = export.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    assert "Boundaries © ONS, OS (OGL v3.0)" in decoded and "SYNTHETIC" in decoded  # the corner source line
    assert "Open Government Licence" in decoded  # the full sources, in the legend column
    # The legend is a column beside the map, never over it: the map starts where the legend ends.
    assert re.search(rf"\.folium-map \{{[^}}]*left: {web.LEGEND_WIDTH}px", export)
    assert re.search(rf"\.gapmap-legend \{{[^}}]*width: {web.LEGEND_WIDTH}px", export)
    assert 'direction: "auto"' in export and "autoPanPadding" in export
    assert "maxClusterRadius: 20" in export and "disableClusteringAtZoom" in export


def test_tooltips_say_how_an_area_compares_in_words(survey_view):
    payload = web.style_payload(survey_view.spec)
    tips = [v[2] for v in payload["areas"].values()]
    assert any("Similar to the UK (the 95% interval includes the UK value)" in t for t in tips)
    assert all("n = " in t for t in tips)
    assert any("Fewer than 10 responses: no value shown" in t for t in tips)


def test_focus_opens_the_area_in_a_popup(survey_view):
    payload = web.style_payload(survey_view.spec, ["W92000004", "nope"])
    assert payload["focus"] == ["W92000004"] and "Wales" in payload["popup"]["html"]


@pytest.mark.parametrize(
    ("query", "colour_by", "level"),
    [
        ({"colour_by": "comparison", "comparison": "99.8"}, "comparison", 0.998),
        ({"colour_by": "nope", "comparison": "90"}, "value", 0.95),
    ],
)
def test_comparison_choices_live_in_the_url(query, colour_by, level):
    view = state.View.from_query(query)
    assert (view.colour_by, view.comparison_level) == (colour_by, level)
    assert state.View.from_query(view.to_query()) == view


def test_comparison_view_colours_areas_by_comparison(app_settings, sample):
    v = views.map_view(
        state.View(indicator="services_0_2_definitely", colour_by="comparison"), sample, app_settings
    )
    shown = v.spec.areas.loc[~v.spec.areas["suppressed"]]
    assert set(shown["colour"]) <= {comparison.COLOURS[w] for w in ("better", "similar", "worse")}


def test_about_the_data_renders_every_table_whole():
    # A paragraph inside a Markdown table ends it: the rows after it would show as loose text in the app.
    from markdown_it import MarkdownIt

    from tests.conftest import ROOT

    md = MarkdownIt("commonmark").enable("table")
    for part in state.about_markdown(ROOT).split("\n\n---\n\n"):
        lines = part.splitlines()
        table_lines = [ln for ln in lines if ln.startswith("|") and not re.match(r"^\|[-|: ]+\|$", ln)]
        rendered = md.render(part)
        assert rendered.count("<tr>") == len(table_lines), part[:60]


@pytest.mark.parametrize(("what", "fmt", "magic"), [("map", "png", b"\x89PNG"), ("chart", "svg", b"<?xml")])
def test_downloads_are_the_files_the_cli_makes(app_settings, sample, survey_view, what, fmt, magic):
    view = state.View(indicator="services_0_2_definitely")
    if what == "map":
        data = views.map_file(view, survey_view.table, app_settings, views.team_layer(app_settings), fmt)
    else:
        data = views.chart_file(survey_view.table, fmt)
    assert data.startswith(magic)


def test_profile_download_is_a_spine_chart_pdf(app_settings, sample):
    profile = area_profile(app_settings, "E12000007", sample)
    assert views.profile_file(profile, sample, app_settings, None, "pdf").startswith(b"%PDF")


def test_streamlit_is_imported_only_by_the_app_and_its_pages():
    import ast

    from tests.conftest import ROOT

    importers = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "src" / "gapmap").rglob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                importers.add(path.relative_to(ROOT).as_posix())
    assert importers and all(p == "app.py" or p.startswith("src/gapmap/app/pages/") for p in importers), (
        importers
    )


@pytest.mark.parametrize("colour_by", ["value", "comparison"])
def test_the_ranked_chart_beside_the_map_is_coloured_as_the_map(app_settings, sample, colour_by):
    """ "Colour areas by": the chart follows the map's choice, in the map's colours and legend words."""
    v = views.map_view(
        state.View(indicator="services_0_2_definitely", colour_by=colour_by), sample, app_settings
    )
    spec = vega.ranked_chart(v.ranked, v.colours(), v.spec.legend)
    on_map = v.colours()
    rows = spec["data"]["values"]
    codes = v.ranked.shown["area_code"].tolist()
    assert [r["colour"] for r in rows] == [on_map[c] for c in codes]
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["field"] == "class"
    assert set(zip(colour["scale"]["domain"], colour["scale"]["range"], strict=True)) <= set(v.spec.legend)
    words = set(colour["scale"]["domain"])
    if colour_by == "value":
        assert words and all(w.endswith("%") for w in words)  # the map's classes, not "Similar to the UK"
    else:
        assert words <= set(comparison.LABELS.values())
    # The downloaded chart follows the same choice.
    svg = views.chart_file(v.table, "svg", colour_by=colour_by).decode("utf-8")
    assert ("Similar to the UK" in svg) == (colour_by == "comparison")


def test_the_scotland_chart_in_the_app_names_scotland_and_lists_boards_without_a_value(app_settings, sample):
    v = views.map_view(state.View(indicator="scotland_infant_mh", level="nhs"), sample, app_settings)
    spec = vega.ranked_chart(v.ranked, v.colours(), v.spec.legend)
    assert "dashed line: Scotland 69%" in spec["layer"][0]["encoding"]["x"]["axis"]["title"]
    rows = {r["area_name"]: r for r in spec["data"]["values"]}
    assert rows["NHS Borders"]["value"] is None and rows["NHS Borders"]["shown"].startswith("No data")
    words = [
        layer
        for layer in spec["layer"]
        if isinstance(layer["mark"], dict) and layer["mark"]["type"] == "text"
    ]
    assert words and words[0]["encoding"]["text"] == {"field": "shown"}  # 'No data …' written on the row
    assert "UK" not in json.dumps(spec["layer"][-1])
    table = v.areas_display
    assert table.iloc[0]["Area"] == "Scotland"  # the benchmark first


@pytest.mark.parametrize("what", ["map", "chart"])
def test_a_downloads_full_data_line_names_the_csv_the_page_offers(app_settings, survey_view, what):
    view = state.View(indicator="services_0_2_definitely")
    table = survey_view.table
    if what == "map":
        data = views.map_file(view, table, app_settings, views.team_layer(app_settings), "svg")
    else:
        data = views.chart_file(table, "svg")
    drawn = re.findall(r"<text[^>]*>(.*?)</text>", data.decode("utf-8"), re.S)
    text = " ".join(" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in drawn)
    offered = survey_view.file_name("csv")
    assert offered == "services_0_2_definitely.region.csv"  # as `gapmap render` names its CSV
    assert f"Full data and notes: {offered}" in text and "gapmap.csv" not in text
    assert survey_view.file_name("png", kind="ranked") == "services_0_2_definitely.ranked.region.png"


def test_areas_outside_a_layers_population_are_counted_not_listed(app_settings, sample):
    v = views.map_view(state.View(indicator="scotland_infant_mh", level="nhs"), sample, app_settings)
    outside = (v.ranked.hidden["reason"].str.startswith("not applicable")).sum()
    assert outside == 68 - 14
    assert f"Not charted (not applicable: outside Scotland): {outside} areas" in v.hidden_note
    assert "Aneurin Bevan" not in v.hidden_note
