from pathlib import Path

import pytest

from gapmap.measures.compute import indicator_table
from gapmap.present.attribution import BOUNDARY_ATTRIBUTION
from gapmap.present.mapspec import map_spec
from gapmap.problems import InputError
from gapmap.render import render_map, renderer


@pytest.fixture(scope="module")
def spec():
    return map_spec(indicator_table("services_0_2_definitely"))


def test_svg_has_real_text_legend_attribution_and_synthetic_label(spec, tmp_path: Path):
    out, alt = render_map(spec, tmp_path / "m.svg")
    svg = out.read_text(encoding="utf-8")
    for label in (
        "0–20%",
        "20–40%",
        "80–100%",
        "Suppressed: fewer than 10",
        "SYNTHETIC SAMPLE",
    ):
        assert label in svg
    assert "Open Government Licence v.3.0" in svg and "Crown copyright" in svg
    assert "UK value: 36%" in svg
    assert "<text" in svg  # svg.fonttype none: words, not glyph paths
    text = alt.read_text(encoding="utf-8")
    assert alt.name == "m.svg.alt.txt"
    assert "Synthetic sample" in text and "4 areas suppressed" in text and "Highest:" in text


def test_png_is_300_dpi_and_pdf_is_a_pdf(spec, tmp_path: Path):
    from PIL import Image

    png, _ = render_map(spec, tmp_path / "m.png")
    with Image.open(png) as im:
        assert round(im.info["dpi"][0]) == 300
        assert im.size[0] > 2000
    pdf, _ = render_map(spec, tmp_path / "m.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_spec_colours_suppressed_grey_and_labels_them(spec):
    sup = spec.areas.loc[spec.areas["suppressed"]]
    assert set(sup["colour"]) == {"#bdbdbd"}
    assert set(sup["label"]) == {"fewer than 10\nresponses"}
    shown = spec.areas.loc[~spec.areas["suppressed"]]
    assert "#bdbdbd" not in set(shown["colour"])
    assert any(f.startswith(BOUNDARY_ATTRIBUTION) for f in spec.footer)


def test_shetland_is_inside_the_drawn_extent(spec):
    _minx, _miny, _maxx, maxy = spec.areas.total_bounds
    assert maxy > 60.7  # Shetland's northern tip, 60.86 N


def test_unknown_format_lists_the_valid_ones():
    with pytest.raises(InputError, match="Expected one of png, svg, pdf, html"):
        renderer("gif")
