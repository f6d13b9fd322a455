"""Many sessions at once: N browser sessions open the map and switch indicators while teams imports run, against
one app server on localhost; beside the same N sessions opening the bare folium pages (bench_app's baseline)
served by `python -m http.server`, in the same run.

Reported: p50 and p95 of "first map drawn" and of "switch drawn" over the sessions, and the server's peak memory
(VmHWM), each against the goal on 2 cores (10 sessions: p95 first map ≤ 5 s, switch ≤ 2 s, server ≤ 500 MB);
and the CPU time the app server and the browsers used while the sessions ran (they share the machine's cores,
so this says where the time went).
Bounded: localhost only, a fixed number of sessions, switches and imports, each wait capped at 180 s. Asserts
nothing.

Run: python benchmarks/bench_load.py [--sessions N] [--smoke]   (needs Debian's chromium, or GAPMAP_CHROMIUM)
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import Measure, Result, table  # noqa: E402
from benchmarks.bench_app import BARE_DRAWN, OURS_DRAWN, bare_pages, http_server, peak_rss_mb  # noqa: E402

SESSIONS = 10
SMOKE_SESSIONS = 2
SWITCHES = 3  # per session, alternating between the two indicators
IMPORTS = 20  # teams imports (and undos) run while the sessions load, at most
LEVEL = "region"
AREAS = 12
FIRST, SECOND = "services_0_2_definitely", "referrals_age_2_or_under"
LABELS = {
    FIRST: "Services that can definitely work with babies and toddlers (0-2)",
    SECOND: "Local CYPMHS takes referrals at age two or under",
}


def _menu(indicator_id: str) -> str:
    """The indicator as the app's menu names it (its short name where it has one)."""
    from gapmap.measures.indicators import INDICATORS

    ind = INDICATORS[indicator_id]
    return ind.short or ind.title


MENU = {i: _menu(i) for i in LABELS}
GOALS = {"first map": 5.0, "switch": 2.0}  # seconds, p95 (issue: load on 2 cores)
RSS_GOAL_MB = 500
TIMEOUT_MS = 180_000


def cpu_seconds(pid: int) -> float:
    """CPU time a process and its reaped children have used so far (user + system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def browser_pids() -> list[int]:
    """Every Chromium process started from this one. Summing each one's own and reaped children's CPU counts
    every process once: a renderer that has exited is in its parent's figures (the zygote's, which lives on)."""
    parent: dict[int, int] = {}
    name: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name[int(entry.name)] = stat[stat.index("(") + 1 : stat.rindex(")")]
            parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])

    def mine(pid: int) -> bool:
        while pid > 1:
            pid = parent.get(pid, 0)
            if pid == os.getpid():
                return True
        return False

    return [p for p in name if name[p].startswith("chrom") and mine(p)]


def browsers_cpu() -> float:
    total = 0.0
    for pid in browser_pids():
        try:
            total += cpu_seconds(pid)
        except OSError:
            continue
    return total


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile by nearest rank: the smallest value with at least p% of the values at or below it.

    >>> percentile([1.0, 2.0], 50), percentile([float(i) for i in range(1, 11)], 95)
    (1.0, 10.0)
    """
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


async def _session(browser: Any, url: str, out: dict[str, list[float]]) -> None:
    ctx = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    t0 = time.perf_counter()
    await page.goto(f"{url}/?indicator={FIRST}", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    await page.wait_for_function(OURS_DRAWN, arg=[AREAS, ""], polling="raf", timeout=TIMEOUT_MS)
    out["first map"].append(time.perf_counter() - t0)
    await page.wait_for_timeout(1000)
    current = FIRST
    for _ in range(SWITCHES):
        target = SECOND if current == FIRST else FIRST
        await page.locator('[data-testid="stSelectbox"]').filter(has_text="Indicator").first.click()
        option = page.get_by_role("option", name=MENU[target])
        await option.wait_for(timeout=TIMEOUT_MS)
        t0 = time.perf_counter()
        await option.click()
        await page.wait_for_function(
            OURS_DRAWN, arg=[AREAS, LABELS[target][:30]], polling="raf", timeout=TIMEOUT_MS
        )
        out["switch"].append(time.perf_counter() - t0)
        current = target
        await page.wait_for_timeout(500)
    await ctx.close()


async def _bare_session(browser: Any, base: str, pages: dict[str, str], out: dict[str, list[float]]) -> None:
    ctx = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    t0 = time.perf_counter()
    await page.goto(f"{base}/{pages[FIRST]}", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    await page.wait_for_function(BARE_DRAWN, arg=AREAS, polling="raf", timeout=TIMEOUT_MS)
    out["first map"].append(time.perf_counter() - t0)
    current = FIRST
    for _ in range(SWITCHES):
        target = SECOND if current == FIRST else FIRST
        t0 = time.perf_counter()
        await page.goto(f"{base}/{pages[target]}", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
        await page.wait_for_function(BARE_DRAWN, arg=AREAS, polling="raf", timeout=TIMEOUT_MS)
        out["switch"].append(time.perf_counter() - t0)
        current = target
    await ctx.close()


def _imports(db: str, stop: threading.Event, done: list[int]) -> None:
    """Teams imports and their undos, one after another, until the sessions finish (at most IMPORTS of each)."""
    from gapmap.settings import Settings
    from gapmap.teams.store import Store

    store = Store(Settings(database_url=db))
    folder = Path(tempfile.mkdtemp(prefix="gapmap-load-teams-"))
    for i in range(IMPORTS):
        if stop.is_set():
            break
        f = folder / f"t{i}.csv"
        f.write_text(
            "name,provider,area_served,postcode,source_url\n"
            f"Load test team {i},NHS,Cardiff,CF10 1AA,https://example.org/{i}\n",
            encoding="utf-8",
        )
        result = store.import_file(f, by="bench_load")
        if result.batch_id:
            store.undo(result.batch_id, by="bench_load")
        done.append(i)


async def _all(browser: Any, fn: Any, n: int, *args: Any) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"first map": [], "switch": []}
    await asyncio.gather(*(fn(browser, *args, out) for _ in range(n)))
    return out


def run(rows: int = 0, smoke: bool = False, sessions: int | None = None) -> list[Result]:
    """p50/p95 of first map and switch over ``sessions`` concurrent sessions (2 with ``smoke``), ours beside the
    bare pages, and the server's peak memory. ``rows`` is unused (the app serves the bundled data)."""
    from playwright.async_api import async_playwright

    from gapmap.app import state
    from gapmap.settings import Settings
    from gapmap.teams.store import Store

    n = sessions or (SMOKE_SESSIONS if smoke else SESSIONS)
    tmp = Path(tempfile.mkdtemp(prefix="gapmap-bench-load-"))
    db = f"sqlite:///{tmp / 'teams.db'}"
    os.environ["GAPMAP_DATABASE_URL"] = db
    Store(Settings(database_url=db))
    static = tmp / "bare"
    static.mkdir()
    pages = bare_pages(static, LEVEL)
    chromium = os.environ.get("GAPMAP_CHROMIUM") or shutil.which("chromium")
    proc, url = state.start_server(ROOT, dict(os.environ))
    stop, imported, bare_mb = threading.Event(), [], []
    cpu: dict[str, float] = {}  # CPU seconds used while the sessions ran: where the time went
    importer = threading.Thread(target=_imports, args=(db, stop, imported), daemon=True)

    async def main() -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            importer.start()
            cpu["server"], cpu["browsers"] = -cpu_seconds(proc.pid), -browsers_cpu()
            try:
                ours = await _all(browser, _session, n, url)
            finally:
                stop.set()
            cpu["server"] += cpu_seconds(proc.pid)
            cpu["browsers"] += browsers_cpu()
            with http_server(static) as (base, bare_pid):
                cpu["bare browsers"] = -browsers_cpu()
                bare = await _all(browser, _bare_session, n, base, pages)
                cpu["bare browsers"] += browsers_cpu()
                bare_mb.append(peak_rss_mb(bare_pid))
            await browser.close()
            return ours, bare

    try:
        ours, bare = asyncio.run(main())
        server_mb = peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        importer.join(timeout=60)
    results = []
    for path, goal in GOALS.items():
        for label, p in (("p50", 50), ("p95", 95)):
            mine, theirs = percentile(ours[path], p), percentile(bare[path], p)
            target = f"≤ {goal:g} s {'met' if mine <= goal else 'NOT met'}" if label == "p95" else ""
            results.append(
                Result(
                    f"{n} sessions: {path} {label} ({LEVEL})",
                    Measure(mine, server_mb),
                    Measure(theirs, bare_mb[0]),
                    note=f"{len(ours[path])} timings; median of all {statistics.median(ours[path]):.2f} s",
                    target=target,
                )
            )
    met = "met" if server_mb <= RSS_GOAL_MB else "NOT met"
    results.append(
        Result(
            f"{n} sessions: server peak memory (VmHWM)",
            Measure(0.0, server_mb),
            Measure(0.0, bare_mb[0]),
            note=f"goal ≤ {RSS_GOAL_MB} MB: {met}; {len(imported)} imports and undos ran meanwhile; CPU used "
            f"while the sessions ran: app server {cpu['server']:.1f} s, its browsers {cpu['browsers']:.1f} s "
            f"(bare pages' browsers {cpu['bare browsers']:.1f} s)",
            target=f"≤ {RSS_GOAL_MB} MB {met}",
        )
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_SESSIONS} sessions")
    parser.add_argument("--sessions", type=int, help=f"concurrent sessions (default {SESSIONS})")
    args = parser.parse_args()
    results = run(0, args.smoke, args.sessions)
    print(table(results))
    for r in results:
        print(f"{r.path}: {r.note}")


if __name__ == "__main__":
    main()
