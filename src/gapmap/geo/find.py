"""Finding areas: "find my area" (a name, GSS code or postcode district -> the areas of a level) and the list of
one level's areas (``gapmap areas``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gapmap.geo import areas, geocode, levels
from gapmap.settings import Settings, from_env


def area_list(settings: Settings, level: str) -> pd.DataFrame:
    """Codes, names, parents and children aged 0-2 of one level's areas (``gapmap areas``)."""
    lv = levels.get_level(level)
    t = areas.table(settings.boundaries_dir)
    f = t.level_frame(lv.id)
    cols = ["code", "name", "area_type"]
    for parent in t.level_order[: t.rank[lv.id]]:
        col = f"{parent}_code"
        if col in f.columns:
            f[f"{parent}_name"] = f[col].map(lambda c: t.names.get(c, "") if c else "")
            cols += [col, f"{parent}_name"]
    return f[[*cols, "la_count", "pop_age0to2"]].rename(columns={"pop_age0to2": "children_0_2"})


@dataclass
class FoundArea:
    """What "find my area" found: the areas of the level to zoom to, and a sentence saying what they are."""

    codes: list[str]
    message: str


def find_area(text: str, level: str, settings: Settings | None = None) -> FoundArea:
    """An area name, GSS code or postcode district -> the areas of ``level`` to show.

    >>> find_area("KY1", "nhs").codes, find_area("Wales", "region").codes
    (['S08000029'], ['W92000004'])
    """
    settings = settings or from_env()
    t = areas.table(settings.boundaries_dir)
    lv = levels.get_level(level)
    text = text.strip()
    if not text:
        return FoundArea([], "")
    outward = geocode.normalise_postcode(text)
    districts = geocode.lookups(settings).districts
    code = ""
    what = ""
    if outward and outward.split(" ")[0] in districts and not t.match(text).codes:
        lat, lon = districts[outward.split(" ")[0]]
        code = geocode.local_authorities(settings, [lat], [lon])[0]
        what = (
            f"postcode district {outward.split(' ')[0]} (its centre lies in {t.names.get(code, 'no area')})"
        )
    else:
        match = t.match(text)
        if len(match.codes) > 1:
            names = " or ".join(t.describe(c) for c in match.codes)
            return FoundArea([], f"'{text}' could mean {names}: type the full name or the GSS code.")
        if not match.codes or match.codes[0] == areas.MULTI_NATION:
            hint = f" Did you mean {' or '.join(match.closest)}?" if match.closest else ""
            return FoundArea([], f"No area or postcode district called '{text}'.{hint}")
        code = match.codes[0]
        what = t.describe(code)
    if not code:
        return FoundArea([], f"'{text}' is not in a UK area.")
    own = t.ancestor(code, lv.id)
    if own == code:
        return FoundArea([own], f"Showing {what}.")
    if own:
        return FoundArea(
            [own],
            f"{what}: {lv.word} {t.names[own]}.",
        )
    members = t.members(code, lv.id)
    if members:
        return FoundArea(members, f"{what}: its {len(members)} {lv.noun}.")
    across = sorted({t.ancestor(la, lv.id) for la in t.members(code, "la")} - {""})
    names = " and ".join(t.names[c] for c in across)
    return FoundArea(across, f"{what}: lies across {names}.")
