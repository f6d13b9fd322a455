"""Chart exports at any export size: areas ranked against the UK value, and one area's profile as a spine chart.

Each function returns the laid-out Figure and the texts that must not overlap (as :func:`static.map_figure`
does); the numbers and words come formatted in a :mod:`gapmap.present.chartspec` spec, so nothing is computed here.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

from gapmap.present.classify import NO_DATA_HATCH
from gapmap.render.layout import Fitted, Laid, Meta, Page, Swatch, header, legend_row, rc
from gapmap.render.sizes import ExportSize, get_size

if TYPE_CHECKING:
    from gapmap.present.chartspec import RankedSpec, SpineSpec

INK = "#111111"
RANGE = "#d9d9d9"
MIDDLE = "#969696"
EDGE = "#404040"


def _figure(sz: ExportSize) -> tuple[Any, Page]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(sz.width_in, sz.height_in), dpi=sz.dpi)
    FigureCanvasAgg(fig)
    return fig, Page(fig, sz)


def _source(page: Page, full: list[str], short: list[str]) -> float:
    """Source and licence line at the bottom; returns the y above it."""
    sz = page.size
    w, m = sz.width_in, sz.margin_in
    text = " ".join(short if sz.compact else full)
    fitted = page.fit(text, w - 2 * m, sz.source_pt, sz.min_pt, max_height=0.16 * sz.height_in)
    fitted = fitted or page.fit(" ".join(short), w - 2 * m, sz.min_pt)
    if fitted is None:
        return m
    page.place(fitted, m, m, va="bottom", color="#333333")
    return m + fitted.height + (0.08 if sz.compact else 0.12)


def _notes(page: Page, notes: list[tuple[str, bool]], width: float, max_height: float) -> Fitted | None:
    """The notes as one block within ``max_height``: largest type first, then without the optional ones."""
    sz = page.size
    kept = list(notes)
    while kept:
        fitted = page.fit("\n".join(t for t, _ in kept), width, sz.body_pt, sz.min_pt, max_height=max_height)
        if fitted is not None:
            return fitted
        optional = [i for i, (_, opt) in enumerate(kept) if opt]
        if not optional:
            return page.fit("\n".join(t for t, _ in kept), width, sz.min_pt)
        kept.pop(optional[-1])
    return None


def _one_line(
    page: Page, text: str, width: float, pt: float, min_pt: float, height: float, weight: str = "normal"
) -> Fitted:
    """A cell's text: wrapped to the cell if it fits the row, else cut with an ellipsis (the CSV has it whole)."""
    fitted = page.fit(text, width, pt, min_pt, max_height=height, weight=weight)
    if fitted is not None:
        return fitted
    size = min_pt
    cut = text
    while len(cut) > 1 and page.line_width(cut + "…", size, weight) > width:
        cut = cut[:-1]
    line = cut.rstrip() + "…"
    w, h = page.measure(line, size, weight)
    return Fitted(line, size, w, h, weight)


def _cell_width(page: Page, texts: list[str], head: str, pt: float, wraps: bool = True) -> float:
    """A column's width: its widest cell, where a cell may break before a bracket ("69%" over "(Scotland)",
    "hidden" over "(protects a neighbour)") if rows are tall enough for two lines (``wraps``), so one long note
    does not squeeze the spine beside it; otherwise the whole cell on one line."""
    pieces = [head] + [
        piece for t in texts for piece in (t.replace(" (", "\n(").split("\n") if wraps else [t])
    ]
    return max(page.line_width(piece, pt) for piece in pieces)


def _spaced_ticks(
    page: Page, ticks: list[tuple[float, str]], xlim: tuple[float, float], width: float, pt: float
) -> list[tuple[float, str]]:
    """Every ``k``-th tick from the first, with the smallest ``k`` that leaves at least an em between labels
    (``width`` inches spans ``xlim``): fewer ticks, each number in full, never labels run together."""
    span = (xlim[1] - xlim[0]) or 1.0
    clear = pt / 72  # an em

    def apart(kept: list[tuple[float, str]]) -> bool:
        return all(
            (b - a) / span * width >= (page.line_width(ta, pt) + page.line_width(tb, pt)) / 2 + clear
            for (a, ta), (b, tb) in itertools.pairwise(kept)
        )

    for k in range(1, len(ticks) + 1):
        if apart(ticks[::k]):
            return ticks[::k]
    return ticks[:1]


def _meta(title: str, subtitle: str, alt: str, keywords: list[str], sources: list[str]) -> Meta:
    return Meta(f"{title}. {subtitle}" if subtitle else title, alt, keywords, " ".join(sources))


def ranked_figure(spec: RankedSpec, size: str | None = None) -> Laid:
    """Lay out a ranked chart: area names, bars (or dots) with interval lines, the UK line, values and n.

    >>> from gapmap.present import chartspec
    >>> from gapmap.measures.compute import indicator_table
    >>> from gapmap.present.tables import ranked
    >>> r = ranked(indicator_table("services_0_2_definitely"))
    >>> laid = ranked_figure(chartspec.ranked_spec(r), "square")
    >>> [round(v * laid.fig.dpi) for v in laid.fig.get_size_inches()]
    [1080, 1080]
    """
    sz = get_size(size)
    with rc():
        fig, page = _figure(sz)
        w, h, m = sz.width_in, sz.height_in, sz.margin_in
        gap = 0.08 if sz.compact else 0.12
        bottom = _source(page, spec.sources, spec.short_sources)
        top = header(page, spec.title, spec.subtitle, m, h - m, w - 2 * m, spec.banner, gap)
        entries = [
            Swatch(label, colour, hatch=NO_DATA_HATCH if label in spec.hatched else "")
            for label, colour in spec.legend
        ]
        if not math.isnan(spec.uk_value):  # a total is stated in the subtitle, with no line to explain
            entries.append(Swatch(f"{spec.benchmark} value", INK, marker="|"))
        if any(not math.isnan(b.lo) for b in spec.bars):
            entries.append(Swatch("Interval", INK, marker="-"))
        top -= legend_row(page, entries, m, top, w - 2 * m, sz.body_pt) + gap
        notes = _notes(page, spec.notes, w - 2 * m, (0.22 if sz.compact else 0.3) * (top - bottom))
        notes_h = notes.height + gap if notes is not None else 0.0
        pt = sz.label_pt
        strip = pt * 1.6 / 72  # the UK label and column headings above the rows; tick labels below
        rows_top = top - strip
        rows_avail = rows_top - bottom - notes_h - strip
        n_all = len(spec.bars)
        if not sz.compact and n_all and rows_avail / n_all > (sz.body_pt + 1) * 3 / 72:
            pt = sz.body_pt + 1  # few rows on a page: larger type
            strip = pt * 1.6 / 72
            rows_top = top - strip
            rows_avail = rows_top - bottom - notes_h - strip
        pitch_min = pt * 1.35 / 72
        capacity = max(3, int(rows_avail / pitch_min))
        bars = spec.bars
        omitted: list[tuple[str, str]] = []
        gap_at = -1
        if len(bars) > capacity:
            k = (capacity - 1) // 2
            tail = k
            if spec.extra.get("sort") == "gap":  # the largest gaps matter: as many as fit, and the last area
                k, tail = capacity - 2, 1
            omitted = [(b.name, b.value_text) for b in bars[k : len(bars) - tail]]
            gap_at = k
            bars = [*bars[:k], *bars[len(bars) - tail :]]
        n_rows = len(bars) + (1 if gap_at >= 0 else 0)
        pitch = min(rows_avail / max(n_rows, 1), pt * 3.0 / 72)
        names_w = min(max((page.line_width(b.name, pt) for b in bars), default=1.0), 0.34 * (w - 2 * m))
        value_w = max(
            [page.line_width(b.value_text, pt) for b in bars]
            + [page.line_width(spec.value_header, pt, "bold")]
        )
        n_w = max(
            [page.line_width(b.n_text, pt) for b in bars] + [page.line_width(spec.n_header, pt, "bold")]
        )
        x0 = m + names_w + 0.1
        x1 = w - m - n_w - value_w - 0.3
        rows_h = pitch * max(n_rows, 1)
        ax = fig.add_axes(((x0) / w, (rows_top - rows_h) / h, (x1 - x0) / w, rows_h / h))
        ax.set_xlim(*spec.xlim)
        ax.set_ylim(max(n_rows, 1) - 0.5, -0.5)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color("#737373")
        ax.set_yticks([])
        ticks = _spaced_ticks(page, spec.ticks, spec.xlim, x1 - x0, sz.min_pt + 0.5)
        ax.set_xticks([v for v, _ in ticks])
        ax.set_xticklabels([t for _, t in ticks], fontsize=sz.min_pt + 0.5, color="#333333")
        ax.tick_params(axis="x", length=2, pad=1.5, color="#737373")
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.5)
        ax.set_axisbelow(True)
        # One type size for the names: the largest at which every name fits (longer ones end in an ellipsis).
        name_pt = min((_one_line(page, b.name, names_w, pt, sz.min_pt, pitch).pt for b in bars), default=pt)
        row = 0
        for i, b in enumerate(bars):
            if i == gap_at:
                cy = rows_top - (row + 0.5) * pitch
                more = f"… {len(omitted)} more areas between: every value is in the data file …"
                page.place(
                    _one_line(page, more, w - 2 * m, pt, sz.min_pt, pitch),
                    w / 2,
                    cy,
                    va="center",
                    ha="center",
                    color="#555555",
                    # on a white band, so the reference line and grid it crosses do not run through the words
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.1},
                    zorder=5,
                )
                row += 1
            cy = rows_top - (row + 0.5) * pitch
            if spec.style == "dot":
                ax.scatter(
                    [b.value],
                    [row],
                    s=(pt * 0.9) ** 2,
                    color=b.colour,
                    edgecolors=EDGE,
                    linewidths=0.6,
                    zorder=3,
                )
            elif math.isnan(b.value):  # no value: a hatched band the width of the scale, its words beside it
                ax.barh(
                    [row],
                    [spec.xlim[1] - spec.xlim[0]],
                    left=spec.xlim[0],
                    height=0.62,
                    color=b.colour,
                    hatch=b.hatch or None,
                    edgecolor="#bdbdbd",
                    linewidth=0.4,
                    zorder=2,
                )
            else:
                ax.barh(
                    [row], [b.value], height=0.62, color=b.colour, edgecolor=EDGE, linewidth=0.4, zorder=2
                )
            if not math.isnan(b.lo):
                ax.plot([b.lo, b.hi], [row, row], color=INK, linewidth=0.8, zorder=4, solid_capstyle="butt")
                ax.plot(
                    [b.lo, b.hi],
                    [row, row],
                    linestyle="",
                    marker="|",
                    markersize=pt * 0.55,
                    color=INK,
                    zorder=4,
                )
            name = _one_line(page, b.name, names_w, name_pt, sz.min_pt, pitch)
            page.place(name, x0 - 0.06, cy, va="center", ha="right")
            val = page.fit(b.value_text, value_w, pt) or _one_line(
                page, b.value_text, value_w, pt, sz.min_pt, pitch
            )
            page.place(val, x1 + 0.12, cy, va="center")
            n = page.fit(b.n_text, n_w, pt) or _one_line(page, b.n_text, n_w, pt, sz.min_pt, pitch)
            page.place(n, w - m, cy, va="center", ha="right")
            row += 1
        if not bars:
            empty = _one_line(
                page, "No area has a value to chart (see the notes).", x1 - x0, pt, sz.min_pt, pitch
            )
            page.place(empty, (x0 + x1) / 2, rows_top - pitch / 2, va="center", ha="center")
        head_y = rows_top + 0.3 * strip
        vh = _one_line(page, spec.value_header, value_w, pt, sz.min_pt, strip, "bold")
        page.place(vh, x1 + 0.12, head_y, va="bottom", color="#333333")
        nh = _one_line(page, spec.n_header, n_w, pt, sz.min_pt, strip, "bold")
        page.place(nh, w - m, head_y, va="bottom", ha="right", color="#333333")
        if not math.isnan(spec.uk_value):
            ax.axvline(spec.uk_value, color=INK, linewidth=1.1, zorder=5)
            frac = (spec.uk_value - spec.xlim[0]) / (spec.xlim[1] - spec.xlim[0])
            label = page.fit(spec.uk_label, x1 - x0, pt, weight="bold")
            if label is not None:
                ux = x0 + frac * (x1 - x0)
                ux = min(max(ux, x0 + label.width / 2), x1 - label.width / 2)
                page.place(label, ux, head_y, va="bottom", ha="center")
        if notes is not None:
            page.place(notes, m, rows_top - rows_h - strip - gap)
    laid = Laid(
        fig,
        page.texts,
        sz,
        omitted,
        _meta(spec.title, spec.subtitle, spec.alt_text, ["ranked", *spec.extra.values()], spec.sources),
    )
    laid.texts.extend(ax.get_xticklabels())
    return laid


def spine_figure(spec: SpineSpec, size: str | None = None) -> Laid:
    """Lay out a spine chart: one row per indicator with the area's value, n, the UK value and the level's range
    as text, and the spine (range, middle half, UK line, the area's marker coloured by its comparison).

    >>> from gapmap.present import chartspec
    >>> from gapmap.present.profile import area_profile
    >>> from gapmap.settings import Settings
    >>> laid = spine_figure(chartspec.spine_spec(area_profile(Settings(), "W92000004")), "social")
    >>> [round(v * laid.fig.dpi) for v in laid.fig.get_size_inches()]
    [1200, 675]
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    sz = get_size(size)
    with rc():
        fig, page = _figure(sz)
        w, h, m = sz.width_in, sz.height_in, sz.margin_in
        gap = 0.08 if sz.compact else 0.12
        bottom = _source(page, spec.sources, spec.short_sources)
        top = header(page, spec.title, spec.subtitle, m, h - m, w - 2 * m, spec.banner, gap)
        entries = [Swatch(label, colour, EDGE, marker="o") for label, colour in spec.legend]
        entries += [
            Swatch("Range of areas", RANGE, RANGE),
            Swatch("Middle half", MIDDLE, MIDDLE),
            Swatch("UK value", INK, marker="|"),
        ]
        top -= legend_row(page, entries, m, top, w - 2 * m, sz.body_pt) + gap
        # The area's sentence first, on a page (a social image has no room: its alt text carries it).
        said = [(spec.sentence, True)] if spec.sentence and not sz.compact else []
        notes = _notes(page, said + spec.notes, w - 2 * m, (0.22 if sz.compact else 0.3) * (top - bottom))
        notes_h = notes.height + gap if notes is not None else 0.0
        pt = sz.label_pt
        heads = ("Indicator", "Area", "n", "UK", "Range")
        n_rows = max(len(spec.rows), 1)
        if not sz.compact and (top - bottom - notes_h) / n_rows > (sz.body_pt + 1) * 3.4 / 72:
            pt = sz.body_pt  # room to spare on a page: larger type
        strip = pt * 1.6 / 72
        rows_top = top - strip
        pitch = min((rows_top - bottom - notes_h) / n_rows, pt * 3.4 / 72)
        wraps = pitch >= 2.4 * pt / 72  # rows tall enough for a cell to take two lines
        cols = [
            _cell_width(page, [r.value_text for r in spec.rows], heads[1], pt, wraps),
            _cell_width(page, [r.n_text for r in spec.rows], heads[2], pt, wraps),
            _cell_width(page, [r.uk_text for r in spec.rows], heads[3], pt, wraps),
            _cell_width(page, [r.range_text for r in spec.rows], heads[4], pt, wraps),
        ]
        pad = 0.12
        spine_w = 0.3 * (w - 2 * m)
        title_w = w - 2 * m - spine_w - sum(cols) - pad * (len(cols) + 1)
        if title_w < 0.25 * (w - 2 * m):  # long values: give the titles a quarter and shrink the spine
            title_w = 0.25 * (w - 2 * m)
            spine_w = w - 2 * m - title_w - sum(cols) - pad * (len(cols) + 1)
        xs = [m, m + title_w + pad]
        for c in cols[:-1]:
            xs.append(xs[-1] + c + pad)
        spine_x0 = xs[-1] + cols[-1] + pad
        head_y = rows_top + 0.25 * strip
        for x, text, width in zip(xs, heads, [title_w, *cols], strict=True):
            head = _one_line(page, text, width, pt, sz.min_pt, strip, "bold")
            page.place(head, x, head_y, va="bottom", color="#333333")
        ax = fig.add_axes((spine_x0 / w, (rows_top - pitch * n_rows) / h, spine_w / w, pitch * n_rows / h))
        ax.set_xlim(-1.12, 1.12)
        ax.set_ylim(n_rows - 0.5, -0.5)
        ax.set_axis_off()
        ax.axvline(0, color=INK, linewidth=1.0, zorder=4)
        # Within the room above the heads (a narrow spine would wrap them up into the legend row): the labels
        # whole, else their short forms ('← worse', 'better →'), else none.
        room = top - head_y

        def label(*texts: str) -> Fitted | None:
            fitted = (page.fit(t, spine_w / 2 - 0.1, sz.min_pt + 0.5, max_height=room) for t in texts)
            return next((f for f in fitted if f is not None), None)

        left = label(spec.left_label, spec.left_label.split(" (")[0])
        right = label(spec.right_label, spec.right_label.split(" (")[0] + " →")
        if left is not None and right is not None:
            page.place(left, spine_x0, head_y, va="bottom", color="#555555")
            page.place(right, spine_x0 + spine_w, head_y, va="bottom", ha="right", color="#555555")

        # Each title whole, wrapped to its row; where it cannot fit even so, the indicator's short name (the CSV and
        # alt text keep the whole title), never a title cut mid-word. One type size for the column: the largest
        # at which every title fits its row.
        def fits(text: str) -> bool:
            return page.fit(text, title_w, sz.min_pt, sz.min_pt, max_height=pitch) is not None

        titles = [r.title if fits(r.title) or not r.short else r.short for r in spec.rows]
        title_pt = min((_one_line(page, t, title_w, pt, sz.min_pt, pitch).pt for t in titles), default=pt)
        for i, r in enumerate(spec.rows):
            cy = rows_top - (i + 0.5) * pitch
            page.place(
                _one_line(page, titles[i], title_w, title_pt, sz.min_pt, pitch), xs[0], cy, va="center"
            )
            for x, text, width in zip(
                xs[1:], (r.value_text, r.n_text, r.uk_text, r.range_text), cols, strict=True
            ):
                if text:
                    page.place(_one_line(page, text, width, pt, sz.min_pt, pitch), x, cy, va="center")
            if r.spread is not None:
                lo, q1, q3, hi = r.spread
                ax.add_patch(
                    Rectangle((lo, i - 0.28), hi - lo, 0.56, facecolor=RANGE, edgecolor="none", zorder=1)
                )
                ax.add_patch(
                    Rectangle((q1, i - 0.28), q3 - q1, 0.56, facecolor=MIDDLE, edgecolor="none", zorder=2)
                )
            if r.x is not None:
                ax.scatter(
                    [r.x], [i], s=(pt * 1.05) ** 2, color=r.colour, edgecolors=EDGE, linewidths=0.7, zorder=5
                )
            if i:
                y = rows_top - i * pitch
                fig.add_artist(
                    Line2D(
                        [m, w - m],
                        [y, y],
                        transform=fig.dpi_scale_trans,
                        color="#eeeeee",
                        linewidth=0.5,
                        zorder=0,
                    )
                )
        if notes is not None:
            page.place(notes, m, rows_top - n_rows * pitch - gap)
    return Laid(
        fig,
        page.texts,
        sz,
        [],
        _meta(spec.title, spec.subtitle, spec.alt_text, ["area profile", "spine chart"], spec.sources),
    )
