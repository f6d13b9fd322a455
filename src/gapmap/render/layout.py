"""Measured layout for static exports: text is wrapped and shrunk until its measured extent fits its box.

Positions are in inches from the figure's bottom-left corner (``fig.dpi_scale_trans``), so the same layout holds
at every resolution. Every text placed through a :class:`Page` is remembered in ``Page.texts``: the export tests
check, from the drawn figure, that none of them leaves the canvas or overlaps another.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gapmap.render.sizes import ExportSize

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.text import Text


LINESPACING = 1.2
WARNING_COLOUR = "#b2182b"
# Measured widths are unhinted font advances; the rendered (hinted) text is up to ~1.5% wider at 150 dpi.
SAFETY = 1.03
FONT = "DejaVu Sans"  # ships with matplotlib: the same glyphs, and so the same layout, on every machine

# Text is data: a '$' in a file name, profession or team name must not reach the maths parser.
RC: dict[str, Any] = {
    "svg.fonttype": "none",  # real <text> in SVG, so legends and attribution stay searchable
    "pdf.fonttype": 42,
    "font.family": FONT,
    "hatch.color": "#6e6e6e",
    "text.usetex": False,
    "text.parse_math": False,
    "savefig.bbox": "standard",  # the page is laid out to its size: a matplotlibrc's "tight" must not crop it
}


class _Metrics:
    """Glyph advances and kerning of one font face at 100 pt, read once per process and kept."""

    def __init__(self, weight: str) -> None:
        from matplotlib.font_manager import FontProperties, findfont
        from matplotlib.ft2font import FT2Font

        # Our own FT2Font object: matplotlib's shared ones change size under us while drawing.
        self.font = FT2Font(findfont(FontProperties(family=FONT, weight=weight)))
        self.font.set_size(100, 72)
        self.advance: dict[str, float] = {}
        self.index: dict[str, int] = {}
        self.kern: dict[tuple[int, int], float] = {}
        self.widths: dict[str, float] = {}

    def width(self, text: str) -> float:
        if text in self.widths:
            return self.widths[text]
        if len(self.widths) > 50_000:  # a long-running app measures many texts: keep the cache bounded
            self.widths.clear()
        self.widths[text] = self._width(text)
        return self.widths[text]

    def _width(self, text: str) -> float:
        from matplotlib.ft2font import Kerning, LoadFlags

        total, prev = 0.0, -1
        for ch in text:
            if ch not in self.advance:
                glyph = self.font.load_char(ord(ch), flags=LoadFlags.NO_HINTING)
                self.advance[ch] = glyph.linearHoriAdvance / 65536
                self.index[ch] = self.font.get_char_index(ord(ch))
            idx = self.index[ch]
            total += self.advance[ch]
            if prev >= 0:
                pair = (prev, idx)
                if pair not in self.kern:
                    font: Any = self.font  # glyph indices are ints at run time; the stubs want a NewType
                    self.kern[pair] = font.get_kerning(prev, idx, Kerning.UNFITTED) / 64
                total += self.kern[pair]
            prev = idx
        return total


_METRICS: dict[str, _Metrics] = {}


def text_width_pt(text: str, pt: float, weight: str = "normal") -> float:
    """Unhinted width of one line of text in points (fonts are read once per process)."""
    if weight not in _METRICS:
        _METRICS[weight] = _Metrics(weight)
    return _METRICS[weight].width(text) * pt / 100


def rc() -> AbstractContextManager[None]:
    """matplotlib settings for every static export (fonts, text as data, real SVG text)."""
    import matplotlib

    return matplotlib.rc_context(RC)  # type: ignore[arg-type]  # the stubs list rc keys as Literals


@dataclass(frozen=True)
class Meta:
    """What a file says about itself: title, description (the alt text), keywords and the source line."""

    title: str
    description: str
    keywords: list[str]
    source: str


@dataclass(frozen=True)
class Box:
    """A rectangle in inches (x0, y0 bottom-left; x1, y1 top-right)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Fitted:
    """A text wrapped to a width at a type size, with its measured extent in inches."""

    text: str
    pt: float
    width: float
    height: float
    weight: str = "normal"

    @property
    def lines(self) -> int:
        return self.text.count("\n") + 1 if self.text else 0


@dataclass
class Page:
    """One figure being laid out: measures text by its font's own metrics and places it in boxes."""

    fig: Figure
    size: ExportSize
    texts: list[Text] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not hasattr(self.fig.canvas, "get_renderer"):
            # A figure made in a thread without a GUI backend (Streamlit's) has a bare canvas: give it Agg's.
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(self.fig)

    def line_width(self, line: str, pt: float, weight: str = "normal") -> float:
        """Width of one line in inches (font advances and kerning, with a margin for hinting)."""
        return text_width_pt(line, pt, weight) * SAFETY / 72

    def measure(self, text: str, pt: float, weight: str = "normal") -> tuple[float, float]:
        """Width and height in inches of a (multi-line) text as matplotlib lays it out."""
        lines = text.split("\n")
        width = max(self.line_width(line, pt, weight) for line in lines)
        return width, len(lines) * pt * LINESPACING / 72

    def wrap(self, text: str, width: float, pt: float, weight: str = "normal") -> str:
        """Greedy word wrap by measured width, at spaces only; a word wider than the line (a file name) is broken
        before a dot or underscore or after a hyphen or slash, and only a word with no such place is cut where
        it must be."""
        wrapped = self._wrap(text, width, pt, weight, hard=False)
        return wrapped if wrapped is not None else str(self._wrap(text, width, pt, weight, hard=True))

    def _wrap(self, text: str, width: float, pt: float, weight: str, hard: bool) -> str | None:
        """The wrapped text; None if a word has to be cut mid-word and ``hard`` is False."""
        out: list[str] = []
        for para in text.split("\n"):
            line = ""
            for word in para.split(" "):
                trial = f"{line} {word}" if line else word
                if self.line_width(trial, pt, weight) <= width:
                    line = trial
                    continue
                if line:
                    out.append(line)
                line = word
                while len(line) > 1 and self.line_width(line, pt, weight) > width:
                    cut = self._break_at(line, width, pt, weight, hard)
                    if cut is None:
                        return None
                    out.append(line[:cut])
                    line = line[cut:]
            out.append(line)
        return "\n".join(out)

    def _break_at(self, word: str, width: float, pt: float, weight: str, hard: bool) -> int | None:
        """The longest start of ``word`` that fits and ends before a '.' or '_' or after a '-' or '/'; failing
        that, with ``hard``, the longest start that fits (at least a character), else None."""
        for anywhere in (False, True) if hard else (False,):
            cuts = [i for i in range(1, len(word)) if anywhere or word[i] in "._" or word[i - 1] in "-/"]
            fitting = [i for i in cuts if self.line_width(word[:i], pt, weight) <= width]
            if fitting:
                return max(fitting)
        return 1 if hard else None

    def fit(
        self,
        text: str,
        width: float,
        pt: float,
        min_pt: float | None = None,
        max_height: float | None = None,
        max_lines: int | None = None,
        weight: str = "normal",
    ) -> Fitted | None:
        """The text wrapped to ``width`` at the largest size from ``pt`` down to ``min_pt`` (half-point steps)
        that keeps it within ``max_height`` and ``max_lines``; None when even the smallest does not fit."""
        floor = pt if min_pt is None else min_pt
        for hard in (False, True):  # a smaller size breaking no word mid-word before a larger one that does
            size = pt
            while size >= floor - 1e-9:
                wrapped = self._wrap(text, width, size, weight, hard)
                lines = wrapped.count("\n") + 1 if wrapped is not None else 0
                if wrapped is not None and (max_lines is None or lines <= max_lines):
                    w, h = self.measure(wrapped, size, weight)
                    if max_height is None or h <= max_height:
                        return Fitted(wrapped, size, w, h, weight)
                size -= 0.5
        return None

    def place(
        self,
        fitted: Fitted,
        x: float,
        y: float,
        va: str = "top",
        ha: str = "left",
        color: str = "#111111",
        **kw: Any,
    ) -> Text:
        """Draw a fitted text with its anchor at (x, y) inches; remembered in ``texts``."""
        artist = self.fig.text(
            x,
            y,
            fitted.text,
            transform=self.fig.dpi_scale_trans,
            fontsize=fitted.pt,
            weight=fitted.weight,
            va=va,
            ha=ha,
            color=color,
            linespacing=LINESPACING,
            family=FONT,
            **kw,
        )
        self.texts.append(artist)
        return artist


@dataclass
class Laid:
    """A laid-out export: the figure, the texts that must not overlap or leave the canvas, and what was left
    off (area labels that fit nowhere, rows a chart had no room for: their values are in the CSV)."""

    fig: Figure
    texts: list[Text]
    size: ExportSize
    omitted: list[tuple[str, str]] = field(default_factory=list)
    meta: Meta | None = None


@dataclass(frozen=True)
class Swatch:
    """A legend entry's symbol: a filled box (colour, hatch) or a marker (team points)."""

    label: str
    facecolor: str
    edgecolor: str = "#404040"
    hatch: str = ""
    marker: str = ""  # '' for a box, else a matplotlib marker


def legend_height(page: Page, entries: list[Swatch], width: float, pt: float, title: str) -> float:
    """Height in inches the legend needs at this type size."""
    return _legend(page, entries, width, pt, title, draw_at=None)


def draw_legend(
    page: Page, entries: list[Swatch], x: float, top: float, width: float, pt: float, title: str
) -> float:
    """Draw the legend with its top-left corner at (x, top); returns its height."""
    return _legend(page, entries, width, pt, title, draw_at=(x, top))


def _legend(
    page: Page,
    entries: list[Swatch],
    width: float,
    pt: float,
    title: str,
    draw_at: tuple[float, float] | None,
) -> float:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    sw = pt / 72 * 1.6  # swatch side
    gap = pt / 72 * 0.6
    y = 0.0
    x0, top = draw_at or (0.0, 0.0)
    if title:
        head = page.fit(title, width, pt + 0.5, weight="bold")
        if head is None:
            return float("inf")
        if draw_at:
            page.place(head, x0, top - y)
        y += head.height + gap
    for e in entries:
        fitted = page.fit(e.label, width - sw - gap, pt)
        if fitted is None:
            return float("inf")
        row = max(fitted.height, sw)
        if draw_at:
            cy = top - y - row / 2 if fitted.lines > 1 else top - y - sw / 2
            page.place(fitted, x0 + sw + gap, cy, va="center")
            if e.marker:
                page.fig.add_artist(
                    Line2D(
                        [x0 + sw / 2],
                        [cy],
                        transform=page.fig.dpi_scale_trans,
                        marker=e.marker,
                        linestyle="",
                        markersize=pt * 0.8,
                        markerfacecolor=e.facecolor,
                        markeredgecolor=e.edgecolor,
                        markeredgewidth=1.1,
                    )
                )
            else:
                page.fig.add_artist(
                    Rectangle(
                        (x0, cy - sw * 0.35),
                        sw,
                        sw * 0.7,
                        transform=page.fig.dpi_scale_trans,
                        facecolor=e.facecolor,
                        edgecolor=e.edgecolor,
                        hatch=e.hatch or None,
                        linewidth=0.6,
                    )
                )
        y += row + gap * 0.6
    return y


def header(
    page: Page, title: str, subtitle: str, x: float, top: float, width: float, banner: str, gap: float
) -> float:
    """Title, subtitle and a warning banner (the synthetic sample's) from ``top`` down; returns the y below."""
    sz = page.size
    y = top
    if title:
        fitted = page.fit(
            title, width, sz.title_pt, sz.title_pt * 0.7, max_lines=2 if sz.compact else 3, weight="bold"
        )
        fitted = fitted or page.fit(title, width, sz.title_pt * 0.7, weight="bold")
        if fitted is not None:
            page.place(fitted, x, y)
            y -= fitted.height + gap * 0.8
    if subtitle:
        sub = page.fit(subtitle, width, sz.subtitle_pt, sz.min_pt + 1, max_lines=3 if sz.compact else 4)
        sub = sub or page.fit(subtitle, width, sz.min_pt + 1)
        if sub is not None:
            page.place(sub, x, y, color="#333333")
            y -= sub.height + gap * 0.8
    if banner:
        flag = page.fit(banner, width, sz.subtitle_pt + 0.5, sz.min_pt, weight="bold")
        if flag is not None:
            page.place(flag, x, y, color=WARNING_COLOUR)
            y -= flag.height + gap * 0.5
    return y


def legend_row(page: Page, entries: list[Swatch], x: float, top: float, width: float, pt: float) -> float:
    """Legend entries side by side, flowing onto more rows when they need to; returns the height used."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    sw = pt / 72 * 1.6
    gap = pt / 72 * 0.5
    row_h = max(sw, pt * LINESPACING / 72)
    cx, y = x, top
    for e in entries:
        text_w = page.line_width(e.label, pt)
        need = sw + gap + text_w + 3 * gap
        if cx > x and cx + need - 3 * gap > x + width:
            cx, y = x, y - row_h - gap
        cy = y - row_h / 2
        if e.marker == "|":
            page.fig.add_artist(
                Line2D(
                    [cx + sw / 2] * 2,
                    [cy - sw / 2, cy + sw / 2],
                    transform=page.fig.dpi_scale_trans,
                    color=e.facecolor,
                    linewidth=1.6,
                )
            )
        elif e.marker == "-":
            page.fig.add_artist(
                Line2D(
                    [cx, cx + sw],
                    [cy, cy],
                    transform=page.fig.dpi_scale_trans,
                    color=e.facecolor,
                    linewidth=1.0,
                )
            )
        elif e.marker:
            page.fig.add_artist(
                Line2D(
                    [cx + sw / 2],
                    [cy],
                    transform=page.fig.dpi_scale_trans,
                    marker=e.marker,
                    linestyle="",
                    markersize=pt * 0.8,
                    markerfacecolor=e.facecolor,
                    markeredgecolor=e.edgecolor,
                )
            )
        else:
            page.fig.add_artist(
                Rectangle(
                    (cx, cy - sw * 0.35),
                    sw,
                    sw * 0.7,
                    transform=page.fig.dpi_scale_trans,
                    facecolor=e.facecolor,
                    edgecolor=e.edgecolor,
                    hatch=e.hatch or None,
                    linewidth=0.6,
                )
            )
        fitted = page.fit(e.label, max(width - sw - gap, 0.5), pt)
        if fitted is not None:
            page.place(fitted, cx + sw + gap, cy, va="center")
            cx += sw + gap + fitted.width + 3 * gap
    return top - y + row_h
