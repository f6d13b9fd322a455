"""Survey waves: the rounds of a survey a file holds (a ``wave`` column, a year or a label), in order, and one
wave's responses on their own. A table of several waves pooled is never published: every indicator is of one
wave, so differencing a pooled table against a wave's cannot reveal what either suppresses.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol, TypeVar

import pandas as pd

WAVE_COLUMN = "wave"


class _Answers(Protocol):
    """What this module needs of :class:`gapmap.survey.validate.Responses` (which imports this module)."""

    frame: pd.DataFrame
    source: str
    notes: list[str]


Responses = TypeVar("Responses", bound=_Answers)


def order(labels: list[str]) -> list[str]:
    """Distinct wave labels oldest first: by number when every label is a number (a year), else as first met.

    >>> order(["2024", "2021", "2024"]), order(["spring", "autumn"])
    (['2021', '2024'], ['spring', 'autumn'])
    """
    seen = list(dict.fromkeys(labels))
    try:
        return sorted(seen, key=float)
    except ValueError:
        return seen


def labels(responses: Responses) -> list[str]:
    """The waves in a file, oldest first ([] with no wave column)."""
    if WAVE_COLUMN not in responses.frame:
        return []
    return order([str(v) for v in responses.frame[WAVE_COLUMN]])


def only(responses: Responses, label: str, note: str = "") -> Responses:
    """One wave's responses, named for it ('both.csv, wave 2024')."""
    keep = (responses.frame[WAVE_COLUMN].astype(str) == label).to_numpy()
    frame = responses.frame.loc[keep].reset_index(drop=True)
    notes = [*responses.notes, note] if note else list(responses.notes)
    dataclass: Any = responses  # a Responses dataclass, known here only by its Protocol
    changed: Responses = dataclasses.replace(
        dataclass, frame=frame, source=f"{responses.source}, wave {label}", notes=notes, cache={}
    )
    return changed


def split(responses: Responses) -> dict[str, Responses]:
    """Every wave of a file on its own, oldest first; a file without waves is its own one wave ('')."""
    found = labels(responses)
    if not found:
        return {"": responses}
    return {label: only(responses, label) for label in found}


def latest(responses: Responses) -> Responses:
    """A file of several waves as its latest wave alone, with a note saying so (a file of one wave as it is).

    Maps, charts and downloads of one survey show one wave; ``gapmap change`` compares them.
    """
    found = labels(responses)
    if len(found) < 2:
        return responses
    note = (
        f"This file holds {len(found)} survey waves ({', '.join(found)}): showing the latest, {found[-1]}; waves "
        "are never pooled. Compare them with gapmap change."
    )
    return only(responses, found[-1], note)
