"""Survey indicators computed from validated responses: each answer summed into the count cube, suppressed, and
turned into one level's table (n, k, value, interval, suppressed, comparison with the UK)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gapmap.geo import areas, levels
from gapmap.geo.areas import UK_CODE
from gapmap.measures import comparison, cube, disclosure, published, stats
from gapmap.measures.indicators import COLUMNS, INDICATORS, Indicator, IndicatorTable, get, resolve_age_group
from gapmap.problems import InputError, Issue
from gapmap.safetext import norm
from gapmap.settings import Settings
from gapmap.survey.questions import item_key
from gapmap.survey.validate import Responses, level_column


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
            parts.append(f"{cnt} answered with {levels.get_level(str(lv)).answer_hint}")
    coarse = [lv for lv in counts.index if lv not in ("multi", "none")]
    advice = ""
    if coarse:
        finest = max(coarse, key=lambda lv: t.rank[str(lv)])
        advice = f" The survey asked for {levels.get_level(str(finest)).answer_hint}: choose {levels.get_level(str(finest)).noun} to map these answers."
    total = len(frame)
    level_label = levels.get_level(level).label
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

    >>> from gapmap.survey.validate import load_survey
    >>> t = compute(load_survey(), "referrals_age_2_or_under", Settings())
    >>> int(t.uk["n"]), int(t.uk["k"]), round(float(t.uk["value"]), 2), len(t.areas)
    (283, 148, 0.52, 12)
    """
    ind = get(indicator_id)
    lv = levels.get_level(level)
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
        supplied_by=responses.supplied_by,
    )
