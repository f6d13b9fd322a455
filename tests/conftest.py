from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from gapmap.settings import Settings
from gapmap.survey.validate import load_survey

DATA = Path(__file__).parent / "data"

# Tests never write the user's teams database: the default store is a throwaway SQLite file.
os.environ.setdefault("GAPMAP_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='gapmap-test-')}/teams.db")
ROOT = Path(__file__).resolve().parents[1]


def require(condition: bool, why: str) -> None:
    """Skip when a real component is missing, except on CI, where every test must run."""
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {why}")
        pytest.skip(why)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def sample(settings):
    return load_survey(settings=settings)


@pytest.fixture(scope="session")
def atlas_site(tmp_path_factory) -> Path:
    """The atlas of the bundled data, built once per test session by the command itself (about a minute)."""
    from gapmap.cli.main import main

    out = tmp_path_factory.mktemp("atlas") / "site"
    db = tmp_path_factory.mktemp("atlas-db") / "teams.db"
    old = os.environ.get("GAPMAP_DATABASE_URL")
    os.environ["GAPMAP_DATABASE_URL"] = f"sqlite:///{db}"  # a fresh store seeded from data/teams.csv
    try:
        assert main(["atlas", "build", str(out)]) == 0
    finally:
        if old is not None:
            os.environ["GAPMAP_DATABASE_URL"] = old
    return out
