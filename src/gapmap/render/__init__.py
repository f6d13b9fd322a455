"""Renderers, chosen by format from one registry: each draws a MapSpec to a file and computes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gapmap.mapspec import MapSpec
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
