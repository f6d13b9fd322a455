"""`gapmap atlas build OUT/` and `gapmap atlas serve OUT/`: the static atlas, a page per area, written to a
folder, and a local web server to preview it (a thin shell over gapmap.present.atlas and gapmap.render.atlas_site;
nothing computed here)."""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from pathlib import Path

from gapmap.cli.codes import EXIT_BAD_INPUT
from gapmap.cli.common import Named, read_responses, say, survey_inputs
from gapmap.settings import from_env


def cmd_build(args: argparse.Namespace) -> int:
    from gapmap.present import atlas
    from gapmap.problems import InputError, Issue
    from gapmap.render.atlas_site import write_site
    from gapmap.teams.store import Store

    start = time.perf_counter()
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(
            [Issue(None, "OUT", str(out), f"'{out}' is a file. Fix: give a folder for the atlas.")]
        )
    settings = from_env()
    _refuse_inputs_inside(out, survey_inputs(args, settings))
    responses = read_responses(args, settings)
    data = atlas.build(settings, responses, Store(settings))
    base = args.base_url if not args.base_url or args.base_url.endswith("/") else args.base_url + "/"
    written = write_site(data, out, base)
    files = sum(written.counts.values())
    parts = ", ".join(f"{n} {kind}" for kind, n in written.counts.items())
    say(
        f"wrote the atlas to {out}: {files} files ({parts}), {written.total_bytes / 1e6:.1f} MB, "
        f"{written.unchanged} unchanged, in {time.perf_counter() - start:.0f} s"
    )
    say(f"open {out / 'index.html'}, or run: gapmap atlas serve {out}")
    return 0


def _refuse_inputs_inside(out: Path, inputs: list[Named]) -> None:
    """An input (the survey, the teams database) inside the atlas folder would be published with the site, or
    replaced by one of its files: refused before anything is read or written."""
    from gapmap.problems import InputError, Issue

    folder = Path(os.path.realpath(out))
    issues = []
    for what, path in inputs:
        if path is None:  # a database not made yet counts too: it would be made inside the folder
            continue
        real = Path(os.path.realpath(path))
        if real == folder or folder in real.parents:
            issues.append(
                Issue(
                    None,
                    "OUT",
                    str(out),
                    f"Expected an atlas folder that holds none of this command's inputs; the {what} {path} is "
                    f"inside {out}, so the site would publish it or replace it. Fix: choose a new folder for "
                    "the atlas.",
                )
            )
    if issues:
        raise InputError(issues)


def cmd_serve(args: argparse.Namespace) -> int:
    import http.server

    folder = Path(args.folder)
    if not (folder / "index.html").is_file():
        say(
            f"gapmap: no atlas in {folder} (no index.html). Fix: run gapmap atlas build {folder} first.",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    except OSError as exc:
        say(
            f"gapmap: could not listen on {args.host} port {args.port} ({exc.strerror or exc}). Fix: give another "
            "--port (0 picks a free one) or --host.",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    with server:
        say(f"serving {folder} at http://{args.host}:{server.server_address[1]}/ (Ctrl-C to stop)")
        sys.stdout.flush()  # the address now, not when the buffer fills: a script may be waiting for it
        server.serve_forever()
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("atlas", help="the static atlas: a page for every area, embeddable, no server needed")
    atlas_sub = p.add_subparsers(dest="atlas_command", required=True)
    b = atlas_sub.add_parser("build", help="write the atlas into a folder (pages, embeds, CSV, GeoJSON)")
    b.add_argument(
        "out", metavar="OUT", help="folder to write (created if missing; unchanged files are kept)"
    )
    b.add_argument("--survey", help="survey file (CSV or XLSX); default: the bundled synthetic sample")
    b.add_argument(
        "--base-url",
        default="",
        help="where the site will be published, e.g. https://example.org/atlas/ (absolute sitemap and embed "
        "addresses; default: relative)",
    )
    b.set_defaults(func=cmd_build)
    s = atlas_sub.add_parser("serve", help="preview a built atlas at http://127.0.0.1:8000/")
    s.add_argument("folder", metavar="OUT", help="the folder gapmap atlas build wrote")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    s.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer)"
    )
    s.set_defaults(func=cmd_serve)
