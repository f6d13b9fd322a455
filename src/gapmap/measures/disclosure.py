"""Disclosure control for survey cells: primary suppression by base, secondary suppression against differencing.

Plain Python: cells are any hashable keys (here (area code, profession)), relations say which cells add up to
which. Knows nothing of pandas, geography or indicators.

A *relation* is a shown parent cell and cells that partition part of it; whatever of the parent no child holds
(respondents placed only at a coarser level, or in no profession) is a *remainder*, never shown on its own.
If a shown parent's hidden children and remainder together hold between 1 and ``min_base - 1`` responses, their
values could be worked out as parent minus shown children; so the smallest shown child is hidden too, and the
check repeats until no relation lets fewer than ``min_base`` responses be derived. This is the rule of the
ONS/NHS "secondary suppression" practice for published tables (hide the next-smallest cell).

That rule checks each relation on its own. :func:`protect` then audits the whole pattern as an attacker
holding every table would (:mod:`gapmap.measures.audit`) and hides one more cell for each hidden value that could be
pinned down; :class:`Nested` does so base by base from the lowest allowed minimum base, so that a higher base
hides everything a lower one does. See docs/DISCLOSURE.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from gapmap.measures import audit

# Tests switch this off to show that their leak checks would catch a missing secondary suppression.
SECONDARY_ENABLED = True
SMALL_BASE = "small base"
SECONDARY = "secondary"


@dataclass(frozen=True)
class Relation:
    """``parent`` = sum of ``children`` + a remainder (``parent n - sum of children n``) that is never shown."""

    parent: Hashable
    children: tuple[Hashable, ...]


Live = list[tuple[Hashable, int, list[tuple[Hashable, int]]]]


def live_relations(n: Mapping[Hashable, int], relations: Sequence[Relation]) -> Live:
    """The relations with respondents as (parent, remainder, [(child, n)]): only children with respondents,
    as the rest add nothing. Made once per set of bases, they make every later pass cheap.

    >>> live_relations({"UK": 30, "A": 4, "B": 12, "C": 0}, [Relation("UK", ("A", "B", "C"))])
    [('UK', 14, [('A', 4), ('B', 12)])]
    """
    live: Live = []
    for rel in relations:
        parent_n = n.get(rel.parent, 0)
        if parent_n > 0:
            kids = [(c, n[c]) for c in rel.children if c != rel.parent and n.get(c, 0) > 0]
            live.append((rel.parent, max(0, parent_n - sum(v for _, v in kids)), kids))
    return live


def suppress(
    n: Mapping[Hashable, int],
    relations: Sequence[Relation],
    min_base: int,
    secondary: bool = True,
    start: Mapping[Hashable, str] | None = None,
    live: Live | None = None,
) -> dict[Hashable, str]:
    """The reason each cell is hidden ('small base' or 'secondary'); cells not in the result are shown.

    ``start`` holds cells already hidden (by a lower minimum base, or by the audit), kept hidden; ``live``
    is :func:`live_relations` of ``n`` and ``relations``, if already made.

    >>> cells = {"UK": 30, "A": 4, "B": 12, "C": 14}
    >>> suppress(cells, [Relation("UK", ("A", "B", "C"))], 10)
    {'A': 'small base', 'B': 'secondary'}
    >>> suppress(cells, [Relation("UK", ("A", "B", "C"))], 10, secondary=False)
    {'A': 'small base'}
    """
    hidden: dict[Hashable, str] = dict(start or {})
    hidden.update({c: SMALL_BASE for c, v in n.items() if v < min_base})
    if not secondary:
        return hidden
    live = live_relations(n, relations) if live is None else live
    changed = True
    while changed:
        changed = False
        for parent, remainder, kids in live:
            if parent in hidden:
                continue
            exposed = remainder + sum(v for c, v in kids if c in hidden)
            if 0 < exposed < min_base:
                shown = [(v, str(c), c) for c, v in kids if c not in hidden]
                if not shown:
                    continue  # only possible if the parent itself is below the base, and so hidden
                hidden[min(shown)[2]] = SECONDARY
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


def exposures(
    n: Mapping[Hashable, int],
    relations: Sequence[Relation],
    hidden: Mapping[Hashable, str],
    live: Live | None = None,
) -> list[int]:
    """For each relation whose parent is shown, the responses it leaves to be worked out by subtraction.

    >>> exposures({"UK": 30, "A": 4, "B": 12, "C": 14}, [Relation("UK", ("A", "B", "C"))], {"A": "small base"})
    [4]
    """
    live = live_relations(n, relations) if live is None else live
    return [r + sum(v for c, v in kids if c in hidden) for parent, r, kids in live if parent not in hidden]


class Nested:
    """The hidden cells of one set of bases at every minimum base: each base's set holds every lower base's.

    Cells are hidden base by base from ``floor`` up: at each *breakpoint* (a base where the primary set, the
    protected groups or the heuristic's verdict changes) the cells hidden at the breakpoint below are kept,
    cells below the base are added, then :func:`protect` hides more until the audit passes. Between
    breakpoints nothing changes. Combining tables downloaded at several bases therefore shows no more than
    the lowest base's tables, which are themselves audited.

    ``auditors`` audit every measure published with this pattern (gapmap uses one auditor: the question item's);
    ``groups`` are never-published groups of respondents (remainders) with their n, protected while below the
    base; ``live`` is :func:`live_relations` of ``n`` and ``relations`` if already made.

    >>> from gapmap.measures.audit import Auditor, Tables
    >>> t = Tables({"a": (2, 2), "b": (6, 6), "c": (6, 6)}, {"T": ("a", "b", "c"), "A": ("a",), "B": ("b",), "C": ("c",)})
    >>> rel = [Relation("T", ("A", "B", "C"))]
    >>> nested = Nested({c: t.n(c) for c in t.cells}, rel, [Auditor(t, 0.1)], {}, floor=5)
    >>> nested.hidden(5)  # B hidden too, or A = T - B - C
    {'A': 'small base', 'B': 'secondary'}
    >>> nested.hidden(13)  # T shows 14 of 28: A anywhere in 0-4, B and C in 0-12
    {'A': 'small base', 'B': 'small base', 'C': 'small base'}
    """

    def __init__(
        self,
        n: Mapping[Hashable, int],
        relations: Sequence[Relation],
        auditors: Sequence[audit.Auditor],
        groups: Mapping[Hashable, int],
        floor: int,
        live: Live | None = None,
    ) -> None:
        self.n = dict(n)
        self.live = live_relations(n, relations) if live is None else live
        self.relations = relations
        self.auditors = auditors
        self.groups = dict(groups)
        self.floor = floor
        self._positive = [(c, v) for c, v in self.n.items() if v > 0]
        self._chain: list[tuple[int, dict[Hashable, str]]] = []
        self._next: float = floor
        self._touching: dict[Hashable, list[Relation]] | None = None
        self._containing: dict[Hashable, set[Hashable]] | None = None

    def hidden(self, min_base: int) -> dict[Hashable, str]:
        """The reason each cell is hidden at this minimum base ('small base' below it, else 'secondary')."""
        if min_base < self.floor:  # below the floor nothing is published to nest with
            found = self._protect(min_base, {})
        else:
            while self._next <= min_base:
                base = int(self._next)
                start = self._chain[-1][1] if self._chain else {}
                found = self._protect(base, start)
                self._chain.append((base, found))
                self._next = self._breakpoint_after(base, found)
            found = next(h for b, h in reversed(self._chain) if b <= min_base)
        return {c: SMALL_BASE if self.n.get(c, 0) < min_base else SECONDARY for c in found}

    def _protect(self, base: int, start: Mapping[Hashable, str]) -> dict[Hashable, str]:
        hidden = suppress(self.n, self.relations, base, True, start, self.live)
        return protect(self.n, self.auditors, base, hidden, self.groups, self._choose, self.floor, self.live)

    def breakpoints(self, up_to: int) -> list[int]:
        """The bases from the floor to ``up_to`` where the hidden set may change (computing them as it goes).

        >>> Nested({"T": 20, "A": 7, "B": 13}, [Relation("T", ("A", "B"))], [], {}, 5).breakpoints(100)
        [5, 8, 14, 21]
        """
        self.hidden(up_to)
        return [b for b, _ in self._chain if b <= up_to]

    def _breakpoint_after(self, base: int, hidden: Mapping[Hashable, str]) -> float:
        # A shown cell turns primary at n + 1, and so does a hidden complement, whose protection then grows.
        candidates = [v + 1 for _, v in self._positive if v >= base]
        candidates += [v + 1 for v in self.groups.values() if v >= base]
        candidates += [e + 1 for e in exposures(self.n, self.relations, hidden, self.live) if e >= base]
        return min(candidates, default=math.inf)

    def _choose(
        self, cell: Hashable, pinned: Sequence[Hashable], hidden: Mapping[Hashable, str]
    ) -> Hashable | None:
        """The cell to hide next for a failing one: the smallest shown cell that pinned its bound, else the
        smallest shown cell of the tightest relation touching it, else of any cell sharing respondents."""

        def smallest(cells: Iterable[Hashable]) -> Hashable | None:
            shown = [c for c in cells if c not in hidden and self.n.get(c, 0) > 0]
            return min(shown, key=lambda c: (self.n.get(c, 0), str(c))) if shown else None

        found = smallest(pinned)
        if found is None:
            if self._touching is None:
                # Relations touching each cell, the tightest first: a failing cell's sibling is hidden before
                # its parent's far-away cousins (the UK's relation touches every area).
                touching: dict[Hashable, list[Relation]] = {}
                for rel in self.relations:
                    for c in (rel.parent, *rel.children):
                        touching.setdefault(c, []).append(rel)
                self._touching = {c: sorted(r, key=lambda r: len(r.children)) for c, r in touching.items()}
            for rel in self._touching.get(cell, []):
                found = found if found is not None else smallest((rel.parent, *rel.children))
        if found is None and self.auditors:
            if self._containing is None:
                self._containing = {}
                for whole, atoms in self.auditors[0].tables.cells.items():
                    for a in atoms:
                        self._containing.setdefault(a, set()).add(whole)
            members = self.auditors[0].tables.members(cell)
            found = smallest(sorted({c for a in members for c in self._containing.get(a, ())}, key=str))
        return found if found is not None else smallest(self.n)


def protected(
    n: Mapping[Hashable, int],
    hidden: Collection[Hashable],
    groups: Mapping[Hashable, int],
    min_base: int,
    floor: int,
) -> dict[Hashable, float]:
    """What must stay uncertain, and the size its protection interval is reckoned on (``p`` of it).

    A hidden cell below the base: p of its n. A complement (hidden at or above the base only to protect
    others): p of at most ``floor`` (the lowest base anyone may choose), as uncertain as a cell there; asking
    p of its own n would make a large complement (the UK's 76 psychotherapists, hidden beside its 4
    psychiatrists) unprotectable short of hiding the UK total, and a fixed cap keeps the rule the same at
    every base, which nesting needs. A never-published group below the base: p of its n.

    >>> protected({"A": 4, "B": 76, "C": 30}, {"A", "B"}, {"g": 2, "h": 12}, 10, floor=5)
    {'A': 4.0, 'B': 5.0, 'g': 2.0}
    """
    out = {c: float(v if v < min_base else min(v, floor)) for c, v in n.items() if v > 0 and c in hidden}
    out.update({g: float(v) for g, v in groups.items() if 0 < v < min_base})
    return out


def tighten(
    live: Live,
    hidden: dict[Hashable, str],
    min_base: int,
    floor: int,
    auditor: audit.Auditor,
    only: Collection[Hashable] | None = None,
) -> None:
    """Hide more, in place, wherever one relation alone pins a hidden cell down: the cheap part of the audit.

    Where a relation's parent is shown, an attacker knows what its hidden children and remainder hold in
    total (parent minus shown children); each hidden child then lies between that total less the most the
    others could hold and that total less the least. Where that is narrower than the child's protection
    interval (every hidden respondent answered alike, say), the smallest shown child with room to move the
    right way is hidden too, or the parent if every child is hidden already. The linear programs then only
    look for what takes several relations together. ``only``: look only at relations touching these cells
    (those hidden since the last look).

    >>> from gapmap.measures.audit import Auditor, Tables
    >>> t = Tables({"a": (3, 0), "b": (2, 0), "c": (3, 3), "d": (6, 6)},
    ...            {"T": ("a", "b", "c", "d"), "A": ("a",), "B": ("b",), "C": ("c",), "D": ("d",)})
    >>> n = {c: t.n(c) for c in t.cells}
    >>> hidden = {"A": SMALL_BASE, "B": SMALL_BASE}  # 5 people, all 'No', and T - C - D says so
    >>> tighten(live_relations(n, [Relation("T", ("A", "B", "C", "D"))]), hidden, 10, 5, Auditor(t, 0.1))
    >>> hidden  # C alone would not do: A + B + C = 3 would cap C at its own 3
    {'A': 'small base', 'B': 'small base', 'C': 'secondary', 'D': 'secondary'}
    """
    values, low, high = auditor.values()
    if not low:
        return
    measures = range(len(low))
    # Relations to look at: all at first, then only those touching a cell just hidden.
    touching = _touching(live)
    todo = list(range(len(live))) if only is None else sorted({j for c in only for j in touching.get(c, [])})
    queued = set(todo)
    while todo:
        i = todo.pop()
        queued.discard(i)
        found = _pinning(live[i], hidden, min_base, floor, auditor.p, values, low, high, measures)
        if found is not None:
            hidden[found] = SECONDARY
            for j in touching.get(found, []):
                if j not in queued:
                    queued.add(j)
                    todo.append(j)


_TOUCHING: dict[int, tuple[Live, dict[Hashable, list[int]]]] = {}


def _touching(live: Live) -> dict[Hashable, list[int]]:
    """The relations (by index) each cell is parent or child in; made once per set of live relations."""
    held = _TOUCHING.get(id(live))
    if held is not None and held[0] is live:
        return held[1]
    index: dict[Hashable, list[int]] = {}
    for i, (parent, _, kids) in enumerate(live):
        for c in (parent, *(c for c, _ in kids)):
            index.setdefault(c, []).append(i)
    if len(_TOUCHING) > 64:  # a long-running app sees many files: keep only recent ones
        _TOUCHING.clear()
    _TOUCHING[id(live)] = (live, index)
    return index


def _pinning(
    relation: tuple[Hashable, int, list[tuple[Hashable, int]]],
    hidden: Mapping[Hashable, str],
    min_base: int,
    floor: int,
    p: float,
    values: Mapping[Hashable, tuple[float, ...]],
    low: tuple[float, ...],
    high: tuple[float, ...],
    measures: range,
) -> Hashable | None:
    """The cell to hide if this relation alone pins one of its hidden children down, else None."""
    parent, remainder, kids = relation
    if parent in hidden or parent not in values:
        return None
    hid = [(c, v) for c, v in kids if c in hidden]
    if not hid:
        return None
    shown = [(c, v) for c, v in kids if c not in hidden]
    pv = values[parent]
    total = [pv[m] - sum(values[c][m] for c, _ in shown) for m in measures]
    count = remainder + sum(v for _, v in hid)
    up, down = False, False  # rooms needed: some hidden value must be able to go up, or down
    for c, v in hid:
        size = v if v < min_base else min(v, floor)
        for m in measures:
            span = p * size * (high[m] - low[m])
            value = values[c][m]
            least = max(v * low[m], total[m] - (count - v) * high[m])
            most = min(v * high[m], total[m] - (count - v) * low[m])
            down |= least > max(v * low[m], value - span) + 1e-6  # another must be able to go up
            up |= most < min(v * high[m], value + span) - 1e-6
    if not (up or down):
        return None

    def helps(c: Hashable, v: int) -> bool:
        vals = values[c]
        rises = any(vals[m] < v * high[m] - 1e-6 for m in measures)
        falls = any(vals[m] > v * low[m] + 1e-6 for m in measures)
        return (rises or not down) and (falls or not up)

    pool = [(v, str(c), c) for c, v in shown if helps(c, v)] or [(v, str(c), c) for c, v in shown]
    # Every child hidden and still pinned: the shown total itself gives them away (all at 0%, say).
    return min(pool)[2] if pool else parent


def protect(
    n: Mapping[Hashable, int],
    auditors: Sequence[audit.Auditor],
    min_base: int,
    hidden: Mapping[Hashable, str],
    groups: Mapping[Hashable, int],
    choose: Callable[[Hashable, Sequence[Hashable], Mapping[Hashable, str]], Hashable | None],
    floor: int,
    live: Live | None = None,
) -> dict[Hashable, str]:
    """Hide one more cell for each cell the audit finds too narrow (``choose`` picks it), until every hidden
    cell and every small never-published group is protected in every audited measure. With ``live``
    relations, :func:`tighten` first settles what single relations show, without a linear program.

    No need to run the heuristic again after: a shown cell has at least ``min_base`` responses, so hiding it
    cannot leave a relation with between 1 and ``min_base - 1`` responses to work out.
    """
    hidden = dict(hidden)
    positive = {c: v for c, v in n.items() if v > 0}
    added: set[Hashable] | None = None  # None: look at every relation
    while True:
        if live is not None:
            for auditor in auditors:
                tighten(live, hidden, min_base, floor, auditor, added)
        targets = protected(positive, hidden, groups, min_base, floor)
        failing: dict[Hashable, set[Hashable]] = {}
        for auditor in auditors:
            result = auditor.check(hidden, targets, explain=False)
            for b in result.failing:
                failing.setdefault(b.cell, set()).update(result.binding.get((b.cell, b.measure), ()))
        if not failing:
            return hidden
        add = set()
        for cell in sorted(failing, key=str):
            found = choose(cell, sorted(failing[cell], key=str), hidden)
            if found is not None:
                add.add(found)
        if not add:  # nothing left to hide: cannot happen while any cell is shown
            return hidden
        for c in add:
            hidden[c] = SECONDARY
        added = add
