"""The JavaScript and CSS the browser map needs, from Python packages (xstatic-*): no CDN request, ever."""

from __future__ import annotations

import base64
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

URL_PREFIX = "/app/static/gapmap"  # Streamlit serves <app dir>/static/ at /app/static/ (enableStaticServing)


@dataclass(frozen=True)
class Asset:
    name: str  # file name under static/gapmap/
    package: str  # xstatic module
    path: str  # file inside the package's data folder
    kind: str  # 'js' or 'css'


ASSETS = (
    Asset("leaflet.css", "xstatic.pkg.leaflet", "leaflet.css", "css"),
    Asset("leaflet.js", "xstatic.pkg.leaflet", "leaflet.js", "js"),
    Asset("MarkerCluster.css", "xstatic.pkg.leaflet_markercluster", "MarkerCluster.css", "css"),
    Asset(
        "MarkerCluster.Default.css", "xstatic.pkg.leaflet_markercluster", "MarkerCluster.Default.css", "css"
    ),
    Asset("leaflet.markercluster.js", "xstatic.pkg.leaflet_markercluster", "leaflet.markercluster.js", "js"),
)


def source(asset: Asset) -> Path:
    import importlib

    module = importlib.import_module(asset.package)
    return Path(module.BASE_DIR) / asset.path


def url(name: str) -> str:
    return f"{URL_PREFIX}/{name}"


def inline(kind: str, names: tuple[str, ...]) -> str:
    """The named assets of one kind as one text, for self-contained HTML files (CSS images as data URIs)."""
    text = "\n".join(
        source(a).read_text(encoding="utf-8") for a in ASSETS if a.kind == kind and a.name in names
    )
    if kind == "css":
        images = source(ASSETS[0]).parent / "images"

        def data_uri(m: re.Match[str]) -> str:
            path = images / m.group(1)
            if not path.is_file():
                return m.group(0)
            return f"url(data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()})"

        text = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, text)
    return text


def install(static_dir: Path) -> Path:
    """Copy the assets (and Leaflet's images) into ``static_dir/gapmap`` if missing; returns that folder."""
    target = static_dir / "gapmap"
    target.mkdir(parents=True, exist_ok=True)
    for asset in ASSETS:
        dest = target / asset.name
        if not dest.exists():
            shutil.copyfile(source(asset), dest)
    images = source(ASSETS[0]).parent / "images"
    if images.is_dir() and not (target / "images").exists():
        shutil.copytree(images, target / "images")
    return target
