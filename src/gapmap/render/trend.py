"""Trend chart exports at any export size: lines a year each, and published counts as separate numbered points.

Returns the laid-out Figure and the texts that must not overlap (as :mod:`gapmap.render.charts` does); the numbers
and words come formatted in a :class:`gapmap.present.trendspec.TrendSpec`, so nothing is computed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gapmap.present.trendspec import PUBLISHED_COLOUR
from gapmap.render.charts import _figure, _meta, _notes, _source
from gapmap.render.layout import Laid, Page, Swatch, header, legend_row, rc
from gapmap.render.sizes import get_size

if TYPE_CHECKING:
    from gapmap.present.trendspec import TrendSpec

EDGE = "#404040"


def _number_labels(
    page: Page, ax: Any, spec: TrendSpec, box: tuple[float, float, float, float], pt: float
) -> None:
    """Each published point's number beside it, at the first of eight places around it that is clear of the
    numbers already placed, of the lines' markers and of the axes' edge (inches on the page)."""
    x0, y0, x1, y1 = box
    (a, b), (c, d) = ax.get_xlim(), ax.get_ylim()

    def at(x: float, y: float) -> tuple[float, float]:
        return x0 + (x - a) / (b - a) * (x1 - x0), y0 + (y - c) / (d - c) * (y1 - y0)

    taken: list[tuple[float, float, float, float]] = []
    marker = pt / 72 * 0.45
    for p in spec.points:  # the points themselves, so no number covers another point
        px, py = at(p.x, p.value)
        taken.append((px - marker, py - marker, px + marker, py + marker))
    for line in spec.lines:  # and the lines' markers, a year each
        for year, value in zip(line.years, line.values, strict=True):
            lx, ly = at(year, value)
            taken.append((lx - marker / 2, ly - marker / 2, lx + marker / 2, ly + marker / 2))
    for p in spec.points:
        px, py = at(p.x, p.value)
        fitted = page.fit(str(p.number), 1.0, pt, weight="bold")
        if fitted is None:
            continue
        w, h = fitted.width, fitted.height
        off = pt / 72 * 0.55
        places = [
            (px - w / 2, py + off),  # above
            (px + off, py - h / 2),  # right
            (px - w - off, py - h / 2),  # left
            (px - w / 2, py - off - h),  # below
            (px + off, py + off),
            (px - w - off, py + off),
            (px + off, py - off - h),
            (px - w - off, py - off - h),
        ]
        for lx, ly in [*places, *[(x + dx, y + dy) for x, y in places for dx, dy in ((0, h), (0, -h))]]:
            cand = (lx, ly, lx + w, ly + h)
            inside = x0 <= cand[0] and cand[2] <= x1 and y0 <= cand[1] and cand[3] <= y1
            clear = all(
                cand[2] <= o[0] or o[2] <= cand[0] or cand[3] <= o[1] or o[3] <= cand[1] for o in taken
            )
            if inside and clear:
                page.place(fitted, lx, ly, va="bottom", color=PUBLISHED_COLOUR)
                taken.append(cand)
                break


def trend_figure(spec: TrendSpec, size: str | None = None) -> Laid:
    """Lay out a trend chart: header, legend, the lines with a marker a year, the published counts as numbered
    diamonds with no line between them, the notes (the numbered counts described) and the sources.

    >>> import tempfile, os
    >>> from gapmap.settings import Settings
    >>> from gapmap.measures.trend import coverage_by_year
    >>> from gapmap.present.trendspec import trend_spec
    >>> s = Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> laid = trend_figure(trend_spec(coverage_by_year("teams", s, "nation")), "social")
    >>> [round(v * laid.fig.dpi) for v in laid.fig.get_size_inches()]
    [1200, 675]
    """
    sz = get_size(size)
    with rc():
        fig, page = _figure(sz)
        w, h, m = sz.width_in, sz.height_in, sz.margin_in
        gap = 0.08 if sz.compact else 0.12
        bottom = _source(page, spec.sources, spec.short_sources)
        top = header(page, spec.title, spec.subtitle, m, h - m, w - 2 * m, spec.banner, gap)
        entries = [Swatch(line.label, line.colour, line.colour, marker="o") for line in spec.lines]
        if len(entries) == 1:
            entries[0] = Swatch(
                f"{spec.lines[0].label}: {spec.lines_source}", spec.lines[0].colour, marker="o"
            )
        if spec.points:
            entries.append(Swatch(spec.points_label, PUBLISHED_COLOUR, EDGE, marker="D"))
        top -= legend_row(page, entries, m, top, w - 2 * m, sz.body_pt) + gap
        notes_in = spec.short_notes if sz.compact else spec.notes
        notes = _notes(page, notes_in, w - 2 * m, (0.3 if sz.compact else 0.38) * (top - bottom))
        notes_h = notes.height + gap if notes is not None else 0.0
        tick_pt = sz.min_pt + 0.5
        ytick_w = max((page.line_width(t, tick_pt) for _, t in spec.yticks), default=0.3)
        x0 = m + ytick_w + 0.08
        x1 = w - m - 0.1
        y0 = bottom + notes_h + tick_pt * 1.8 / 72
        y1 = top - 0.05
        ax = fig.add_axes((x0 / w, y0 / h, (x1 - x0) / w, (y1 - y0) / h))
        ax.set_xlim(*spec.xlim)
        ax.set_ylim(*spec.ylim)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("bottom", "left"):
            ax.spines[side].set_color("#737373")
        ax.set_xticks([v for v, _ in spec.xticks])
        ax.set_xticklabels([t for _, t in spec.xticks], fontsize=tick_pt, color="#333333")
        ax.set_yticks([v for v, _ in spec.yticks])
        ax.set_yticklabels([t for _, t in spec.yticks], fontsize=tick_pt, color="#333333")
        ax.tick_params(length=2, pad=1.5, color="#737373")
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.5)
        ax.set_axisbelow(True)
        marker = 2.2 if sz.compact else 2.6
        for z, line in enumerate(reversed(spec.lines)):  # the area's own line on top
            ax.plot(
                line.years,
                line.values,
                color=line.colour,
                linestyle=line.dash,
                linewidth=line.width,
                marker="o",
                markersize=marker,
                zorder=3 + z * 0.1,
            )
        if spec.points:
            ax.scatter(
                [p.x for p in spec.points],
                [p.value for p in spec.points],
                marker="D",
                s=(sz.label_pt * 0.75) ** 2,
                color=PUBLISHED_COLOUR,
                edgecolors=EDGE,
                linewidths=0.6,
                zorder=5,
            )
            _number_labels(page, ax, spec, (x0, y0, x1, y1), sz.label_pt)
        if notes is not None:
            page.place(notes, m, y0 - tick_pt * 1.8 / 72 - gap * 0.5)
    laid = Laid(
        fig,
        page.texts,
        sz,
        [],
        _meta(spec.title, spec.subtitle, spec.alt_text, ["trend", *spec.extra.values()], spec.sources),
    )
    laid.texts.extend(ax.get_xticklabels())
    laid.texts.extend(ax.get_yticklabels())
    return laid
