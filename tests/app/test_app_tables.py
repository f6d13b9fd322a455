"""The app's tables read whole at 1366×768: the change tables name only the waves that hide an area (their heading
says the rest), intervals state their unit once, and the profile's table wraps its cells (st.table), so no title and
no "synthetic sample" label is clipped."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.test_app import run


def _change_table(at: AppTest):
    return next(d.value for d in at.dataframe if "Flag" in d.value.columns)


def test_the_change_tables_suppressed_column_names_only_the_waves():
    at = run({"indicator": "referrals_age_2_or_under", "wave": "bundled"})
    assert not at.exception
    table = _change_table(at)
    hidden = set(table["Suppressed"]) - {""}
    assert hidden and hidden <= {"2021", "2024 (synthetic)", "both"}
    assert "both" in hidden  # East Midlands: too few responses in either wave
    shown = table.loc[table["Flag"] != "", "95% interval"]
    assert shown.str.fullmatch(r"[+-]\d+\.\d to [+-]\d+\.\d points").all()


def test_the_profiles_change_table_says_both_where_both_waves_hide_it():
    at = run({"page": "profile", "area": "Cardiff"})
    at.toggle(key="profile_wave2").set_value(True).run()
    assert not at.exception
    table = _change_table(at)
    assert set(table["Suppressed"]) == {"both"}  # Cardiff has too few responses in both waves


def test_the_profile_table_wraps_and_keeps_the_data_label_whole():
    at = run({"page": "profile", "area": "Cardiff"})
    assert not at.exception
    table = at.table[0].value
    assert {"Indicator", "Data", "Suppressed"} <= set(table.columns)
    assert set(table["Data"]) == {"synthetic sample", "real \\(sourced\\)"}  # Markdown, escaped as shown
