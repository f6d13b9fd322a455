"""The "Add teams" page (analysts, ``?page=teams``): upload, preview every row's problems, confirm; history, undo.

Only editors write: a passphrase from GAPMAP_EDITOR_PASSWORD or Streamlit secrets, rate-limited per session and
server-wide (by client address and overall, counted in the teams database: ``gapmap.app.state.GuessLimit``).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import pandas as pd
import streamlit as st

from gapmap import safetext
from gapmap.app import state, views
from gapmap.app.pages import common
from gapmap.present import tables
from gapmap.problems import InputError, format_issues
from gapmap.teams.store import Store


def _has_secrets() -> bool:
    try:
        return bool(len(st.secrets))
    except Exception:  # no secrets.toml: Streamlit raises rather than returning empty
        return False


def _client() -> str:
    """The client's network address as Streamlit sees it ('' where it cannot tell, e.g. in AppTest)."""
    try:
        address = st.context.ip_address
    except Exception:  # no request context
        return ""
    return address if isinstance(address, str) else ""  # AppTest gives a stand-in object: one unknown client


def _gate(expected: str, store: Store) -> None:
    """Ask for the passphrase. Server-wide (by client address and overall, counted in the teams database) a locked
    limit refuses every try; per session a few free tries, then a doubling wait, then the session is locked."""
    gate = st.session_state.setdefault("editor_gate", state.Gate())
    if gate.locked:
        st.error(state.LOCKED_MESSAGE)
        return
    given = st.text_input("Editor passphrase", type="password", key="passphrase")
    # Count a try once, when the passphrase changes, not on every rerun of the page.
    if given and given != st.session_state.get("gate_last_try"):
        now = time.monotonic()
        if now >= gate.wait_until:  # compared now: not again until the passphrase changes
            st.session_state["gate_last_try"] = given
        client, wall = _client(), time.time()
        limit = state.GuessLimit()
        refused = limit.refusal(*store.failed_attempts(client, limit.since(wall)))
        if refused:
            common.log.warning("editor passphrase refused unchecked: server-wide limit (client %r)", client)
            st.session_state["gate_message"] = refused
        else:
            checked = now >= gate.wait_until and not gate.locked
            ok, message = gate.attempt(given, expected, now)
            if checked:
                store.record_attempt(client, ok, wall)
            if ok:
                st.session_state["editor"] = True
                st.rerun()
            common.log.warning(
                "wrong editor passphrase (%d in this session, client %r)", gate.failures, client
            )
            st.session_state["gate_message"] = message
    if st.session_state.get("gate_message"):
        st.error(st.session_state["gate_message"])


def _upload_id(upload: Any) -> str:
    """Which file was chosen: a new choice (even of the same file again) gets a new id from Streamlit."""
    file_id = getattr(upload, "file_id", None)
    return str(file_id) if file_id else f"{upload.name}:{hashlib.sha256(upload.getvalue()).hexdigest()}"


def _done(message: str, **reset: object) -> None:
    """Keep a success message over a rerun and rerun, so the preview and the history read the store again."""
    st.session_state["teams_done"] = message
    st.session_state.update(reset)
    st.rerun()


def _import(store: Store) -> None:
    upload = st.file_uploader("Teams CSV", type=["csv"], key="teams_upload")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        checked = store.preview(upload.name, data=data)  # against the teams in the database now
    except InputError as exc:
        common.show_problems(exc)
        return
    chosen = _upload_id(upload)
    done = st.session_state.get("teams_imported") == chosen
    if done:
        st.info("This file has been imported. Choose another file to import more.")
    st.write(f"{safetext.count(len(checked.records), 'row')} ready, {len(checked.rejected):,} with problems.")
    if checked.issues:
        st.code(format_issues(checked.issues, with_values=True), language=None, wrap_lines=True)
    for note in checked.notes:
        st.caption(safetext.markdown(f"Note: {note}"))
    if not len(checked.records) and not done:
        return
    if len(checked.records):
        st.dataframe(
            views.teams_preview(checked.records), hide_index=True, column_config=common.NUMBER_COLUMNS
        )
    label = (
        "Imported"
        if done
        else f"Add {safetext.count(len(checked.records), 'team')}"
        + (" and skip the rest" if checked.issues else "")
    )
    if st.button(label, type="primary", key="confirm_import", disabled=done or not len(checked.records)):
        try:
            result = store.import_file(
                upload.name, data=data, by="app editor", skip_invalid=bool(checked.issues)
            )
        except InputError as exc:
            common.show_problems(exc)
            return
        _done(result.summary(), teams_imported=chosen)


def _undo(store: Store, h: pd.DataFrame) -> None:
    undoable = h.loc[h["kind"].isin(["import", "seed"]) & h["undone_at"].isna(), "id"].tolist()
    if not undoable:
        return
    rows: dict[int, dict[Any, Any]] = {int(r["id"]): r for r in h.to_dict("records")}

    def describe(b: int) -> str:
        r = rows[int(b)]
        return safetext.visible(
            f"batch {b}: {r['kind']} of {safetext.count(int(r['rows_added']), 'team')}, {r['created_at']}"
            + (f", {r['file_name']}" if r["file_name"] else "")
        )

    # Nothing is preselected: undoing the seed batch would take every bundled team off the map.
    batch = st.selectbox(
        "Undo a batch", undoable, index=None, format_func=describe, key="undo_batch", placeholder="Choose"
    )
    if batch is None:
        return
    sure = st.checkbox(
        f"Yes, take the {safetext.count(int(rows[int(batch)]['rows_added']), 'team')} of {describe(batch)} off the map",
        key="undo_sure",
    )
    if st.button("Undo this batch", key="undo", disabled=not sure):
        try:
            n = store.undo(int(batch), by="app editor")
        except InputError as exc:
            common.show_problems(exc)
            return
        # The undone batch leaves the choices; the next undo starts from nothing chosen and unconfirmed.
        st.session_state["teams_reset_undo"] = True
        _done(f"Undid batch {batch}: {safetext.count(n, 'team')} removed from the map (kept in history).")


def page() -> None:
    common.page_style()
    store = common.get_store(common.settings().teams_db_url)
    st.title("Add teams")
    expected = state.editor_password(dict(st.secrets) if _has_secrets() else None)
    if not expected:
        st.info(
            "Read-only: no editor passphrase is configured (GAPMAP_EDITOR_PASSWORD or Streamlit secrets)."
        )
    elif not st.session_state.get("editor"):
        _gate(expected, store)
    editor = bool(expected) and bool(st.session_state.get("editor"))
    if editor:
        st.success("You can add teams.")
        if st.session_state.pop("teams_reset_undo", False):
            for key in ("undo_batch", "undo_sure"):
                st.session_state.pop(key, None)
        if st.session_state.get("teams_done"):
            st.success(st.session_state.pop("teams_done"))
        _import(store)
    st.subheader("Import history")
    history = store.history()
    st.dataframe(tables.history_table(history), hide_index=True, width="stretch")
    if editor:
        _undo(store, history)
