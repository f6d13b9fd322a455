"""Audit a suppression pattern as an attacker would: bound every hidden cell by linear and integer programming.

Pure: cells and atoms are any hashable keys; knows nothing of pandas, geography or indicators.

The tables are described by their *atoms*, the finest disjoint groups of respondents (here: those giving one
area answer and one profession), with how many of each gave each answer class, and by the *cells*: every
published figure is a sum over atoms. An attacker who downloads every table knows each cell's n (always
published), hence each atom's n, and the published measures (a count k, or a sum of ratings) of every shown
cell; what stays unknown is how each atom's respondents split between answer classes. Each hidden cell's
measure is then bounded below and above by minimising and maximising it over every integer split consistent
with what was published (scipy's HiGHS: ``linprog`` for the relaxation, ``milp`` where that is not integral).

A hidden cell is *protected* when those bounds reach at least ``p`` of its possible range either side of its
true value (clipped to what is possible): for a count, ``k - p*n`` and ``k + p*n``. A cell whose bounds meet is
*exactly derivable*; one whose bounds fall short is *too narrow*. Group disclosure (every hidden respondent
answered alike) is one case of too narrow.

To stay fast the auditor keeps every integer solution it finds (*witnesses*): a witness in which a cell
reaches its requirement proves that direction protected with no further solve, and stays valid while the hidden
set only grows. A few LPs with a mixed objective over all unproven cells prove most of them at once; the rest
get one LP (and, if its optimum is fractional, one MILP) each.

>>> tables = Tables({"a": (3, 1), "b": (2, 2)}, {"T": ("a", "b"), "A": ("a",), "B": ("b",)})
>>> [(b.cell, b.lower, b.upper) for b in audit(tables, hidden={"A"}, p=0.1).derivable]  # T minus B
[('A', 1.0, 1.0)]
>>> audit(tables, hidden={"A", "B"}, p=0.1).clean  # A + B = 3: A anywhere from 0 to 3
True
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

Cell = Hashable
_TOL = 1e-6
# Rounds of mixed-objective LPs before falling back to one LP per unproven cell and direction.
_MIXED_ROUNDS = 6
MILP_SECONDS = 5.0  # a MILP that finds no proof in this time counts as a failure: the cell is hidden further


@dataclass(frozen=True)
class Measure:
    """A published figure as weights on the answer classes: 'k' is (0, 1), a sum of 1-5 ratings (1, ..., 5).

    ``protect=False`` marks a figure an attacker can work out for shown cells but that is not itself protected
    (the sum of squared ratings, behind a mean's interval).
    """

    name: str
    weights: tuple[float, ...]
    protect: bool = True

    @property
    def span(self) -> float:
        return max(self.weights) - min(self.weights)


COUNT = (Measure("k", (0.0, 1.0)),)


@dataclass(frozen=True)
class Tables:
    """Atoms with their respondents per answer class, and every published cell as the atoms it adds up.

    An atom may also be a cell (a local authority's cell is one atom); a cell listing no atom holds no one.
    """

    counts: Mapping[Cell, Sequence[int]]
    cells: Mapping[Cell, Sequence[Cell]]
    measures: tuple[Measure, ...] = COUNT

    def n(self, cell: Cell) -> int:
        """Respondents in a cell (or atom).

        >>> Tables({"a": (3, 1), "b": (2, 2)}, {"T": ("a", "b")}).n("T")
        8
        """
        return sum(sum(self.counts.get(a, ())) for a in self.members(cell))

    def value(self, cell: Cell, measure: Measure) -> float:
        """The true value of one measure in a cell (or atom)."""
        return float(
            sum(np.dot(measure.weights, self.counts[a]) for a in self.members(cell) if a in self.counts)
        )

    def members(self, cell: Cell) -> Sequence[Cell]:
        return self.cells[cell] if cell in self.cells else (cell,)


@dataclass(frozen=True)
class Bound:
    """What an attacker can learn of one measure of one hidden cell: the interval of every consistent value.

    ``lower``/``upper`` are exact where ``exact`` says so; otherwise they are values a consistent solution
    reaches (the true interval is at least that wide), enough to prove the cell protected.
    """

    cell: Cell
    measure: str
    n: int
    value: float
    lower: float
    upper: float
    need_lower: float
    need_upper: float
    exact: bool

    @property
    def derivable(self) -> bool:
        return self.exact and abs(self.upper - self.lower) < _TOL

    @property
    def narrow(self) -> bool:
        """Narrower than the protection interval on at least one side."""
        return self.lower > self.need_lower + _TOL or self.upper < self.need_upper - _TOL


@dataclass
class Audit:
    """Bounds of every protected measure of every target, and the shown cells that pinned each failure."""

    bounds: list[Bound]
    binding: dict[tuple[Cell, str], tuple[Cell, ...]] = field(default_factory=dict)
    solves: int = 0

    @property
    def failing(self) -> list[Bound]:
        """Bounds narrower than the protection interval (exactly derivable ones included)."""
        return [b for b in self.bounds if b.narrow]

    @property
    def derivable(self) -> list[Bound]:
        return [b for b in self.bounds if b.derivable]

    @property
    def clean(self) -> bool:
        return not self.failing


def protection(n: int, value: float, low: float, high: float, p: float) -> tuple[float, float]:
    """The interval an attacker's bounds must reach: ``value ± p·n·(high − low)`` clipped to ``[n·low, n·high]``.

    >>> protection(10, 3, 0, 1, 0.1), protection(10, 0, 0, 1, 0.1), protection(4, 12, 1, 5, 0.1)
    ((2.0, 4.0), (0.0, 1.0), (10.4, 13.6))
    """
    span = p * n * (high - low)
    return float(max(n * low, value - span)), float(min(n * high, value + span))


class Auditor:
    """Audits one set of tables against any number of hidden sets, keeping what it proved between calls.

    Build it once per tables; call :meth:`check` with a hidden set (and which cells must be protected) each
    time the pattern changes. Witnesses found for one hidden set prove cells for any larger one.
    """

    def __init__(self, tables: Tables, p: float) -> None:
        self.tables = tables
        self.p = p
        self.solves = 0
        measures = tables.measures
        n_classes = len(measures[0].weights)
        self._atoms = [a for a, c in tables.counts.items() if sum(c) > 0]
        self._atom_index = {a: i for i, a in enumerate(self._atoms)}
        # One variable per atom and answer class but the first (the first class is the atom's rest).
        self._width = n_classes - 1
        counts = np.array([tables.counts[a] for a in self._atoms], dtype=float).reshape(-1, n_classes)
        self._n_atom = counts.sum(axis=1)
        self._truth = counts[:, 1:].reshape(-1)
        self._upper = np.repeat(self._n_atom, self._width)
        self._reduced = [np.asarray(m.weights[1:], dtype=float) - m.weights[0] for m in measures]
        # Atoms' capacity: their classes other than the first hold at most their n (one row each).
        if self._width > 1:
            rows = np.repeat(np.arange(len(self._atoms)), self._width)
            self._capacity = sparse.csr_matrix(
                (np.ones(rows.size), (rows, np.arange(rows.size))), shape=(len(self._atoms), rows.size)
            )
        else:
            self._capacity = None
        # Every published cell with respondents: one row per measure (its value as a function of the variables).
        self._cells = [c for c in tables.cells if self._index(c).size]
        self._rows: dict[Cell, list[int]] = {}
        matrix = []
        for cell in self._cells:
            idx = self._index(cell)
            for mi in range(len(measures)):
                if np.any(self._reduced[mi]):
                    self._rows.setdefault(cell, []).append(len(matrix))
                    matrix.append(self._row(idx, mi))
        self._matrix = (
            sparse.vstack(matrix, format="csr")
            if matrix
            else sparse.csr_matrix((0, self._truth.size), dtype=float)
        )
        self._published = self._matrix @ self._truth
        self._row_cell = [c for c in self._cells for _ in self._rows.get(c, [])]
        self._witnesses: list[np.ndarray] = [self._truth.copy()]
        self._agrees: list[np.ndarray] = [np.ones(self._matrix.shape[0], dtype=bool)]

    # -- building blocks -------------------------------------------------------------------------------

    def _index(self, cell: Cell) -> np.ndarray:
        return np.array(
            sorted({self._atom_index[a] for a in self.tables.members(cell) if a in self._atom_index}),
            dtype=np.int64,
        )

    def _row(self, atoms: np.ndarray, mi: int) -> sparse.csr_matrix:
        w = self._reduced[mi]
        cols = (atoms[:, None] * self._width + np.arange(self._width)[None, :]).reshape(-1)
        data = np.tile(w, atoms.size)
        keep = data != 0
        return sparse.csr_matrix(
            (data[keep], (np.zeros(int(keep.sum()), dtype=np.int64), cols[keep])), shape=(1, self._truth.size)
        )

    def _add_witness(self, x: np.ndarray) -> None:
        self._witnesses.append(x)
        self._agrees.append(np.abs(self._matrix @ x - self._published) < _TOL)

    def _solve(
        self, objective: np.ndarray, a_eq: sparse.csr_matrix, b_eq: np.ndarray
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """Minimise over the relaxation: optimum, solution, and the duals of the shown rows."""
        self.solves += 1
        a_ub = self._capacity
        res = linprog(
            objective,
            A_ub=a_ub,
            b_ub=None if a_ub is None else self._n_atom,
            A_eq=a_eq if a_eq.shape[0] else None,
            b_eq=b_eq if a_eq.shape[0] else None,
            bounds=np.column_stack([np.zeros_like(self._upper), self._upper]),
            method="highs",
        )
        if res.status != 0:
            raise RuntimeError(f"disclosure audit: the published tables admit no solution ({res.message})")
        duals = np.asarray(res.eqlin.marginals) if a_eq.shape[0] else np.zeros(0)
        return float(res.fun), np.asarray(res.x), duals

    def _solve_integer(
        self, objective: np.ndarray, a_eq: sparse.csr_matrix, b_eq: np.ndarray
    ) -> tuple[float, np.ndarray] | None:
        """Minimise over integer splits; None if HiGHS found no integer solution in time."""
        self.solves += 1
        constraints = []
        if a_eq.shape[0]:
            constraints.append(LinearConstraint(a_eq, b_eq, b_eq))
        if self._capacity is not None:
            constraints.append(LinearConstraint(self._capacity, -np.inf, self._n_atom))
        res = milp(
            objective,
            constraints=constraints,
            integrality=np.ones_like(self._upper),
            bounds=Bounds(np.zeros_like(self._upper), self._upper),
            options={"time_limit": MILP_SECONDS},
        )
        if res.x is None or res.status not in (0, 1):
            return None
        x = np.round(np.asarray(res.x))
        return float(objective @ x), x

    # -- the audit -------------------------------------------------------------------------------------

    def check(
        self, hidden: Collection[Cell], targets: Iterable[Cell] | None = None, exact: bool = False
    ) -> Audit:
        """Bound every protected measure of every target (default: hidden cells with respondents).

        Targets may be atoms that are never published (respondents placed only at a coarser level). With
        ``exact`` every bound is solved; otherwise failing ones are (both sides), and protected cells carry
        the values some consistent solution reaches.
        """
        hidden = set(hidden)
        if targets is None:
            targets = [c for c in self.tables.cells if c in hidden]
        goals = self._goals(targets)
        if not goals:
            return Audit([])
        run = _Run(self, hidden, goals)
        if not exact:
            run.mixed()
        for i in range(len(goals)):
            for side in (-1, 1):
                if exact or not run.reached(i, side):
                    run.solve(i, side)
        for i in range(len(goals)):  # a failing cell gets exact bounds both ways: derivable or too narrow?
            if not (run.reached(i, -1) and run.reached(i, 1)):
                for side in (-1, 1):
                    if not run.exact[side][i]:
                        run.solve(i, side)
        return run.result()

    def _goals(self, targets: Iterable[Cell]) -> list[_Goal]:
        goals = []
        seen = set()
        for cell in sorted(set(targets), key=str):
            if cell in seen:
                continue
            seen.add(cell)
            idx = self._index(cell)
            if not idx.size:
                continue
            n = int(self._n_atom[idx].sum())
            for mi, m in enumerate(self.tables.measures):
                if not m.protect:
                    continue
                row = self._row(idx, mi)
                value = float((row @ self._truth)[0])
                w = np.concatenate([[0.0], self._reduced[mi]])
                need = protection(n, value, float(w.min()), float(w.max()), self.p)
                goals.append(_Goal(cell, m.name, n, row, value, need, m.weights[0] * n, n * m.span))
        return goals


class _Run:
    """One call of :meth:`Auditor.check`: the shown rows, the targets' goals and what is proven so far."""

    def __init__(self, auditor: Auditor, hidden: set[Cell], goals: list[_Goal]) -> None:
        self.a = auditor
        self.goals = goals
        self.solves_before = auditor.solves
        rows = [r for c in auditor._cells if c not in hidden for r in auditor._rows.get(c, [])]
        self.shown_rows = np.array(rows, dtype=np.int64)
        self.a_eq = auditor._matrix[self.shown_rows]
        self.b_eq = auditor._published[self.shown_rows]
        self.gmat = sparse.vstack([g.row for g in goals], format="csr")
        self.need_lo = np.array([g.need[0] for g in goals]) + _TOL
        self.need_hi = np.array([g.need[1] for g in goals]) - _TOL
        feasible = [
            w for w, ok in zip(auditor._witnesses, auditor._agrees, strict=True) if ok[self.shown_rows].all()
        ]
        values = self.gmat @ np.column_stack(feasible)
        self.low, self.high = values.min(axis=1), values.max(axis=1)
        self.exact = {-1: np.zeros(len(goals), dtype=bool), 1: np.zeros(len(goals), dtype=bool)}
        self.binding: dict[tuple[Cell, str], tuple[Cell, ...]] = {}

    def reached(self, i: int, side: int) -> bool:
        return bool(self.low[i] <= self.need_lo[i]) if side < 0 else bool(self.high[i] >= self.need_hi[i])

    def learn(self, x: np.ndarray) -> None:
        self.a._add_witness(x)
        v = self.gmat @ x
        self.low, self.high = np.minimum(self.low, v), np.maximum(self.high, v)

    def mixed(self) -> None:
        """Push every unproven cell towards the side it still has to reach, all in one objective, a few times."""
        scale = np.array([max(g.scale, 1.0) for g in self.goals])
        order = np.arange(len(self.goals))
        for round_ in range(_MIXED_ROUNDS):
            open_lo, open_hi = self.low > self.need_lo, self.high < self.need_hi
            todo = open_lo | open_hi
            if not todo.any():
                return
            # Cells open on both sides alternate between rounds, half of them each way.
            up = open_hi & (~open_lo | ((order + round_) % 2 == 0))
            weights = np.where(up, -1.0, 1.0)[todo] / scale[todo]
            objective = np.asarray(self.gmat[np.flatnonzero(todo)].T @ weights).ravel()
            _, x, _ = self.a._solve(objective, self.a_eq, self.b_eq)
            if not _integral(x):
                got = self.a._solve_integer(objective, self.a_eq, self.b_eq)
                if got is None:
                    return
                x = got[1]
            self.learn(np.round(x))
            if not ((self.low <= self.need_lo) & open_lo).any() and not ((self.high >= self.need_hi) & open_hi).any():
                return  # this round proved nothing new: the rest need a solve each

    def solve(self, i: int, side: int) -> None:
        """The exact bound of goal ``i`` on one side (-1 lower, +1 upper), and what pinned it if it fails."""
        goal = self.goals[i]
        objective = -side * np.asarray(goal.row.todense()).ravel()  # linprog minimises
        best, x, duals = self.a._solve(objective, self.a_eq, self.b_eq)
        if _integral(x):
            self.learn(np.round(x))
            bound = -side * best
        else:
            got = self.a._solve_integer(objective, self.a_eq, self.b_eq)
            if got is None:  # no integer optimum in time: the relaxation's bound, rounded inwards
                bound = math.ceil(-side * best - _TOL) if side < 0 else math.floor(-side * best + _TOL)
            else:
                self.learn(got[1])
                bound = -side * got[0]
        if side < 0:
            self.low[i] = bound
        else:
            self.high[i] = bound
        self.exact[side][i] = True
        if not self.reached(i, side) and self.shown_rows.size:
            pinned = {
                self.a._row_cell[r] for r, d in zip(self.shown_rows, duals, strict=True) if abs(d) > 1e-9
            }
            key = (goal.cell, goal.measure)
            self.binding[key] = tuple(sorted({*self.binding.get(key, ()), *pinned}, key=str))

    def result(self) -> Audit:
        bounds = [
            Bound(
                cell=g.cell,
                measure=g.measure,
                n=g.n,
                value=g.value + g.offset,
                lower=float(self.low[i]) + g.offset,
                upper=float(self.high[i]) + g.offset,
                need_lower=g.need[0] + g.offset,
                need_upper=g.need[1] + g.offset,
                exact=bool(self.exact[-1][i] and self.exact[1][i]),
            )
            for i, g in enumerate(self.goals)
        ]
        return Audit(bounds, self.binding, self.a.solves - self.solves_before)


def _integral(x: np.ndarray) -> bool:
    return bool(np.all(np.abs(x - np.round(x)) < _TOL))


@dataclass(frozen=True)
class _Goal:
    cell: Cell
    measure: str
    n: int
    row: sparse.csr_matrix
    value: float  # in variables' terms (the measure minus ``offset``)
    need: tuple[float, float]
    offset: float
    scale: float


def audit(
    tables: Tables,
    hidden: Collection[Cell],
    p: float,
    targets: Iterable[Cell] | None = None,
    exact: bool = True,
) -> Audit:
    """Bound every hidden cell (or the given targets) once: an :class:`Auditor` for a single pattern.

    >>> t = Tables({"a": (5, 0), "b": (4, 0), "c": (6, 6)}, {"T": ("a", "b", "c"), "A": ("a",), "B": ("b",), "C": ("c",)})
    >>> [(b.cell, b.lower, b.upper) for b in audit(t, {"A", "B"}, 0.1).failing]  # T shows 6 of 21, C 6 of 12
    [('A', 0.0, 0.0), ('B', 0.0, 0.0)]
    """
    return Auditor(tables, p).check(hidden, targets, exact)


def hidden_in_all(hidden_sets: Sequence[Collection[Cell]]) -> set[Cell]:
    """The cells hidden in every one of several published table sets (what combining them leaves hidden).

    >>> sorted(hidden_in_all([{"A", "B"}, {"A"}]))
    ['A']
    """
    if not hidden_sets:
        return set()
    out = set(hidden_sets[0])
    for h in hidden_sets[1:]:
        out &= set(h)
    return out
