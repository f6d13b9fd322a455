"""Plain helpers for the browser app: the view a URL describes, editor check, cached files. No Streamlit here."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import os
import subprocess
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from gapmap.geo.levels import LEVELS
from gapmap.measures.indicators import INDICATORS
from gapmap.present.ranking import SORTS, default_sort
from gapmap.settings import MIN_BASE_FLOOR
from gapmap.survey.questions import AGE_GROUP_BY_ID

MIN_BASE_MAX = 100  # the app's control goes no higher; a link asking for more gets this

FIRST_TEAM_YEAR = 1998  # OXPIP, the earliest evidence year in the bundled list


@dataclass(frozen=True)
class View:
    """Everything a shared link fixes: the same URL opens the same map."""

    indicator: str = "children_0_2_no_team"
    level: str = ""  # '' = the indicator's default level (NHS areas for coverage, regions for the survey)
    area: str = ""  # "find my area": a name, GSS code or postcode district
    age: str = "0-2"
    profession: str = ""
    min_base: int = 10
    known_by: int = 0  # 0 = any year
    source: str = "sample"  # 'sample' or 'upload'
    tiles: bool = False
    colour_by: str = "value"  # 'value' or 'comparison' (with the UK)
    comparison: str = "95"  # the comparison level in percent: '95' or '99.8' (as Fingertips)
    shape: str = "map"  # 'map' (real boundaries) or 'hex' (each area one hexagon of the same size)
    sort: str = ""  # the ranked chart's order (gapmap.present.ranking.SORTS); '' = the indicator's default
    wave: str = (
        ""  # a survey indicator compared with a second wave: '' none, 'bundled' the synthetic second wave
    )

    @classmethod
    def from_query(cls, query: dict[str, str]) -> View:
        """Read a query string leniently: a bad value falls back to the default (a link never breaks the app)."""
        d = cls()
        ind = query.get("indicator", d.indicator)
        age = query.get("age", d.age)

        def as_int(key: str, default: int) -> int:
            try:
                return int(query.get(key, default))
            except (TypeError, ValueError):
                return default

        known_by = as_int("known_by", 0)
        indicator = ind if ind in INDICATORS else d.indicator
        level = query.get("level", "")
        return cls(
            indicator=indicator,
            level=level if level in LEVELS and level != default_level(indicator) else "",
            area=str(query.get("area", ""))[:100],
            age=age if age in AGE_GROUP_BY_ID else d.age,
            profession=query.get("profession", ""),
            min_base=min(MIN_BASE_MAX, max(MIN_BASE_FLOOR, as_int("min_base", d.min_base))),
            known_by=known_by if FIRST_TEAM_YEAR <= known_by <= dt.date.today().year else 0,
            source=query.get("source", d.source) if query.get("source") in ("sample", "upload") else d.source,
            tiles=query.get("tiles", "0") == "1",
            colour_by=query.get("colour_by", d.colour_by)
            if query.get("colour_by") in COLOUR_BY
            else d.colour_by,
            comparison=query.get("comparison", d.comparison)
            if query.get("comparison") in COMPARISON_LEVELS
            else d.comparison,
            shape=query.get("shape", d.shape) if query.get("shape") in SHAPES else d.shape,
            sort=_sort(query.get("sort", ""), indicator),
            wave="bundled" if query.get("wave") == "bundled" else "",
        )

    def to_query(self) -> dict[str, str]:
        """Only what differs from the default, so links stay short."""
        d = View()
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value != getattr(d, f.name):
                out[f.name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return out

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def level_or_default(self) -> str:
        return self.level or default_level(self.indicator)

    def computed(self) -> View:
        """The part of the view its numbers and shapes depend on (a cache key): not the area zoomed to, the
        background, the chart's order or the second wave compared below the map.

        >>> View(area="Fife", tiles=True, level="nhs", sort="name", wave="bundled").computed() == View()
        True
        """
        from dataclasses import replace

        level = self.level if self.level != default_level(self.indicator) else ""
        return replace(self, area="", tiles=False, source="sample", level=level, sort="", wave="")

    @property
    def sort_or_default(self) -> str:
        """The ranked chart's order: the link's, else largest gap first for coverage and best first otherwise."""
        return self.sort or default_sort(self.indicator)

    @property
    def comparison_level(self) -> float:
        """The comparison level as Settings takes it (0.95 or 0.998)."""
        return COMPARISON_LEVELS[self.comparison]


COLOUR_BY = {"value": "value", "comparison": "compared with UK"}
SHAPES = {"map": "Map", "hex": "Hex"}  # the Map / Hex switch: real boundaries, or equal hexagons
COMPARISON_LEVELS = {"95": 0.95, "99.8": 0.998}  # percent in the URL -> Settings.comparison_level


def _sort(value: str, indicator_id: str) -> str:
    """A link's order if it is one of SORTS and not the indicator's default (links stay short), else ''."""
    return value if value in SORTS and value != default_sort(indicator_id) else ""


def default_level(indicator_id: str) -> str:
    """Where an indicator opens: survey answers by nation and region (as the survey asked), the rest by NHS area.

    >>> default_level("children_0_2_no_team"), default_level("services_0_2_definitely")
    ('nhs', 'region')
    """
    return "region" if INDICATORS[indicator_id].from_survey else "nhs"


def editor_password(secrets: dict[str, str] | None = None) -> str:
    """The editors' passphrase: Streamlit secrets 'editor_password', else GAPMAP_EDITOR_PASSWORD; '' = read-only."""
    if secrets and secrets.get("editor_password"):
        return str(secrets["editor_password"])
    return os.environ.get("GAPMAP_EDITOR_PASSWORD", "")


def is_editor(given: str, expected: str) -> bool:
    """Constant-time comparison; never true when no passphrase is configured."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


# The editor gate: a few free tries, then a doubling wait, then the session is locked. Online guessing of a
# passphrase is then limited to a handful of tries per session instead of several a second.
GATE_FREE_TRIES = 3
GATE_FIRST_WAIT_S = 5.0
GATE_MAX_WAIT_S = 300.0
GATE_LOCK_AFTER = 10


@dataclass
class Gate:
    """One session's passphrase attempts.

    >>> g = Gate()
    >>> [g.attempt(p, "secret", now=0.0)[0] for p in ("a", "b", "c")]
    [False, False, False]
    >>> g.attempt("secret", "secret", now=0.5)
    (False, 'Too many wrong passphrases: wait 5 s before trying again.')
    >>> g.attempt("secret", "secret", now=5.0)
    (True, '')
    """

    failures: int = 0
    wait_until: float = 0.0

    def delay(self) -> float:
        """Seconds to wait after the failures so far: none for the free tries, then doubling, capped."""
        if self.failures < GATE_FREE_TRIES:
            return 0.0
        return min(GATE_FIRST_WAIT_S * 2.0 ** (self.failures - GATE_FREE_TRIES), GATE_MAX_WAIT_S)

    @property
    def locked(self) -> bool:
        """True once the session has had too many wrong passphrases; it stays read-only."""
        return self.failures >= GATE_LOCK_AFTER

    def attempt(self, given: str, expected: str, now: float) -> tuple[bool, str]:
        """(unlocked?, message to show). While waiting or locked the passphrase is not even compared."""
        if self.locked:
            return False, LOCKED_MESSAGE
        if now < self.wait_until:
            return (
                False,
                f"Too many wrong passphrases: wait {math.ceil(self.wait_until - now)} s before trying again.",
            )
        if is_editor(given, expected):
            self.failures, self.wait_until = 0, 0.0
            return True, ""
        self.failures += 1
        if self.locked:
            return False, LOCKED_MESSAGE
        wait = self.delay()
        self.wait_until = now + wait
        return False, "That passphrase is not right." + (
            f" Wait {wait:.0f} s before the next try." if wait else ""
        )


# The server-wide limit, over every session, restart and server process (the counts live in the teams database):
# a fresh browser session costs an attacker nothing, so the per-session gate alone does not bound guessing.
GUESS_WINDOW_S = 3600.0  # wrong passphrases count for an hour, then age out (the lock lifts by itself)
CLIENT_LOCK_AFTER = 10  # from one client address within the window: that address is refused
SERVER_LOCK_AFTER = 20  # from every client together within the window: everyone is refused


@dataclass(frozen=True)
class GuessLimit:
    """Whether a passphrase may be compared at all, from the wrong tries counted in the teams database.

    >>> GuessLimit().refusal(9, 19), GuessLimit().refusal(10, 10)[:28], GuessLimit().refusal(0, 20)[:28]
    ('', 'Too many wrong passphrases f', 'Too many wrong passphrases h')
    """

    window_s: float = GUESS_WINDOW_S
    client_after: int = CLIENT_LOCK_AFTER
    server_after: int = SERVER_LOCK_AFTER

    def since(self, now: float) -> float:
        """The start of the window the counts are taken over."""
        return now - self.window_s

    def refusal(self, client_failures: int, all_failures: int) -> str:
        """'' when a try may be compared; otherwise the message to show instead (the passphrase is not checked)."""
        minutes = round(self.window_s / 60)
        if client_failures >= self.client_after:
            return (
                f"Too many wrong passphrases from your network address: editing is locked for up to {minutes} "
                "minutes. Ask whoever runs gapmap for the passphrase and try again later."
            )
        if all_failures >= self.server_after:
            return (
                f"Too many wrong passphrases have been tried on this server: editing is locked for everyone for up "
                f"to {minutes} minutes. Try again later."
            )
        return ""


LOCKED_MESSAGE = (
    f"Locked: {GATE_LOCK_AFTER} wrong passphrases in this session. The page stays read-only; "
    "ask whoever runs gapmap for the passphrase and open the page again later."
)


def user_error_message(exc: BaseException) -> str:
    """What the app shows for an unexpected error: no connection details, paths or internals (those are logged).

    >>> import sqlalchemy
    >>> user_error_message(sqlalchemy.exc.OperationalError("x", {}, Exception("host 10.0.0.5 port 5432")))
    'The teams database is not available right now, so nothing was changed. The details are in the server log.'
    """
    import sqlalchemy

    from gapmap.teams.store import DatabaseUnavailable

    if isinstance(exc, sqlalchemy.exc.SQLAlchemyError | DatabaseUnavailable):
        return "The teams database is not available right now, so nothing was changed. The details are in the server log."
    return f"Something went wrong and nothing was changed ({type(exc).__name__}). The details are in the server log."


def digest(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def about_markdown(root: Path) -> str:
    """The 'About the data' text: the bundled READMEs, as written."""
    parts = []
    for rel in (
        "data/README.md",
        "data/sample_survey.md",
        "boundaries/SOURCES.md",
        "boundaries/hex/README.md",
    ):
        path = root / rel
        if path.exists():
            parts.append(path.read_text(encoding="utf-8"))
    return "\n\n---\n\n".join(parts)


WARM_MESSAGE = "gapmap: caches warm"  # printed by the server once its background warm-up has finished


def start_server(
    root: Path, env: dict[str, str] | None = None, timeout_s: float = 180.0, warm: bool = True
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `streamlit run app.py` on a free localhost port and wait until it is healthy.

    With ``warm`` (the default) it also asks for Streamlit's script health check, which runs the app once and so
    starts its background warm-up, and waits until the server says the caches are warm: what a deployment whose
    health probe uses /_stcore/script-health-check gets before its first visitor. Returns (the process, its base
    URL); for tests, benchmarks and scripts. Stop it with ``.terminate()``.
    """
    import socket
    import sys
    import tempfile
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    cmd = [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    log = tempfile.TemporaryFile()  # noqa: SIM115 - kept open with the process: its console, read for the warm line
    proc = subprocess.Popen(  # noqa: S603 - our own app, fixed arguments
        cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s

    def get(path: str) -> bool:
        try:
            with urllib.request.urlopen(f"{url}{path}", timeout=timeout_s) as r:  # noqa: S310 - localhost only
                return bool(r.status == 200)
        except OSError:
            return False

    while time.monotonic() < deadline and not get("/_stcore/health"):
        time.sleep(0.5)
    if time.monotonic() < deadline and warm:
        get("/_stcore/script-health-check")
        while time.monotonic() < deadline:
            log.seek(0)
            if WARM_MESSAGE.encode() in log.read():
                return proc, url
            time.sleep(0.5)
    elif time.monotonic() < deadline:
        return proc, url
    proc.kill()
    raise RuntimeError(f"the app did not start{' and warm up' if warm else ''} within {timeout_s:.0f} s")
