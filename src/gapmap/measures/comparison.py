"""How an area compares with the UK, in the words and colours OHID Fingertips uses.

An area whose interval (at the comparison level, 95% or 99.8%) lies wholly above or below the UK value differs
from it; otherwise it is similar. Where an indicator declares a polarity (a higher value is better, or worse), the
difference is judged ``better``/``worse``; without one it is only ``higher``/``lower``.

>>> judge("higher", "lower_better"), judge("higher", ""), judge("similar", "higher_better")
('worse', 'higher', 'similar')
"""

from __future__ import annotations

POLARITIES = {
    "higher_better": "A higher value is better",
    "lower_better": "A lower value is better",
    "": "No judgement: higher is neither better nor worse",
}

# Colour-blind-safe versions of Fingertips' comparison colours: blue for better (not green, which red-green colour
# blindness confuses with red), amber for similar, vermilion for worse; two purples for higher/lower where there is
# no judgement, so a reader never takes "higher" for "better".
COLOURS = {
    "better": "#2b83ba",
    "similar": "#fdd36a",
    "worse": "#d7301f",
    "higher": "#54278f",
    "lower": "#bcbddc",
    "": "#f7f7f7",
}

LABELS = {
    "better": "Better than the UK",
    "similar": "Similar to the UK",
    "worse": "Worse than the UK",
    "higher": "Higher than the UK",
    "lower": "Lower than the UK",
    "": "Not compared",
}

WORDS = {
    "higher_better": ("better", "similar", "worse"),
    "lower_better": ("worse", "similar", "better"),
    "": ("higher", "similar", "lower"),
}


def judge(direction: str, polarity: str) -> str:
    """Turn a direction (``higher``/``similar``/``lower`` than the UK, or '') into the comparison word."""
    if direction == "":
        return ""
    higher, similar, lower = WORDS[polarity]
    return {"higher": higher, "similar": similar, "lower": lower}[direction]


def legend_entries(polarity: str, benchmark: str = "UK") -> list[tuple[str, str]]:
    """(label, colour) for the categories a comparison map of this polarity can show, best first."""
    order = ["better", "similar", "worse"] if polarity else ["higher", "similar", "lower"]
    return [(label(w, benchmark), COLOURS[w]) for w in order]


def label(word: str, benchmark: str = "UK") -> str:
    """The legend's words for a comparison with a benchmark population ('UK', or 'Scotland' for a one-nation layer).

    >>> label("worse"), label("similar", "Scotland"), label("")
    ('Worse than the UK', 'Similar to Scotland', 'Not compared')
    """
    if benchmark == "UK":
        return LABELS[word]
    return LABELS[word].replace("the UK", benchmark)


def level_label(level: float) -> str:
    """'95%' or '99.8%'."""
    return f"{100 * level:.1f}".rstrip("0").rstrip(".") + "%"


def sentence(word: str, level: float, benchmark: str = "UK") -> str:
    """The tooltip's words for one area, e.g. 'Worse than the UK (the 95% interval excludes the UK value)'."""
    if word == "":
        return ""
    value = "the UK value" if benchmark == "UK" else f"{benchmark}'s value"
    verb = "includes" if word == "similar" else "excludes"
    return f"{label(word, benchmark)} (the {level_label(level)} interval {verb} {value})"
