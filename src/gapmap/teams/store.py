"""The teams database (SQLAlchemy: embedded SQLite by default, PostgreSQL for shared use): batches, undo, history.

Every import is one transaction and one recorded batch; writers are serialised (SQLite BEGIN IMMEDIATE,
PostgreSQL table lock), so parallel imports both land in full and a killed import leaves nothing behind. A batch's
rows are loaded in bulk through the driver (COPY on PostgreSQL, one executemany on SQLite), not row by row.

This module is long because the schema, the two writing transactions (the first use's seed and an import),
undo and the bulk load share one lock and are best read together; an import's preview (the app's, and
``gapmap teams import --dry-run``) sits beside the import so the two check a file the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from gapmap.files import io, output
from gapmap.problems import InputError, Issue
from gapmap.safetext import count
from gapmap.settings import Settings
from gapmap.teams import validate

metadata = sa.MetaData()

batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # seed, import, remove, undo
    sa.Column("file_name", sa.Text, nullable=False, default=""),
    sa.Column("file_sha256", sa.String(64), nullable=False, default=""),
    sa.Column("by", sa.Text, nullable=False, default=""),
    sa.Column("rows_added", sa.Integer, nullable=False, default=0),
    sa.Column("rows_rejected", sa.Integer, nullable=False, default=0),
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("undone_at", sa.String(32)),
    sa.Column("undone_by", sa.Integer),
)

team_table = sa.Table(
    "teams",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False, index=True),
    *[
        sa.Column(
            f,
            sa.Float
            if f in ("latitude", "longitude")
            else sa.Integer
            if f in ("established", "evidence_year", "closed")
            else sa.Text,
        )
        for f in validate.RECORD_FIELDS
    ],
    sa.Column("dedupe_key", sa.Text, nullable=False, index=True),
    sa.Column("removed_at", sa.String(32)),
    sa.Column("removed_by", sa.Integer),
)

# Every editor passphrase tried in the app, right or wrong, by client address: the server-wide guess limit
# (gapmap.app.state.GuessLimit) counts them here, so it holds across sessions, restarts and server processes.
attempts = sa.Table(
    "editor_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),  # seconds since the epoch
    sa.Column("client", sa.Text, nullable=False, default=""),
    sa.Column("ok", sa.Boolean, nullable=False),
)


class DatabaseUnavailable(InputError):
    """The teams database cannot be opened. The CLI shows the problem (password hidden); the app, shared by many
    people, says only that the database is unavailable and logs the details."""


def _bad_url(url: str, reason: str) -> Issue:
    """The problem with a database URL that cannot be opened (its password never shown)."""
    try:
        shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        shown = url
    return Issue(
        None,
        "--database",
        shown,
        f"Expected a teams database that can be opened, such as sqlite:///data/teams.db or "
        f"postgresql://user@host/dbname; found '{shown}' ({reason}). Fix: check --database or GAPMAP_DATABASE_URL.",
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per URL. SQLite gets a busy timeout and BEGIN IMMEDIATE so writers queue instead of failing."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            folder = Path(path).parent
            if (
                not folder.parent.is_dir()
            ):  # make data/ beside the project, never a chain of folders from a typo
                raise DatabaseUnavailable([_bad_url(url, f"there is no folder {folder.parent}")])
            folder.mkdir(exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 120}, poolclass=sa.pool.NullPool)

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = (
                None  # let us issue BEGIN ourselves (pysqlite's own BEGIN is deferred)
            )
            dbapi_conn.execute("PRAGMA foreign_keys=ON")
            # An import's rows wait in a temporary table: keep it in memory, and give the index updates of a
            # large batch room (the default 2 MB cache makes them spill to disk). Both are only ever used as needed.
            dbapi_conn.execute("PRAGMA temp_store=MEMORY")
            dbapi_conn.execute("PRAGMA cache_size=-65536")

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


@contextmanager
def _pending_files() -> Iterator[list[output.Pending]]:
    """Files prepared inside a transaction; discarded if it fails, so a failed import writes nothing."""
    held: list[output.Pending] = []
    try:
        yield held
    except BaseException:
        for pending in held:
            pending.discard()
        raise


def _new_batch(conn: Connection, **values: object) -> int:
    """Record one batch (import, seed, remove or undo) and return its id."""
    result = conn.execute(batches.insert().values(created_at=_now(), **values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE teams, batches IN SHARE ROW EXCLUSIVE MODE")


@dataclass
class ImportResult:
    batch_id: int | None
    added: int
    rejected: int
    issues: list[Issue]
    notes: list[str]
    rejects_path: Path | None = None

    def summary(self) -> str:
        text = f"added {count(self.added, 'team')}"
        if self.batch_id is not None:
            text += f" in batch {self.batch_id}"
        if self.rejected:
            text += f"; rejected {count(self.rejected, 'row')}"
            if self.rejects_path:
                text += f", written with reasons to {self.rejects_path}"
        return text + "."


class Store:
    """The teams store at one database URL; created (and seeded with data/teams.csv) on first use.

    >>> import tempfile, os
    >>> s = Store(Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db")))
    >>> len(s.list_teams(include_closed=True)), len(s.list_teams())
    (40, 39)
    """

    def __init__(self, settings: Settings, url: str | None = None, seed: bool = True):
        self.settings = settings
        self.url = url or settings.teams_db_url
        try:
            self.engine = engine_for(self.url)
            self._ensure_schema()
        except (sa.exc.ArgumentError, sa.exc.DBAPIError, ImportError, OSError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise DatabaseUnavailable([_bad_url(self.url, reason)]) from None
        # PostgreSQL's integer is 32-bit; SQLite's 64-bit: an id beyond the column is refused, not sent.
        self.max_id = 2**31 - 1 if self.engine.dialect.name == "postgresql" else MAX_ID
        if seed:
            self._seed()

    def _ensure_schema(self) -> None:
        try:
            metadata.create_all(self.engine)
        except sa.exc.DatabaseError:
            metadata.create_all(self.engine)  # another process created the tables between check and create
        # Databases made before a column existed get it added (nullable, so old rows read as unknown).
        have = {c["name"] for c in sa.inspect(self.engine).get_columns("teams")}
        for col in team_table.columns:
            if col.name not in have:
                kind = col.type.compile(dialect=self.engine.dialect)
                with self.engine.begin() as conn:
                    conn.exec_driver_sql(f'ALTER TABLE teams ADD COLUMN "{col.name}" {kind}')

    def _seed(self) -> None:
        path = self.settings.data_dir / "teams.csv"
        if not path.exists():
            return
        with self.engine.connect() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(batches)).scalar_one():
                return  # the usual case, answered without waiting for the writers' lock
        table = io.read_table(path, None, self.settings)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        # Under the writers' lock from the emptiness check to the commit: parallel first uses (eight imports
        # into a new database) seed once, and none validates the bundled list against another's seed.
        with self.engine.begin() as conn:
            _lock(conn)
            if conn.execute(sa.select(sa.func.count()).select_from(batches)).scalar_one():
                return
            checked = validate.check(table, self.settings, set(), None, trust_location_basis=True)
            if checked.issues:
                raise InputError(checked.issues)
            records = checked.records
            keys = checked.keys
            if keys is None:
                keys = validate.dedupe_keys(records["name"], records["latitude"], records["longitude"])
            batch_id = _new_batch(
                conn,
                kind="seed",
                file_name=path.name,
                file_sha256=digest,
                by="gapmap (bundled list)",
                rows_added=len(records),
            )
            _insert(conn, batch_id, records, keys)

    # -- writing ---------------------------------------------------------------------------------------------

    def record_attempt(self, client: str, ok: bool, at: float) -> None:
        """Note one editor passphrase try (never the passphrase itself)."""
        with self.engine.begin() as conn:
            conn.execute(attempts.insert().values(at=at, client=client[:200], ok=ok))

    def failed_attempts(self, client: str, since: float) -> tuple[int, int]:
        """Wrong passphrases since ``since``: (from this client, after its last right one; from every client)."""
        with self.engine.connect() as conn:
            last_ok = conn.execute(
                sa.select(sa.func.max(attempts.c.at)).where(
                    attempts.c.client == client, attempts.c.ok.is_(True), attempts.c.at >= since
                )
            ).scalar_one()
            mine = conn.execute(
                sa.select(sa.func.count())
                .select_from(attempts)
                .where(
                    attempts.c.client == client,
                    attempts.c.ok.is_(False),
                    attempts.c.at >= max(since, last_ok or since),
                )
            ).scalar_one()
            every = conn.execute(
                sa.select(sa.func.count())
                .select_from(attempts)
                .where(attempts.c.ok.is_(False), attempts.c.at >= since)
            ).scalar_one()
        return int(mine), int(every)

    def import_file(
        self,
        path: str | Path,
        *,
        data: bytes | None = None,
        by: str = "",
        skip_invalid: bool = False,
        rejects: str | Path | None = None,
        postcode_file: str | Path | None = None,
        kind: str = "import",
        trust_location_basis: bool = False,
    ) -> ImportResult:
        """Validate, geocode and add a CSV of teams as one batch; all-or-nothing unless ``skip_invalid``."""
        path = Path(path)
        if rejects:
            output.check_writable(
                rejects
            )  # before anything is committed: a bad --rejects path changes nothing
        raw = data if data is not None else path.read_bytes() if path.is_file() else None
        table = io.read_table(path, raw, self.settings)
        digest = hashlib.sha256(raw or b"").hexdigest()
        seen_batch, existing = self._snapshot()
        year = import_year() if kind == "import" else None
        checked = validate.check(table, self.settings, existing, postcode_file, trust_location_basis, year)
        if checked.issues and not skip_invalid:
            raise InputError(checked.issues)
        with _pending_files() as held, self.engine.begin() as conn:
            _lock(conn)
            # Re-check duplicates against what concurrent imports committed since validation: only batches
            # recorded after the snapshot can hold them (writers are serialised, so ids commit in order).
            records = checked.records
            keys = checked.keys
            if keys is None:
                keys = validate.dedupe_keys(records["name"], records["latitude"], records["longitude"])
            since = {
                r[0]
                for r in conn.execute(
                    sa.select(team_table.c.dedupe_key).where(
                        team_table.c.batch_id > seen_batch, team_table.c.removed_at.is_(None)
                    )
                )
            }
            clash = keys.isin(since).to_numpy()
            issues = list(checked.issues)
            rejected = dict(checked.rejected)
            for row, name in zip(records["row"][clash], records["name"][clash], strict=True):
                msg = "Expected a new team; the database already holds a team with this name and location. Fix: delete the row."
                issues.append(Issue(int(row), "name", str(name), msg))
                rejected[int(row)] = [msg]
            if issues and not skip_invalid:
                raise InputError(sorted(issues, key=lambda i: i.row or 0))
            records, keys = records.loc[~clash], keys.loc[~clash]
            batch_id = _new_batch(
                conn,
                kind=kind,
                file_name=path.name,
                file_sha256=digest,
                by=by,
                rows_added=len(records),
                rows_rejected=len(rejected),
            )
            if len(records):
                _insert(conn, batch_id, records, keys)
            if rejects and rejected:
                # Written beside its target before the batch commits; renamed into place once it has.
                text = validate.rejects_text(checked, rejected)
                held.append(output.prepare(rejects, lambda tmp: tmp.write_text(text, encoding="utf-8")))
        rejects_path = held[0].commit() if held else None
        return ImportResult(
            int(batch_id),
            len(records),
            len(rejected),
            sorted(issues, key=lambda i: i.row or 0),
            checked.notes,
            rejects_path,
        )

    def preview(
        self, path: str | Path, *, data: bytes | None = None, postcode_file: str | Path | None = None
    ) -> validate.Checked:
        """What :meth:`import_file` would add, reject and note, against the teams now in the database; writes
        nothing (the app's preview and ``gapmap teams import --dry-run``)."""
        return preview(self.settings, path, self.active_keys(), data=data, postcode_file=postcode_file)

    def remove(self, team_id: int, by: str = "") -> int:
        """Mark a team removed (it stays in history); returns the batch that records the removal."""
        check_id(team_id, "ID", "Expected the id of a current team", "see 'gapmap teams list'", self.max_id)
        with self.engine.begin() as conn:
            _lock(conn)
            row = conn.execute(
                sa.select(team_table.c.name, team_table.c.removed_at).where(team_table.c.id == team_id)
            ).first()
            if row is None or row.removed_at is not None:
                state = "no such team" if row is None else "it was already removed"
                raise InputError(
                    [
                        Issue(
                            None,
                            "ID",
                            str(team_id),
                            f"Expected the id of a current team; {state}. Fix: see 'gapmap teams list'.",
                        )
                    ]
                )
            batch_id = _new_batch(conn, kind="remove", by=by, detail=f"removed team {team_id}: {row.name}")
            conn.execute(
                team_table.update()
                .where(team_table.c.id == team_id)
                .values(removed_at=_now(), removed_by=batch_id)
            )
        return int(batch_id)

    def undo(self, batch_id: int, by: str = "") -> int:
        """Undo an import batch: its teams are marked removed (kept in history). Returns how many."""
        check_id(
            batch_id, "BATCH", "Expected an import batch to undo", "see 'gapmap teams history'", self.max_id
        )
        with self.engine.begin() as conn:
            _lock(conn)
            b = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).first()
            if b is None or b.kind not in ("import", "seed") or b.undone_at is not None:
                state = (
                    "no such batch"
                    if b is None
                    else "it was already undone"
                    if b.undone_at
                    else f"it is a {b.kind} record"
                )
                raise InputError(
                    [
                        Issue(
                            None,
                            "BATCH",
                            str(batch_id),
                            f"Expected an import batch to undo; {state}. Fix: see 'gapmap teams history'.",
                        )
                    ]
                )
            undo_id = _new_batch(conn, kind="undo", by=by, detail=f"undid batch {batch_id}")
            n = conn.execute(
                team_table.update()
                .where(team_table.c.batch_id == batch_id, team_table.c.removed_at.is_(None))
                .values(removed_at=_now(), removed_by=undo_id)
            ).rowcount
            conn.execute(
                batches.update().where(batches.c.id == batch_id).values(undone_at=_now(), undone_by=undo_id)
            )
        return int(n)

    # -- reading ---------------------------------------------------------------------------------------------
    def _snapshot(self) -> tuple[int, set[str]]:
        """The last batch id, then the dedupe keys of current teams (read in that order: a batch committed in
        between has a later id, so the re-check inside the import's transaction sees it)."""
        with self.engine.connect() as conn:
            last = conn.execute(sa.select(sa.func.max(batches.c.id))).scalar_one()
        return int(last or 0), self.active_keys()

    def active_keys(self) -> set[str]:
        with self.engine.connect() as conn:
            return {
                r[0]
                for r in conn.execute(
                    sa.select(team_table.c.dedupe_key).where(team_table.c.removed_at.is_(None))
                )
            }

    def list_teams(
        self,
        known_by: int | None = None,
        include_removed: bool = False,
        include_closed: bool = False,
        include_commissioned: bool = False,
    ) -> pd.DataFrame:
        """Teams (id, batch_id and every record field) open now, or with ``known_by`` those with evidence by
        that year and open in it: established by then or with no established year, and not closed before it (a
        team that closed in June 2021 was open in 2021). ``gapmap trend`` counts each year by this rule. A
        ``commissioned`` team (contract awarded, not yet known to be operating) serves no one: it is listed only
        when asked for."""
        if (
            known_by is not None and not 0 <= known_by <= 9999
        ):  # a year; also keeps SQLite's integers in range
            raise InputError(
                [
                    Issue(
                        None,
                        "--known-by",
                        str(known_by),
                        f"Expected a year such as 2021; found {known_by}. Fix: give a four-digit year.",
                    )
                ]
            )
        q = sa.select(team_table).order_by(team_table.c.id)
        if not include_removed:
            q = q.where(team_table.c.removed_at.is_(None))
        if known_by is not None:  # known from evidence dated by then, and established by then (or undated)
            established = team_table.c.established
            q = q.where(team_table.c.evidence_year <= known_by)
            q = q.where(established.is_(None) | (established <= known_by))
        if not include_closed:
            closed = team_table.c.closed
            q = q.where(closed.is_(None) if known_by is None else (closed.is_(None) | (closed >= known_by)))
        if not include_commissioned:
            status = team_table.c.status
            q = q.where(status.is_(None) | (status != "commissioned"))  # rows stored before status: open
        with self.engine.connect() as conn:
            frame = pd.DataFrame(
                conn.execute(q).mappings().all(), columns=[c.name for c in team_table.columns]
            )
        frame["status"] = frame["status"].fillna("open").where(frame["closed"].isna(), "closed")
        for col in ("established", "evidence_year", "closed", "batch_id", "removed_by"):
            frame[col] = pd.to_numeric(frame[col]).astype("Int64")
        return frame.drop(columns=["dedupe_key"])

    def version(self) -> str:
        """Which teams are open now, as a short key: their number and the highest id among them.

        Ids only grow, rows are never deleted and a team's row never changes but for its removal, which is final:
        so two moments with the same key have the same open teams. Every import, removal and undo changes the key,
        and undoing an import brings back the key from before it, so the app's caches keyed on it stay valid
        across an import and its undo. One aggregate read, however many teams.

        >>> import tempfile, os
        >>> s = Store(Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db")))
        >>> s.version()
        '41:41'
        """
        with self.engine.connect() as conn:
            n, last = conn.execute(
                sa.select(sa.func.count(team_table.c.id), sa.func.max(team_table.c.id)).where(
                    team_table.c.removed_at.is_(None)
                )
            ).one()
        return f"{int(n)}:{int(last or 0)}"

    def history(self) -> pd.DataFrame:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(batches).order_by(batches.c.id)).mappings().all()
        return pd.DataFrame(rows, columns=[c.name for c in batches.columns])


def import_year() -> int:
    """The year an import is made: the ``evidence_year`` of a team whose file gives neither it nor ``established``."""
    return dt.datetime.now(dt.UTC).year


def preview(
    settings: Settings,
    path: str | Path,
    existing: set[str],
    *,
    data: bytes | None = None,
    postcode_file: str | Path | None = None,
) -> validate.Checked:
    """A teams file checked as an import would check it, against ``existing`` dedupe keys; writes nothing."""
    path = Path(path)
    raw = data if data is not None else path.read_bytes() if path.is_file() else None
    table = io.read_table(path, raw, settings)
    return validate.check(table, settings, existing, postcode_file, import_year=import_year())


def bundled_keys(settings: Settings) -> set[str]:
    """The dedupe keys of the bundled list (``data/teams.csv``): what a new database would hold once seeded."""
    path = settings.data_dir / "teams.csv"
    if not path.exists():
        return set()
    checked = validate.check(io.read_table(path, None, settings), settings, set(), trust_location_basis=True)
    return set(checked.keys.tolist()) if checked.keys is not None else set()


MAX_ID = 2**63 - 1  # the largest id SQLite can hold (PostgreSQL's integer ids: Store.max_id)


def check_id(value: int, column: str, expected: str, fix: str, maximum: int = MAX_ID) -> None:
    """InputError for an id no database row can have (0, negative, or beyond the id column: ``maximum``)."""
    if not 1 <= value <= maximum:
        raise InputError(
            [
                Issue(
                    None, column, str(value), f"{expected}; there is no {column.lower()} {value}. Fix: {fix}."
                )
            ]
        )


# Rows of one import, loaded in bulk before they are moved into teams (see _insert). Temporary: each connection
# has its own, and it is dropped before the transaction ends.
_import_rows = sa.Table(
    "import_rows",
    sa.MetaData(),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),  # file order, read back in order
    *[
        sa.Column(c.name, c.type)
        for c in team_table.columns
        if c.name in (*validate.RECORD_FIELDS, "dedupe_key")
    ],
    prefixes=["TEMPORARY"],
)


def _insert(conn: Connection, batch_id: int, records: pd.DataFrame, keys: pd.Series) -> None:
    """Add one batch's teams inside the import's transaction, in file order.

    The rows go into a temporary table in one bulk load through the driver (COPY on PostgreSQL, one
    executemany elsewhere: SQLAlchemy's per-row parameter handling would cost more than the rest of the
    import), then into teams with one INSERT … SELECT, a Core statement that SQLAlchemy's events and logs see
    like any other.
    """
    names = [c.name for c in _import_rows.columns]
    columns: dict[str, list[Any]] = {"seq": list(range(len(records))), "dedupe_key": keys.tolist()}
    for field in validate.RECORD_FIELDS:
        # Python values, None for missing (NaN and NA alike), as every driver takes them.
        columns[field] = records[field].to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload]
    _import_rows.create(conn)
    with closing(conn.connection.driver_connection.cursor()) as cursor:  # type: ignore[union-attr]
        if conn.dialect.driver == "psycopg":
            quote = conn.dialect.identifier_preparer.quote
            sql = f"COPY {quote(_import_rows.name)} ({', '.join(map(quote, names))}) FROM STDIN"
            with cursor.copy(sql) as copy:
                for row in zip(*(columns[n] for n in names), strict=True):
                    copy.write_row(row)
        else:
            insert = _import_rows.insert().compile(dialect=conn.dialect)
            order = list(insert.positiontup or names) if insert.positional else names
            rows = zip(
                *(columns[n] for n in order), strict=True
            )  # streamed to the driver, never held as a list
            named = (dict(zip(names, r, strict=True)) for r in rows)
            cursor.executemany(insert.string, rows if insert.positional else named)
    moved = names[1:]
    source = sa.select(sa.literal(batch_id, sa.Integer), *[_import_rows.c[n] for n in moved])
    conn.execute(team_table.insert().from_select(["batch_id", *moved], source.order_by(_import_rows.c.seq)))
    _import_rows.drop(conn)


def store_for(settings: Settings, url: str | None = None) -> Store:
    return Store(settings, url)
