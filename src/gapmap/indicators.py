"""Named indicator definitions and their per-area table: n, k, value, interval, suppressed, comparison."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gapmap import areas, comparison, cube, disclosure, geography, published, stats
from gapmap.areas import UK_CODE
from gapmap.problems import InputError, Issue
from gapmap.questions import AGE_GROUP_BY_ID, QUESTION_BY_ID, find_age_group, item_key, norm
from gapmap.settings import Settings
from gapmap.survey import Responses, level_column

COLUMNS = [
    "indicator",
    "area_code",
    "area_name",
    "n",
    "k",
    "value",
    "lo",
    "hi",
    "suppressed",
    "suppressed_reason",
    "comparison",
    "category",
]


UNITS = {
    "proportion": "proportion",
    "coverage": "proportion",
    "programme": "proportion",
    "status": "proportion",
    "mean": "mean rating",
    "team_rate": "per 10,000",
    "team_count": "count",
    "count": "count",
}


@dataclass(frozen=True)
class Indicator:
    """One indicator: which question, which answers count, and over what base.

    ``kind`` is 'proportion' (k of n who answered), 'mean' (of a 1-5 rating), 'count' (of respondents), or
    'team_count' / 'team_rate' (from the teams database, not the survey).
    The base of a proportion is everyone who answered the item, "Don't know" included, as in the report.
    """

    id: str
    title: str
    question_id: str
    kind: str
    counts: frozenset[str] = frozenset()
    age_group: str | None = None
    published_uk: float | None = None  # the report's UK figure (proportion or mean), for checks and captions
    published_ref: str = ""
    polarity: str = ""  # 'higher_better', 'lower_better' or '' (no judgement): see gapmap.comparison

    @property
    def unit(self) -> str:
        """What the value is: 'proportion', 'mean rating', 'per 10,000' or 'count'."""
        return UNITS[self.kind]

    @property
    def n_meaning(self) -> str:
        """What n counts: 'respondents' for survey indicators, 'children aged 0-2' or 'teams' otherwise."""
        if self.from_survey:
            return "respondents"
        return "teams" if self.kind == "team_count" else "children aged 0-2"

    @property
    def per_age_group(self) -> bool:
        return bool(self.question_id) and QUESTION_BY_ID[self.question_id].per_age_group

    @property
    def from_teams(self) -> bool:
        return self.kind in ("team_count", "team_rate", "coverage")

    @property
    def from_provision(self) -> bool:
        return self.kind in ("programme", "status")

    @property
    def from_survey(self) -> bool:
        return not (self.from_teams or self.from_provision)

    def title_for(self, age_group: str | None = None) -> str:
        """The title, naming the chosen age group where the question is asked per age group.

        >>> INDICATORS["services_0_2_definitely"].title_for("12-16")
        'Services that can definitely work with secondary school age children (12-16)'
        """
        default = self.age_group or "0-2"
        if not self.per_age_group or (age_group or default) == default:
            return self.title
        old = AGE_GROUP_BY_ID[default].label
        new = AGE_GROUP_BY_ID[age_group or default].label
        return self.title.replace(old, new[0].lower() + new[1:]).replace(
            old[0].lower() + old[1:], new[0].lower() + new[1:]
        )

    def subtitle(self, age_group: str | None = None) -> str:
        if self.kind == "team_count":
            return "Teams in the gapmap teams database serving each area (by the areas they serve)."
        if self.kind == "team_rate":
            return "Teams serving each area per 10,000 children aged 0-2 (ONS mid-2019 population estimates)."
        if self.kind == "coverage":
            return (
                "Share of children aged 0-2 (ONS mid-2019) living in local authorities that no known "
                "parent-infant team serves."
            )
        if self.id == "start_for_life":
            return (
                "Local authorities in the Family Hubs and Start for Life programme (DfE/DHSC, 75 areas, 14 "
                "trailblazers; England only); above local-authority level, the share of England's children aged 0-2 "
                "living in them."
            )
        if self.kind == "status":
            return (
                "Scottish health boards' infant mental-health service status from public sources; "
                "'no data' means no source was found, not that there is no service."
            )
        q = QUESTION_BY_ID[self.question_id]
        text = q.wording if q.wording_published else f"{q.wording} (paraphrase: exact wording not published)"
        if self.per_age_group:
            text += f" [{AGE_GROUP_BY_ID[age_group or self.age_group or '0-2'].label}]"
        return text


def _ind(*args: object, **kw: object) -> Indicator:
    return Indicator(*args, **kw)  # type: ignore[arg-type]


INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in (
        _ind("respondents", "Survey respondents", "where_do_you_work", "count", published_ref="Table 1"),
        _ind(
            "services_0_2_definitely",
            "Services that can definitely work with babies and toddlers (0-2)",
            "services_effective_by_age",
            "proportion",
            frozenset({"Yes, definitely"}),
            "0-2",
            0.36,
            "Chart 5; executive summary",
            polarity="higher_better",
        ),
        _ind(
            "referrals_age_2_or_under",
            "Local CYPMHS takes referrals at age two or under",
            "lowest_referral_age",
            "proportion",
            frozenset({"Pregnancy", "0", "1", "2"}),
            None,
            0.52,
            "Table 4 (cumulative 52.3%)",
            polarity="higher_better",
        ),
        _ind(
            "specialist_team_yes",
            "A specialist team for babies and toddlers in local CYPMHS",
            "specialist_team_in_cypmhs",
            "proportion",
            frozenset({"Yes"}),
            None,
            0.30,
            "Service provision text (84, 30%)",
            polarity="higher_better",
        ),
        _ind(
            "specialist_team_any",
            "A specialist team, or some specialist staff, for babies and toddlers",
            "specialist_team_in_cypmhs",
            "proportion",
            frozenset({"Yes", "Partly"}),
            None,
            0.57,
            "Service provision text (30% + 27%)",
            polarity="higher_better",
        ),
        _ind(
            "sufficient_provision",
            "Sufficient local provision for babies and toddlers",
            "local_provision_sufficiency",
            "proportion",
            frozenset(
                {
                    "There is sufficient provision available in my local area for babies and toddlers whose "
                    "mental health is at risk."
                }
            ),
            None,
            0.09,
            "Service provision text (25, 9%)",
            polarity="higher_better",
        ),
        _ind(
            "no_prequal_teaching_0_2",
            "No pre-qualification teaching on babies and toddlers (0-2)",
            "prequal_teaching",
            "proportion",
            frozenset({"No"}),
            "0-2",
            0.26,
            "Chart 2; text (74, 26%)",
            polarity="lower_better",
        ),
        _ind(
            "no_supervised_experience_0_2",
            "No supervised experience with babies and toddlers (0-2) before qualifying",
            "prequal_supervised_experience",
            "proportion",
            frozenset({"No"}),
            "0-2",
            0.48,
            "Chart 3; text (136, 48%)",
            polarity="lower_better",
        ),
        _ind(
            "understanding_mean",
            "Understanding of infant mental health (mean score, 1-5)",
            "understanding_rating",
            "mean",
            published_uk=3.27,
            published_ref="Executive summary (3.27/5)",
            polarity="higher_better",
        ),
        _ind(
            "teams", "Specialised parent-infant relationship teams", "", "team_count", published_ref="teams"
        ),
        _ind(
            "teams_per_10k_age_0_2",
            "Parent-infant teams per 10,000 children aged 0-2",
            "",
            "team_rate",
            published_ref="teams; ONS mid-2019 population",
            polarity="higher_better",
        ),
        _ind(
            "children_0_2_no_team",
            "Children aged 0-2 in local authorities no known parent-infant team serves",
            "",
            "coverage",
            published_ref="teams; ONS mid-2019 population",
            polarity="lower_better",
        ),
        _ind(
            "start_for_life",
            "Family Hubs and Start for Life programme areas",
            "",
            "programme",
            published_ref="DfE/DHSC Family Hubs and Start for Life",
        ),
        _ind(
            "scotland_infant_mh",
            "Infant mental-health services in Scottish health boards",
            "",
            "status",
            published_ref="Scottish health boards' public pages",
        ),
        _ind(
            "confidence_mean",
            "Confidence working with parents and babies (mean score, 1-5)",
            "confidence_rating",
            "mean",
            published_uk=2.98,
            published_ref="Executive summary (2.98/5)",
            polarity="higher_better",
        ),
    )
}


def get(indicator_id: str) -> Indicator:
    """The indicator with this id; InputError listing the valid ids otherwise."""
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise InputError(
            [
                Issue(
                    None,
                    "indicator",
                    indicator_id,
                    f"Expected one of {', '.join(INDICATORS)}; found '{indicator_id}'.",
                )
            ]
        ) from None


def resolve_age_group(indicator: Indicator, age_group: str | None) -> str | None:
    """The age-group id an indicator is computed for (its default unless chosen); None if it has no grid."""
    if not indicator.per_age_group:
        return None
    if age_group is None:
        return indicator.age_group or "0-2"
    group = find_age_group(age_group)
    if group is None:
        labels = "; ".join(f"'{g.id}' ({g.label})" for g in AGE_GROUP_BY_ID.values())
        raise InputError(
            [Issue(None, "age group", age_group, f"Expected one of {labels}; found '{age_group}'.")]
        )
    return group.id


@dataclass(frozen=True)
class IndicatorTable:
    """An indicator computed for every area: rows as COLUMNS, plus what was selected to make it."""

    indicator: Indicator
    frame: pd.DataFrame
    age_group: str | None
    profession: str | None
    min_base: int
    confidence: float
    synthetic: bool
    source: str
    level: str = "region"
    unplaced: int = 0
    unplaced_note: str = ""
    comparison_level: float = 0.95

    @property
    def title(self) -> str:
        return self.indicator.title_for(self.age_group)

    @property
    def uk(self) -> pd.Series:
        return self.frame.loc[self.frame["area_code"] == UK_CODE].iloc[0]

    @property
    def areas(self) -> pd.DataFrame:
        return self.frame.loc[self.frame["area_code"] != UK_CODE]


class Unavailable(Exception):
    """The survey file does not hold the question an indicator needs."""


def _profession(responses: Responses, profession: str) -> str:
    """The profession as the file spells it; InputError listing the file's professions otherwise."""
    wanted = norm(profession)
    for p in responses.professions():
        if norm(p) == wanted:
            return p
    raise InputError(
        [
            Issue(
                None,
                "profession",
                profession,
                f"Expected a profession found in {responses.source}: "
                f"{', '.join(responses.professions()) or 'none recorded'}; found '{profession}'.",
            )
        ]
    )


def _cube(responses: Responses, ind: Indicator, key: str, settings: Settings) -> cube.Cube:
    """The indicator's sums and suppression for every area and profession, computed once per file."""
    memo = (
        ind.id,
        key,
        settings.min_base,
        settings.protection,
        disclosure.SECONDARY_ENABLED,
        str(settings.boundaries_dir),
    )
    if memo in responses.cache:
        return responses.cache[memo]  # type: ignore[return-value]
    where_memo = ("cells", str(settings.boundaries_dir))
    if where_memo not in responses.cache:
        responses.cache[where_memo] = cube.cells(responses.frame, str(settings.boundaries_dir))
    where: cube.Cells = responses.cache[where_memo]  # type: ignore[assignment]
    k: np.ndarray | None = None
    v: np.ndarray | None = None
    if ind.kind == "count":
        answered = np.ones(len(responses.frame), dtype=bool)
    else:
        # Integer codes per response: each distinct answer is tested once, then spread by its code.
        codes, labels = responses.coded(key)
        answered = codes >= 0
        if ind.kind == "proportion":
            k = np.append(np.isin(labels, list(ind.counts)), False)[codes]
        else:
            v = np.append(pd.to_numeric(pd.Series(labels), errors="coerce").to_numpy(dtype=float), np.nan)[
                codes
            ]
            answered &= ~np.isnan(v)
    result = cube.build(
        where,
        answered,
        k,
        v,
        settings.min_base,
        ind.kind != "count",
        str(settings.boundaries_dir),
        disclosure.SECONDARY_ENABLED,
        memo=responses.cache,
        item=_published(responses).get(key) if ind.kind != "count" else None,
        protection=settings.protection,
    )
    responses.cache[memo] = result
    return result


def cube_of(
    responses: Responses, indicator_id: str, settings: Settings, age_group: str | None = None
) -> cube.Cube:
    """The sums and suppression behind every table of one indicator (each level and profession), for audits."""
    ind = get(indicator_id)
    key = item_key(ind.question_id, resolve_age_group(ind, age_group))
    if ind.kind != "count" and not responses.has(key):
        raise Unavailable(f"{ind.id}: the file has no column for {key}")
    return _cube(responses, ind, key, settings)


def _published(responses: Responses) -> dict[str, published.Item]:
    """What the file's indicators publish on each item (made once per file): every indicator on an item
    shares its suppression, audited against all of them."""
    memo = ("published items",)
    if memo not in responses.cache:
        responses.cache[memo] = {i.key: i for i in published.items(responses, INDICATORS.values())}
    return responses.cache[memo]  # type: ignore[return-value]


def unplaced_note(responses: Responses, level: str, frame: pd.DataFrame | None = None) -> tuple[int, str]:
    """How many responses a level cannot hold, and why ('' when every response is placed)."""
    frame = responses.frame if frame is None else frame
    t = areas.table()
    missing = frame.loc[frame[level_column(level)] == "", "area_code"]
    if missing.empty:
        return 0, ""
    # The level of each distinct answer, spread to its responses (a million rows hold a few hundred codes).
    codes, distinct = pd.factorize(missing)
    kinds = np.array(
        [t.level_of(c) or ("multi" if c == areas.MULTI_NATION else "none") for c in distinct], dtype=object
    )
    counts = pd.Series(kinds[codes], index=missing.index).value_counts()
    parts = []
    for lv, cnt in counts.items():
        if lv == "multi":
            parts.append(f"{cnt} work across more than one nation")
        elif lv == "none":
            parts.append(f"{cnt} gave no area")
        else:
            parts.append(f"{cnt} answered with {geography.get_level(str(lv)).answer_hint}")
    coarse = [lv for lv in counts.index if lv not in ("multi", "none")]
    advice = ""
    if coarse:
        finest = max(coarse, key=lambda lv: t.rank[str(lv)])
        advice = f" The survey asked for {geography.get_level(str(finest)).answer_hint}: choose {geography.get_level(str(finest)).label} to map these answers."
    total = len(frame)
    level_label = geography.get_level(level).label
    article = "an" if level_label.lower().startswith(("a", "e", "i", "o", "u", "nhs")) else "a"
    if len(missing) * 2 < total:
        advice = ""  # most responses are placed: the level suits the file
    return len(missing), (
        f"{len(missing)} of {total} responses could not be placed in {article} "
        f"{level_label if level_label.startswith('NHS') else level_label.lower()}: "
        f"{'; '.join(parts)}. They count in the UK row only.{advice}"
    )


def compute(
    responses: Responses,
    indicator_id: str,
    settings: Settings,
    age_group: str | None = None,
    profession: str | None = None,
    level: str | None = None,
) -> IndicatorTable:
    """Per-area table of one indicator at one level (the 12 nations and regions by default) and the UK row.

    >>> from gapmap import pipeline
    >>> t = compute(pipeline.load_survey(), "referrals_age_2_or_under", Settings())
    >>> int(t.uk["n"]), int(t.uk["k"]), round(float(t.uk["value"]), 2), len(t.areas)
    (283, 148, 0.52, 12)
    """
    ind = get(indicator_id)
    lv = geography.get_level(level)
    age = resolve_age_group(ind, age_group)
    key = item_key(ind.question_id, age)
    if ind.kind != "count" and not responses.has(key):
        raise Unavailable(f"{ind.id}: the file has no column for {key}")
    prof = _profession(responses, profession) if profession else cube.ALL
    c = _cube(responses, ind, key, settings)
    t = areas.table(settings.boundaries_dir)
    codes = [*t.codes(lv.id), UK_CODE]
    rows = []
    for code in codes:
        n, k, s, s2 = c.cell(code, prof)
        reason = c.hidden.get((code, prof), "")
        if ind.kind == "count":
            rows.append((code, n, np.nan, float(n), np.nan, np.nan, np.nan, np.nan, ""))
        elif ind.kind == "proportion":
            lo, hi = stats.wilson(int(k), n, settings.confidence)
            clo, chi = stats.wilson(int(k), n, settings.comparison_level)
            rows.append((code, n, k, k / n if n else np.nan, lo, hi, clo, chi, reason))
        else:
            mean, lo, hi = stats.mean_interval_from_sums(n, s, s2, settings.confidence)
            _, clo, chi = stats.mean_interval_from_sums(n, s, s2, settings.comparison_level)
            rows.append((code, n, np.nan, mean, lo, hi, clo, chi, reason))
    out = pd.DataFrame(
        rows, columns=["area_code", "n", "k", "value", "lo", "hi", "_clo", "_chi", "suppressed_reason"]
    )
    out.insert(0, "indicator", ind.id)
    out.insert(2, "area_name", out["area_code"].map(t.names))
    out["suppressed"] = out["suppressed_reason"] != ""
    uk = out.loc[out["area_code"] == UK_CODE].iloc[0]
    uk_value, uk_suppressed = float(uk["value"]), bool(uk["suppressed"])
    # The comparison uses the interval at the comparison level (95% or 99.8%), which may differ from the one shown.
    out["comparison"] = [
        ""
        if (sup or code == UK_CODE or uk_suppressed or ind.kind == "count")
        else comparison.judge(stats.compare(lo, hi, uk_value), ind.polarity)
        for code, lo, hi, sup in zip(
            out["area_code"], out["_clo"], out["_chi"], out["suppressed"], strict=True
        )
    ]
    out["category"] = ""
    # Suppressed rows carry n only: k, value and interval are removed here, once, for every output.
    out.loc[out["suppressed"], ["k", "value", "lo", "hi"]] = np.nan
    out["k"] = out["k"].round().astype("Int64")
    out["n"] = out["n"].astype("int64")
    memo = ("unplaced", lv.id, prof)  # the same for every indicator of a file
    if memo not in responses.cache:
        frame = responses.frame
        if profession:
            frame = frame.loc[frame["profession"] == prof]
        responses.cache[memo] = unplaced_note(responses, lv.id, frame)
    held: tuple[int, str] = responses.cache[memo]  # type: ignore[assignment]
    unplaced, note = held
    return IndicatorTable(
        indicator=ind,
        frame=out[COLUMNS],
        age_group=age,
        profession=profession,
        min_base=settings.min_base,
        confidence=settings.confidence,
        synthetic=responses.synthetic,
        source=responses.source,
        level=lv.id,
        unplaced=unplaced,
        unplaced_note=note,
        comparison_level=settings.comparison_level,
    )


def format_value(indicator: Indicator, value: float) -> str:
    """'36%' for a proportion, '3.27' for a mean, '41' for a count, '' for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return ""
    if indicator.kind in ("proportion", "coverage", "programme", "status"):
        return f"{100 * value:.0f}%"
    if indicator.kind in ("mean", "team_rate"):
        return f"{value:.2f}"
    return f"{value:.0f}"
