"""Renderers, chosen by format from one registry: each draws a MapSpec to a file and computes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gapmap.files import io, output
from gapmap.present.mapspec import MapSpec
from gapmap.problems import InputError, Issue


def _static(fmt: str) -> Callable[[MapSpec, Path], Path]:
    def draw(spec: MapSpec, path: Path) -> Path:
        from gapmap.render import static

        return static.render(spec, path, fmt)

    return draw


def _html(spec: MapSpec, path: Path) -> Path:
    from gapmap.render import web

    return web.write_html(spec, path)


RENDERERS: dict[str, Callable[[MapSpec, Path], Path]] = {
    "png": _static("png"),
    "svg": _static("svg"),
    "pdf": _static("pdf"),
    "html": _html,
}


def renderer(fmt: str) -> Callable[[MapSpec, Path], Path]:
    """The renderer for a format; InputError listing the valid formats otherwise."""
    try:
        return RENDERERS[fmt.lower().lstrip(".")]
    except KeyError:
        raise InputError(
            [Issue(None, "format", fmt, f"Expected one of {', '.join(RENDERERS)}; found '{fmt}'.")]
        ) from None


def render_map(spec: MapSpec, path: str | Path, fmt: str | None = None) -> tuple[Path, Path]:
    """Write the map and ``<path>.alt.txt`` beside it; returns both paths."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".") or "png"
    draw = renderer(fmt)
    alt_path = path.with_name(path.name + ".alt.txt")
    for target in (path, alt_path):  # refuse a folder or FIFO before drawing, not half-way through
        output.target(target)
    out = draw(spec, path)
    alt = io.write_text(alt_path, spec.alt_text + "\n")
    return out, alt
