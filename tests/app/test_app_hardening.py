"""The app's editor gate is rate-limited per session, and errors reach users without connection details."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gapmap.app import state
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def own_database(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GAPMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'teams.db'}")
    monkeypatch.setenv("GAPMAP_EDITOR_PASSWORD", "open sesame")


def teams_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "teams"
    return at.run()


def test_wrong_passphrases_bring_a_wait_and_even_the_right_one_is_refused_meanwhile():
    at = teams_page()
    for guess in ("one", "two", "three"):
        at.text_input(key="passphrase").input(guess).run()
    at.text_input(key="passphrase").input("open sesame").run()
    errors = [e.value for e in at.error]
    assert (errors, bool(at.get("file_uploader"))) == (
        ["Too many wrong passphrases: wait 5 s before trying again."],
        False,
    )


def test_rerunning_the_page_does_not_count_as_another_try():
    at = teams_page()
    at.text_input(key="passphrase").input("wrong").run()
    for _ in range(5):
        at.run()
    assert at.session_state["editor_gate"].failures == 1


def test_the_session_locks_after_ten_wrong_passphrases():
    gate = state.Gate()
    now = 0.0
    messages = []
    for i in range(state.GATE_LOCK_AFTER):
        now = max(now, gate.wait_until)
        messages.append(gate.attempt(f"guess {i}", "open sesame", now)[1])
    assert (messages[-1], gate.attempt("open sesame", "open sesame", now + 10_000)[0]) == (
        state.LOCKED_MESSAGE,
        False,
    )


def test_waits_grow():
    gate = state.Gate()
    waits = []
    for i in range(8):
        gate.attempt(f"g{i}", "secret", gate.wait_until)
        waits.append(gate.delay())
    assert waits == [0, 0, 5, 10, 20, 40, 80, 160]


def test_a_database_error_shows_no_host_port_or_password(monkeypatch):
    monkeypatch.setenv("GAPMAP_DATABASE_URL", "postgresql+psycopg://gapmap:hunter2@127.0.0.1:1/gapmap")
    at = AppTest.from_file(APP, default_timeout=120).run()
    shown = " ".join(str(e.value) for e in [*at.error, *at.exception, *at.markdown, *at.caption, *at.info])
    assert (
        "teams database is not available" in shown,
        [w for w in ("127.0.0.1", "hunter2", "port", "5432", ":1") if w in shown],
    ) == (True, [])
