"""What a survey file's indicator tables publish, item by item, as answer classes and measures to audit.

Every indicator on one question item (a question, or a grid question for one age group) is audited together,
so that two shares of one question ('Yes'; 'Yes' or 'Partly') cannot be played against each other: the item's
answers fall into *classes* (answers that every indicator counts alike), and each indicator is a *measure*
with a weight per class. A mean of ratings is audited through its sum of ratings: each group's sum anywhere
between its n times the lowest and the highest score (see docs/DISCLOSURE.md for what that leaves out).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gapmap.measures import audit
from gapmap.survey.questions import AGE_GROUPS, QUESTION_BY_ID, item_key

if TYPE_CHECKING:
    from gapmap.measures.indicators import Indicator
    from gapmap.survey.validate import Responses

AUDITED_KINDS = ("proportion", "mean")


@dataclass(frozen=True)
class Item:
    """One question item's answers as a class per response (-1: not in the base) and what is published of them."""

    key: str
    classes: np.ndarray
    measures: tuple[audit.Measure, ...]
    # Ratings, and items with two indicators (three answer classes), are bounded over the relaxation, rounded
    # inwards; a single count over whole respondents. See docs/DISCLOSURE.md.
    integer: bool = True
    # Ratings: how each answer class splits between the lowest and the highest score (a 3 of 1-5 is half of
    # each), so the auditor has one variable per group instead of one per score.
    collapse: np.ndarray | None = None

    @property
    def answered(self) -> np.ndarray:
        return self.classes >= 0


def items(responses: Responses, indicators: Iterable[Indicator]) -> list[Item]:
    """Every item the file's survey indicators publish a k or a mean on, at every age group, in a fixed order.

    >>> from gapmap.survey.validate import load_survey
    >>> from gapmap.measures.indicators import INDICATORS
    >>> found = items(load_survey(), INDICATORS.values())
    >>> len(found), [m.name for m in found[6].measures]
    (23, ['referrals_age_2_or_under'])
    >>> [(m.name, m.weights) for m in next(i for i in found if i.key == "specialist_team_in_cypmhs").measures]
    [('specialist_team_yes', (0.0, 0.0, 1.0)), ('specialist_team_any', (0.0, 1.0, 1.0))]
    """
    by_key: dict[str, list[Indicator]] = {}
    for ind in indicators:
        if ind.kind not in AUDITED_KINDS or not ind.question_id:
            continue
        ages = [g.id for g in AGE_GROUPS] if ind.per_age_group else [None]
        for age in ages:
            key = item_key(ind.question_id, age)
            if responses.has(key):
                by_key.setdefault(key, []).append(ind)
    return [item(responses, key, inds) for key, inds in by_key.items()]


def item(responses: Responses, key: str, indicators: list[Indicator]) -> Item:
    """The answer classes and measures of the indicators published on one item."""
    question = QUESTION_BY_ID[key.split("[")[0]]
    codes, labels = responses.coded(key)
    rating = question.kind == "rating"
    # Every answer the question allows, not only those given: an attacker knows what could have been answered.
    possible: list[object] = [float(o) for o in question.options] if rating else list(question.options)
    possible += [x for x in labels if x not in possible and not (isinstance(x, float) and np.isnan(x))]
    vectors = [_weights(x, indicators) for x in possible]
    classes = sorted(set(vectors))
    index = {v: i for i, v in enumerate(classes)}
    class_of = {x: index[v] for x, v in zip(possible, vectors, strict=True)}
    per_label = np.array([class_of.get(x, -1) for x in labels] + [-1], dtype=np.int64)
    if rating and len(indicators) == 1:
        scores = np.array([v[0] for v in classes])
        low, high = float(scores.min()), float(scores.max())
        share = (scores - low) / (high - low)
        collapse = np.column_stack([1 - share, share])
        measure = audit.Measure(indicators[0].id, (low, high))
        return Item(key, per_label[codes], (measure,), integer=False, collapse=collapse)
    measures = tuple(audit.Measure(ind.id, tuple(v[j] for v in classes)) for j, ind in enumerate(indicators))
    # Whole respondents (MILPs) only for a single 0/1 count, whose relaxation is almost always integral already;
    # with three or more classes fractional optima are common and a MILP per bound takes seconds at scale.
    return Item(key, per_label[codes], measures, integer=not rating and len(classes) <= 2)


def _weights(answer: object, indicators: list[Indicator]) -> tuple[float, ...]:
    """How each indicator counts one answer: 0 or 1 for a proportion, the score for a mean."""
    return tuple(
        float(answer) if ind.kind == "mean" else float(answer in ind.counts)  # type: ignore[arg-type]
        for ind in indicators
    )
