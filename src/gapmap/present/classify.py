"""Class breaks, labels and colours for a choropleth: fixed breaks for shares and ratings, round steps for counts."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from gapmap.measures.indicators import Indicator

if TYPE_CHECKING:
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


def _integer_range(lo: int, hi: int) -> str:
    """'3–5', or '3' for a class of one number."""
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


def _nice_count_bins(values: list[float], integer: bool = True, steps: int = 5) -> tuple[float, ...]:
    top = max(values) if values else 1.0
    top = max(1.0 if integer else 1e-6, float(top))
    k = int(min(steps, max(1, len(set(values)))))
    step = max(1, math.ceil(top / k)) if integer else _nice_step(top / k)
    # The last bin (step × k, step ≥ top / k) covers every value by construction, so no value needs a class of
    # its own (mapclassify.UserDefined added one here; importing it pulls in scikit-learn, 40 MB in the app).
    if integer:  # no class wholly above the largest value
        k = max(1, math.ceil(top / step - 1e-9))
    return tuple(float(step * (i + 1)) for i in range(k))


DEFAULT_PALETTE = "YlGnBu"


def classes_for(indicator: Indicator, values: list[float], palette: str = DEFAULT_PALETTE) -> Classes:
    """Classes for an indicator's area values (NaN for suppressed or missing areas is ignored).

    >>> from gapmap.measures.indicators import INDICATORS
    >>> classes_for(INDICATORS["services_0_2_definitely"], [0.3, 0.5]).labels[0]
    '0–20%'
    >>> classes_for(INDICATORS["teams"], [0, 1, 4, 7, 9]).labels
    ('0', '1–3', '4–6', '7–9')
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
    else:  # whole numbers: none is in two classes, and 0 (no teams, no respondents) is a class of its own
        bins = (0.0, *_nice_count_bins(finite, steps=4))
        labels = ("0", *(_integer_range(int(a) + 1, int(b)) for a, b in itertools.pairwise(bins)))
    cmap = colormaps[palette]
    # Skip the palest end of the ramp so the lowest class stays distinct from the white "no data" fill.
    colours = tuple(to_hex(cmap(0.15 + 0.85 * i / max(1, len(bins) - 1))) for i in range(len(bins)))
    return Classes(bins=tuple(bins), labels=labels, colours=colours)


NO_DATA_LABEL = "No data"
NO_DATA_HATCH = "..."  # dots: no value to show, unlike suppression's diagonal lines


def empty_kind(table: IndicatorTable, code: str, value: object, suppressed: bool, category: str) -> str:
    """Why an area shows no value, as its legend entry ('' when it has one or is suppressed): 'not applicable'
    (outside the table's population) or 'no data' (in it, but nothing known), each in the layer's own words.

    >>> from gapmap.measures.compute import indicator_table
    >>> t = indicator_table("scotland_infant_mh", level="nhs")
    >>> empty_kind(t, "E54000008", float("nan"), False, "Not applicable: outside Scotland")
    'Not applicable: outside Scotland'
    """
    if suppressed or not pd.isna(value):  # type: ignore[call-overload]
        return ""
    if category:
        return category
    if not table.population.covers(code):
        return f"Not applicable: outside {table.population.name}"
    return NO_DATA_LABEL


def empty_colour(label: str) -> str:
    """The fill of an area with no value: a layer's own category colour, light grey where not applicable, else
    white (no data)."""
    from gapmap.measures import provision

    for categories in provision.CATEGORIES.values():
        if label in categories:
            return categories[label]
    return NOT_APPLICABLE_COLOUR if label.startswith("Not applicable") else NO_DATA_COLOUR


NOT_APPLICABLE_COLOUR = "#e0e0e0"


def is_no_data(label: str) -> bool:
    """Whether a legend entry is for areas in the population with no value (no data, or a layer's 'not confirmed':
    drawn hatched), rather than a value's class or 'not applicable'."""
    from gapmap.measures import provision

    no_value = {c for cats in provision.NO_VALUE.values() for c in cats}
    return label.lower().startswith("no data") or label in no_value


BINARY_LABELS = ("Served by a known team", "No known team")


def binary(table: IndicatorTable) -> bool:
    """Whether the table's values can only be 0 or 1: coverage at the level where it is decided (a local authority
    is served by a known team or not), so it is drawn as two categories, not five shades of a share.

    >>> from gapmap.measures.compute import indicator_table
    >>> binary(indicator_table("children_0_2_no_team", level="la")), binary(indicator_table("children_0_2_no_team"))
    (True, False)
    """
    return table.indicator.kind == "coverage" and table.level == "la"


def binary_legend(table: IndicatorTable, palette: str | None = None) -> list[tuple[str, str, float]]:
    """The two categories of a :func:`binary` table with their counts of areas and of children aged 0-2, their
    colours (the two ends of the share's scale, as at other levels) and the value each stands for.

    >>> from gapmap.measures.compute import indicator_table
    >>> [e[0].split(" (")[0] for e in binary_legend(indicator_table("children_0_2_no_team", level="la"))]
    ['Served by a known team', 'No known team']
    """
    a = table.areas.loc[table.areas["value"].notna() & ~table.areas["suppressed"]]
    colours = classes_for(table.indicator, [], palette or DEFAULT_PALETTE).colours
    out = []
    for label, value, colour in zip(BINARY_LABELS, (0.0, 1.0), (colours[0], colours[-1]), strict=True):
        these = a.loc[a["value"].astype(float).round(9) == value]
        children = int(these["n"].sum())
        count = len(these)
        text = f"{label} ({count:,} area{'' if count == 1 else 's'}, {children:,} children aged 0-2)"
        out.append((text, colour, value))
    return out


def value_colours(
    table: IndicatorTable, areas: pd.DataFrame, palette: str | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """The colour of each row of ``areas`` (columns area_code, value, suppressed, category) on a map of ``table``
    coloured by value, and the legend: a provision layer's own category colours where the table is categorical (the
    categories present), else the classes of the values (every class; suppressed areas grey); areas with no value
    (no data, or not applicable) get their own entry, never a class's colour.

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
    two = binary_legend(table, palette) if binary(table) else []
    if two:  # served or not: two categories, each the colour of its end of the scale
        classes = Classes(bins=(0.5, 1.0), labels=(two[0][0], two[1][0]), colours=(two[0][1], two[1][1]))
    colours, empty = [], {}
    for code, v, sup, cat in zip(
        areas["area_code"], areas["value"], areas["suppressed"], areas["category"], strict=True
    ):
        kind = empty_kind(table, str(code), v, bool(sup), str(cat or ""))
        if kind:
            empty[kind] = empty_colour(kind)
            colours.append(empty[kind])
        else:
            colours.append(SUPPRESSED_COLOUR if sup else classes.colour_of(v))
    legend = list(zip(classes.labels, classes.colours, strict=True))
    return colours, legend + sorted(empty.items(), key=lambda e: not is_no_data(e[0]))
