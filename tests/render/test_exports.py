"""Static exports measured from the drawn figure: every text on the canvas and clear of every other, for every
indicator at every size and level; exact social pixel sizes; the CSV beside; tagged PDFs; file names."""

from __future__ import annotations

import csv
import itertools
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gapmap.cli.main import main
from gapmap.geo.levels import LEVELS
from gapmap.measures.compute import indicator_table
from gapmap.measures.indicators import INDICATORS
from gapmap.present.mapspec import map_spec
from gapmap.present.profile import area_profile
from gapmap.present.tables import ranked
from gapmap.render import exports, names, static
from gapmap.render.sizes import SIZES
from gapmap.settings import Settings, from_env
from gapmap.survey.validate import load_survey


@cache
def _shared() -> tuple[Any, Any, Any, str]:
    from gapmap.teams.layer import for_map

    settings = Settings()
    points, note = for_map(settings)
    return settings, load_survey(settings=settings), points, note


@cache
def spec_for(indicator: str, level: str) -> Any:
    settings, responses, points, note = _shared()
    table = indicator_table(indicator, responses, settings, level=level)
    return map_spec(table, settings, None, points, note)


def _extent(text: Any, renderer: Any) -> Any:
    patch = text.get_bbox_patch()  # a label's white box is what could hide another text
    return (patch if patch is not None else text).get_window_extent(renderer)


_RENDERERS: dict[tuple[float, float, float], Any] = {}


def _shared_renderer(fig: Any) -> Any:
    """One Agg renderer per page size and resolution for the whole matrix: matplotlib caches text metrics per
    renderer, and the pages share most of their lines (sources, legends), so each is measured once."""
    from matplotlib.backends.backend_agg import RendererAgg

    key = (fig.bbox.width, fig.bbox.height, fig.dpi)
    if key not in _RENDERERS:
        _RENDERERS[key] = RendererAgg(fig.bbox.width, fig.bbox.height, fig.dpi)
    return _RENDERERS[key]


def layout_problems(laid: Any, rasterise: bool = False) -> list[str]:
    """Texts that leave the canvas or overlap another, measured in display pixels after drawing the figure.

    A4 pages are measured at 150 dpi rather than 300: hinted text is widest at 150 dpi (DejaVu Sans at 8 pt:
    1.5% wider than unhinted, 300 dpi 1.5% narrower), so this is the stricter check. ``rasterise`` paints every
    pixel (``fig.canvas.draw()``); otherwise the figure is drawn with painting switched off (as matplotlib's
    ``draw_without_rendering`` does): the same layout and text metrics, in a fraction of the time.
    """
    fig = laid.fig
    fig.set_dpi(min(fig.dpi, 150))
    if rasterise:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
    else:
        renderer = _shared_renderer(fig)
        with renderer._draw_disabled():  # what Figure.draw_without_rendering does, with a shared renderer
            fig.draw(renderer)
    width, height = fig.bbox.width, fig.bbox.height
    boxes = [(t, _extent(t, renderer)) for t in laid.texts if t.get_visible() and t.get_text()]
    out = [
        f"off the canvas: {t.get_text()[:40]!r} at {tuple(round(v) for v in b.extents)}"
        for t, b in boxes
        if b.x0 < 0 or b.y0 < 0 or b.x1 > width or b.y1 > height
    ]
    out += [
        f"overlap: {a.get_text()[:40]!r} and {b.get_text()[:40]!r}"
        for (a, ba), (b, bb) in itertools.combinations(boxes, 2)
        if ba.overlaps(bb)
    ]
    return out + crowded_ticks(fig, renderer)


def crowded_ticks(fig: Any, renderer: Any) -> list[str]:
    """Tick labels of an axis closer than half an em: they do not overlap, yet read as one number
    ('20,00040,000')."""
    out = []
    for ax in (a for a in fig.axes if a.axison and a.xaxis.get_visible()):
        labels = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
        lo, hi = sorted(ax.get_xlim())
        labels = [t for t in labels if lo - 1e-9 <= t.get_position()[0] <= hi + 1e-9]
        boxes = sorted(((t.get_window_extent(renderer), t) for t in labels), key=lambda bt: bt[0].x0)
        for (ba, a), (bb, b) in itertools.pairwise(boxes):
            em = b.get_fontsize() * fig.dpi / 72
            if bb.x0 - ba.x1 < em / 2:
                out.append(f"tick labels run together: {a.get_text()!r} and {b.get_text()!r}")
    return out


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("indicator", list(INDICATORS))
def test_no_text_leaves_the_canvas_or_overlaps(indicator: str, level: str, size: str):
    laid = static.map_figure(spec_for(indicator, level), size, csv_name=f"{indicator}.{level}.csv")
    assert len(laid.texts) >= 5  # title, subtitle or notes, legend, source: the check has something to check
    assert layout_problems(laid) == []


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("level", ["region", "nhs"])
def test_drawn_pixels_agree(level: str, size: str):
    """The same check on a fully rasterised draw, for the default indicator and the survey's headline one."""
    for indicator in ("children_0_2_no_team", "services_0_2_definitely"):
        laid = static.map_figure(spec_for(indicator, level), size, csv_name=f"{indicator}.{level}.csv")
        assert layout_problems(laid, rasterise=True) == []


# Charts: the same measurement for the ranked chart of every indicator at every level and size, and the spine
# chart of an area of every level.


@cache
def ranked_spec_for(indicator: str, level: str) -> Any:
    from gapmap.present import chartspec

    settings, responses, _points, _note = _shared()
    table = indicator_table(indicator, responses, settings, level=level)
    return chartspec.ranked_spec(ranked(table), f"{indicator}.ranked.{level}.csv")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("indicator", list(INDICATORS))
def test_ranked_chart_texts_stay_apart(indicator: str, level: str, size: str):
    from gapmap.render import charts

    laid = charts.ranked_figure(ranked_spec_for(indicator, level), size)
    assert layout_problems(laid) == []


@pytest.mark.parametrize("level", ["region", "la"])
@pytest.mark.parametrize("indicator", list(INDICATORS))
def test_ranked_bars_are_in_comparison_colours_or_else_the_maps_own(indicator: str, level: str):
    """Bars compared with the UK take the comparison's colour; where nothing is compared (coverage, counts,
    provision) each bar takes its area's colour on the map of the same table, and the legend the map's entries."""
    from gapmap.measures import comparison

    spec = ranked_spec_for(indicator, level)
    settings, responses, _points, _note = _shared()
    r = ranked(indicator_table(indicator, responses, settings, level=level))
    shown = r.shown
    words = shown["comparison"].astype(str).tolist()
    colours = [b.colour for b in spec.bars]
    if any(words):
        assert colours == [comparison.COLOURS[w] for w in words]
        return
    on_map = spec_for(indicator, level).areas.set_index("area_code")["colour"]
    # Areas with a value, then those of the population with none (no data), each in its colour on the map.
    assert colours == [on_map[c] for c in [*shown["area_code"], *r.no_value["area_code"]]]
    assert set(spec.legend) <= set(spec_for(indicator, level).legend)
    assert {colour for _, colour in spec.legend} == set(colours)
    assert comparison.LABELS[""] not in [label for label, _ in spec.legend]


def test_ranked_bars_match_a_map_coloured_by_comparison():
    """The app's "Compared with UK" colouring: where nothing is compared the map is all "Not compared", and so are
    the bars of the chart downloaded beside it (views.chart_file, as the app's button makes it)."""
    from gapmap.app import views
    from gapmap.measures import comparison
    from gapmap.present import chartspec

    table = indicator_table("children_0_2_no_team", level="region")
    on_map = map_spec(table, colour_by="comparison").areas
    spec = chartspec.ranked_spec(ranked(table), colour_by="comparison")
    assert {b.colour for b in spec.bars} == set(on_map["colour"]) == {comparison.COLOURS[""]}
    assert spec.legend == [(comparison.LABELS[""], comparison.COLOURS[""])]
    by_comparison = views.chart_file(table, "svg", colour_by="comparison").decode("utf-8")
    by_value = views.chart_file(table, "svg").decode("utf-8")
    assert "Not compared" in by_comparison and "80–100%" not in by_comparison
    assert "80–100%" in by_value and "Not compared" not in by_value


def test_ranked_bars_follow_the_palette_setting():
    from gapmap.present import chartspec, classify

    table = indicator_table("children_0_2_no_team", level="region")
    purples = chartspec.ranked_spec(
        ranked(table, "best"), palette="Purples"
    )  # bars of the share, not children
    default = chartspec.ranked_spec(ranked(table, "best"))
    classes = classify.classes_for(table.indicator, table.areas["value"].tolist(), "Purples")
    assert [b.colour for b in purples.bars] == [classes.colour_of(b.value) for b in purples.bars]
    assert [b.colour for b in purples.bars] != [b.colour for b in default.bars]


PROFILED = {"nation": "S92000003", "region": "E12000007", "nhs": "S08000029", "la": "W06000015"}


@cache
def profile_for(code: str) -> Any:
    settings, responses, _points, _note = _shared()
    return area_profile(settings, code, responses)


@cache
def spine_spec_for(code: str) -> Any:
    from gapmap.present import chartspec

    return chartspec.spine_spec(profile_for(code), "profile.csv")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("code", list(PROFILED.values()), ids=list(PROFILED))
def test_spine_chart_texts_stay_apart(code: str, size: str):
    from gapmap.render import charts

    laid = charts.spine_figure(spine_spec_for(code), size)
    assert len(laid.texts) > 20 and layout_problems(laid, rasterise=True) == []


def test_layout_check_finds_an_overlap_and_a_text_off_the_canvas():
    """The check can fail: a text moved onto another, and one pushed off the page, are both reported."""
    laid = static.map_figure(spec_for("services_0_2_definitely", "region"), "social")
    title, other = laid.texts[0], laid.texts[1]
    other.set_position(title.get_position())
    other.set_transform(title.get_transform())
    laid.texts[-1].set_x(50.0)
    found = layout_problems(laid)
    assert any(p.startswith("overlap") for p in found) and any(p.startswith("off the canvas") for p in found)


# Files: exact pixels, the CSV beside, tagged PDFs, names, and all-or-nothing writes.


@pytest.mark.parametrize(("size", "pixels"), [("social", (1200, 675)), ("square", (1080, 1080))])
def test_social_pngs_have_exact_pixel_sizes(size: str, pixels: tuple[int, int], tmp_path: Path):
    from PIL import Image

    table = indicator_table("children_0_2_no_team", level="nhs")
    written = [
        exports.write_map(table, spec_for("children_0_2_no_team", "nhs"), tmp_path / "m.png", size=size),
        exports.write_chart(table, tmp_path / "c.png", size=size),
        exports.write_profile(profile_for("S08000029"), [table], tmp_path / "p.png", size=size),
    ]
    for w in written:
        with Image.open(w.image) as im:
            assert im.size == pixels, w.image.name


def test_map_csv_holds_exactly_the_rows_the_map_shows(tmp_path: Path):
    from gapmap.present.tables import TIDY_COLUMNS

    settings, responses, _points, _note = _shared()
    table = indicator_table("services_0_2_definitely", responses, settings)
    spec = spec_for("services_0_2_definitely", "region")
    w = exports.write_map(table, spec, tmp_path / "s.svg")
    rows = list(csv.DictReader(w.csv.open(encoding="utf-8")))
    assert w.csv.name == "s.csv" and list(rows[0]) == TIDY_COLUMNS
    assert [r["area_code"] for r in rows] == [*spec.areas["area_code"], "K02000001"]
    hidden = [r for r in rows if r["suppressed"] == "True"]
    assert len(hidden) == 4 and all(r["value"] == r["lower"] == r["upper"] == r["k"] == "" for r in hidden)
    # a map of part of the UK (other boundaries) has only its own areas and the UK row
    part = spec.areas.loc[spec.areas["area_code"].str.startswith("E12")]
    spec_part = map_spec(
        table,
        settings,
        part.drop(columns=[c for c in part if c not in ("area_code", "area_name", "geometry")]),
    )
    w2 = exports.write_map(table, spec_part, tmp_path / "england.png")
    codes = [r["area_code"] for r in csv.DictReader(w2.csv.open(encoding="utf-8"))]
    assert set(codes) == {*part["area_code"], "K02000001"}


def test_pdf_is_tagged_with_title_subject_author_keywords_and_language(tmp_path: Path):
    from pypdf import PdfReader

    table = indicator_table("understanding_mean")
    w = exports.write_map(table, map_spec(table), tmp_path / "u.pdf", title="How well do we understand?")
    reader = PdfReader(w.image)
    meta = reader.metadata
    assert meta.title.startswith("How well do we understand?")
    assert meta.subject.startswith("Synthetic sample") and "UK mean rating: 3.27 out of 5" in meta.subject
    assert meta.author == "gapmap" and "understanding_mean" in meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    box = reader.pages[0].mediabox  # A4 portrait in points
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_a_folder_in_the_way_of_the_csv_writes_nothing(tmp_path: Path, capsys):
    (tmp_path / "m.csv").mkdir()
    code = main(["render", "--indicator", "respondents", "--no-teams", "--out", str(tmp_path / "m.png")])
    assert code == 1 and "m.csv" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv"]  # no image, no alt text, no temporary file


def test_export_names_carry_what_the_file_shows():
    t = indicator_table(
        "services_0_2_definitely", age_group="12-16", profession="Psychiatrist", settings=from_env(min_base=5)
    )
    assert names.export_name(t, "png", "social") == (
        "services_0_2_definitely.age-12-16.region.prof-psychiatrist.min5.social.png"
    )
    # defaults are left out: the everyday map keeps its short name; the age group changes the name
    plain = indicator_table("services_0_2_definitely", level="nhs")
    assert names.export_name(plain, "svg", "a4-portrait") == "services_0_2_definitely.nhs.svg"
    older = indicator_table("services_0_2_definitely", age_group="3-4")
    assert (
        names.export_name(older, "pdf", "a4-landscape")
        == "services_0_2_definitely.age-3-4.region.a4-landscape.pdf"
    )
    teams = indicator_table("teams", known_by=2021)
    assert (
        names.export_name(teams, "png", known_by=2021, kind="ranked") == "teams.ranked.region.known2021.png"
    )
    assert names.slug("Nurse $x^$ \\frac{") == "nurse-x-frac" and names.slug("ملف")[:1] == "x"


def test_render_all_uses_the_export_names(tmp_path: Path):
    code = main(
        ["render", "--all", "--out-dir", str(tmp_path), "--no-teams", "--size", "square", "--level", "nation"]
    )
    assert code == 0
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert "children_0_2_no_team.nation.square.png" in pngs and len(pngs) == 15
    assert all((tmp_path / p.replace(".png", ".csv")).exists() for p in pngs)


# Words on the page: source line everywhere, synthetic only on survey maps, headline and subtitle as data.


def _svg_text(path: Path) -> str:
    """The drawn words of an SVG (its <text> elements, one per line), not its metadata."""
    import html
    import re

    lines = re.findall(r"<text[^>]*>(.*?)</text>", path.read_text(encoding="utf-8"), re.S)
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", line)) for line in lines)


@pytest.mark.parametrize(
    "indicator", ["services_0_2_definitely", "understanding_mean", "teams", "start_for_life"]
)
@pytest.mark.parametrize("size", ["a4-landscape", "social"])
def test_every_map_carries_its_source_and_licence_and_only_survey_maps_say_synthetic(
    indicator: str, size: str, tmp_path: Path
):
    table = indicator_table(indicator)
    w = exports.write_map(table, spec_for(indicator, "region"), tmp_path / "m.svg", size=size)
    text = _svg_text(w.image)
    assert "Open Government Licence v.3.0" in text and "Crown copyright" in text
    assert ("SYNTHETIC SAMPLE" in text) == INDICATORS[indicator].from_survey
    assert ("synthetic" in w.alt.read_text(encoding="utf-8").lower()) == INDICATORS[indicator].from_survey
    assert "Full data and notes: m.csv" in text


def test_headline_and_subtitle_replace_the_defaults_and_the_question_moves_to_the_notes(tmp_path: Path):
    table = indicator_table("services_0_2_definitely")
    title, subtitle = "Babies $x^2$ <b>left out</b>", "Most areas: \\frac{1}{3} of services"
    w = exports.write_map(table, map_spec(table), tmp_path / "m.svg", title=title, subtitle=subtitle)
    raw = w.image.read_text(encoding="utf-8")
    text = _svg_text(w.image)
    assert title in text and subtitle in text and "<b>" not in raw  # escaped, no maths
    assert "Question: Within children" in text
    assert "Services that can definitely work" not in text  # the default headline is replaced, not added


@pytest.mark.parametrize(
    ("indicator", "level", "says", "never"),
    [
        (
            "services_0_2_definitely",
            "region",
            "UK: 36% of 283 respondents (95% interval 31% to 42%).",
            "Measure",
        ),
        (
            "understanding_mean",
            "region",
            "UK mean rating: 3.27 out of 5, from 283 respondents",
            "3.27 of 283",
        ),
        ("respondents", "region", "UK total: 283 respondents.", "What it shows"),
        ("teams", "region", "UK: 38 teams serve at least one local authority.", "Question"),
        (
            "teams_per_10k_age_0_2",
            "nation",
            "UK: 0.17 teams per 10,000 children aged 0-2 (38 teams",
            "Question",
        ),
        ("children_0_2_no_team", "nhs", "UK: 1,677,148 of 2,252,744 children aged 0-2 (74%)", "Question"),
        ("start_for_life", "la", "Trailblazer: 29 of 361 local authorities", "Highest"),
        ("scotland_infant_mh", "region", "Only Scotland has a value: 69%.", "Lowest"),
    ],
)
def test_alt_text_reads_well_for_every_kind(indicator: str, level: str, says: str, never: str):
    spec = spec_for(indicator, level)
    assert says in spec.alt_text and never not in spec.alt_text
    assert spec.alt_text.startswith("Synthetic sample") == INDICATORS[indicator].from_survey


def test_chart_and_profile_commands_write_image_alt_text_and_csv(tmp_path: Path, monkeypatch, capsys):
    from gapmap.present.tables import TIDY_COLUMNS

    monkeypatch.chdir(tmp_path)
    assert main(["chart", "--indicator", "sufficient_provision", "--size", "social"]) == 0
    assert main(["profile", "--area", "Cardiff", "--level", "nhs", "--format", "pdf"]) == 0
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == [
        "profile.W11000029.nhs.csv",
        "profile.W11000029.nhs.pdf",
        "profile.W11000029.nhs.pdf.alt.txt",
        "sufficient_provision.ranked.region.social.csv",
        "sufficient_provision.ranked.region.social.png",
        "sufficient_provision.ranked.region.social.png.alt.txt",
    ]
    rows = list(csv.DictReader((tmp_path / "profile.W11000029.nhs.csv").open(encoding="utf-8")))
    assert list(rows[0]) == TIDY_COLUMNS and {r["level"] for r in rows} == {"nhs"}
    assert "W11000029" in {r["area_code"] for r in rows} and "K02000001" in {r["area_code"] for r in rows}
    alt = (tmp_path / "sufficient_provision.ranked.region.social.png.alt.txt").read_text(encoding="utf-8")
    assert (
        alt.startswith("Synthetic sample")
        and "Bar chart of the UK's 12 nations and English regions, best first" in alt
    )
    assert main(["profile", "--area", "Atlantis"]) == 1
    assert "No area or postcode district called 'Atlantis'" in capsys.readouterr().err


def test_a_typed_headline_shows_control_characters_rather_than_obeying_them():
    spec = spec_for("respondents", "region")
    laid = static.map_figure(spec, "social", title="Gap map\u202e txt.exe", subtitle="line\x1b[31m red")
    shown = [t.get_text() for t in laid.texts]
    assert "Gap map[U+202E] txt.exe" in shown and any("line[U+001B][31m red" in s for s in shown)


@pytest.mark.parametrize("kind", ["map", "ranked", "spine"])
def test_release_lets_go_of_the_drawn_pixels(kind: str, tmp_path: Path):
    """After a figure is saved, no drawn text still holds the renderer (and with it the page's pixel buffer)."""
    from matplotlib.text import Text

    from gapmap.render import charts

    if kind == "map":
        laid = static.map_figure(spec_for("children_0_2_no_team", "nhs"))
    elif kind == "ranked":
        laid = charts.ranked_figure(ranked_spec_for("services_0_2_definitely", "region"))
    else:
        laid = charts.spine_figure(spine_spec_for(PROFILED["region"]))
    exports._save(laid, "png")(tmp_path / "x.png")
    texts = laid.fig.findobj(Text)
    assert sum(getattr(t, "_renderer", None) is not None for t in texts) > 5  # drawn texts hold it
    exports.release(laid)
    assert [t for t in texts if getattr(t, "_renderer", None) is not None] == []
