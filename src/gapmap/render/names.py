"""Export file names that say what the file shows: indicator, age group, level, filters, size and format.

One function for the CLI (``render --all``, ``chart``, ``profile``) and the app's downloads, so a folder of
exports sorts and reads alike wherever the files came from. Parts that are at their default are left out, so
the everyday map keeps its short name (``children_0_2_no_team.nhs.png``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING

from gapmap.render.sizes import DEFAULT_SIZE, get_size

if TYPE_CHECKING:
    from gapmap.measures.indicators import IndicatorTable


def _default_min_base() -> int:
    from gapmap.settings import Settings

    return Settings().min_base  # the documented default, not the environment's


def slug(text: str, limit: int = 40) -> str:
    """Lower-case ASCII letters, digits and hyphens only: safe on every file system and in a URL.

    >>> slug("Clinical psychologist / CAMHS (NHS)"), slug("Nurse $x^$ \\\\frac{")
    ('clinical-psychologist-camhs-nhs', 'nurse-x-frac')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    # A name of only symbols or another script still gets a stable, distinct part.
    return out or "x" + hashlib.sha256(text.encode()).hexdigest()[:8]


def name_parts(
    first: str,
    level: str,
    age_group: str | None = None,
    default_age_group: str | None = None,
    profession: str | None = None,
    min_base: int | None = None,
    known_by: int | None = None,
    size: str | None = None,
    kind: str = "",
    shape: str = "map",
) -> list[str]:
    """The dot-separated parts of an export name, defaults left out (a hex map: ``hex`` after the level)."""
    parts = [first]
    if kind:
        parts.append(kind)
    if age_group and age_group != default_age_group:
        parts.append(f"age-{slug(age_group)}")
    parts.append(level)
    if shape != "map":
        parts.append(shape)
    if profession:
        parts.append(f"prof-{slug(profession)}")
    if min_base is not None and min_base != _default_min_base():
        parts.append(f"min{min_base}")
    if known_by is not None:
        parts.append(f"known{known_by}")
    if size and get_size(size).id != DEFAULT_SIZE:
        parts.append(size)
    return parts


def export_name(
    table: IndicatorTable,
    fmt: str,
    size: str | None = None,
    known_by: int | None = None,
    kind: str = "",
    shape: str = "map",
) -> str:
    """The file name of an export of one indicator table: map (``kind`` ''; ``shape`` 'hex' for a hex map), or
    ``ranked`` chart.

    >>> from gapmap.measures.compute import indicator_table
    >>> from gapmap.settings import from_env
    >>> t = indicator_table("services_0_2_definitely", age_group="12-16", profession="Psychiatrist",
    ...                              settings=from_env(min_base=5))
    >>> export_name(t, "png", "social")
    'services_0_2_definitely.age-12-16.region.prof-psychiatrist.min5.social.png'
    >>> export_name(indicator_table("children_0_2_no_team", level="nhs"), "csv")
    'children_0_2_no_team.nhs.csv'
    >>> export_name(indicator_table("children_0_2_no_team", level="la"), "png", "social", shape="hex")
    'children_0_2_no_team.la.hex.social.png'
    """
    ind = table.indicator
    default_age = (ind.age_group or "0-2") if ind.per_age_group else None
    parts = name_parts(
        ind.id,
        table.level,
        table.age_group,
        default_age,
        table.profession,
        table.min_base if ind.from_survey else None,
        known_by,
        size,
        kind,
        shape,
    )
    return ".".join([*parts, fmt.lower().lstrip(".")])


def profile_name(
    area_code: str,
    level: str,
    fmt: str,
    size: str | None = None,
    age_group: str | None = None,
    profession: str | None = None,
    min_base: int | None = None,
    known_by: int | None = None,
) -> str:
    """The file name of an area profile (spine chart).

    >>> profile_name("E54000057", "nhs", "png")
    'profile.E54000057.nhs.png'
    """
    code = re.sub(r"[^A-Za-z0-9]+", "-", area_code).strip("-") or slug(area_code)
    parts = name_parts("profile", level, age_group, None, profession, min_base, known_by, size)
    return ".".join([parts[0], code, *parts[1:], fmt.lower().lstrip(".")])


def trend_name(indicator_id: str, level: str, area_code: str, fmt: str, size: str | None = None) -> str:
    """The file name of a trend chart: indicator, ``trend``, the area's code (none for the UK), level, size.

    >>> trend_name("teams", "nation", "K02000001", "png"), trend_name("teams", "nhs", "W11000029", "pdf", "social")
    ('teams.trend.nation.png', 'teams.trend.W11000029.nhs.social.pdf')
    """
    parts = name_parts(indicator_id, level, size=size, kind="trend")
    code = "" if area_code == "K02000001" else re.sub(r"[^A-Za-z0-9]+", "-", area_code).strip("-")
    if code:
        parts.insert(2, code)
    return ".".join([*parts, fmt.lower().lstrip(".")])
