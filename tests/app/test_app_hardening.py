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


def test_the_guess_limit_holds_across_fresh_sessions():
    """Ten fresh sessions, two wrong guesses each: the server-wide limit (kept in the teams database) refuses
    every try by the 20th, and a new session's right passphrase is refused too, unchecked."""
    messages = []
    for session in range(10):
        at = teams_page()
        for guess in range(2):
            at.text_input(key="passphrase").input(f"guess {session}-{guess}").run()
            messages.append(at.error[0].value if at.error else "")
    assert messages[0] == "That passphrase is not right."
    assert messages[-1].startswith("Too many wrong passphrases from your network address")
    assert (
        sum(m.startswith("Too many wrong passphrases from") for m in messages) == 20 - state.CLIENT_LOCK_AFTER
    )
    late = teams_page()
    late.text_input(key="passphrase").input("open sesame").run()
    assert not late.get("file_uploader") and late.error[0].value.startswith("Too many wrong passphrases")


def test_the_guess_limit_counts_per_client_and_overall_and_lifts_after_its_window(tmp_path: Path):
    from gapmap.settings import Settings
    from gapmap.teams.store import Store

    store = Store(Settings(database_url=f"sqlite:///{tmp_path / 'g.db'}"), seed=False)
    limit = state.GuessLimit()
    for i in range(state.CLIENT_LOCK_AFTER):
        store.record_attempt("10.0.0.1", False, at=1000.0 + i)
    assert limit.refusal(*store.failed_attempts("10.0.0.1", limit.since(1100.0))).startswith(
        "Too many wrong passphrases from your network address"
    )
    assert limit.refusal(*store.failed_attempts("10.0.0.2", limit.since(1100.0))) == ""  # another address
    for i in range(state.SERVER_LOCK_AFTER - state.CLIENT_LOCK_AFTER):
        store.record_attempt(f"10.0.1.{i}", False, at=1100.0 + i)
    assert "locked for everyone" in limit.refusal(*store.failed_attempts("10.0.0.2", limit.since(1200.0)))
    # A right passphrase clears its own address's count, not the server's.
    store.record_attempt("10.0.0.1", True, at=1200.0)
    assert store.failed_attempts("10.0.0.1", limit.since(1201.0)) == (0, state.SERVER_LOCK_AFTER)
    # An hour after the last wrong try, everything has aged out.
    assert store.failed_attempts("10.0.0.2", limit.since(1100.0 + state.GUESS_WINDOW_S + 60)) == (0, 0)


def test_an_upload_over_the_limit_gets_gapmaps_message_in_gapmaps_unit(monkeypatch):
    """One limit, one unit: the app refuses an over-size survey with the same words as the CLI (MB = 1,000,000
    bytes, as Streamlit counts them), before reading it; Streamlit's own cap is set well above gapmap's."""
    import tomllib

    from gapmap.settings import Settings

    monkeypatch.setenv("GAPMAP_MAX_FILE_MB", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["source"] = "upload"
    at.query_params["indicator"] = "respondents"
    at.run()
    data = (ROOT / "data" / "sample_survey.csv").read_bytes()
    body = data.split(b"\n", 1)[1]
    big = data + body * ((1_000_001 - len(data)) // len(body) + 1)
    assert 1_000_000 < len(big) < 1024 * 1024  # over 1 MB, under 1 MiB: the unit matters
    at.file_uploader(key="survey_upload").upload("big.csv", big, "text/csv")
    at.run()
    shown = " ".join(e.value for e in [*at.error, *at.markdown, *at.code])
    assert "Expected a file of at most 1 MB; big.csv is" in shown, shown[:500]
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] > Settings().max_file_mb
