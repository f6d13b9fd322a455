"""Change between two survey waves, per area: each wave's indicator under its own disclosure control, and the
difference with its interval (Newcombe's hybrid score method for proportions, Welch's for means). A change is
flagged only when its interval at the comparison level (95% or 99.8%) excludes zero; otherwise it is "no evidence
of change". Waves are compared only on the questions both asked; the others are named as left out.

A change is published only where both waves publish the area's value: a change beside one wave's value would
give the other wave's suppressed value (see :func:`cross_wave_leaks`, which the disclosure audit runs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from gapmap import safetext
from gapmap.measures import cube, stats, survey_indicators
from gapmap.measures.indicators import INDICATORS, Indicator, IndicatorTable, resolve_age_group
from gapmap.problems import InputError, Issue
from gapmap.settings import Settings
from gapmap.survey import waves as survey_waves
from gapmap.survey.questions import item_key
from gapmap.survey.validate import Responses, load_survey

NO_EVIDENCE = "no evidence of change"
CHANGE_WORDS = {  # (polarity, direction of the change) -> the flag
    ("higher_better", 1): "better",
    ("higher_better", -1): "worse",
    ("lower_better", 1): "worse",
    ("lower_better", -1): "better",
    ("", 1): "higher",
    ("", -1): "lower",
}
CHANGE_COLUMNS = [
    "indicator",
    "indicator_title",
    "level",
    "area_code",
    "area_name",
    "unit",
    "polarity",
    "wave_from",
    "wave_to",
    "n_from",
    "k_from",
    "value_from",
    "n_to",
    "k_to",
    "value_to",
    "change",
    "change_lower",
    "change_upper",
    "confidence_level",
    "change_flag",
    "comparison_level",
    "comparison_lower",
    "comparison_upper",
    "method",
    "suppressed",
    "suppressed_reason",
    "synthetic",
    "source",
]


@dataclass
class Waves:
    """Survey waves oldest first, each validated on its own; notes on what was read."""

    responses: dict[str, Responses]
    notes: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return list(self.responses)

    @property
    def synthetic(self) -> bool:
        return any(r.synthetic for r in self.responses.values())


def _usage(value: str, message: str) -> InputError:
    return InputError([Issue(None, "--survey", value, message)])


def parse_spec(text: str) -> tuple[str, str]:
    """'2021=a.csv' -> ('2021', 'a.csv'); 'a.csv' -> ('', 'a.csv').

    >>> parse_spec("2024=data/sample_survey_wave2.csv"), parse_spec("both.csv")
    (('2024', 'data/sample_survey_wave2.csv'), ('', 'both.csv'))
    """
    label, sep, path = text.partition("=")
    if sep and label.strip() and not Path(text).exists():
        return safetext.visible(label.strip()), path  # a label is drawn in titles: control characters shown
    return "", text


def load_waves(specs: list[str], settings: Settings, supplied_by: str = "supplied by the user") -> Waves:
    """Waves from ``LABEL=FILE`` specs (one file a wave, in the order given) or one file with a ``wave`` column.

    >>> w = load_waves(["2021=data/sample_survey.csv", "2024=data/sample_survey_wave2.csv"], Settings())
    >>> w.labels, [len(r.frame) for r in w.responses.values()], w.synthetic
    (['2021', '2024'], [283, 300], True)
    """
    parsed = [parse_spec(s) for s in specs]
    if len(parsed) == 1 and not parsed[0][0]:
        whole = load_survey(parsed[0][1], settings=settings, supplied_by=supplied_by, all_waves=True)
        found = {safetext.visible(k): v for k, v in survey_waves.split(whole).items()}  # labels are drawn
        if len(found) < 2:
            raise _usage(
                parsed[0][1],
                "Expected two or more waves; found one. Fix: give a file with a 'wave' column, or two files "
                "as --survey 2021=a.csv --survey 2024=b.csv.",
            )
        return Waves(found, list(whole.notes))
    out: dict[str, Responses] = {}
    notes: list[str] = []
    for label, path in parsed:
        if not label:
            raise _usage(path, "Expected LABEL=FILE for each wave (2021=a.csv); found a file with no label.")
        if not path.strip():
            raise _usage(
                label, f"Expected a file after '{label}='; found none. Fix: give LABEL=FILE (2021=a.csv)."
            )
        if label in out:
            raise _usage(
                label, f"Expected each wave once; found '{label}' twice. Fix: give each wave its own label."
            )
        bundled = Path(
            path
        ).resolve() in {  # the bundled sample and synthetic second wave name their own source
            settings.survey_path.resolve(),
            settings.second_wave_path.resolve(),
        }
        one = load_survey(path, settings=settings, supplied_by="" if bundled else supplied_by)
        out[label] = replace(one, source=f"{one.source}, wave {label}")
        notes += [f"Wave {label}: {n}" for n in one.notes]
    if len(out) < 2:
        raise _usage(specs[0] if specs else "", "Expected two or more waves; found one.")
    _refuse_repeats(out)
    return Waves(out, notes)


def _refuse_repeats(waves: dict[str, Responses]) -> None:
    """Two waves with the very same answers are one survey given twice (a change of zero everywhere would mislead)."""
    labels = list(waves)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            if waves[a].frame.equals(waves[b].frame):
                raise _usage(
                    b,
                    f"Expected two different surveys; found the same answers in wave '{a}' and wave '{b}'. Fix: give "
                    "each wave its own file.",
                )


def comparable(ids: list[str], a: Responses, b: Responses) -> tuple[list[str], list[str]]:
    """The survey indicators both waves can give, and those left out with the wave that lacks the question."""
    shared: list[str] = []
    left: list[str] = []
    for i in ids:
        ind = INDICATORS[i]
        key = item_key(ind.question_id, resolve_age_group(ind, None))
        missing = [w for w, r in (("from", a), ("to", b)) if not r.has(key)]
        (left if missing else shared).append(i)
    return shared, left


def survey_change_ids() -> list[str]:
    """The survey indicators with a value to compare (every proportion and mean; not the count of respondents)."""
    return [i for i, ind in INDICATORS.items() if ind.from_survey and ind.kind in ("proportion", "mean")]


@dataclass
class ChangeTable:
    """One indicator's change between two waves for every area of a level (and the UK)."""

    indicator: Indicator
    level: str
    wave_from: str
    wave_to: str
    frame: pd.DataFrame  # CHANGE_COLUMNS
    before: IndicatorTable
    after: IndicatorTable

    @property
    def uk(self) -> pd.Series:
        return self.frame.loc[self.frame["area_code"] == self.before.population.code].iloc[-1]


def flag(lo: float, hi: float, polarity: str) -> str:
    """The change's flag from its interval at the comparison level.

    >>> flag(0.02, 0.2, "higher_better"), flag(-0.3, -0.1, "lower_better"), flag(-0.1, 0.2, ""), flag(0.1, 0.2, "")
    ('better', 'better', 'no evidence of change', 'higher')
    """
    if math.isnan(lo) or math.isnan(hi):
        return ""
    if lo > 0:
        return CHANGE_WORDS[(polarity, 1)]
    if hi < 0:
        return CHANGE_WORDS[(polarity, -1)]
    return NO_EVIDENCE


def change_table(
    waves: Waves,
    indicator_id: str,
    settings: Settings,
    level: str | None = None,
    since: str | None = None,
    to: str | None = None,
) -> ChangeTable:
    """The change in one indicator from wave ``since`` (the first by default) to ``to`` (the last) per area.

    >>> w = load_waves(["2021=data/sample_survey.csv", "2024=data/sample_survey_wave2.csv"], Settings())
    >>> t = change_table(w, "referrals_age_2_or_under", Settings(), "nation")
    >>> round(float(t.uk["change"]), 3), t.uk["change_flag"]
    (0.177, 'better')
    """
    a_label, b_label = pick(waves, since, to)
    a, b = waves.responses[a_label], waves.responses[b_label]
    ind = INDICATORS[indicator_id]
    before = survey_indicators.compute(a, ind.id, settings, level=level)
    after = survey_indicators.compute(b, ind.id, settings, level=level)
    ca, cb = survey_indicators.cube_of(a, ind.id, settings), survey_indicators.cube_of(b, ind.id, settings)
    fa, fb = before.frame.set_index("area_code"), after.frame.set_index("area_code")
    rows = []
    for code in before.frame["area_code"]:
        ra, rb = fa.loc[code], fb.loc[code]
        hidden = [w for w, r in ((a_label, ra), (b_label, rb)) if bool(r["suppressed"]) or int(r["n"]) == 0]
        d = lo = hi = clo = chi = math.nan
        if not hidden:
            (na, ka, sa, qa), (nb, kb, sb, qb) = ca.cell(code, cube.ALL), cb.cell(code, cube.ALL)
            if ind.kind == "proportion":
                d, lo, hi = stats.newcombe_difference(int(ka), na, int(kb), nb, settings.confidence)
                _, clo, chi = stats.newcombe_difference(int(ka), na, int(kb), nb, settings.comparison_level)
            else:
                d, lo, hi = stats.welch_difference(na, sa, qa, nb, sb, qb, settings.confidence)
                _, clo, chi = stats.welch_difference(na, sa, qa, nb, sb, qb, settings.comparison_level)
        reason = f"suppressed in wave {' and '.join(hidden)}" if hidden else ""
        rows.append(
            {
                "area_code": code,
                "area_name": ra["area_name"],
                "n_from": int(ra["n"]),
                "k_from": ra["k"],
                "value_from": ra["value"],
                "n_to": int(rb["n"]),
                "k_to": rb["k"],
                "value_to": rb["value"],
                "change": d,
                "change_lower": lo,
                "change_upper": hi,
                "change_flag": flag(clo, chi, ind.polarity),
                "comparison_lower": clo,  # the interval at the comparison level, which decides the flag
                "comparison_upper": chi,
                "suppressed": bool(hidden),
                "suppressed_reason": reason,
            }
        )
    frame = pd.DataFrame(rows)
    frame = frame.assign(
        indicator=ind.id,
        indicator_title=before.title,
        level=before.level,
        unit=ind.unit,
        polarity=ind.polarity or "none",
        wave_from=a_label,
        wave_to=b_label,
        confidence_level=settings.confidence,
        comparison_level=settings.comparison_level,
        method="Newcombe hybrid score" if ind.kind == "proportion" else "Welch",
        synthetic=a.synthetic or b.synthetic,
        source=("synthetic sample: " if a.synthetic or b.synthetic else "") + f"{a.source}; {b.source}",
    )
    for col in (
        "change",
        "change_lower",
        "change_upper",
        "comparison_lower",
        "comparison_upper",
        "value_from",
        "value_to",
    ):
        frame[col] = frame[col].astype(float).round(4)
    for col in ("k_from", "k_to"):
        frame[col] = frame[col].astype("Int64")
    return ChangeTable(ind, before.level, a_label, b_label, frame[CHANGE_COLUMNS], before, after)


def pick(waves: Waves, since: str | None, to: str | None) -> tuple[str, str]:
    labels = waves.labels
    a = safetext.visible(since) if since is not None else labels[0]
    b = safetext.visible(to) if to is not None else labels[-1]
    bad = [(opt, w) for opt, w in (("--since", a), ("--to", b)) if w not in labels]
    if bad or a == b:
        opt, w = bad[0] if bad else ("--to", b)
        raise InputError(
            [
                Issue(
                    None,
                    opt,
                    w,
                    f"Expected two different waves of {', '.join(labels)}; found '{w}'. Fix: choose one of those.",
                )
            ]
        )
    return a, b


def cross_wave_leaks(table: ChangeTable) -> list[str]:
    """Areas where the change is published but either wave's value is not: the change and the other wave's value
    would give the suppressed one. [] when the change table hides every change either wave hides."""
    f = table.frame
    hidden_a = table.before.frame.set_index("area_code")["suppressed"]
    hidden_b = table.after.frame.set_index("area_code")["suppressed"]
    either = f["area_code"].map(hidden_a).to_numpy(bool) | f["area_code"].map(hidden_b).to_numpy(bool)
    shown = f["change"].notna().to_numpy()
    return [str(c) for c in f.loc[either & shown, "area_code"]]


def change_frames(tables: list[ChangeTable]) -> pd.DataFrame:
    """Several change tables in one CSV shape (CHANGE_COLUMNS)."""
    if not tables:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    return pd.concat([t.frame for t in tables], ignore_index=True)
