"""Static maps (PNG, SVG with real text, PDF) at any export size, laid out in measured boxes.

:func:`map_figure` returns the laid-out matplotlib Figure and the texts that must stay on the canvas and clear of
each other (the export tests check both from the drawn figure); :func:`render` saves it. Heavy libraries are
imported inside the functions that draw.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapmap import safetext
from gapmap.files import output
from gapmap.present.attribution import BANNER, HEX_SHORT
from gapmap.present.classify import NO_DATA_HATCH, SUPPRESSED_COLOUR, is_no_data
from gapmap.present.mapspec import MapSpec
from gapmap.render import hexmap, prepared
from gapmap.render import labels as labelling
from gapmap.render.layout import (
    Box,
    Fitted,
    Laid,
    Meta,
    Page,
    Swatch,
    draw_legend,
    header,
    legend_height,
    rc,
)
from gapmap.render.save import write_figure
from gapmap.render.sizes import ExportSize, get_size
from gapmap.teams.rules import STATUS_TEXT

if TYPE_CHECKING:
    pass

BNG = prepared.BNG
DPI = 300  # print resolution of the A4 sizes
TEAM_COLOUR = "#b2182b"
COMMISSIONED_COLOUR = "#333333"  # a hollow dark ring: a commissioned team, not yet known to be operating
# Short forms of the source lines for social images (the full lines are on every A4 export), by their start.
SHORT_SOURCES = {
    "Survey: Parent-Infant Foundation": "Survey: Parent-Infant Foundation (2021).",
    "Boundaries:": "Boundaries: ONS, Open Government Licence v.3.0; contains OS data © Crown copyright and database right 2024.",
    "Teams:": "Teams: gapmap teams database; Parent-Infant Foundation counts; postcodes ONS NSPL (OGL v3.0).",
    "Population aged 0-2:": "Population: ONS mid-2019 (OGL v3.0).",
    "Provision:": "Provision: DfE/DHSC; Scottish health boards (OGL v3.0).",
    "Hex layouts:": HEX_SHORT,
}


def _indicator(spec: MapSpec) -> Any:
    """The indicator a spec maps (its id is on every joined row), or None for a spec without one."""
    from gapmap.measures import indicators

    ids = spec.areas["indicator"].dropna().unique() if "indicator" in spec.areas else []
    return indicators.INDICATORS.get(str(ids[0])) if len(ids) else None


def is_survey(spec: MapSpec) -> bool:
    """Whether the map shows survey answers (only those carry the synthetic-sample label)."""
    ind = _indicator(spec)
    return bool(ind is None or ind.from_survey)


def source_text(spec: MapSpec, compact: bool) -> str:
    """The source and licence line: every footer line on A4, their short forms on social images."""
    lines = [f for f in spec.footer if not (f.startswith("SYNTHETIC SAMPLE") and not is_survey(spec))]
    if compact:
        short = []
        for line in lines:
            if line.startswith("SYNTHETIC SAMPLE"):
                continue  # the banner under the title says it
            key = next((k for k in SHORT_SOURCES if line.startswith(k)), None)
            short.append(SHORT_SOURCES[key] if key else line)
        lines = short
    return " ".join(lines)


def _swatches(
    spec: MapSpec, has_exact: bool, has_centre: bool, has_commissioned: bool = False
) -> list[Swatch]:
    out = hexmap.swatches(spec, TEAM_COLOUR) + [
        Swatch(label, colour, hatch=NO_DATA_HATCH) if is_no_data(label) else Swatch(label, colour)
        for label, colour in spec.legend
    ]
    if spec.suppressed_label:
        out.append(Swatch(spec.suppressed_label, SUPPRESSED_COLOUR, hatch="///"))
    if has_centre:
        out.append(
            Swatch("Team: centre of area served or postcode district", "white", TEAM_COLOUR, marker="D")
        )
    if has_exact:
        out.append(Swatch("Team: postcode or exact location", TEAM_COLOUR, "white", marker="o"))
    if has_commissioned:
        out.append(Swatch(f"Team {STATUS_TEXT['commissioned']}", "none", COMMISSIONED_COLOUR, marker="o"))
    return out


def _sentences(text: str, n: int) -> str:
    parts = text.split(". ")
    return ". ".join(parts[:n]).rstrip(".") + "." if text else ""


def _notes(
    spec: MapSpec,
    compact: bool,
    question: str,
    omitted: list[tuple[str, str]],
    csv_name: str,
    survey: bool,
) -> list[tuple[str, bool]]:
    """The notes in reading order, each with whether it may be left out when space runs short."""
    data = csv_name or "the data table"
    notes: list[tuple[str, bool]] = [(spec.uk_note, False)]
    deciding = spec.extra.get("label_interval", "")  # a change map at 99.8%: its labels give that interval
    if deciding and not compact:  # (a compact map's labels give the change alone)
        notes.append(
            (
                f"Labels: the change and, in square brackets, its {deciding} interval: the one that decides the "
                "colour (the 95% interval is in the data).",
                False,
            )
        )
    limit = 3 if compact else 10
    if omitted and len(omitted) <= limit:
        listed = "; ".join(f"{name} {value}" for name, value in omitted)
        notes.append((f"Not labelled on the map (no room): {listed}.", False))
    elif omitted:
        notes.append(
            (f"{len(omitted)} areas are not labelled on the map (no room): every value is in {data}.", False)
        )
    if compact:
        if "could not be placed" in spec.base_note:
            notes.append((_sentences(spec.base_note, 2), False))
        who = re.search(r"Respondents: .* only\.", spec.base_note)
        if who:  # a profession filter changes what every value means: never left off
            notes.append((who.group(0), False))
        if spec.extra.get("hex_key"):
            notes.append(("Hexagons are labelled with short names, listed on the A4 exports.", True))
        elif survey and spec.suppressed_label:
            shown = "changes" if spec.extra.get("colour_by") == "change" else "values"
            both = (
                f"{deciding} intervals (they decide the colours), 95% intervals"
                if deciding
                else "95% intervals"
            )
            notes.append((f"Labels show {shown}; {both} and n for every area are in the data.", not deciding))
        if spec.teams_note:
            notes.append((_sentences(spec.teams_note, 1), True))
        if question:
            notes.append((question, True))
    else:
        if question:
            notes.append((question, False))
        notes.append((spec.base_note, False))
        if spec.teams_note:
            notes.append((spec.teams_note, True))
        if spec.extra.get("hex_key"):
            notes.append((f"Short names on the hexagons: {spec.extra['hex_key']}.", True))
    if csv_name:
        notes.append((f"Full data and notes: {csv_name}", False))
    return [(_keep_together(text), optional) for text, optional in notes if text]


def _keep_together(text: str) -> str:
    """No line break inside 'n = 283'."""
    return re.sub(r"\bn = (\d)", "n\u00a0=\u00a0\\1", text)


def _fit_column(
    page: Page, notes: list[tuple[str, bool]], width: float, height: float, pt: float, min_pt: float
) -> Fitted | None:
    """The notes as one text block that fits the box: largest type first, then without the optional ones."""
    kept = list(notes)
    while True:
        text = "\n\n".join(t for t, _ in kept)
        fitted = page.fit(text, width, pt, min_pt=min_pt, max_height=height)
        if fitted is not None or not any(opt for _, opt in kept):
            return fitted
        last = max(i for i, (_, opt) in enumerate(kept) if opt)
        kept.pop(last)


def map_figure(
    spec: MapSpec,
    size: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    csv_name: str = "",
) -> Laid:
    """Lay out the map of ``spec`` at an export size; nothing is written.

    ``title`` and ``subtitle`` replace the spec's (the question wording then moves to the notes); ``csv_name``
    is the data file written beside the export, named in the notes.

    >>> from gapmap.measures.compute import indicator_table
    >>> from gapmap.present.mapspec import map_spec
    >>> laid = map_figure(map_spec(indicator_table("respondents")), "social")
    >>> [round(v * laid.fig.dpi) for v in laid.fig.get_size_inches()]
    [1200, 675]
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    sz = get_size(size)
    survey = is_survey(spec)
    # A headline typed by a user is shown as typed, with any bidi override or control character made visible.
    head_title = spec.title if title is None else safetext.visible(title)
    head_sub = spec.subtitle if subtitle is None else safetext.visible(subtitle)
    question = ""
    if subtitle is not None and spec.subtitle and subtitle != spec.subtitle:
        question = f"{'Question' if survey else 'Measure'}: {spec.subtitle}"
    with rc():
        fig = Figure(figsize=(sz.width_in, sz.height_in), dpi=sz.dpi)
        FigureCanvasAgg(fig)
        page = Page(fig, sz)
        w, h, m = sz.width_in, sz.height_in, sz.margin_in
        gap = 0.08 if sz.compact else 0.12
        side = w > 1.2 * h  # landscape: the map takes the full height, the words go beside it
        # Source and licence line, full width at the bottom.
        src = page.fit(source_text(spec, sz.compact), w - 2 * m, sz.source_pt, sz.min_pt, max_height=0.16 * h)
        src = src or page.fit(source_text(spec, True), w - 2 * m, sz.min_pt)
        assert src is not None  # a width of inches always fits text at some size (words are broken)
        page.place(src, m, m, va="bottom", color="#333333")
        bottom = m + src.height + gap
        top = h - m
        header_width = w - 2 * m
        if not side:
            top = header(
                page,
                head_title,
                head_sub,
                m,
                top,
                header_width,
                BANNER if survey and spec.synthetic else "",
                gap,
            )
        # Map box: as tall as the body allows, at the map's own aspect, within a share of the width.
        areas = spec.areas
        geoms = prepared.to_bng(areas.geometry)
        minx, miny, maxx, maxy = geoms.total_bounds
        padx, pady = 0.01 * (maxx - minx), 0.01 * (maxy - miny)
        minx, maxx, miny, maxy = minx - padx, maxx + padx, miny - pady, maxy + pady
        aspect = (maxx - minx) / (maxy - miny)
        body_h = top - gap - bottom
        map_w = min(body_h * aspect, (0.45 if side else 0.62) * (w - 2 * m))
        map_h = map_w / aspect
        box = Box(m, top - gap - map_h, m + map_w, top - gap)
        ax = fig.add_axes((box.x0 / w, box.y0 / h, box.width / w, box.height / h))
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_axis_off()
        ax.set_aspect("auto")  # the box already has the map's aspect, so one metre is as long in x as in y
        tolerance = (maxx - minx) / (map_w * sz.dpi) / 2  # half a pixel
        shapes = prepared.paths(areas.geometry, tolerance)
        many = len(areas) > labelling.LEADERS_UP_TO
        lw = 0.25 if len(areas) > 100 else 0.45
        suppressed = areas["suppressed"].to_numpy(dtype=bool)
        no_value = areas["no_value"].tolist() if "no_value" in areas else [""] * len(areas)
        no_data = [is_no_data(str(v)) for v in no_value]
        for hatched, hatch in ((False, ""), (True, NO_DATA_HATCH)):  # no data: dotted, never a value's colour
            keep = [not s and d == hatched for s, d in zip(suppressed, no_data, strict=True)]
            _areas(
                ax,
                [p for p, k in zip(shapes, keep, strict=True) if k],
                areas.loc[keep, "colour"].tolist(),
                lw,
                hatch,
            )
        _areas(
            ax,
            [p for p, s in zip(shapes, suppressed, strict=True) if s],
            [SUPPRESSED_COLOUR] * int(suppressed.sum()),
            lw,
            "///",
        )
        obstacles, kinds = _teams(ax, spec, page, sz)
        if spec.is_hex:
            hexmap.overlays(ax, spec, tolerance, TEAM_COLOUR)
        framed = areas.assign(label=areas["hex_label"]) if spec.is_hex else areas
        if sz.compact and not spec.is_hex:  # a hexagon's label is its short name and value, both kept
            framed = framed.assign(
                label=[_compact_label(t, s) for t, s in zip(framed["label"], suppressed, strict=True)]
            )
        pt = sz.label_pt - (1.0 if many and not sz.compact else 0.0)
        if spec.is_hex and many:  # short names in small hexagons: the smallest type that reads, no smaller
            pt = max(sz.min_pt, sz.label_pt - 2.5)
        placed = labelling.place_labels(page, ax, framed, pt, obstacles)
        # Beside the map: (landscape: the title and subtitle,) legend, notes.
        cx0 = box.x1 + (0.3 if not sz.compact else 0.2)
        cw = w - m - cx0
        ctop = top
        if side:
            ctop = header(
                page, head_title, head_sub, cx0, top, cw, BANNER if survey and spec.synthetic else "", gap
            )
        entries = _swatches(spec, "exact" in kinds, "centre" in kinds, "commissioned" in kinds)
        notes = _notes(spec, sz.compact, question, placed.omitted, csv_name, survey)
        _column(page, sz, entries, notes, cx0, ctop - gap, cw, bottom)
    desc_title = head_title if not head_sub else f"{head_title}. {head_sub}"
    meta = Meta(desc_title, spec.alt_text, _keywords(spec), source_text(spec, False))
    return Laid(fig, page.texts, sz, placed.omitted, meta)


def _areas(ax: Any, shapes: list[Any], colours: list[str], lw: float, hatch: str) -> None:
    """Fill the areas' outlines (prepared Paths, in British National Grid) with their colours."""
    from matplotlib.collections import PathCollection

    if shapes:
        ax.add_collection(
            PathCollection(
                shapes, facecolors=colours, edgecolors="#404040", linewidths=lw, hatch=hatch or None
            ),
            autolim=False,
        )


def _compact_label(text: str, suppressed: bool) -> str:
    """On a social image a label is the value alone (the hatching and legend say which areas are hidden)."""
    return "" if suppressed or not text else text.split("\n")[0]


def _column(
    page: Page,
    sz: ExportSize,
    entries: list[Swatch],
    notes: list[tuple[str, bool]],
    x: float,
    top: float,
    width: float,
    bottom: float,
) -> None:
    """The legend and notes beside the map: side by side when the column is wide, else one above the other."""
    title = "Key"
    pt = sz.body_pt
    wide = width > 4.4
    legend_w = 0.42 * width if wide else width
    room = (top - bottom) * (1.0 if wide else 0.55)
    while pt > sz.min_pt and legend_height(page, entries, legend_w, pt, title) > room:
        pt -= 0.5
    lh = draw_legend(page, entries, x, top, legend_w, pt, title)
    if wide:
        nx, ntop, nw = x + legend_w + 0.25, top, width - legend_w - 0.25
    else:
        nx, ntop, nw = x, top - lh - 0.15, width
    fitted = _fit_column(page, notes, nw, ntop - bottom, sz.body_pt, sz.min_pt)
    if fitted is not None:
        page.place(fitted, nx, ntop)


def _teams(ax: Any, spec: MapSpec, page: Page, sz: ExportSize) -> tuple[list[labelling.Rect], set[str]]:
    """Draw the team points; returns their boxes in pixels (labels keep off them) and which kinds are drawn
    ('exact', 'centre', 'commissioned': a hollow dark ring, apart from the teams that serve)."""
    if spec.teams is None or not len(spec.teams):
        return [], set()
    teams = spec.teams.to_crs(BNG)
    commissioned = (
        teams["commissioned"].astype(bool) if "commissioned" in teams else teams["exact"].astype(bool) & False
    )
    exact = teams.loc[teams["exact"].astype(bool) & ~commissioned]
    centre = teams.loc[~teams["exact"].astype(bool) & ~commissioned]
    planned = teams.loc[commissioned]
    scale = 1.0
    if len(centre):
        ax.scatter(
            centre.geometry.x,
            centre.geometry.y,
            marker="D",
            s=22 * scale,
            facecolor="white",
            edgecolor=TEAM_COLOUR,
            linewidths=1.1,
            zorder=4,
        )
    if len(exact):
        ax.scatter(
            exact.geometry.x,
            exact.geometry.y,
            marker="o",
            s=26 * scale,
            color=TEAM_COLOUR,
            edgecolor="white",
            linewidths=0.6,
            zorder=4,
        )
    if len(planned):  # a dark ring on a white halo, so it reads on the palest and the darkest fill
        for colour, width in (("white", 3.4), (COMMISSIONED_COLOUR, 1.4)):
            ax.scatter(
                planned.geometry.x,
                planned.geometry.y,
                marker="o",
                s=40 * scale,
                facecolor="none",
                edgecolor=colour,
                linewidths=width,
                zorder=4,
            )
    radius = (40 * scale) ** 0.5 / 2 * page.fig.dpi / 72 + 1
    pts = ax.transData.transform([[g.x, g.y] for g in teams.geometry])
    boxes = [labelling.Rect(px - radius, py - radius, px + radius, py + radius) for px, py in pts]
    kinds = {k for k, part in (("exact", exact), ("centre", centre), ("commissioned", planned)) if len(part)}
    return boxes, kinds


def _keywords(spec: MapSpec) -> list[str]:
    ind = _indicator(spec)
    words = ["infant mental health", "parent-infant teams", "UK"]
    if ind is not None:
        words.append(ind.id)
    if spec.extra.get("level_label"):
        words.append(spec.extra["level_label"])
    if spec.synthetic and is_survey(spec):
        words.append("synthetic sample")
    return words


def save(laid: Laid, path: str | Path, fmt: str) -> Path:
    """Write a laid-out export atomically (PNG at the size's resolution; SVG and PDF at its physical size)."""
    path = Path(path)
    assert laid.meta is not None
    meta = laid.meta
    output.write_with(path, lambda tmp: write_figure(laid.fig, tmp, fmt, laid.size.dpi, meta))
    return path


def render(
    spec: MapSpec,
    path: str | Path,
    fmt: str,
    size: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    csv_name: str = "",
) -> Path:
    """Draw the map to ``path`` (written atomically) at an export size (A4 portrait by default)."""
    return save(map_figure(spec, size, title, subtitle, csv_name), path, fmt)
