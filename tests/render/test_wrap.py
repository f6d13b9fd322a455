"""Wrapping in static exports: lines break at spaces; a word wider than its line (a file name in the notes) breaks
before a dot or underscore, or after a hyphen or slash, and is never cut mid-word while such a place exists."""

from __future__ import annotations

import pytest

from gapmap.render import static
from gapmap.render.layout import Page, rc
from gapmap.render.sizes import SIZES, get_size
from tests.render.test_exports import layout_problems
from tests.render.test_hex_exports import hex_spec

NAME = "children_0_2_no_team.la.hex.social.csv"
ALLOWED = "._"  # a break before one of these, or after one of AFTER
AFTER = "-/"


def _bad_breaks(wrapped: str, word: str) -> list[str]:
    """Where ``word`` (which must be whole once the breaks are taken out) is broken other than before a dot or
    underscore or after a hyphen or slash."""
    joined, breaks = "", []
    for i, line in enumerate(wrapped.split("\n")):
        if i:
            breaks.append(len(joined))
        joined += line
    at = joined.find(word)
    assert at >= 0, f"{word!r} not whole in {wrapped!r}"
    return [
        f"{joined[b - 5 : b]}|{joined[b : b + 5]}"
        for b in breaks
        if at < b < at + len(word) and joined[b] not in ALLOWED and joined[b - 1] not in AFTER
    ]


def _page() -> Page:
    from matplotlib.figure import Figure

    sz = get_size("social")
    return Page(Figure(figsize=(sz.width_in, sz.height_in), dpi=sz.dpi), sz)


@pytest.mark.parametrize("width", [0.8, 1.0, 1.3, 1.6, 2.0, 2.5, 3.0])
def test_a_file_name_breaks_only_at_its_dots_and_underscores(width: float):
    page = _page()
    text = f"Full data and notes: {NAME}"
    with rc():
        wrapped = page.wrap(text, width, 9.5)
        fitted = page.fit(text, width, 9.5, 6)
    assert _bad_breaks(wrapped, NAME) == []
    assert fitted is not None and _bad_breaks(fitted.text, NAME) == []
    assert wrapped.replace("\n", " ").replace(" .", ".").replace(" _", "_").split() == text.split()


def test_words_wrap_at_spaces_and_a_word_with_no_break_is_still_cut_to_fit():
    page = _page()
    with rc():
        two = page.wrap("parent-infant team serves", 1.2, 9.5)
        assert two.split("\n") == ["parent-infant", "team serves"]
        cut = page.wrap("x" * 60, 1.0, 9.5)
    assert all(page.line_width(line, 9.5) <= 1.0 for line in cut.split("\n"))


@pytest.mark.parametrize("size", list(SIZES))
def test_the_notes_of_a_hex_map_never_break_its_file_name_mid_word(size: str):
    laid = static.map_figure(hex_spec("children_0_2_no_team", "la"), size, csv_name=NAME)
    notes = [t.get_text() for t in laid.texts if NAME in t.get_text().replace("\n", "")]
    assert notes, "the notes name the data file"
    assert [bad for text in notes for bad in _bad_breaks(text, NAME)] == []
    assert layout_problems(laid) == []
