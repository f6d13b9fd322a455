"""Write data/sample_survey.csv: 283 SYNTHETIC respondents whose UK-wide answer counts equal the published figures.

Run: python scripts/make_sample_survey.py   (seeded: the same file every time)

The report publishes no respondent-level data and no answer by region. This script makes respondents that
(a) per nation/region equal the report's Table 1 and (b) UK-wide reproduce every published count and percentage
(printed counts where given, otherwise percent x 283 with largest-remainder rounding). Every choice where the report
publishes nothing is listed in CHOICES below and in data/sample_survey.md. Regional differences are chance only.
"""

from __future__ import annotations

import csv
import math
import random
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = 283
SEED = 20210611  # date of the press release; any fixed seed would do

AGE = {
    "pregnancy": ("PREG", "Parents during pregnancy"),
    "0-2": ("B02", "Babies and toddlers (0-2)"),
    "3-4": ("P34", "Pre-schoolers (3-4)"),
    "5-11": ("P511", "Primary school age children (5-11)"),
    "12-16": ("S1216", "Secondary school age children (12-16)"),
    "17-21": ("O1721", "Older young people (17-21)"),
}

CHOICES = """
- Table 1: 282 respondents have a nation/region row; the 283rd answers "England" with no region (the text's 244).
- Professions: the four analysis groups of Tables 2-3 with n = 42, 26, 41 and 73 (psychotherapist n is garbled;
  73 is the smallest n consistent with both tables); the other 101 are "Other profession (not published)".
- Charts 2-4: the unpublished residual of each column is the answer "Don't know".
- Chart 4, primary (5-11) "No": 11% (unreadable; 10-12% is likely), so "Don't know" takes the rest.
- Chart 5 "No" and "Don't know" rows follow the tentative labels of published_figures.csv.
- Chart 5, babies and toddlers "Yes, definitely": 102 (36% of 283); the printed "108" contradicts the 36%.
- Services: exactly 139 respondents answer "Yes" (partly or definitely) for all six groups and exactly one
  answers "No" for all six, as the text says.
- Specialist team: Yes 84 and Partly 77 as printed; the other 122 split No 68 / Don't know 54 in the ratio of
  Chart 5's babies-and-toddlers No (19%) to Don't know (15%).
- Sufficiency: 25 "sufficient" as printed; Chart 6's other values are unreadable: 54 "no services" (as many as
  said No for babies and toddlers in Chart 5) and 204 "not sufficient"; no "Don't know".
- Lowest referral age: Table 4 counts; the row read as "10 or 11" is written as 10.
- Understanding: Table 3 per profession; the other 101 chosen so that 52 answer 5 and the mean is 925/283 = 3.27.
- Confidence: 45 answer 5, mean 843/283 = 2.98; the other levels chosen (no distribution is published).
"""


def published() -> list[dict[str, str]]:
    with open(ROOT / "data" / "published_figures.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def largest_remainder(shares: dict[str, float], total: int) -> dict[str, int]:
    """Integer counts summing to total, proportional to shares (Hamilton's method)."""
    s = sum(shares.values())
    exact = {k: v * total / s for k, v in shares.items()}
    counts = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(counts.values())
    for k in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[:left]:
        counts[k] += 1
    return counts


def pct(figs: list[dict[str, str]], fid: str) -> float:
    return float(next(r for r in figs if r["figure_id"] == fid)["percent"])


def grid_counts(figs: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
    """Counts per (question, age group) for Charts 2-5."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for qid, chart, opts in (
        ("prequal_teaching", "C2", {"ALOT": "Yes, a lot", "SOME": "Yes, some", "NO": "No"}),
        ("prequal_supervised_experience", "C3", {"ALOT": "Yes, a lot", "SOME": "Yes, some", "NO": "No"}),
        ("postqual_training", "C4", {"ALOT": "Yes, a lot", "SOME": "Yes, some", "NO": "No"}),
        (
            "services_effective_by_age",
            "C5",
            {"DEF": "Yes, definitely", "PARTLY": "Yes, partly", "NO": "No", "DK": "Don't know"},
        ),
    ):
        for age, (code, _label) in AGE.items():
            shares: dict[str, float] = {}
            for suffix, label in opts.items():
                row = next(r for r in figs if r["figure_id"] == f"{chart}_{code}_{suffix}")
                shares[label] = float(row["percent"]) if row["percent"] else math.nan
            if qid == "postqual_training" and age == "5-11":
                shares["No"] = 11.0  # CHOICE: unreadable in the report
            if chart != "C5":
                shares["Don't know"] = max(0.0, 100 - sum(shares.values()))  # CHOICE: residual = Don't know
            pinned: dict[tuple[str, ...], int] = {}
            for r in figs:
                if r["question_id"] == qid and r["group"] == _label and r["n"] and r["source"] != "Table 1":
                    if r["figure_id"] == "TXT_B02_DEF":
                        continue  # CHOICE: printed 108 contradicts the 36%; the percentage is used
                    pinned[tuple(a.strip() for a in r["answer"].split(" or "))] = int(r["n"])
            out[(qid, age)] = allocate(shares, pinned)
    return out


def allocate(shares: dict[str, float], pinned: dict[tuple[str, ...], int]) -> dict[str, int]:
    """Largest remainder over the categories, honouring printed counts (single answers or 'A or B' groups)."""
    counts: dict[str, int] = {}
    rest = dict(shares)
    total = BASE
    for group, n in pinned.items():
        sub = {k: rest.pop(k) for k in group}
        counts.update(largest_remainder(sub, n) if len(group) > 1 else {group[0]: n})
        total -= n
    if rest:
        counts.update(largest_remainder({k: (v if v > 0 else 1e-9) for k, v in rest.items()}, total))
    return counts


def check_against_published(figs: list[dict[str, str]], columns: dict[str, list[str]]) -> None:
    """Every published percentage of a single answer is reproduced by the sample (the script refuses otherwise)."""
    labels = {code: age for age, (code, _l) in AGE.items()}
    for r in figs:
        m = r["figure_id"].split("_")
        if r["figure_id"][:2] in ("C2", "C3", "C4", "C5") and r["percent"]:
            age = labels[m[1]]
            qid = r["question_id"]
            answer = r["answer"]
            k = columns[f"{qid} [{AGE[age][1]}]"].count(answer)
            assert round(100 * k / BASE + 1e-9) == round(float(r["percent"])), (r["figure_id"], k)
        if r["figure_id"].startswith("T4_") and r["figure_id"].endswith("_PCT"):
            ans = "10" if r["answer"] == "10 or 11" else r["answer"]
            k = columns["lowest_referral_age"].count(ans)
            assert f"{100 * k / BASE:.1f}" == r["percent"], (r["figure_id"], k)


def main() -> None:
    rng = random.Random(SEED)
    figs = published()

    # Table 1 (+ one English respondent without region).
    areas: list[str] = []
    for r in figs:
        if r["figure_id"].startswith("T1_") and r["figure_id"] != "T1_ENG":
            areas += [r["answer"]] * int(r["n"])
    areas.append("England")
    assert len(areas) == BASE
    rng.shuffle(areas)

    professions = (
        ["Clinical or counselling psychologist"] * 42
        + ["Mental health practitioner"] * 26
        + ["Psychiatrist"] * 41
        + ["Psychotherapist"] * 73
    )
    professions += ["Other profession (not published)"] * (BASE - len(professions))
    rng.shuffle(professions)
    by_prof: dict[str, list[int]] = {}
    for i, p in enumerate(professions):
        by_prof.setdefault(p, []).append(i)

    columns: dict[str, list[str]] = {}
    grids = grid_counts(figs)

    def fill(counts: dict[str, int], fixed: dict[int, str] | None = None) -> list[str]:
        fixed = fixed or {}
        left = Counter(counts)
        for v in fixed.values():
            left[v] -= 1
        assert all(v >= 0 for v in left.values()), left
        pool = [a for a, n in left.items() for _ in range(n)]
        rng.shuffle(pool)
        it = iter(pool)
        return [fixed[i] if i in fixed else next(it) for i in range(BASE)]

    # Table 2: pre-qualification teaching on 0-2 by profession (No / a lot printed; some by subtraction).
    table2 = {
        "Clinical or counselling psychologist": {"No": 13, "Yes, a lot": 5, "Yes, some": 24},
        "Mental health practitioner": {"No": 13, "Yes, a lot": 3, "Yes, some": 10},
        "Psychiatrist": {"No": 11, "Yes, a lot": 6, "Yes, some": 24},
        "Psychotherapist": {"No": 3, "Yes, a lot": 46, "Yes, some": 24},
    }

    def by_profession(spec: dict[str, dict[str, int]]) -> dict[int, str]:
        fixed: dict[int, str] = {}
        for prof, counts in spec.items():
            answers = [a for a, n in counts.items() for _ in range(n)]
            rng.shuffle(answers)
            fixed.update(dict(zip(by_prof[prof], answers, strict=True)))
        return fixed

    services_keys = []
    for (qid, age), counts in grids.items():
        key = f"{qid} [{AGE[age][1]}]"
        if qid == "services_effective_by_age":
            services_keys.append((key, counts))
            continue
        fixed = by_profession(table2) if (qid, age) == ("prequal_teaching", "0-2") else None
        columns[key] = fill(counts, fixed)

    columns.update(services(rng, services_keys))

    # Table 4.
    ref = {}
    for r in figs:
        if r["figure_id"].startswith("T4_") and r["figure_id"].endswith("_PCT"):
            ans = "10" if r["answer"] == "10 or 11" else r["answer"]  # CHOICE
            ref[ans] = round(float(r["percent"]) * BASE / 100)
    assert sum(ref.values()) == BASE, ref
    columns["lowest_referral_age"] = fill(ref)

    columns["specialist_team_in_cypmhs"] = fill({"Yes": 84, "Partly": 77, "No": 68, "Don't know": 54})
    columns["local_provision_sufficiency"] = fill(
        {
            "There are no mental health services for babies and toddlers in my area.": 54,
            "There is a service for babies and toddlers in my area, but it is not sufficient to meet the need "
            "in the local area.": 204,
            "There is sufficient provision available in my local area for babies and toddlers whose mental "
            "health is at risk.": 25,
        }
    )

    # Table 3 (understanding by profession) and the other 101 respondents, chosen to give 52 fives, mean 3.27.
    table3 = {
        "Clinical or counselling psychologist": {"1": 0, "2": 12, "3": 14, "4": 8, "5": 8},
        "Mental health practitioner": {"1": 8, "2": 4, "3": 7, "4": 7, "5": 0},
        "Psychiatrist": {"1": 4, "2": 6, "3": 16, "4": 11, "5": 4},
        "Psychotherapist": {"1": 1, "2": 4, "3": 11, "4": 30, "5": 27},
        "Other profession (not published)": {"1": 14, "2": 24, "3": 30, "4": 20, "5": 13},
    }
    understanding = by_profession(table3)
    columns["understanding_rating"] = [understanding[i] for i in range(BASE)]
    columns["confidence_rating"] = fill({"1": 33, "2": 79, "3": 77, "4": 49, "5": 45})

    for name, target, fives in (("understanding_rating", 3.27, 52), ("confidence_rating", 2.98, 45)):
        values = [int(v) for v in columns[name]]
        assert round(sum(values) / BASE, 2) == target, (name, sum(values) / BASE)
        assert values.count(5) == fives

    check_against_published(figs, columns)

    header = ["synthetic", "where_do_you_work", "profession", *columns]
    out = ROOT / "data" / "sample_survey.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(BASE):
            w.writerow(["synthetic sample", areas[i], professions[i], *(columns[c][i] for c in columns)])
    print(f"wrote {out} ({BASE} synthetic respondents)")


def services(rng: random.Random, keys: list[tuple[str, dict[str, int]]]) -> dict[str, list[str]]:
    """Chart 5 columns with 139 respondents 'Yes' for all six groups and exactly one 'No' for all six."""
    yes = ("Yes, definitely", "Yes, partly")
    people = list(range(BASE))
    rng.shuffle(people)
    all_no, all_yes, rest = people[0], people[1:140], people[140:]
    cols: dict[str, list[str]] = {}
    for key, counts in keys:
        col = [""] * BASE
        n_def, n_part = counts["Yes, definitely"], counts["Yes, partly"]
        yes_pool = ["Yes, definitely"] * n_def + ["Yes, partly"] * n_part
        rng.shuffle(yes_pool)
        for i in all_yes:
            col[i] = yes_pool.pop()
        col[all_no] = "No"
        other = yes_pool + ["No"] * (counts["No"] - 1) + ["Don't know"] * counts["Don't know"]
        rng.shuffle(other)
        for i, v in zip(rest, other, strict=True):
            col[i] = v
        cols[key] = col
    names = [k for k, _ in keys]
    # Repair: nobody outside the 139 may be 'Yes' everywhere, nobody but one 'No' everywhere.
    for _ in range(10000):
        bad = [
            i for i in rest if all(cols[k][i] in yes for k in names) or all(cols[k][i] == "No" for k in names)
        ]
        if not bad:
            break
        i = bad[0]
        k = rng.choice(names)
        j = rng.choice(rest)
        cols[k][i], cols[k][j] = cols[k][j], cols[k][i]
    assert sum(all(cols[k][i] in yes for k in names) for i in range(BASE)) == 139
    assert sum(all(cols[k][i] == "No" for k in names) for i in range(BASE)) == 1
    return cols


if __name__ == "__main__":
    main()
