"""Audit a survey file's published tables at every minimum base, alone and combined, as an attacker would.

The attacker holds every table a user can download: each survey indicator at each level, each profession
filter, each age group and each minimum base from the floor to the app's maximum, with n published for every
area. Each indicator's tables at one base are read from its cube (the tables publish exactly its cells), the
answers behind them are grouped into atoms, and a fresh :class:`gapmap.measures.audit.Auditor` bounds every hidden
cell: the suppression's own audit is not trusted here. See docs/DISCLOSURE.md.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING

from gapmap.geo import areas
from gapmap.measures import audit, cube, disclosure, published
from gapmap.measures.indicators import INDICATORS
from gapmap.measures.survey_indicators import cube_of
from gapmap.safetext import count
from gapmap.settings import MIN_BASE_FLOOR, Settings
from gapmap.survey.questions import AGE_GROUP_BY_ID
from gapmap.survey.validate import Responses

if TYPE_CHECKING:
    from gapmap.measures.waves import Waves

MAX_BASE = 100  # the app's largest minimum base (webapp.MIN_BASE_MAX); the CLI allows more, rarely used
EXAMPLES = 10


@dataclass(frozen=True)
class Finding:
    """One hidden cell an attacker can pin down more closely than the protection interval allows."""

    item: str
    measure: str
    bases: str  # '10', or '5-100 combined'
    cell: Hashable
    n: int
    value: float
    lower: float
    upper: float
    need_lower: float
    need_upper: float
    derivable: bool

    def text(self) -> str:
        kind = "exactly derivable" if self.derivable else "too narrow"
        return (
            f"{self.measure} [{self.item}] at base {self.bases}: {describe(self.cell)}, n = {self.n}: "
            f"{kind}, an attacker bounds it to {self.lower:g}-{self.upper:g} (true {self.value:g}; "
            f"must reach {self.need_lower:g} and {self.need_upper:g})"
        )


@dataclass
class Report:
    """What the audit checked and found."""

    source: str
    items: list[str] = field(default_factory=list)
    bases: list[int] = field(default_factory=list)  # every base audited
    changes: list[int] = field(default_factory=list)  # the bases where some item's tables change
    patterns: int = 0  # distinct (item, hidden set) pairs audited
    bounds: int = 0  # hidden cells × measures bounded, alone and combined
    derivable: int = 0
    narrow: int = 0  # too narrow but not exactly derivable
    nested: bool = True  # every base hides all that any lower base hides
    findings: list[Finding] = field(default_factory=list)  # the first EXAMPLES

    @property
    def clean(self) -> bool:
        return self.nested and not (self.derivable or self.narrow)

    def text(self) -> str:
        together = " (each alone, and all combined)" if len(self.bases) > 1 else ""
        lines = [
            f"{self.source}: {count(len(self.items), 'question item')}, minimum {'base' if len(self.bases) == 1 else 'bases'} "
            f"{_ranges(self.bases)}{together}, every level, profession and age group.",
            f"Tables change at {'base' if len(self.changes) == 1 else 'bases'} {_ranges(self.changes)}; each distinct set audited.",
            f"{count(self.patterns, 'suppression pattern')} audited, {count(self.bounds, 'hidden value')} bounded.",
            f"Exactly derivable: {self.derivable}. Too narrow (within the protection interval): {self.narrow}.",
            "Minimum bases nest (a higher base hides all a lower one hides): "
            + ("yes." if self.nested else "NO: combining downloads at two bases shows more than either."),
        ]
        lines += [f"  {f.text()}" for f in self.findings]
        return "\n".join(lines)


def describe(cell: Hashable) -> str:
    """'NHS Fife (S08000029), all professions' for a cell; respondents placed only there for a group."""
    names = areas.table().names
    if isinstance(cell, tuple) and len(cell) == 3 and cell[0] == "group":
        _, code, prof = cell
        who = prof or "no profession given"
        return f"respondents placed no finer than {names.get(code, code)} ({code}), {who}"
    if isinstance(cell, tuple) and len(cell) == 2:
        code, prof = cell
        return f"{names.get(code, code)} ({code}), {'all professions' if prof == cube.ALL else prof}"
    return str(cell)


def run(
    responses: Responses,
    settings: Settings,
    bases: Sequence[int] | None = None,
    examples: int = EXAMPLES,
) -> Report:
    """Audit every item the file publishes at each base (default: every base from the floor to 100).

    >>> from gapmap.survey.validate import load_survey
    >>> report = run(load_survey(), Settings(), bases=[10])
    >>> report.clean, report.derivable, report.narrow, report.bases
    (True, 0, 0, [10])
    >>> print(report.text().splitlines()[0])
    sample_survey.csv: 23 question items, minimum base 10, every level, profession and age group.
    """
    wanted = sorted(set(bases or range(MIN_BASE_FLOOR, MAX_BASE + 1)))
    report = Report(responses.source)
    where = cube.cells(responses.frame, str(settings.boundaries_dir))
    groups = cube.atoms(where)
    differ: set[int] = set()
    for item in published.items(responses, INDICATORS.values()):
        report.items.append(item.key)
        ind = item.measures[0].name
        age = item.key.split("[")[1].rstrip("]") if "[" in item.key else None
        tables = groups.tables(item)
        auditor = audit.Auditor(tables, settings.protection)
        n = {c: tables.n(c) for c in tables.cells}
        unpublished = groups.unpublished(groups.n(item.answered))
        hidden_at: dict[int, frozenset[Hashable]] = {}
        for m in wanted:
            c = cube_of(responses, ind, replace(settings, min_base=m), age)
            hidden_at[m] = frozenset(k for k in c.hidden if n.get(k, 0) > 0)
        previous: frozenset[Hashable] | None = None
        for m in wanted:  # each distinct set of tables alone
            if hidden_at[m] == previous:
                continue
            differ.add(m)
            previous = hidden_at[m]
            _audit(report, item, auditor, n, hidden_at[m], unpublished, m, str(m), examples)
        report.nested &= all(hidden_at[a] <= hidden_at[b] for a, b in pairwise(wanted))
        if len(wanted) > 1:  # every base together: what is hidden in all of them stays hidden
            together = frozenset(audit.hidden_in_all(list(hidden_at.values())))
            label = f"{_ranges(wanted)} combined"
            _audit(report, item, auditor, n, together, unpublished, wanted[0], label, examples)
    report.bases, report.changes = wanted, sorted(differ)
    return report


def _audit(
    report: Report,
    item: published.Item,
    auditor: audit.Auditor,
    n: dict[Hashable, int],
    hidden: frozenset[Hashable],
    unpublished: dict[tuple[str, str, str], int],
    base: int,
    label: str,
    examples: int,
) -> None:
    targets = disclosure.protected(n, hidden, unpublished, base, MIN_BASE_FLOOR)  # type: ignore[arg-type]
    result = auditor.check(hidden, targets)
    report.patterns += 1
    report.bounds += len(result.bounds)
    for b in result.failing:
        if b.derivable:
            report.derivable += 1
        else:
            report.narrow += 1
        if len(report.findings) < examples:
            report.findings.append(
                Finding(
                    _label(item.key),
                    b.measure,
                    label,
                    b.cell,
                    b.n,
                    b.value,
                    b.lower,
                    b.upper,
                    b.need_lower,
                    b.need_upper,
                    b.derivable,
                )
            )


def _label(key: str) -> str:
    """'services_effective_by_age[0-2]' -> 'services_effective_by_age, Babies and toddlers (0-2)'."""
    if "[" not in key:
        return key
    question, age = key.rstrip("]").split("[")
    return f"{question}, {AGE_GROUP_BY_ID[age].label}" if age in AGE_GROUP_BY_ID else key


def _ranges(values: Sequence[int]) -> str:
    """[5, 6, 7, 10] -> '5-7, 10'."""
    out: list[str] = []
    for v in sorted(values):
        if out and "-" not in out[-1].split(", ")[-1] and int(out[-1]) == v - 1:
            out[-1] = f"{out[-1]}-{v}"
        elif out and "-" in out[-1] and int(out[-1].split("-")[1]) == v - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{v}"
        else:
            out.append(str(v))
    return ", ".join(out)


@dataclass
class WavesReport:
    """Each wave audited alone, and every change between two waves checked against both waves' suppression."""

    waves: dict[str, Report]
    changes: int = 0  # change tables checked (pairs of waves × levels × indicators × bases)
    leaks: list[str] = field(default_factory=list)  # 'indicator at level, base: area' where a change shows

    @property
    def clean(self) -> bool:
        return all(r.clean for r in self.waves.values()) and not self.leaks

    def text(self) -> str:
        lines = []
        for label, report in self.waves.items():
            lines += [f"Wave {label}:", *[f"  {line}" for line in report.text().splitlines()]]
        lines.append(
            f"Across waves: {self.changes} change table(s) checked (every pair of waves, level, indicator both "
            "waves ask and base where a wave's tables change). Changes published beside a suppressed value: "
            f"{len(self.leaks)}."
        )
        lines += [f"  {leak}" for leak in self.leaks[:EXAMPLES]]
        lines.append(
            "Waves are never pooled into one table and each wave's respondents are its own, so one wave's tables "
            "cannot be differenced against another's; a change is published only where both waves publish the value."
        )
        return "\n".join(lines)


def run_waves(w: Waves, settings: Settings, bases: Sequence[int] | None = None) -> WavesReport:
    """Audit every wave alone (:func:`run`) and every change between two waves at every level and base.

    >>> from gapmap.measures.waves import load_waves
    >>> w = load_waves(["2021=data/sample_survey.csv", "2024=data/sample_survey_wave2.csv"], Settings())
    >>> r = run_waves(w, Settings(), bases=[10])
    >>> r.clean, r.changes, r.leaks
    (True, 36, [])
    """
    from gapmap.geo.levels import LEVELS
    from gapmap.measures import waves

    out = WavesReport({label: run(r, settings, bases) for label, r in w.responses.items()})
    checked = sorted({b for r in out.waves.values() for b in (r.changes or r.bases)})
    labels = w.labels
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            shared, _ = waves.comparable(waves.survey_change_ids(), w.responses[a], w.responses[b])
            for base in checked:
                at = replace(settings, min_base=base)
                for level in LEVELS:
                    for ind in shared:
                        table = waves.change_table(w, ind, at, level, a, b)
                        out.changes += 1
                        out.leaks += [
                            f"{ind} at {level}, base {base}, {a} to {b}: {c}"
                            for c in waves.cross_wave_leaks(table)
                        ]
    return out
