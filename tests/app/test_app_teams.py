"""The "Add teams" page through AppTest: the preview and the history follow an import and an undo, the import
button is disabled once the file is in, and the history reads in words, newest first."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")
NEW = b"name,latitude,longitude\nApp Test Team,53.48,-2.24\n"
ALREADY = "already holds a team with this name and location"


@pytest.fixture(autouse=True)
def own_database(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GAPMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'teams.db'}")
    monkeypatch.setenv("GAPMAP_EDITOR_PASSWORD", "open sesame")


# The seed batch is every row of the bundled list.
BUNDLED = len(list(csv.DictReader((ROOT / "data" / "teams.csv").open(encoding="utf-8"))))


def editor_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "teams"
    at.run()
    at.text_input(key="passphrase").input("open sesame").run()
    assert not at.exception and at.get("file_uploader")
    return at


def preview_text(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.code])


def history(at: AppTest):
    return at.dataframe[-1].value


def test_preview_and_history_follow_import_and_undo():
    at = editor_page()
    at.file_uploader(key="teams_upload").upload("new.csv", NEW, "text/csv")
    at.run()
    assert "1 row ready, 0 with problems" in preview_text(at)
    assert not at.button(key="confirm_import").disabled
    at.button(key="confirm_import").click().run()
    assert not at.exception
    assert any("added 1 team in batch 2" in s.value for s in at.success)
    # Read again after the import: the file's team is now in the database, and the button is spent.
    assert ALREADY in preview_text(at)
    assert at.button(key="confirm_import").disabled
    assert history(at)["Batch"].tolist()[0] == 2
    # Undo it from the page: the preview no longer says the team is in the database.
    at.selectbox(key="undo_batch").set_value(2).run()
    at.checkbox(key="undo_sure").check().run()
    at.button(key="undo").click().run()
    assert not at.exception
    assert any("Undid batch 2: 1 team removed" in s.value for s in at.success)
    assert ALREADY not in preview_text(at) and "1 row ready, 0 with problems" in preview_text(at)
    h = history(at)
    assert h["Batch"].tolist() == [3, 2, 1] and h["Kind"].tolist() == ["undo", "import", "seed"]
    assert h.loc[h["Batch"] == 2, "Undone"].iloc[0].endswith("UTC (batch 3)")
    assert at.selectbox(key="undo_batch").value is None  # nothing chosen for the next undo


def test_a_new_file_enables_the_import_again():
    at = editor_page()
    at.file_uploader(key="teams_upload").upload("new.csv", NEW, "text/csv")
    at.run()
    at.button(key="confirm_import").click().run()
    assert at.button(key="confirm_import").disabled
    other = b"name,latitude,longitude\nAnother App Team,51.5,-0.12\n"
    at.file_uploader(key="teams_upload").upload("other.csv", other, "text/csv")
    at.run()
    assert not at.button(key="confirm_import").disabled


def test_history_reads_in_words_newest_first():
    at = editor_page()
    h = history(at)
    assert list(h.columns) == [
        "Batch",
        "Kind",
        "Teams added",
        "Rows rejected",
        "When",
        "File",
        "By",
        "Undone",
        "Details",
    ]
    assert not any("_" in c for c in h.columns)  # no raw column names such as undone_by
    seed = h.iloc[0]
    assert (seed["Batch"], seed["Kind"], seed["Teams added"], seed["File"]) == (
        1,
        "seed",
        BUNDLED,
        "teams.csv",
    )
    assert seed["Undone"] == "" and seed["When"].endswith("UTC")
    assert str(seed["Teams added"]) == str(BUNDLED)  # a whole number, never 41.0


def test_the_preview_notes_a_missing_evidence_year():
    at = editor_page()
    at.file_uploader(key="teams_upload").upload("new.csv", NEW, "text/csv")
    at.run()
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "1 team had no evidence_year: set to their established year (0) or this year" in captions
