"""Every setting gapmap reads, in one typed table with help text, overridable by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from gapmap.problems import InputError, Issue

SECOND_WAVE_FILE = "sample_survey_wave2.csv"  # the bundled synthetic second wave


def _repo_root() -> Path:
    # An editable install (the README's command) keeps data/ and boundaries/ beside src/.
    here = Path(__file__).resolve().parents[2]
    if (here / "data").is_dir() and (here / "boundaries").is_dir():
        return here
    return Path.cwd()


ROOT = _repo_root()

# Lowest minimum base a user may choose: below 5 responses, an area's answers could identify a person
# (the usual small-number rule in NHS statistical disclosure control).
MIN_BASE_FLOOR = 5

# The two levels OHID Fingertips compares areas with their benchmark at.
COMPARISON_LEVELS = (0.95, 0.998)


@dataclass(frozen=True)
class Settings:
    """gapmap settings. Each field's ``metadata['help']`` is its documentation; ``metadata['env']`` its variable.

    >>> Settings().min_base
    10
    """

    min_base: int = field(
        default=10,
        metadata={
            "env": "GAPMAP_MIN_BASE",
            "help": "Areas with fewer responses than this are suppressed everywhere (never below 5).",
        },
    )
    protection: float = field(
        default=0.1,
        metadata={
            "env": "GAPMAP_PROTECTION",
            "help": "Share of its range a suppressed value stays uncertain by for anyone combining every table "
            "(0.1: a hidden share cannot be pinned closer than ±10 points, a mean than ±0.4 on 1-5); 0.01 to 0.5.",
        },
    )
    confidence: float = field(
        default=0.95,
        metadata={"env": "GAPMAP_CONFIDENCE", "help": "Confidence level of every interval (0.5 to 0.999)."},
    )
    comparison_level: float = field(
        default=0.95,
        metadata={
            "env": "GAPMAP_COMPARISON_LEVEL",
            "help": "Level of the interval that decides 'better/similar/worse than the UK': 0.95 or 0.998 "
            "(as OHID Fingertips).",
        },
    )
    palette: str = field(
        default="YlGnBu",
        metadata={
            "env": "GAPMAP_PALETTE",
            "help": "ColorBrewer sequential palette for choropleths (colour-blind safe: YlGnBu, Blues, Purples).",
        },
    )
    data_dir: Path = field(
        default=ROOT / "data",
        metadata={
            "env": "GAPMAP_DATA_DIR",
            "help": "Folder of the bundled data files (survey sample, teams).",
        },
    )
    boundaries_dir: Path = field(
        default=ROOT / "boundaries",
        metadata={"env": "GAPMAP_BOUNDARIES_DIR", "help": "Folder of the bundled boundary files."},
    )
    database_url: str = field(
        default="",
        metadata={
            "env": "GAPMAP_DATABASE_URL",
            "help": "SQLAlchemy URL of the teams database; empty means sqlite:///<data_dir>/teams.db.",
        },
    )

    # Limits on what a file may hold, so a hostile or broken upload is refused quickly with a clear message
    # instead of taking minutes and gigabytes. Each is checked before the work it bounds.
    max_file_mb: int = field(
        default=50,
        metadata={
            "env": "GAPMAP_MAX_FILE_MB",
            "help": "Largest survey or teams file read, in megabytes (1,000,000 bytes), in the app too.",
        },
    )
    max_rows: int = field(
        default=200_000,
        metadata={
            "env": "GAPMAP_MAX_ROWS",
            "help": "Most rows read from one file, blank ones included (header not counted).",
        },
    )
    max_cells_per_row: int = field(
        default=1_000,
        metadata={"env": "GAPMAP_MAX_CELLS_PER_ROW", "help": "Most cells (columns) in one row of a file."},
    )
    max_cell_chars: int = field(
        default=32_767,  # Excel's own limit on the characters in one cell
        metadata={
            "env": "GAPMAP_MAX_CELL_CHARS",
            "help": "Most characters in one cell (Excel's own limit is 32,767).",
        },
    )
    max_xlsx_expanded_mb: int = field(
        default=200,
        metadata={
            "env": "GAPMAP_MAX_XLSX_EXPANDED_MB",
            "help": "Largest uncompressed size of an XLSX workbook, checked before it is read (a zip bomb guard).",
        },
    )

    @property
    def survey_path(self) -> Path:
        return self.data_dir / "sample_survey.csv"

    @property
    def second_wave_path(self) -> Path:
        """The bundled synthetic second wave (scripts/make_second_wave.py)."""
        return self.data_dir / SECOND_WAVE_FILE

    @property
    def boundaries_path(self) -> Path:
        """Print boundaries of the default level (nations and English regions)."""
        return self.level_path("region")

    def level_path(self, level: str) -> Path:
        """Print boundaries of one geography level (``boundaries/levels/<level>.geojson``)."""
        return self.boundaries_dir / "levels" / f"{level}.geojson"

    @property
    def teams_db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'teams.db'}"

    def check(self) -> Settings:
        """Return self, or raise InputError listing every out-of-range setting."""
        problems: list[Issue] = []
        if self.min_base < MIN_BASE_FLOOR:
            problems.append(
                Issue(
                    None,
                    "min_base",
                    str(self.min_base),
                    f"Expected a minimum base of at least {MIN_BASE_FLOOR}; found {self.min_base}. "
                    f"Fix: choose {MIN_BASE_FLOOR} or more (the default is 10).",
                )
            )
        if not 0.01 <= self.protection <= 0.5:
            problems.append(
                Issue(
                    None,
                    "protection",
                    str(self.protection),
                    f"Expected a protection share between 0.01 and 0.5; found {self.protection}. "
                    "Fix: use 0.1 (the default): hidden values stay uncertain by ±10% of their range.",
                )
            )
        if not 0.5 <= self.confidence <= 0.999:
            problems.append(
                Issue(
                    None,
                    "confidence",
                    str(self.confidence),
                    "Expected a confidence level between 0.5 and 0.999; "
                    f"found {self.confidence}. Fix: use 0.95 for 95% intervals.",
                )
            )
        if self.comparison_level not in COMPARISON_LEVELS:
            problems.append(
                Issue(
                    None,
                    "comparison_level",
                    str(self.comparison_level),
                    f"Expected a comparison level of 0.95 or 0.998; found {self.comparison_level}. "
                    "Fix: use 0.95 (the default) or 0.998 for the stricter Fingertips test.",
                )
            )
        for name in (
            "max_file_mb",
            "max_rows",
            "max_cells_per_row",
            "max_cell_chars",
            "max_xlsx_expanded_mb",
        ):
            value = getattr(self, name)
            if value < 1:
                problems.append(
                    Issue(
                        None,
                        name,
                        str(value),
                        f"Expected {name} to be at least 1; found {value}. Fix: unset it to use the default.",
                    )
                )
        if problems:
            raise InputError(problems)
        return self


def settings_help() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, help) for every setting, as the README documents them."""
    rows = []
    for f in fields(Settings):
        default = f.default
        if isinstance(default, Path):
            default = str(default.relative_to(ROOT)) if default.is_relative_to(ROOT) else str(default)
        rows.append((f.name, f.metadata["env"], str(default), f.metadata["help"]))
    return rows


def from_env(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from defaults, then ``GAPMAP_*`` variables, then keyword overrides; checked."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    problems: list[Issue] = []
    for f in fields(Settings):
        raw = env.get(f.metadata["env"])
        if raw is None or raw == "":
            continue
        try:
            if f.type in ("bool", bool):
                if raw.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError
                values[f.name] = raw.lower() in ("1", "true", "yes", "on")
            elif f.type in ("int", int):
                values[f.name] = int(raw)
            elif f.type in ("float", float):
                values[f.name] = float(raw)
            elif f.type in ("Path", Path):
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw
        except ValueError:
            problems.append(
                Issue(
                    None, f.metadata["env"], raw, f"Expected a number for {f.metadata['env']}; found {raw!r}."
                )
            )
    if problems:
        raise InputError(problems)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(Settings(), **values).check()  # type: ignore[arg-type]
