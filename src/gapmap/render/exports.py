"""Static exports a campaigner can post and print: a map, ranked chart or area profile as PNG, SVG or PDF, with its
alt text and "get the data" CSV beside it (the rows it shows, in the tidy shape), written together or not at all.

The CLI's ``render``, ``chart`` and ``profile`` commands and the app's downloads call these; the figures come from
:mod:`gapmap.render.static` and :mod:`gapmap.render.charts`, the names from :mod:`gapmap.render.names`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gapmap.files import io, output
from gapmap.measures.indicators import IndicatorTable
from gapmap.present.tables import TIDY_COLUMNS, tidy_frame
from gapmap.problems import InputError, Issue

if TYPE_CHECKING:
    from gapmap.measures.trend import CoverageTrend
    from gapmap.measures.waves import ChangeTable
    from gapmap.present.mapspec import MapSpec
    from gapmap.present.profile import Profile
    from gapmap.render.layout import Laid
    from gapmap.settings import Settings

STATIC_FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class Written:
    """The files one export wrote: the image, its alt text and the CSV of what it shows."""

    image: Path
    alt: Path
    csv: Path


def fmt_of(path: str | Path, fmt: str | None) -> str:
    """The format asked for, or the file's extension; InputError for anything but PNG, SVG or PDF."""
    chosen = (fmt or Path(path).suffix.lstrip(".") or "png").lower()
    if chosen not in STATIC_FORMATS:
        raise InputError(
            [Issue(None, "format", chosen, f"Expected one of {', '.join(STATIC_FORMATS)}; found '{chosen}'.")]
        )
    return chosen


def csv_path(image: str | Path) -> Path:
    """The CSV beside an export: ``maps/x.social.png`` -> ``maps/x.social.csv``."""
    p = Path(image)
    return p.with_suffix(".csv") if p.suffix else p.with_name(p.name + ".csv")


HEADING_LIMITS = {"--title": 200, "--subtitle": 400}  # characters: both fit every export size (shrunk to fit)


def check_headings(title: str | None, subtitle: str | None) -> None:
    """InputError, before anything is drawn, for a title or subtitle longer than a page can hold.

    >>> check_headings("Waiting times", None)
    """
    issues = [
        Issue(
            None,
            option,
            f"{text[:40]}…",
            f"Expected a {option} of at most {limit} characters; found {len(text):,}. Fix: shorten it.",
        )
        for option, text in (("--title", title), ("--subtitle", subtitle))
        if text is not None and len(text) > (limit := HEADING_LIMITS[option])
    ]
    if issues:
        raise InputError(issues)


def companions(image: str | Path) -> list[tuple[str, Path]]:
    """Every file an export of ``image`` writes, each with what it is: the image, its alt text, its data CSV.

    >>> [str(p) for _, p in companions("maps/x.png")]
    ['maps/x.png', 'maps/x.png.alt.txt', 'maps/x.csv']
    """
    p = Path(image)
    return [("output", p), ("alt text", p.with_name(p.name + ".alt.txt")), ("data CSV", csv_path(p))]


def _data_name(image: Path, csv_name: str | None) -> str:
    """The data file an image's "Full data" line names: the CSV beside it unless another name is given."""
    return csv_path(image).name if csv_name is None else csv_name


def map_rows(table: IndicatorTable, spec: MapSpec) -> pd.DataFrame:
    """The tidy rows of the areas a map draws, and the benchmark row its notes quote."""
    tidy = tidy_frame(table)
    drawn = set(spec.areas["area_code"]) | {table.population.code}
    return tidy.loc[tidy["area_code"].isin(drawn)].reset_index(drop=True)


def write_all(
    image: Path,
    draw: Callable[[Path], object],
    alt_text: str,
    rows: pd.DataFrame,
    columns: list[str] | None = None,
) -> Written:
    """Write the image (``draw(tmp_path)``), ``<image>.alt.txt`` and the CSV beside it (``columns``, the tidy
    ones by default): each is complete in a temporary file before any replaces its target, and a failure leaves
    none of them changed."""
    _, alt, data = (p for _, p in companions(image))
    for target in (image, alt, data):  # refuse a folder or FIFO before drawing, not half-way through
        output.target(target)
    pending: list[output.Pending] = []
    try:
        pending.append(output.prepare(image, draw))
        pending.append(output.prepare(alt, lambda tmp: tmp.write_text(alt_text + "\n", encoding="utf-8")))
        text = io.csv_text(rows[columns or TIDY_COLUMNS])
        pending.append(output.prepare(data, lambda tmp: tmp.write_bytes(text.encode("utf-8"))))
    except BaseException:
        for p in pending:
            p.discard()
        raise
    for p in pending:
        p.commit()
    return Written(image, alt, data)


def release(laid: Laid) -> None:
    """Free a saved figure's pixel buffer now (an A4 page at 300 dpi holds 35 MB) rather than when the garbage
    collector next finds the figure's reference cycles: `render --all` draws fifteen in a row."""
    # Each drawn Text keeps the renderer (matplotlib's private _renderer): while any does, so does the buffer.
    for text in _drawn_texts(laid.fig):
        if hasattr(text, "_renderer"):
            text._renderer = None
    canvas = laid.fig.canvas
    if hasattr(canvas, "renderer"):
        del canvas.renderer
    laid.fig.clear()


def _drawn_texts(fig: Any) -> Iterator[Any]:
    """Every Text in the figure that can have been drawn. Like ``fig.findobj(Text)``, but the axes drawn without
    axis lines (maps) are not asked for their axes' children, which would create a set of tick marks to look at."""
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    stack = [fig]
    while stack:
        artist = stack.pop()
        if isinstance(artist, Text):
            yield artist
        children = artist.get_children()
        if isinstance(artist, Axes) and not artist.axison:
            children = [c for c in children if not isinstance(c, Axis)]
        stack.extend(children)


def _save(laid: Laid, fmt: str) -> Callable[[Path], object]:
    from gapmap.render.save import write_figure

    meta = laid.meta
    if meta is None:  # every figure builder sets it; a missing one is a bug, said plainly
        raise RuntimeError("laid-out figure without metadata")
    return lambda tmp: write_figure(laid.fig, tmp, fmt, laid.size.dpi, meta)


def write_map(
    table: IndicatorTable,
    spec: MapSpec,
    path: str | Path,
    fmt: str | None = None,
    size: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    csv_name: str | None = None,
) -> Written:
    """The map of ``table`` (drawn from ``spec``) at an export size, with its alt text and data CSV. The image's
    "Full data" line names the CSV written beside it, or ``csv_name`` where the data is offered under another name
    (the app's table download); '' leaves the line off.

    >>> import tempfile, pathlib
    >>> from gapmap.measures.compute import indicator_table
    >>> from gapmap.present.mapspec import map_spec
    >>> t = indicator_table("respondents")
    >>> w = write_map(t, map_spec(t), pathlib.Path(tempfile.mkdtemp()) / "r.social.png", size="social")
    >>> w.csv.name, len(pd.read_csv(w.csv)) == len(t.frame)
    ('r.social.csv', True)
    """
    from gapmap.render import static

    check_headings(title, subtitle)
    image = Path(path)
    fmt = fmt_of(image, fmt)
    laid = static.map_figure(spec, size, title, subtitle, _data_name(image, csv_name))
    try:
        return write_all(image, _save(laid, fmt), spec.alt_text, map_rows(table, spec))
    finally:
        release(laid)


def write_change_map(
    change: ChangeTable,
    spec: MapSpec,
    path: str | Path,
    fmt: str | None = None,
    size: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    csv_name: str | None = None,
) -> Written:
    """The "change since WAVE" map (``spec`` from :func:`gapmap.present.changemap.change_map_spec`) at an export
    size, with its alt text and the change table's CSV of the areas drawn and the UK; ``csv_name`` as for
    :func:`write_map`."""
    from gapmap.measures.waves import CHANGE_COLUMNS
    from gapmap.present.changemap import rows
    from gapmap.render import static

    check_headings(title, subtitle)
    image = Path(path)
    fmt = fmt_of(image, fmt)
    laid = static.map_figure(spec, size, title, subtitle, _data_name(image, csv_name))
    try:
        return write_all(image, _save(laid, fmt), spec.alt_text, rows(change, spec), CHANGE_COLUMNS)
    finally:
        release(laid)


def write_html_map(table: IndicatorTable, spec: MapSpec, path: str | Path) -> Written:
    """The browser map of ``table`` as one HTML file, with its alt text and data CSV beside it, like every export.

    >>> import tempfile, pathlib
    >>> from gapmap.measures.compute import indicator_table
    >>> from gapmap.present.mapspec import map_spec
    >>> t = indicator_table("respondents")
    >>> w = write_html_map(t, map_spec(t), pathlib.Path(tempfile.mkdtemp()) / "r.html")
    >>> w.alt.name, w.csv.name, len(pd.read_csv(w.csv)) == len(t.frame)
    ('r.html.alt.txt', 'r.csv', True)
    """
    from gapmap.render import web

    html = web.map_html(spec, inline_assets=True).encode("utf-8")
    return write_all(Path(path), lambda tmp: tmp.write_bytes(html), spec.alt_text, map_rows(table, spec))


def write_chart(
    table: IndicatorTable,
    path: str | Path,
    fmt: str | None = None,
    size: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    palette: str | None = None,
    colour_by: str | None = None,
    csv_name: str | None = None,
    sort: str | None = None,
) -> Written:
    """The ranked bar chart of ``table``'s areas, with its alt text and data CSV (``palette`` and ``colour_by``:
    the map's beside it; ``csv_name`` as for :func:`write_map`; ``sort`` one of
    :data:`gapmap.present.tables.SORTS`, by default largest gap first for coverage and best first otherwise)."""
    from gapmap.present import chartspec, tables
    from gapmap.render import charts

    check_headings(title, subtitle)
    image = Path(path)
    fmt = fmt_of(image, fmt)
    spec = chartspec.ranked_spec(
        tables.ranked(table, sort), _data_name(image, csv_name), title, subtitle, palette, colour_by
    )
    laid = charts.ranked_figure(spec, size)
    try:
        return write_all(image, _save(laid, fmt), spec.alt_text, tidy_frame(table))
    finally:
        release(laid)


def write_profile(
    profile: Profile,
    level_tables: list[IndicatorTable],
    path: str | Path,
    fmt: str | None = None,
    size: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    csv_name: str | None = None,
) -> Written:
    """The spine chart of one area's profile, with its alt text and a CSV of every area of the level for each
    indicator charted (the area's row, the benchmark rows, and the spread the spine draws); ``csv_name`` as for
    :func:`write_map`."""
    from gapmap.present import chartspec
    from gapmap.render import charts

    check_headings(title, subtitle)
    image = Path(path)
    fmt = fmt_of(image, fmt)
    spec = chartspec.spine_spec(profile, _data_name(image, csv_name), title, subtitle)
    laid = charts.spine_figure(spec, size)
    charted = set(profile.frame["indicator"])
    rows = [tidy_frame(t) for t in level_tables if t.indicator.id in charted]
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=TIDY_COLUMNS)
    try:
        return write_all(image, _save(laid, fmt), spec.alt_text, frame)
    finally:
        release(laid)


def write_trend(
    trend: CoverageTrend,
    area_code: str,
    path: str | Path,
    fmt: str | None = None,
    size: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    csv_name: str | None = None,
) -> Written:
    """The trend chart of one area against its parent and the UK, with its alt text and a CSV of every area of
    the level in every year (the tidy columns with ``period`` first); ``csv_name`` as for :func:`write_map`."""
    from gapmap.present import tables, trendspec
    from gapmap.render import trend as trend_render

    check_headings(title, subtitle)
    image = Path(path)
    fmt = fmt_of(image, fmt)
    spec = trendspec.trend_spec(trend, area_code, _data_name(image, csv_name), title, subtitle)
    laid = trend_render.trend_figure(spec, size)
    try:
        rows = tables.trend_frame(trend)
        return write_all(image, _save(laid, fmt), spec.alt_text, rows, tables.TREND_COLUMNS)
    finally:
        release(laid)


def resolve_area(text: str, level: str | None = None, settings: Settings | None = None) -> str:
    """The one area a typed name, GSS code or postcode district names (at ``level`` when given); InputError with
    the closest names otherwise.

    >>> resolve_area("Cardiff"), resolve_area("Cardiff", "nhs"), resolve_area("KY1", "nhs")
    ('W06000015', 'W11000029', 'S08000029')
    """
    from gapmap.geo import areas
    from gapmap.geo.find import find_area

    t = areas.table(settings.boundaries_dir if settings else None)
    if level is None:
        match = t.match(text)
        if len(match.codes) == 1 and t.level_of(match.codes[0]):
            return match.codes[0]
    found = find_area(text, level or "la", settings)
    if len(found.codes) == 1:
        return found.codes[0]
    message = found.message or f"No area called '{text}'."
    if len(found.codes) > 1:
        message += " Fix: give a single area, or choose a coarser --level."
    raise InputError([Issue(None, "--area", text, message)])
