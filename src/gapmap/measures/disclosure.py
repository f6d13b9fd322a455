"""Disclosure control for survey cells: primary suppression by base, secondary suppression against differencing.

Plain Python: cells are any hashable keys (here (area code, profession)), relations say which cells add up to
which. Knows nothing of pandas, geography or indicators.

A *relation* is a shown parent cell and cells that partition part of it; whatever of the parent no child holds
(respondents placed only at a coarser level, or in no profession) is a *remainder*, never shown on its own.
If a shown parent's hidden children and remainder together hold between 1 and ``min_base - 1`` responses, their
values could be worked out as parent minus shown children; so the smallest shown child is hidden too, and the
check repeats until no relation lets fewer than ``min_base`` responses be derived. This is the rule of the
ONS/NHS "secondary suppression" practice for published tables (hide the next-smallest cell).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

# Tests switch this off to show that their leak checks would catch a missing secondary suppression.
SECONDARY_ENABLED = True
SMALL_BASE = "small base"
SECONDARY = "secondary"


@dataclass(frozen=True)
class Relation:
    """``parent`` = sum of ``children`` + a remainder (``parent n - sum of children n``) that is never shown."""

    parent: Hashable
    children: tuple[Hashable, ...]


def suppress(
    n: Mapping[Hashable, int],
    relations: Sequence[Relation],
    min_base: int,
    secondary: bool = True,
) -> dict[Hashable, str]:
    """The reason each cell is hidden ('small base' or 'secondary'); cells not in the result are shown.

    >>> cells = {"UK": 30, "A": 4, "B": 12, "C": 14}
    >>> suppress(cells, [Relation("UK", ("A", "B", "C"))], 10)
    {'A': 'small base', 'B': 'secondary'}
    >>> suppress(cells, [Relation("UK", ("A", "B", "C"))], 10, secondary=False)
    {'A': 'small base'}
    """
    hidden: dict[Hashable, str] = {c: SMALL_BASE for c, v in n.items() if v < min_base}
    if not secondary:
        return hidden
    changed = True
    while changed:
        changed = False
        for rel in relations:
            if rel.parent in hidden:
                continue
            kids = [c for c in rel.children if c != rel.parent]
            total = sum(n.get(c, 0) for c in kids)
            remainder = max(0, n.get(rel.parent, 0) - total)
            exposed = remainder + sum(n.get(c, 0) for c in kids if c in hidden)
            if 0 < exposed < min_base:
                shown = [c for c in kids if c not in hidden and n.get(c, 0) > 0]
                if not shown:
                    continue  # only possible if the parent itself is below the base, and so hidden
                smallest = min(shown, key=lambda c: (n.get(c, 0), str(c)))
                hidden[smallest] = SECONDARY
                changed = True
    return hidden


def derivable(
    n: Mapping[Hashable, int], relations: Sequence[Relation], hidden: Mapping[Hashable, str], min_base: int
) -> list[tuple[Hashable, int]]:
    """Shown parents from which fewer than ``min_base`` hidden responses could be worked out (empty = safe).

    >>> derivable({"UK": 30, "A": 4, "B": 12, "C": 14}, [Relation("UK", ("A", "B", "C"))], {"A": "small base"}, 10)
    [('UK', 4)]
    """
    leaks = []
    for rel in relations:
        if rel.parent in hidden:
            continue
        kids = [c for c in rel.children if c != rel.parent]
        remainder = max(0, n.get(rel.parent, 0) - sum(n.get(c, 0) for c in kids))
        exposed = remainder + sum(n.get(c, 0) for c in kids if c in hidden)
        if 0 < exposed < min_base:
            leaks.append((rel.parent, exposed))
    return leaks
