"""Class breaks, labels and colours for a choropleth: fixed breaks for shares and ratings, round steps for counts."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gapmap.measures.indicators import Indicator

if TYPE_CHECKING:
    import pandas as pd

    from gapmap.measures.indicators import IndicatorTable

PERCENT_BREAKS = (0.2, 0.4, 0.6, 0.8, 1.0)  # fixed so that maps of different indicators read alike
MEAN_BREAKS = (2.0, 2.5, 3.0, 3.5, 4.0, 5.0)
SUPPRESSED_COLOUR = "#bdbdbd"
NO_DATA_COLOUR = "#ffffff"


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class, their legend labels and colours (hex), and the class of each value."""

    bins: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]

    def colour_of(self, value: float) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA_COLOUR
        for upper, colour in zip(self.bins, self.colours, strict=True):
            if value <= upper + 1e-12:
                return colour
        return self.colours[-1]


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^n at or above raw."""
    if raw <= 0:
        return 1.0
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10**exp >= raw - 1e-12:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


def _nice_count_bins(values: list[float], integer: bool = True) -> tuple[float, ...]:
    top = max(values) if values else 1.0
    top = max(1.0 if integer else 1e-6, float(top))
    k = int(min(5, max(1, len(set(values)))))
    step = max(1, math.ceil(top / k)) if integer else _nice_step(top / k)
    # The last bin (step × k, step ≥ top / k) covers every value by construction, so no value needs a class of
    # its own (mapclassify.UserDefined added one here; importing it pulls in scikit-learn, 40 MB in the app).
    return tuple(float(step * (i + 1)) for i in range(k))


DEFAULT_PALETTE = "YlGnBu"


def classes_for(indicator: Indicator, values: list[float], palette: str = DEFAULT_PALETTE) -> Classes:
    """Classes for an indicator's area values (NaN for suppressed or missing areas is ignored).

    >>> from gapmap.measures.indicators import INDICATORS
    >>> classes_for(INDICATORS["services_0_2_definitely"], [0.3, 0.5]).labels[0]
    '0–20%'
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    finite = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    bins: tuple[float, ...]
    if indicator.kind in ("proportion", "coverage", "programme", "status"):
        bins = PERCENT_BREAKS
        edges: tuple[float, ...] = (0.0, *bins)
        labels = tuple(f"{100 * a:.0f}–{100 * b:.0f}%" for a, b in itertools.pairwise(edges))
    elif indicator.kind == "mean":
        bins = MEAN_BREAKS
        edges = (1.0, *bins)
        labels = tuple(f"{a:.1f}–{b:.1f}" for a, b in itertools.pairwise(edges))
    elif indicator.kind == "team_rate":
        bins = _nice_count_bins(finite, integer=False)
        edges = (0.0, *bins)
        labels = tuple(f"{a:.2f}–{b:.2f}" for a, b in itertools.pairwise(edges))
    else:
        bins = _nice_count_bins(finite)
        edges = (0.0, *bins)
        labels = tuple(f"{a:.0f}–{b:.0f}" for a, b in itertools.pairwise(edges))
    cmap = colormaps[palette]
    # Skip the palest end of the ramp so the lowest class stays distinct from the white "no data" fill.
    colours = tuple(to_hex(cmap(0.15 + 0.85 * i / max(1, len(bins) - 1))) for i in range(len(bins)))
    return Classes(bins=tuple(bins), labels=labels, colours=colours)


def value_colours(
    table: IndicatorTable, areas: pd.DataFrame, palette: str | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """The colour of each row of ``areas`` (columns value, suppressed, category) on a map of ``table`` coloured by
    value, and the legend: a provision layer's own category colours where the table is categorical (the categories
    present), else the classes of the values (every class; suppressed areas grey).

    >>> from gapmap.measures.compute import indicator_table
    >>> t = indicator_table("children_0_2_no_team", level="nation")
    >>> colours, legend = value_colours(t, t.areas)
    >>> len(colours) == len(t.areas), legend[0][0]
    (True, '0–20%')
    """
    from gapmap.measures import provision

    if provision.categorical(table):
        categories = provision.CATEGORIES[table.indicator.id]
        present = set(areas["category"])
        colours = [categories.get(str(c), NO_DATA_COLOUR) for c in areas["category"]]
        return colours, [(c, colour) for c, colour in categories.items() if c in present]
    classes = classes_for(table.indicator, areas["value"].tolist(), palette or DEFAULT_PALETTE)
    colours = [
        SUPPRESSED_COLOUR if sup else classes.colour_of(v)
        for v, sup in zip(areas["value"], areas["suppressed"], strict=True)
    ]
    return colours, list(zip(classes.labels, classes.colours, strict=True))
