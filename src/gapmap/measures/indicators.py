"""Named indicator definitions and their per-area table: n, k, value, interval, suppressed, comparison."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from gapmap.geo.areas import UK_CODE
from gapmap.problems import InputError, Issue
from gapmap.survey.questions import AGE_GROUP_BY_ID, QUESTION_BY_ID, find_age_group

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
    polarity: str = ""  # 'higher_better', 'lower_better' or '' (no judgement): see gapmap.measures.comparison
    short: str = ""  # the title in a menu (the app's sidebar is about 30 characters wide); the title if empty

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

    @property
    def is_total(self) -> bool:
        """Whether the benchmark row is the sum of the areas (a count of teams or of respondents), not a level
        an area could reach: charts then state it rather than draw it as a line that would squeeze every bar."""
        return self.kind in ("team_count", "count")

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
        _ind(
            "respondents",
            "Survey respondents",
            "where_do_you_work",
            "count",
            published_ref="Table 1",
            short="Survey respondents",
        ),
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
            short="Can definitely work with 0-2s",
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
            short="Referrals at age 2 or under",
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
            short="Specialist 0-2 team in CYPMHS",
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
            short="Specialist 0-2 team or staff",
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
            short="Sufficient provision for 0-2s",
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
            short="No 0-2 teaching pre-qualifying",
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
            short="No supervised 0-2 experience",
        ),
        _ind(
            "understanding_mean",
            "Understanding of infant mental health (mean score, 1-5)",
            "understanding_rating",
            "mean",
            published_uk=3.27,
            published_ref="Executive summary (3.27/5)",
            polarity="higher_better",
            short="Infant MH understanding (1-5)",
        ),
        _ind(
            "teams",
            "Specialised parent-infant relationship teams",
            "",
            "team_count",
            published_ref="teams",
            short="Parent-infant teams",
        ),
        _ind(
            "teams_per_10k_age_0_2",
            "Parent-infant teams per 10,000 children aged 0-2",
            "",
            "team_rate",
            published_ref="teams; ONS mid-2019 population",
            polarity="higher_better",
            short="Teams per 10,000 aged 0-2",
        ),
        _ind(
            "children_0_2_no_team",
            "Children aged 0-2 in local authorities no known parent-infant team serves",
            "",
            "coverage",
            published_ref="teams; ONS mid-2019 population",
            polarity="lower_better",
            short="Children 0-2, no known team",
        ),
        _ind(
            "start_for_life",
            "Family Hubs and Start for Life programme areas",
            "",
            "programme",
            published_ref="DfE/DHSC Family Hubs and Start for Life",
            short="Start for Life areas",
        ),
        _ind(
            "scotland_infant_mh",
            "Infant mental-health services in Scottish health boards",
            "",
            "status",
            published_ref="Scottish health boards' public pages",
            short="Scottish boards' infant MH",
        ),
        _ind(
            "confidence_mean",
            "Confidence working with parents and babies (mean score, 1-5)",
            "confidence_rating",
            "mean",
            published_uk=2.98,
            published_ref="Executive summary (2.98/5)",
            polarity="higher_better",
            short="Confidence with babies (1-5)",
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
                    "--indicator",
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
class Population:
    """Who a table's values are of: the UK's respondents or children, or one nation's (a layer that covers only
    Scotland or England). Its row is the benchmark every area is compared with and every chart's reference line.

    >>> SCOTLAND.covers("S08000015"), SCOTLAND.covers("SHSCT"), SCOTLAND.covers("E92000001"), UK.covers("E92000001")
    (True, False, False, True)
    """

    code: str  # the benchmark row's GSS code
    name: str  # as in the area table: 'United Kingdom', 'Scotland', 'England'
    label: str  # how charts, legends and sentences name it: 'UK', 'Scotland', 'England'
    prefix: str = ""  # the GSS code initial of the areas it covers ('' for every area)

    def covers(self, area_code: str) -> bool:
        """Whether an area lies in this population (an area outside it is 'not applicable', never 0). GSS codes
        begin with the nation's letter and a digit; other codes (Northern Ireland's trusts, 'SHSCT') are not
        Scottish for their S."""
        if not self.prefix:
            return True
        return (
            area_code.startswith(self.prefix) and area_code[len(self.prefix) : len(self.prefix) + 1].isdigit()
        )

    @property
    def is_uk(self) -> bool:
        return self.code == UK_CODE


UK = Population(UK_CODE, "United Kingdom", "UK")
ENGLAND = Population("E92000001", "England", "England", "E")
SCOTLAND = Population("S92000003", "Scotland", "Scotland", "S")


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
    # Whose values these are: the benchmark row is the population's own (Scotland's for a Scotland-only layer).
    population: Population = UK
    # True where the population is itself one of the level's areas (Scotland among the nations): its row is both.
    benchmark_is_area: bool = False
    supplied_by: str = (
        ""  # a survey file's giver ('' for the bundled sample): see gapmap.survey.validate.Responses
    )
    # Per area of the level: the nearest known team and the neighbours (gapmap.measures.nearest.COLUMNS), where
    # the table was made with the teams store at hand (team indicators, every indicator at once); else None.
    local: pd.DataFrame | None = None

    @property
    def title(self) -> str:
        return self.indicator.title_for(self.age_group)

    @property
    def benchmark(self) -> pd.Series:
        """The population's row: the value every area is compared with (the UK's, or one nation's)."""
        return self.frame.loc[self.frame["area_code"] == self.population.code].iloc[-1]

    @property
    def uk(self) -> pd.Series:
        """The benchmark row (named for the usual case: for a one-nation layer it is that nation's row)."""
        return self.benchmark

    @property
    def areas(self) -> pd.DataFrame:
        if self.benchmark_is_area:
            return self.frame
        return self.frame.loc[self.frame["area_code"] != self.population.code]

    @property
    def applicable(self) -> pd.Series:
        """Per area row: whether it lies in the population (False: 'not applicable', shown with no value)."""
        return self.areas["area_code"].astype(str).map(self.population.covers)


def format_value(indicator: Indicator, value: float) -> str:
    """'36%' for a proportion, '3.27' for a mean, '41' for a count, '' for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return ""
    if indicator.kind in ("proportion", "coverage", "programme", "status"):
        return f"{100 * value:.0f}%"
    if indicator.kind in ("mean", "team_rate"):
        return f"{value:.2f}"
    return f"{value:.0f}"
