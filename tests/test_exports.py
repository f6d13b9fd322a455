"""Static exports measured from the drawn figure: every text on the canvas and clear of every other, for every
indicator at every size and level; exact social pixel sizes; the CSV beside; tagged PDFs; file names."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

import pytest

from gapmap import pipeline
from gapmap.geography import LEVELS
from gapmap.indicators import INDICATORS
from gapmap.render import static
from gapmap.render.sizes import SIZES
from gapmap.settings import Settings


@cache
def _shared() -> tuple[Any, Any, Any, str]:
    from gapmap.teams_layer import for_map

    settings = Settings()
    points, note = for_map(settings)
    return settings, pipeline.load_survey(settings=settings), points, note


@cache
def spec_for(indicator: str, level: str) -> Any:
    settings, responses, points, note = _shared()
    table = pipeline.indicator_table(indicator, responses, settings, level=level)
    return pipeline.map_spec(table, settings, None, points, note)


def _extent(text: Any, renderer: Any) -> Any:
    patch = text.get_bbox_patch()  # a label's white box is what could hide another text
    return (patch if patch is not None else text).get_window_extent(renderer)


def layout_problems(laid: Any, rasterise: bool = False) -> list[str]:
    """Texts that leave the canvas or overlap another, measured in display pixels after drawing the figure.

    A4 pages are measured at 150 dpi rather than 300: hinted text is widest at 150 dpi (DejaVu Sans at 8 pt:
    1.5% wider than unhinted, 300 dpi 1.5% narrower), so this is the stricter check. ``rasterise`` draws every
    pixel (``fig.canvas.draw()``); otherwise matplotlib's own draw-without-rendering lays out the same texts
    with the same renderer metrics, without painting them (a tenth of the time, for the full matrix).
    """
    fig = laid.fig
    fig.set_dpi(min(fig.dpi, 150))
    if rasterise:
        fig.canvas.draw()
    else:
        fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
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
