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
