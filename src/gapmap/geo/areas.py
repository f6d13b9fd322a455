"""The areas of every geography level (codes, names, parents, children aged 0-2) and how answers name them.

One table, ``boundaries/areas.csv`` (made by ``scripts/make_levels.py``), holds every area of every level; the
local authority is the building block and every coarser area is a best-fit union of local authorities. This
module answers questions about that table: names, parents, members, and which area a typed name means.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from gapmap.files import io
from gapmap.safetext import norm

UK_CODE = "K02000001"
MULTI_NATION = "MULTI"  # "Across more than one nation": counted in the UK row only

# Words that name the kind of body rather than the place: "NHS Cheshire and Merseyside ICB" and
# "Cheshire and Merseyside" mean the same area; "Bristol, City of" is "Bristol".
_PREFIXES = ("nhs ", "city of ", "county of ")
_SUFFIXES = (
    " integrated care board",
    " icb",
    " university health board",
    " teaching health board",
    " health board",
    " uhb",
    " health and social care trust",
    " hsc trust",
    " trust",
    " city of",
    " county of",
    " council",
    " city",
)
_NHS_WORDS = {"nhs", "icb", "integrated", "board", "uhb", "trust", "hsc"}
_MULTI = ("Across more than one nation", "More than one nation", "UK-wide", "UK wide", "United Kingdom")


def short_form(key: str) -> str:
    """A normalised name without the words for its kind of body.

    >>> short_form(norm("NHS Cheshire and Merseyside Integrated Care Board")), short_form(norm("Bristol, City of"))
    ('cheshire and merseyside', 'bristol')
    """
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if key.startswith(p) and len(key) > len(p):
                key, changed = key[len(p) :], True
        for s in _SUFFIXES:
            if key.endswith(s) and len(key) > len(s):
                key, changed = key[: -len(s)], True
    return key.strip()


@dataclass(frozen=True)
class Match:
    """What a typed area answer names: one code, or several (ambiguous), or none with the closest names."""

    codes: tuple[str, ...]
    closest: tuple[str, ...] = ()


class AreaTable:
    """Every area of every level, read once from ``boundaries/areas.csv`` and the alias list beside it."""

    def __init__(self, frame: pd.DataFrame, aliases: pd.DataFrame) -> None:
        self.frame = frame
        self.level_order = list(dict.fromkeys(frame["level"]))  # coarsest first, as the file lists them
        self.rank = {lvl: i for i, lvl in enumerate(self.level_order)}
        # A code can sit at two levels (Wales is a nation and one of the 12 regions): keep its finest row.
        finest = frame.assign(_r=frame["level"].map(self.rank)).sort_values("_r")
        self.by_code = finest.drop_duplicates("code", keep="last").set_index("code")
        self.names = dict(zip(frame["code"], frame["name"], strict=True)) | {UK_CODE: "United Kingdom"}
        exact: dict[str, set[str]] = {}
        loose: dict[str, set[str]] = {}
        for code, name in zip(frame["code"], frame["name"], strict=True):
            exact.setdefault(norm(name), set()).add(code)
            exact.setdefault(norm(code), set()).add(code)
            loose.setdefault(short_form(norm(name)), set()).add(code)
        for alias, code in zip(aliases["alias"], aliases["code"], strict=True):
            loose.setdefault(norm(alias), set()).add(code)
        for text in _MULTI:
            exact[norm(text)] = {MULTI_NATION}
        self.exact = exact
        self.loose = loose
        # Looked up once per answer and per area of every table: plain dicts, not frame lookups.
        self._level = {
            str(c): str(lv) for c, lv in zip(self.by_code.index, self.by_code["level"], strict=True)
        }
        self._frames = {lv: frame.loc[frame["level"] == lv].reset_index(drop=True) for lv in self.level_order}
        self._members: dict[tuple[str, str], tuple[str, ...]] = {}

    def level_of(self, code: str) -> str:
        """The finest level holding this code ('' for the UK row or an unknown code)."""
        return self._level.get(code, "")

    def codes(self, level: str) -> list[str]:
        """The codes of one level, in file order (nations, then regions by code, ...)."""
        f = self._frames.get(level)
        return [] if f is None else f["code"].tolist()

    def level_frame(self, level: str) -> pd.DataFrame:
        f = self._frames.get(level)
        return self.frame.iloc[:0].reset_index(drop=True) if f is None else f.copy()

    def ancestor(self, code: str, level: str) -> str:
        """The area of ``level`` that holds ``code`` entirely; '' if ``level`` is finer or it straddles two.

        >>> t = table()
        >>> t.ancestor("E06000023", "region"), t.ancestor("E12000009", "la"), t.ancestor("W92000004", "nation")
        ('E12000009', '', 'W92000004')
        """
        if code not in self.by_code.index:
            return ""
        row = self.by_code.loc[code]
        if row["level"] == level:
            return code
        if self.rank.get(level, -1) > self.rank[str(row["level"])]:
            return ""
        col = f"{level}_code"
        value = row[col] if col in row.index else ""
        return "" if pd.isna(value) else str(value)

    def members(self, code: str, level: str = "la") -> list[str]:
        """The areas of ``level`` inside ``code`` (local authorities by default; the UK holds every area)."""
        key = (code, level)
        if key not in self._members:
            self._members[key] = tuple(self._find_members(code, level))
        return list(self._members[key])

    def _find_members(self, code: str, level: str) -> list[str]:
        f = self._frames.get(level, self.frame.iloc[:0])
        if code == UK_CODE:
            return f["code"].tolist()
        own = self.level_of(code)
        if own == level:
            return [code]
        col = f"{own}_code"
        if col not in f.columns:
            return []
        return f.loc[f[col] == code, "code"].tolist()

    def match(self, text: str) -> Match:
        """The area(s) a typed answer names: full name or GSS code first, then short forms and aliases.

        >>> t = table()
        >>> [t.match(s).codes for s in ("Bristol", "St. Helens", "Cardiff and Vale UHB", "Fife", "NHS Fife")]
        [('E06000023',), ('E08000013',), ('W11000029',), ('S12000047',), ('S08000029',)]
        """
        key = norm(text)
        if key in self.exact:
            return Match(tuple(sorted(self.exact[key])))
        for candidate in (key, short_form(key)):
            if candidate in self.loose:
                return Match(self._prefer_kind(key, candidate, self.loose[candidate]))
            if candidate in self.exact:
                return Match(tuple(sorted(self.exact[candidate])))
        names = {norm(n): n for n in self.frame["name"]}
        close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
        if not close:
            close = difflib.get_close_matches(short_form(key), list(names), n=3, cutoff=0.6)
        return Match((), tuple(names[c] for c in close))

    def _prefer_kind(self, key: str, short: str, codes: set[str]) -> tuple[str, ...]:
        """'NHS Somerset ICB' means the ICB, 'Somerset Council' the local authority: the kind words decide."""
        if len(codes) > 1:
            removed = set(key.split()) - set(short.split())
            level = "nhs" if removed & _NHS_WORDS else "la" if "council" in removed else ""
            if level:
                picked = {c for c in codes if self.level_of(c) == level}
                codes = picked or codes
        return tuple(sorted(codes))

    def describe(self, code: str) -> str:
        """'NHS Fife (NHS area)' and the like, for messages."""
        level = self.level_of(code)
        kind = str(self.by_code.at[code, "area_type"]) if code in self.by_code.index else level
        return f"{self.names.get(code, code)} ({kind}, {code})"


@lru_cache(maxsize=4)
def _table(path: str, mtime: float) -> AreaTable:
    p = Path(path)
    frame = io.read_lookup(p / "areas.csv")
    aliases = io.read_lookup(p / "area_aliases.csv")
    return AreaTable(frame, aliases)


def table(boundaries_dir: str | Path | None = None) -> AreaTable:
    """The area table of a boundaries folder (the bundled one by default), read once per file version."""
    from gapmap.settings import ROOT

    p = Path(boundaries_dir) if boundaries_dir else ROOT / "boundaries"
    f = p / "areas.csv"
    return _table(str(p), f.stat().st_mtime if f.exists() else 0.0)


def split_codes(text: str) -> list[str]:
    """'E06000001; E06000002' -> ['E06000001', 'E06000002'] (semicolons or commas)."""
    return [c.strip() for c in re.split(r"[;,]", text) if c.strip()]
