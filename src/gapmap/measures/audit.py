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

This module is long because the auditor is one algorithm whose parts (the model, the witnesses, the LP and MILP
passes) share one state and one invariant; split, that invariant would be spread over several files.

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
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

try:  # scipy's own HiGHS bindings, private: see _LP
    from scipy.optimize._highspy import _core
except ImportError:  # pragma: no cover - another scipy
    _core = None

Cell = Hashable
_TOL = 1e-6
# Rounds of mixed-objective LPs before falling back to one LP per unproven cell and direction.
_MIXED_ROUNDS = 6
MILP_SECONDS = 5.0  # a MILP that finds no proof in this time counts as a failure: the cell is hidden further
# Solve through scipy's HiGHS bindings with warm starts where they are there (tests switch this off to check
# that linprog gives the same verdicts).
FAST = _core is not None


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
    With ``integer`` (the default) bounds are over whole respondents (MILP where the relaxation is
    fractional); without it, over the relaxation, rounded inwards where every weight is a whole number.
    """

    counts: Mapping[Any, Sequence[float]]  # keys: any hashable atom; whole numbers but for collapsed ratings
    cells: Mapping[Any, Sequence[Any]]  # keys: any hashable cell
    measures: tuple[Measure, ...] = COUNT
    integer: bool = True  # False: bound by the relaxation only, rounded inwards (see docs/DISCLOSURE.md)

    def n(self, cell: Cell) -> int:
        """Respondents in a cell (or atom).

        >>> Tables({"a": (3, 1), "b": (2, 2)}, {"T": ("a", "b")}).n("T")
        8
        """
        return round(sum(sum(self.counts.get(a, ())) for a in self.members(cell)))

    def value(self, cell: Cell, measure: Measure) -> float:
        """The true value of one measure in a cell (or atom)."""
        return float(
            sum(np.dot(measure.weights, self.counts[a]) for a in self.members(cell) if a in self.counts)
        )

    def members(self, cell: Cell) -> Sequence[Cell]:
        return self.cells.get(cell, (cell,))


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


def protection(
    n: int, value: float, low: float, high: float, p: float, size: float | None = None
) -> tuple[float, float]:
    """The interval an attacker's bounds must reach: ``value ± p·size·(high − low)`` clipped to
    ``[n·low, n·high]``, where ``size`` is n unless given (a complement cell's is capped at the base).

    >>> protection(10, 3, 0, 1, 0.1), protection(10, 0, 0, 1, 0.1), protection(4, 12, 1, 5, 0.1)
    ((2.0, 4.0), (0.0, 1.0), (10.4, 13.6))
    >>> protection(76, 60, 0, 1, 0.1, size=10)
    (59.0, 61.0)
    """
    span = p * (n if size is None else size) * (high - low)
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
        atoms = [a for a, c in tables.counts.items() if sum(c) > 0]
        self._atom_index = {a: i for i, a in enumerate(atoms)}
        # One variable per atom and answer class but the first (the first class is the atom's rest).
        self._width = n_classes - 1
        counts = np.array([tables.counts[a] for a in atoms], dtype=float).reshape(-1, n_classes)
        self._n_atom = counts.sum(axis=1)
        self._truth = counts[:, 1:].reshape(-1)
        self._upper = np.repeat(self._n_atom, self._width)
        self._reduced = np.array([np.asarray(m.weights[1:], dtype=float) - m.weights[0] for m in measures])
        self._capacity: sparse.csr_matrix | None = None
        if self._width > 1:  # an atom's classes other than the first hold at most its n (one row each)
            cols = np.arange(self._truth.size)
            self._capacity = sparse.csr_matrix(
                (np.ones(cols.size), (cols // self._width, cols)), shape=(len(atoms), cols.size)
            )
        # Every published cell with respondents, one row per published measure: its value in the variables.
        self._members = {c: idx for c in tables.cells if (idx := self._index(c)).size}
        published = [mi for mi in range(len(measures)) if np.any(self._reduced[mi])]
        self._row_cell = [c for c in self._members for _ in published]
        self._rows = {c: [] for c in self._members}  # type: dict[Cell, list[int]]
        for r, c in enumerate(self._row_cell):
            self._rows[c].append(r)
        self._matrix = self._sparse(
            [self._entries(self._members[c], mi) for c in self._members for mi in published]
        )
        self._published = self._matrix @ self._truth
        # Witnesses as rows, and for each which published rows it agrees with (it stays a witness for any
        # hidden set that hides every row it disagrees with). The truth is the first.
        # Kept in buffers that double when full (a copy per witness made long audits quadratic); the first
        # ``_found`` rows are the witnesses.
        self._found = 1
        self._witness_rows = self._truth[None, :].copy()
        self._agree_rows = np.ones((1, self._matrix.shape[0]), dtype=bool)
        self._goal_cache: dict[tuple[Cell, float | None], list[_Goal]] = {}
        self._names: dict[Cell, str] = {}
        self._lp: _LP | None = None
        self._values: tuple[dict[Cell, tuple[float, ...]], tuple[float, ...], tuple[float, ...]] | None = None

    def _index(self, cell: Cell) -> np.ndarray:
        found = {self._atom_index[a] for a in self.tables.members(cell) if a in self._atom_index}
        return np.array(sorted(found), dtype=np.int64)

    def _entries(self, atoms: np.ndarray, mi: int) -> tuple[np.ndarray, np.ndarray]:
        """Columns and weights of one measure summed over some atoms, in the variables."""
        w = self._reduced[mi]
        cols = (atoms[:, None] * self._width + np.arange(self._width)[None, :]).reshape(-1)
        data = np.tile(w, atoms.size)
        keep = data != 0
        return cols[keep], data[keep]

    def _sparse(self, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> sparse.csr_matrix:
        """A matrix of rows given as (columns, weights)."""
        if not rows:
            return sparse.csr_matrix((0, self._truth.size), dtype=float)
        sizes = [c.size for c, _ in rows]
        return sparse.csr_matrix(
            (
                np.concatenate([d for _, d in rows]),
                np.concatenate([c for c, _ in rows]),
                np.concatenate([[0], np.cumsum(sizes)]),
            ),
            shape=(len(rows), self._truth.size),
        )

    @property
    def _witnesses(self) -> np.ndarray:
        return self._witness_rows[: self._found]

    @property
    def _agrees(self) -> np.ndarray:
        return self._agree_rows[: self._found]

    def _add_witness(self, x: np.ndarray) -> None:
        if self._found == self._witness_rows.shape[0]:
            self._witness_rows = np.concatenate([self._witness_rows, np.empty_like(self._witness_rows)])
            self._agree_rows = np.concatenate([self._agree_rows, np.empty_like(self._agree_rows)])
        self._witness_rows[self._found] = x
        self._agree_rows[self._found] = np.abs(self._matrix @ x - self._published) < _TOL
        self._found += 1

    def check(
        self,
        hidden: Collection[Cell],
        targets: Iterable[Cell] | Mapping[Cell, float] | None = None,
        exact: bool = False,
        explain: bool = True,
    ) -> Audit:
        """Bound every protected measure of every target (default: hidden cells with respondents).

        Targets may be atoms that are never published (respondents placed only at a coarser level). A mapping
        gives each target the size its protection interval is reckoned on (``p`` of it; default its n). With
        ``exact`` every bound is solved; otherwise only what no witness proves is, and protected cells carry
        the values some consistent solution reaches. ``explain`` solves a failing cell's other side too, so
        an exactly derivable cell can be told from a merely too narrow one.
        """
        hidden = set(hidden)
        if targets is None:
            targets = [c for c in self.tables.cells if c in hidden]
        sizes = targets if isinstance(targets, Mapping) else {c: None for c in targets}
        names = self._names  # each cell's text, its place in the order (made once: cells are tuples)
        for cell in sizes:
            if cell not in names:
                names[cell] = str(cell)
        goals = [
            g for cell in sorted(sizes, key=names.__getitem__) for g in self._goals_of(cell, sizes[cell])
        ]
        if not goals:
            return Audit([])
        run = _Run(self, hidden, goals)
        if not exact:
            run.mixed()
        for i in range(len(goals)):
            for side in (-1, 1):
                if exact or not run.reached(i, side):
                    run.solve(i, side)
        for i in range(len(goals) if explain else 0):  # a failing cell's both sides: derivable or narrow?
            if not (run.reached(i, -1) and run.reached(i, 1)):
                for side in (-1, 1):
                    if not run.exact[side][i]:
                        run.solve(i, side)
        return run.result()

    def values(self) -> tuple[dict[Cell, tuple[float, ...]], tuple[float, ...], tuple[float, ...]]:
        """Each published cell's true value of every protected measure, and the least and most one
        respondent adds to each (0 and 1 for a count, 1 and 5 for a sum of ratings)."""
        if self._values is None:
            protect = [mi for mi, m in enumerate(self.tables.measures) if m.protect]
            per_class = np.concatenate([np.zeros((len(protect), 1)), self._reduced[protect]], axis=1)
            w0 = np.array([self.tables.measures[mi].weights[0] for mi in protect])
            truth = self._truth.reshape(-1, self._width)
            values = {}
            for cell, idx in self._members.items():
                n = float(self._n_atom[idx].sum())
                values[cell] = tuple((truth[idx].sum(axis=0) @ self._reduced[protect].T + w0 * n).tolist())
            low = tuple((per_class.min(axis=1) + w0).tolist())
            high = tuple((per_class.max(axis=1) + w0).tolist())
            self._values = (values, low, high)
        return self._values

    def _goals_of(self, cell: Cell, size: float | None) -> list[_Goal]:
        """What protecting one cell asks, measure by measure (made once per cell and size)."""
        if (cell, size) in self._goal_cache:
            return self._goal_cache[(cell, size)]
        idx = self._members[cell] if cell in self._members else self._index(cell)
        goals = []
        if idx.size:
            n = int(self._n_atom[idx].sum())
            totals = self._truth.reshape(-1, self._width)[idx].sum(axis=0)
            for mi, m in enumerate(self.tables.measures):
                if m.protect:
                    w = np.concatenate([[0.0], self._reduced[mi]])
                    value = float(totals @ self._reduced[mi])
                    need = protection(n, value, float(w.min()), float(w.max()), self.p, size)
                    whole = all(float(x).is_integer() for x in m.weights)
                    row = self._entries(idx, mi)
                    goals.append(
                        _Goal(cell, m.name, n, row, value, need, m.weights[0] * n, n * m.span, whole)
                    )
        self._goal_cache[(cell, size)] = goals
        return goals


class _LP:
    """The relaxation left by a hidden set (shown cells fixed at their published values), minimised for
    objective after objective; one per auditor, told which cells are shown before each audit.

    scipy's own HiGHS bindings (those ``linprog`` and ``milp`` call) keep one model, hidden cells' rows made
    free, and re-solve it from the last basis when only the objective or a few rows change: about 0.5 ms a
    bound instead of 4-5 ms through ``linprog``, which an audit of hundreds of bounds per pattern needs. They
    are a private module, so ``linprog`` is the fallback (and the reference the tests compare with); integer
    bounds always go through ``milp``.
    """

    def __init__(self, auditor: Auditor) -> None:
        self.matrix, self.published = auditor._matrix, auditor._published
        self.capacity, self.n_atom, self.upper = auditor._capacity, auditor._n_atom, auditor._upper
        self._model = (
            _highs_model(self.matrix, self.published, self.capacity, self.n_atom, self.upper)
            if FAST
            else None
        )
        self._shown = np.ones(self.matrix.shape[0], dtype=bool)  # the rows the model holds fixed
        self.use(np.arange(self.matrix.shape[0]))

    def use(self, shown_rows: np.ndarray) -> None:
        """Fix these rows (shown cells' measures) at their published values; free the rest."""
        self.shown_rows = shown_rows
        self.a_eq, self.b_eq = self.matrix[shown_rows], self.published[shown_rows]
        if self._model is not None:
            shown = np.zeros(self.matrix.shape[0], dtype=bool)
            shown[shown_rows] = True
            changed = np.flatnonzero(shown != self._shown)
            if changed.size:
                fixed = shown[changed]
                lower = np.where(fixed, self.published[changed], -np.inf)
                upper = np.where(fixed, self.published[changed], np.inf)
                for row, lo, hi in zip(changed.tolist(), lower.tolist(), upper.tolist(), strict=True):
                    self._model.changeRowBounds(row, lo, hi)
            self._shown = shown

    def solve(self, objective: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """The relaxation's minimum, a solution reaching it, and the duals of the shown rows."""
        if self._model is not None:
            h = self._model
            h.changeColsCost(objective.size, np.arange(objective.size, dtype=np.int32), objective)
            h.run()
            if h.getModelStatus() != _core.HighsModelStatus.kOptimal:
                raise RuntimeError(
                    f"disclosure audit: HiGHS says {h.modelStatusToString(h.getModelStatus())}"
                )
            sol = h.getSolution()
            x = np.asarray(sol.col_value, dtype=float)
            duals = np.asarray(sol.row_dual, dtype=float)[self.shown_rows]
            return float(objective @ x), x, duals
        res = linprog(
            objective,
            A_ub=self.capacity,
            b_ub=None if self.capacity is None else self.n_atom,
            A_eq=self.a_eq if self.a_eq.shape[0] else None,
            b_eq=self.b_eq if self.a_eq.shape[0] else None,
            bounds=np.column_stack([np.zeros_like(self.upper), self.upper]),
            method="highs",
        )
        if res.status != 0:
            raise RuntimeError(f"disclosure audit: the published tables admit no solution ({res.message})")
        duals = np.asarray(res.eqlin.marginals) if self.a_eq.shape[0] else np.zeros(0)
        return float(res.fun), np.asarray(res.x), duals

    def solve_integer(self, objective: np.ndarray) -> tuple[float, np.ndarray] | None:
        """The minimum over whole respondents; None if HiGHS found no integer solution in time."""
        constraints = []
        if self.a_eq.shape[0]:
            constraints.append(LinearConstraint(self.a_eq, self.b_eq, self.b_eq))
        if self.capacity is not None:
            constraints.append(LinearConstraint(self.capacity, -np.inf, self.n_atom))
        res = milp(
            objective,
            constraints=constraints,
            integrality=np.ones_like(self.upper),
            bounds=Bounds(np.zeros_like(self.upper), self.upper),
            options={"time_limit": MILP_SECONDS},
        )
        if res.x is None or res.status not in (0, 1):
            return None
        x = np.round(np.asarray(res.x))
        return float(objective @ x), x


def _highs_model(
    a_eq: sparse.csr_matrix,
    b_eq: np.ndarray,
    capacity: sparse.csr_matrix | None,
    n_atom: np.ndarray,
    upper: np.ndarray,
) -> Any:
    """A HiGHS model of the relaxation, or None where scipy's bindings are not what this was written for."""
    try:
        rows = sparse.vstack([a_eq] + ([capacity] if capacity is not None else []), format="csc")
        lower = np.concatenate([b_eq, np.full(0 if capacity is None else capacity.shape[0], -np.inf)])
        higher = np.concatenate([b_eq, n_atom if capacity is not None else np.zeros(0)])
        lp = _core.HighsLp()
        lp.num_col_, lp.num_row_ = upper.size, rows.shape[0]
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = upper.size, rows.shape[0]
        lp.a_matrix_.format_ = _core.MatrixFormat.kColwise
        lp.a_matrix_.start_ = rows.indptr.astype(np.int32)
        lp.a_matrix_.index_ = rows.indices.astype(np.int32)
        lp.a_matrix_.value_ = rows.data.astype(float)
        lp.col_cost_ = np.zeros(upper.size)
        lp.col_lower_ = np.zeros(upper.size)
        lp.col_upper_ = upper.astype(float)
        lp.row_lower_ = lower.astype(float)
        lp.row_upper_ = higher.astype(float)
        h = _core._Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")
        # Between solves only the objective changes (or a hidden row is freed): the last basis stays primal
        # feasible, so primal simplex goes on from it, where dual simplex (HiGHS's default) starts over from
        # a dual-infeasible basis. Same optima; 3-4x faster per bound on surveys answered by local authority.
        h.setOptionValue("simplex_strategy", 4)
        if h.passModel(lp) == _core.HighsStatus.kError:
            return None
        return h
    except (AttributeError, TypeError, ValueError):  # another scipy's bindings: use linprog
        return None


class _Run:
    """One call of :meth:`Auditor.check`: the shown rows, the targets' goals and what is proven so far."""

    def __init__(self, auditor: Auditor, hidden: set[Cell], goals: list[_Goal]) -> None:
        self.a = auditor
        self.goals = goals
        self.solves_before = auditor.solves
        rows = [r for c, rs in auditor._rows.items() if c not in hidden for r in rs]
        self.shown_rows = np.array(rows, dtype=np.int64)
        if auditor._lp is None:
            auditor._lp = _LP(auditor)
        self.lp = auditor._lp
        self.lp.use(self.shown_rows)
        self.gmat = auditor._sparse([g.row for g in goals])
        self.need_lo = np.array([g.need[0] for g in goals]) + _TOL
        self.need_hi = np.array([g.need[1] for g in goals]) - _TOL
        feasible = auditor._agrees[:, self.shown_rows].all(axis=1)
        values = self.gmat @ auditor._witnesses[feasible].T
        # A relaxation's solution may be fractional: a whole-valued measure only counts as reaching what it
        # reaches rounded inwards (the same rule as the relaxation's bounds).
        self.rounded = np.array([g.whole for g in goals]) & (not auditor.tables.integer)
        self.low, self.high = self._inwards(values.min(axis=1), values.max(axis=1))
        self.exact = {-1: np.zeros(len(goals), dtype=bool), 1: np.zeros(len(goals), dtype=bool)}
        self.binding: dict[tuple[Cell, str], tuple[Cell, ...]] = {}

    def reached(self, i: int, side: int) -> bool:
        return bool(self.low[i] <= self.need_lo[i]) if side < 0 else bool(self.high[i] >= self.need_hi[i])

    def _inwards(self, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        low = np.where(self.rounded, np.ceil(low - _TOL), low)
        high = np.where(self.rounded, np.floor(high + _TOL), high)
        return low, high

    def learn(self, x: np.ndarray) -> None:
        self.a._add_witness(x)
        low, high = self._inwards(*(2 * (self.gmat @ x,)))
        self.low, self.high = np.minimum(self.low, low), np.maximum(self.high, high)

    def _minimise(self, objective: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        self.a.solves += 1
        return self.lp.solve(objective)

    def _minimise_integer(self, objective: np.ndarray) -> tuple[float, np.ndarray] | None:
        self.a.solves += 1
        return self.lp.solve_integer(objective)

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
            _, x, _ = self._minimise(objective)
            if self.a.tables.integer and not _integral(x):
                got = self._minimise_integer(objective)
                if got is None:
                    return
                x = got[1]
            self.learn(np.round(x) if self.a.tables.integer else x)
            if (
                not ((self.low <= self.need_lo) & open_lo).any()
                and not ((self.high >= self.need_hi) & open_hi).any()
            ):
                return  # this round proved nothing new: the rest need a solve each

    def solve(self, i: int, side: int) -> None:
        """The exact bound of goal ``i`` on one side (-1 lower, +1 upper), and what pinned it if it fails."""
        goal = self.goals[i]
        objective = -side * self.gmat.getrow(i).toarray().ravel()  # minimising: -max for the upper side
        best, x, duals = self._minimise(objective)
        if not self.a.tables.integer:
            self.learn(x)
            bound = -side * best
            if goal.whole:  # a sum of whole numbers: the relaxation's bound, rounded inwards
                bound = math.ceil(bound - _TOL) if side < 0 else math.floor(bound + _TOL)
        elif _integral(x):
            self.learn(np.round(x))
            bound = -side * best
        else:
            got = self._minimise_integer(objective)
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
            rows = self.shown_rows[np.abs(duals) > 1e-9]
            pinned = {self.a._row_cell[r] for r in rows.tolist()}
            key = (goal.cell, goal.measure)
            self.binding[key] = tuple(sorted({*self.binding.get(key, ()), *pinned}, key=str))

    def result(self) -> Audit:
        exact = (self.exact[-1] & self.exact[1]).tolist()
        bounds = [
            Bound(
                cell=g.cell,
                measure=g.measure,
                n=g.n,
                value=g.value + g.offset,
                lower=low + g.offset,
                upper=high + g.offset,
                need_lower=g.need[0] + g.offset,
                need_upper=g.need[1] + g.offset,
                exact=ex,
            )
            for g, low, high, ex in zip(self.goals, self.low.tolist(), self.high.tolist(), exact, strict=True)
        ]
        return Audit(bounds, self.binding, self.a.solves - self.solves_before)


def _integral(x: np.ndarray) -> bool:
    return bool(np.all(np.abs(x - np.round(x)) < _TOL))


@dataclass(frozen=True)
class _Goal:
    cell: Cell
    measure: str
    n: int
    row: tuple[np.ndarray, np.ndarray]  # the measure in the variables: columns and weights
    value: float  # in the variables' terms: the measure minus ``offset``
    need: tuple[float, float]
    offset: float
    scale: float
    whole: bool  # the measure only takes whole values (whole weights)


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
