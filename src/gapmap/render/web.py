"""The browser map (folium/Leaflet) of a MapSpec: the level's areas once, restyled per indicator; every text escaped.

A map is a *base* (the level's area shapes, team points, layer control: the same for every indicator of a level)
and an *overlay* (colours, hatching, tooltips, legend, source line, focus: one indicator). The app keeps the base
in the browser and swaps only the overlay when the indicator changes; a standalone HTML file holds both.

This module is long because the overlay's texts (tooltips, popups with the area sentence, legend rows for each
kind of team point) are escaped in one place and read best beside the page they go into.
"""

from __future__ import annotations

import html
import json
import shutil
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gapmap import safetext
from gapmap.measures import comparison
from gapmap.present.classify import is_no_data
from gapmap.present.mapspec import MapSpec
from gapmap.render import assets, hexmap
from gapmap.teams.rules import STATUS_TEXT

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

HATCH_ID = "gapmap-hatch"
DOTS_ID = "gapmap-dots"  # no data: dotted, as on static maps (classify.NO_DATA_HATCH), never a value's colour
TEAM_COLOUR = "#b2182b"
COMMISSIONED_COLOUR = (
    "#333333"  # dark grey, hollow: reads on every fill and is not mistaken for a serving team
)
COMMISSIONED_TEXT = STATUS_TEXT["commissioned"]
LEGEND_WIDTH = 184  # px: the legend's column beside the map
TEAMS_LAYER = "Parent-infant teams"
RUNTIME_JS = Path(__file__).with_name("gapmap_map.js")
COMPONENT_JS = Path(__file__).with_name("gapmap_component.js")
# The short source line in the map's corner; the full sources and licences are in the legend column.
ATTRIBUTION = "Boundaries © ONS, OS (OGL v3.0)"


def esc(value: Any) -> str:
    """HTML-escape, neutralise template-literal characters (folium puts popups inside JS backquotes), and show
    bidi overrides and control characters as ``[U+202E]`` (:func:`gapmap.safetext.visible`) so they cannot reorder
    a popup or tooltip on screen."""
    text = "" if value is None or (isinstance(value, float) and value != value) else safetext.visible(value)
    return html.escape(text, quote=True).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no '</script>', no HTML-significant characters)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def areas_geojson(areas: gpd.GeoDataFrame) -> str:
    """The areas' shapes with their codes only (names and values travel in the overlay), as script-safe JSON.

    Coordinates are rounded to 5 decimal places (about a metre), far finer than the web copies' simplification.
    """
    import shapely

    shapes = shapely.transform(areas.geometry.to_numpy(), lambda xy: xy.round(5))
    features = ",".join(
        f'{{"type":"Feature","properties":{{"area_code":{script_json(str(code))}}},"geometry":{shapely.to_geojson(g)}}}'
        for code, g in zip(areas["area_code"], shapes, strict=True)
    )
    return '{"type":"FeatureCollection","features":[' + features + "]}"


def _team_record(t: Any) -> dict[str, Any]:
    """One team as the browser needs it; every text is escaped here, so the JS inserts it as-is."""
    link = str(t["source_url"] or "")
    link_html = (
        f'<a href="{esc(link)}" target="_blank" rel="noopener noreferrer">source</a>'
        if link.lower().startswith(("https://", "http://"))
        else "no source link"
    )
    year = (
        ""
        if t["evidence_year"] is None or str(t["evidence_year"]) in ("<NA>", "nan")
        else str(t["evidence_year"])
    )
    commissioned = bool(t.get("commissioned", False))
    status = f"<br><b>Status: {COMMISSIONED_TEXT}</b>" if commissioned else ""
    popup = (
        f"<b>{esc(t['name'])}</b>{status}<br>Provider: {esc(t['provider']) or 'not known'}"
        f"<br>Area served: {esc(t['area_served']) or 'not known'}"
        f"<br>Location: {esc(t['basis_text'])}<br>Evidence year: {esc(year) or 'undated'}<br>{link_html}"
    )
    return {
        "lat": round(float(t.geometry.y), 5),
        "lon": round(float(t.geometry.x), 5),
        "exact": bool(t["exact"]),
        "commissioned": commissioned,
        "popup": popup,
        "tip": esc(t["name"]) + (f" ({COMMISSIONED_TEXT})" if commissioned else ""),
    }


def team_records(teams: gpd.GeoDataFrame | None) -> list[dict[str, Any]]:
    """Every mappable team as the browser draws it (escaped)."""
    return [] if teams is None else [_team_record(t) for _, t in teams.iterrows()]


@lru_cache(maxsize=1)
def _element_classes() -> tuple[Any, Any]:
    """The map's own elements (built on first use: branca and jinja2 load only when a map is drawn)."""
    from branca.element import MacroElement
    from jinja2 import Template

    class Base(MacroElement):
        """The level's areas, the teams and the controls, drawn by the runtime (gapmap_map.js) from one JSON."""

        _template = Template(
            """{% macro script(this, kwargs) %}
{{ this.runtime }}
gapmapBase({{ this._parent.get_name() }}, {{ this.base }});
{% endmacro %}"""
        )

        def __init__(self, base: str, runtime: str):
            super().__init__()
            self._name = "GapmapBase"
            self.base = base
            self.runtime = runtime

    class Style(MacroElement):
        """One indicator's colours, tooltips and legend, applied while its layer is on the map."""

        _template = Template(
            """{% macro script(this, kwargs) %}
(function () {
  var layer = {{ this._parent.get_name() }}, style = {{ this.style }};
  layer.on("add", function (e) { gapmapApply(e.target._map, style); });
  layer.on("remove", function (e) { if (e.target._map) gapmapClear(e.target._map); });
  if (layer._map) gapmapApply(layer._map, style);
})();
{% endmacro %}"""
        )

        def __init__(self, style: str):
            super().__init__()
            self._name = "GapmapStyle"
            self.style = style

    return Base, Style


CSS = f"""
<style>
 #map_div, .folium-map {{ position: absolute !important; left: {LEGEND_WIDTH}px !important; right: 0;
   top: 0 !important; bottom: 0; width: auto !important; height: auto !important; }}
 .gapmap-legend {{ position: fixed; left: 0; top: 0; bottom: 0; width: {LEGEND_WIDTH}px; overflow-y: auto;
   box-sizing: border-box; padding: 6px; background: #ffffff; font: 11px/1.35 system-ui, sans-serif; color: #222;
   border-right: 1px solid #ccc; overflow-wrap: anywhere; }}
 @media (max-width: 520px) {{
  #map_div, .folium-map {{ left: 0 !important; bottom: 40% !important; }}
  .gapmap-legend {{ top: 60%; width: auto; right: 0; border-right: none; border-top: 1px solid #ccc; }}
 }}
 .gapmap-legend .title {{ font-weight: bold; margin-bottom: 3px; }}
 .gapmap-legend .row {{ display: flex; align-items: flex-start; gap: 6px; margin: 1px 0; }}
 .gapmap-legend .sw {{ flex: none; display: inline-block; width: 16px; height: 12px; margin-top: 1px;
   border: 1px solid #404040; }}
 .gapmap-legend svg.sw {{ border: none; }}
 .gapmap-legend .synthetic {{ color: #b2182b; font-weight: bold; margin-bottom: 4px; }}
 .gapmap-legend .note {{ color: #333; margin-top: 5px; }}
 .gapmap-legend .sources {{ color: #555; margin-top: 6px; font-size: 10px; }}
 .gapmap-legend .sources p {{ margin: 2px 0; }}
 .gapmap-legend .more {{ position: sticky; bottom: -6px; margin: 4px -6px -6px; padding: 3px 6px; background: #f0f0f0;
   border-top: 1px solid #ccc; color: #222; font-weight: bold; text-align: center; }}
 .gapmap-suppressed {{ fill: url(#{HATCH_ID}) !important; fill-opacity: 1 !important; }}
 .gapmap-nodata {{ fill: url(#{DOTS_ID}) !important; fill-opacity: 1 !important; }}
 .gapmap-tip {{ width: max-content; max-width: 230px; white-space: normal; font: 12px/1.35 system-ui, sans-serif; }}
 .gapmap-popup p {{ margin: 6px 0 0; font-style: italic; }}
 .marker-cluster.gapmap-cluster {{ background: rgba(178,24,43,0.88); border: 1.5px solid #ffffff;
   border-radius: 50%; color: #ffffff; font: bold 10px system-ui, sans-serif; text-align: center; }}
 .gapmap-cluster span {{ display: block; line-height: 17px !important; }}
 .leaflet-control-attribution {{ font-size: 10px; }}
 .gapmap-popup-beside .leaflet-popup-tip-container {{ display: none; }}
</style>"""


HTML = f"""
<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
 <pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
  <rect width="8" height="8" fill="#bdbdbd"/><line x1="0" y1="0" x2="0" y2="8" stroke="#6e6e6e" stroke-width="3"/>
 </pattern>
 <pattern id="{DOTS_ID}" patternUnits="userSpaceOnUse" width="6" height="6">
  <rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.1" fill="#555555"/>
 </pattern></defs></svg>
<div class="gapmap-legend" role="region" aria-label="Map legend" tabindex="0"></div>"""


TILES = {  # the optional background, for users online: only in maps that ask for it
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": "© OpenStreetMap contributors",
    "name": "OpenStreetMap background (needs internet)",
}
ASSET_NAMES = (
    "leaflet.js",
    "leaflet.css",
    "leaflet.markercluster.js",
    "MarkerCluster.css",
    "MarkerCluster.Default.css",
)


def base_data(
    geojson: str, teams: list[dict[str, Any]], tiles: bool = False, outlines: str = ""
) -> dict[str, Any]:
    """What every indicator of a level shares, as the browser runtime takes it (``gapmapBase``). A hex map (with
    ``outlines``, :func:`gapmap.render.hexmap.outlines_geojson`) is drawn on a plain plane (``L.CRS.Simple``): every
    hexagon the same size on screen, no team points, no background tiles."""
    if outlines:
        return base_data(geojson, []) | {"crs": "simple", "outlines": outlines}
    return {"geojson": geojson, "teams": teams, "teams_layer": TEAMS_LAYER, "tiles": TILES if tiles else None}


def base_map(
    geojson: str,
    teams: list[dict[str, Any]],
    tiles: bool = False,
    inline_assets: bool = False,
    title: str = "",
    outlines: str = "",
) -> folium.Map:
    """The part of the map shared by every indicator of a level: area shapes, team points, controls.

    ``geojson`` is :func:`areas_geojson` of the level's boundaries; ``teams`` is :func:`team_records`.
    """
    import folium
    from branca.element import Element

    base_cls, _ = _element_classes()
    if outlines:  # a hex map: a plain plane, one unit a hexagon's radius (gapmap_map.js fits it to the frame)
        m = folium.Map(location=[0.0, 0.0], zoom_start=3, tiles=None, crs="Simple")
        m.options.update(hexmap.ZOOMS)
    else:
        m = folium.Map(location=[55.0, -3.2], zoom_start=5, tiles=None)
        # Without tiles Leaflet has no maxZoom (clustering needs one); quarter zoom steps let the UK fill the frame.
        m.options.update({"maxZoom": 13, "minZoom": 4, "zoomSnap": 0.25})
    root: Any = m.get_root()
    if inline_assets:
        m.default_js, m.default_css = [], []
        root.header.add_child(
            Element(f"<style>{assets.inline('css', ASSET_NAMES)}</style>"), name="gapmap_css"
        )
        root.header.add_child(
            Element(f"<script>{assets.inline('js', ASSET_NAMES)}</script>"), name="gapmap_js"
        )
        root.header.add_child(Element(f"<title>{esc(title)}</title>"), name="gapmap_title")
    else:
        m.default_js = [(n, assets.url(n)) for n in ASSET_NAMES if n.endswith(".js")]
        m.default_css = [(n, assets.url(n)) for n in ASSET_NAMES if n.endswith(".css")]
    root.header.add_child(Element(CSS), name="gapmap_style")
    root.html.add_child(Element(HTML), name="gapmap_legend")
    base = base_data("__GEOJSON__", teams, tiles, outlines)
    base_cls(
        script_json(base).replace('"__GEOJSON__"', geojson), RUNTIME_JS.read_text(encoding="utf-8")
    ).add_to(m)
    return m


def install_component(folder: Path) -> Path:
    """The map as a Streamlit component: index.html, Leaflet and the runtime, in ``folder`` (served as is)."""
    folder.mkdir(parents=True, exist_ok=True)
    for asset in assets.ASSETS:
        target = folder / asset.name
        if not target.exists():
            shutil.copyfile(assets.source(asset), target)
    images = assets.source(assets.ASSETS[0]).parent / "images"
    if images.is_dir() and not (folder / "images").exists():
        shutil.copytree(images, folder / "images")
    links = "".join(f'<link rel="stylesheet" href="{n}">' for n in ASSET_NAMES if n.endswith(".css"))
    scripts = "".join(f'<script src="{n}"></script>' for n in ASSET_NAMES if n.endswith(".js"))
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gapmap map</title>{links}{CSS}'
        f"{scripts}<script>{RUNTIME_JS.read_text(encoding='utf-8')}</script></head><body>{HTML}"
        f'<div id="map_div"></div><script>{COMPONENT_JS.read_text(encoding="utf-8")}</script></body></html>'
    )
    index = folder / "index.html"
    if not index.exists() or index.read_text(encoding="utf-8") != page:
        tmp = folder / "index.html.tmp"
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(index)
    return folder


def _comparison_sentence(word: str, spec: MapSpec) -> str:
    level = float(spec.extra.get("comparison_level", "95%").rstrip("%")) / 100
    return comparison.sentence(word, level, spec.extra.get("benchmark", "UK"))


def _n_meaning(spec: MapSpec) -> str:
    """What n counts on this map ('respondents', 'children aged 0-2', 'teams')."""
    from gapmap.measures.indicators import INDICATORS

    ids = spec.areas["indicator"] if "indicator" in spec.areas else pd.Series(dtype=str)
    ind = INDICATORS.get(str(ids.iloc[0])) if len(ids) else None
    return ind.n_meaning if ind else ""


def _tooltips(spec: MapSpec, local: bool = True) -> list[str]:
    """Each area's tooltip: name, value and interval (or why none is shown), n and the comparison with the UK,
    and (``local``) the nearest known team and the neighbours."""
    a = spec.areas
    reasons = a.get("suppressed_reason", pd.Series("", index=a.index)).fillna("")
    categories = a.get("category", pd.Series("", index=a.index)).fillna("")
    n_meaning = _n_meaning(spec)
    survey = bool(spec.suppressed_label)
    out = []
    for (_, row), reason, cat in zip(a.iterrows(), reasons, categories, strict=True):
        lines = [f"<b>{esc(row['area_name'])}</b>"]
        if row["suppressed"] and str(reason).startswith("suppressed in wave"):  # a change map's hidden area
            lines.append(f"{esc(str(reason).capitalize())}: no change shown")
        elif row["suppressed"]:
            lines.append(
                "Suppressed to protect a neighbouring area: no value shown"
                if reason == "secondary"
                else "Fewer than {} responses: no value shown".format(esc(spec.extra.get("min_base", "10")))
            )
        elif cat or row.get("no_value", ""):
            lines.append(esc(cat or row["no_value"]))
        elif row.get("binary", ""):  # served or not, and its children (the title says aged 0-2)
            lines.append(f"{esc(row['binary'])}: {int(row['n']):,} children")
        elif str(row["label"]).strip():
            head = spec.extra.get("value_head") or "Value"  # a change map: "Change since 2021"
            head += " (95% interval)" if survey and "(" in str(row["label"]) else ""
            lines.append(f"{head}: {esc(str(row['label']).replace(chr(10), ' '))}")
        else:
            lines.append("No value")
        if not row.get("binary", "") and not spec.extra.get("value_head"):  # a change map gives each wave's n
            lines.append(f"n = {int(row['n']):,}" + (f" {esc(n_meaning)}" if n_meaning else ""))
        if "teams_here" in row.index:  # a hex map shows each area's count of teams instead of their points
            count = int(row["teams_here"])
            lines.append(f"Known teams in this area: {count:,}")
        if row.get("comparison", ""):
            lines.append(esc(_comparison_sentence(str(row["comparison"]), spec)))
        near = str(row.get("local", "") or "") if local else ""
        lines += [esc(line) for line in near.split("\n") if line]
        out.append("<br>".join(lines))
    return out


def _sentences(spec: MapSpec) -> list[str]:
    """What a click on an area adds to its tooltip: for coverage, the sentence to quote (it names the nearest team,
    the neighbours and any commissioned team); '' for other maps, whose tooltip already says it all."""
    said = spec.areas["sentence"] if "sentence" in spec.areas else pd.Series("", index=spec.areas.index)
    return [esc(s) for s in said.fillna("").astype(str)]  # the browser puts it in a <p> (.gapmap-popup p)


def _legend_html(spec: MapSpec) -> str:
    def row(swatch: str, label: str) -> str:
        return f'<div class="row">{swatch}<span>{esc(label)}</span></div>'

    dots = (
        f'<svg class="sw" width="16" height="12"><rect width="16" height="12" fill="url(#{DOTS_ID})" '
        'stroke="#404040"/></svg>'
    )
    rows = "".join(
        row(dots, label)
        if is_no_data(label)
        else row(f'<span class="sw" style="background:{esc(c)}"></span>', label)
        for label, c in spec.legend
    )
    if spec.suppressed_label:
        rows += row(
            f'<svg class="sw" width="16" height="12"><rect width="16" height="12" fill="url(#{HATCH_ID})" '
            'stroke="#404040"/></svg>',
            spec.suppressed_label,
        )
    # Each kind of team point the map draws, and only those, as the static legends do.
    teams = spec.teams
    if teams is not None and "commissioned" in teams:
        teams = teams.loc[~teams["commissioned"].astype(bool)]  # drawn apart, with their own entry below
    exact = teams["exact"].astype(bool) if teams is not None and len(teams) else None
    if exact is not None and exact.any():
        rows += row(
            f'<svg class="sw" width="16" height="12"><circle cx="8" cy="6" r="4" fill="{TEAM_COLOUR}"/></svg>',
            "Team: postcode or exact location",
        )
    if exact is not None and (~exact).any():
        rows += row(
            f'<svg class="sw" width="16" height="12"><circle cx="8" cy="6" r="4" fill="white" '
            f'stroke="{TEAM_COLOUR}" stroke-width="1.5" stroke-dasharray="2,1.5"/></svg>',
            "Team: centre of area served or postcode district",
        )
    if spec.teams is not None and len(spec.teams) and spec.teams.get("commissioned", pd.Series()).any():
        rows += row(
            f'<svg class="sw" width="16" height="12"><circle cx="8" cy="6" r="5" fill="none" '
            f'stroke="{COMMISSIONED_COLOUR}" stroke-width="2"/></svg>',
            f"Team {COMMISSIONED_TEXT}",
        )
    rows += "".join(row(svg, label) for svg, label in hexmap.legend_svgs(spec, TEAM_COLOUR))
    synthetic = (
        '<div class="synthetic">SYNTHETIC SAMPLE: not real survey answers</div>' if spec.synthetic else ""
    )
    sources = "".join(f"<p>{esc(f)}</p>" for f in spec.footer)
    return (
        f'{synthetic}<div class="title">{esc(spec.title)}</div>{rows}'
        f'<div class="note">{esc(spec.uk_note)}</div>'
        + (
            f'<div class="note">Nearest known team (click an area): a straight line '
            f"{esc(spec.extra['distance_from'])}.</div>"
            if spec.extra.get("distance_from")
            else ""
        )
        + f'<div class="sources"><b>Sources</b>{sources}</div>'
    )


def _attribution(spec: MapSpec) -> str:
    """The short source line Leaflet shows in the corner (the full sources are in the legend column)."""
    parts = [ATTRIBUTION]
    if spec.is_hex:
        parts.append(hexmap.ATTRIBUTION)
    if spec.synthetic:
        parts.append("Survey: SYNTHETIC sample")
    elif _n_meaning(spec) == "respondents":
        parts.append("Survey: PIF 2021")
    if spec.teams is not None and len(spec.teams):
        parts.append("Teams: gapmap")
    return " | ".join(parts)


def style_payload(spec: MapSpec, focus: list[str] | None = None) -> dict[str, Any]:
    """What the overlay hands the browser: per area [fill colour, suppressed, tooltip, no data, ringed (a hex map's
    mark of an area a known team serves), what a click adds to the tooltip for its popup ('' for none)], flags as
    1 or 0 (a smaller page); legend, source line, focus."""
    a = spec.areas
    popups = _sentences(spec)
    # With a sentence, the tooltip keeps to the values (the popup says the rest once, and the page stays small).
    tips = [
        short if said else full
        for short, full, said in zip(_tooltips(spec, local=False), _tooltips(spec), popups, strict=True)
    ]
    no_data = [is_no_data(str(e)) if e else False for e in a.get("no_value", pd.Series([""] * len(a)))]
    ringed = a["ringed"].astype(bool) if "ringed" in a else pd.Series(False, index=a.index)
    styles = {
        str(code): [str(colour), int(bool(sup)), tip, int(nd), int(bool(ring)), popup]
        for code, colour, sup, tip, nd, ring, popup in zip(
            a["area_code"], a["colour"], a["suppressed"], tips, no_data, ringed, popups, strict=True
        )
    }
    payload: dict[str, Any] = {
        "areas": styles,
        "legend": _legend_html(spec),
        "attribution": _attribution(spec),
        "focus": [c for c in (focus or []) if c in styles],
    }
    if len(payload["focus"]) == 1:  # the browser places it beside the area (gapmap_map.js, popupPlace)
        tip, said = styles[payload["focus"][0]][2], styles[payload["focus"][0]][5]
        payload["popup"] = {"html": f"{tip}<p>{said}</p>" if said else str(tip)}
    return payload


def overlay(spec: MapSpec, focus: list[str] | None = None) -> folium.FeatureGroup:
    """One indicator's styling as a layer: added to a base map it colours the areas, removed it clears them."""
    import folium

    _, style_cls = _element_classes()
    group = folium.FeatureGroup(name="gapmap style", control=False)
    group.add_child(style_cls(script_json(style_payload(spec, focus))))
    return group


def build(
    spec: MapSpec, inline_assets: bool = False, tiles: bool = False, focus: list[str] | None = None
) -> folium.Map:
    """A folium map of the spec: base and overlay together. JS/CSS come from the app's own static files (or
    inline, for a file). ``focus`` (area codes) zooms to those areas and, for one area, opens its values."""
    lines = hexmap.outlines_geojson(spec.outlines) if spec.is_hex and spec.outlines is not None else ""
    shapes = areas_geojson(spec.areas), team_records(spec.teams), tiles and not spec.is_hex
    m = base_map(*shapes, inline_assets, spec.title, lines)
    overlay(spec, focus).add_to(m)
    return m


def map_html(spec: MapSpec, inline_assets: bool = False, tiles: bool = False) -> str:
    return build(spec, inline_assets, tiles).get_root().render()


def write_html(spec: MapSpec, path: str | Path) -> Path:
    """A self-contained HTML file (Leaflet inlined from the xstatic packages; works offline)."""
    from gapmap.files import io

    return io.write_text(path, map_html(spec, inline_assets=True))
