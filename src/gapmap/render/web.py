"""The browser map (folium/Leaflet) of a MapSpec: choropleth, team points, legend; every text escaped."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gapmap import assets, comparison
from gapmap.mapspec import MapSpec

if TYPE_CHECKING:
    import folium

HATCH_ID = "gapmap-hatch"
TEAM_COLOUR = "#b2182b"


def esc(value: Any) -> str:
    """HTML-escape, and neutralise template-literal characters (folium puts popups inside JS backquotes)."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return html.escape(text, quote=True).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


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
    popup = (
        f"<b>{esc(t['name'])}</b><br>Provider: {esc(t['provider']) or 'not known'}"
        f"<br>Area served: {esc(t['area_served']) or 'not known'}"
        f"<br>Location: {esc(t['basis_text'])}<br>Evidence year: {esc(year) or 'undated'}<br>{link_html}"
    )
    return {
        "lat": round(float(t.geometry.y), 5),
        "lon": round(float(t.geometry.x), 5),
        "exact": bool(t["exact"]),
        "popup": popup,
        "tip": esc(t["name"]),
    }


def _team_points_class() -> Any:
    from branca.element import MacroElement
    from jinja2 import Template

    class TeamPoints(MacroElement):
        """All team markers from one JSON array (compact; folium.Popup would need jQuery, which we do not load)."""

        _template = Template(
            """{% macro script(this, kwargs) %}
(function () {
  var teams = {{ this.records|tojson }};
  var layer = {{ this._parent.get_name() }};
  teams.forEach(function (t) {
    var m = L.circleMarker([t.lat, t.lon], {radius: 6, color: "#b2182b", weight: 2,
      dashArray: t.exact ? null : "3,2", fillColor: t.exact ? "#b2182b" : "#ffffff", fillOpacity: 1,
      className: "gapmap-team"});
    m.bindPopup(t.popup, {maxWidth: 320});
    m.bindTooltip(t.tip);
    layer.addLayer(m);
  });
})();
{% endmacro %}"""
        )

        def __init__(self, records: list[dict[str, Any]]):
            super().__init__()
            self._name = "TeamPoints"
            self.records = records

    return TeamPoints


def _TeamPoints(records: list[dict[str, Any]]) -> Any:
    return _team_points_class()(records)


def _legend_html(spec: MapSpec) -> str:
    rows = "".join(
        f'<div><span class="sw" style="background:{esc(c)}"></span>{esc(label)}</div>'
        for label, c in spec.legend
    )
    if spec.suppressed_label:
        rows += (
            f'<div><svg class="sw" width="16" height="12"><rect width="16" height="12" fill="url(#{HATCH_ID})" '
            f'stroke="#404040"/></svg>{esc(spec.suppressed_label)}</div>'
        )
    if spec.teams is not None and len(spec.teams):
        rows += (
            f'<div><svg class="sw" width="16" height="12"><circle cx="8" cy="6" r="5" fill="{TEAM_COLOUR}"/></svg>'
            "Team: postcode or exact location</div>"
            f'<div><svg class="sw" width="16" height="12"><circle cx="8" cy="6" r="5" fill="white" '
            f'stroke="{TEAM_COLOUR}" stroke-width="2" stroke-dasharray="2,1"/></svg>'
            "Team: centre of area served or postcode district</div>"
        )
    synthetic = (
        '<div class="synthetic">SYNTHETIC SAMPLE: not real survey answers</div>' if spec.synthetic else ""
    )
    return f"""
<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
 <pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
  <rect width="8" height="8" fill="#bdbdbd"/><line x1="0" y1="0" x2="0" y2="8" stroke="#6e6e6e" stroke-width="3"/>
 </pattern></defs></svg>
<style>
 .gapmap-suppressed {{ fill: url(#{HATCH_ID}) !important; fill-opacity: 1 !important; }}
 .gapmap-legend {{ position:absolute; z-index:1000; top:80px; left:10px; background:rgba(255,255,255,0.92);
   padding:6px 8px; font:11px/1.35 system-ui, sans-serif; border:1px solid #999; border-radius:4px; max-width:210px; }}
 .gapmap-legend .sw {{ display:inline-block; width:16px; height:12px; margin-right:6px; vertical-align:middle;
   border:1px solid #404040; }}
 .gapmap-legend svg.sw {{ border:none; }}
 .gapmap-legend .synthetic {{ color:#b2182b; font-weight:bold; margin-bottom:4px; }}
 .gapmap-legend .note {{ color:#333; margin-top:4px; }}
 .marker-cluster {{ background-color: rgba(178,24,43,0.25) !important; }}
 .marker-cluster div {{ background-color: rgba(178,24,43,0.9) !important; color: #ffffff; font-weight: bold; }}
</style>
<div class="gapmap-legend" role="region" aria-label="Map legend">
 {synthetic}<div><b>{esc(spec.title)}</b></div>{rows}
 <div class="note">{esc(spec.uk_note)}</div>
</div>"""


def build(
    spec: MapSpec, inline_assets: bool = False, tiles: bool = False, focus: list[str] | None = None
) -> folium.Map:
    """A folium map of the spec. JS/CSS come from the app's own static files (or inline, for a file).

    ``focus`` (area codes) zooms to those areas and, for one area, opens its values in a popup.
    """
    import folium
    from branca.element import Element
    from folium.plugins import MarkerCluster

    js = [("leaflet", assets.url("leaflet.js"))]
    css = [("leaflet_css", assets.url("leaflet.css"))]
    m = folium.Map(location=[55.0, -3.2], zoom_start=5, tiles=None, control_scale=True)
    m.options.update(
        {"maxZoom": 13, "minZoom": 4}
    )  # without tiles Leaflet has no maxZoom; clustering needs one
    m.default_js = [] if inline_assets else js
    m.default_css = [] if inline_assets else css
    root: Any = m.get_root()
    if inline_assets:
        names = (
            "leaflet.js",
            "leaflet.css",
            "leaflet.markercluster.js",
            "MarkerCluster.css",
            "MarkerCluster.Default.css",
        )
        root.header.add_child(Element(f"<style>{assets.inline('css', names)}</style>"), name="gapmap_css")
        root.header.add_child(Element(f"<script>{assets.inline('js', names)}</script>"), name="gapmap_js")
        root.header.add_child(Element(f"<title>{esc(spec.title)}</title>"), name="gapmap_title")
    if tiles:
        folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap background (needs internet)", show=True, control=True
        ).add_to(m)

    cols = ["area_code", "area_name", "n", "suppressed", "colour", "label", "comparison", "geometry"]
    areas = spec.areas[cols].copy()
    reasons = spec.areas.get("suppressed_reason", pd.Series("", index=areas.index))
    categories = spec.areas.get("category", pd.Series("", index=areas.index)).fillna("")
    areas["tip_value"] = [
        (
            "suppressed to protect a neighbouring area: no value shown"
            if reason == "secondary"
            else "fewer than {} responses: no value shown".format(spec.extra.get("min_base", "10"))
        )
        if s
        else (cat or lab.replace("\n", " "))
        for s, lab, reason, cat in zip(areas["suppressed"], areas["label"], reasons, categories, strict=True)
    ]
    areas["tip_n"] = areas["n"].astype(int).astype(str)
    areas["tip_cmp"] = [comparison.LABELS[c].lower() if c else "—" for c in areas["comparison"]]
    for col in ("area_name", "tip_value"):
        areas[col] = areas[col].map(esc)
    data = areas.drop(columns=["label", "comparison"])

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        p = feature["properties"]
        if p["suppressed"]:
            return {
                "fillColor": "#bdbdbd",
                "color": "#404040",
                "weight": 0.8,
                "fillOpacity": 1,
                "className": "gapmap-area gapmap-suppressed",
            }
        return {
            "fillColor": p["colour"],
            "color": "#404040",
            "weight": 0.8,
            "fillOpacity": 0.85,
            "className": "gapmap-area",
        }

    folium.GeoJson(
        data,
        name=spec.title,
        style_function=style,
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=["area_name", "tip_value", "tip_n", "tip_cmp"],
            aliases=["Area", "Value (95% interval)", "Responses (n)", "Compared with UK"],
            sticky=True,
        ),
    ).add_to(m)

    if spec.teams is not None and len(spec.teams):
        cluster = MarkerCluster(name="Parent-infant teams", options={"maxClusterRadius": 35})
        if not inline_assets:
            cluster.default_js = [("markercluster", assets.url("leaflet.markercluster.js"))]
            cluster.default_css = [
                ("markercluster_css", assets.url("MarkerCluster.css")),
                ("markercluster_default_css", assets.url("MarkerCluster.Default.css")),
            ]
        else:
            cluster.default_js = []
            cluster.default_css = []
        cluster.add_to(m)
        cluster.add_child(_TeamPoints([_team_record(t) for _, t in spec.teams.iterrows()]))
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    chosen = spec.areas.loc[spec.areas["area_code"].isin(focus or [])]
    if len(chosen):
        minx, miny, maxx, maxy = chosen.total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
        if len(chosen) == 1:
            row = areas.loc[chosen.index[0]]
            pt = chosen.geometry.iloc[0].representative_point()
            html = (
                f"<b>{row['area_name']}</b><br>{row['tip_value']}<br>n = {esc(row['tip_n'])}"
                f"<br>Compared with UK: {esc(row['tip_cmp'])}"
            )
            script = (
                f"L.popup({{maxWidth: 260, autoPan: true}}).setLatLng([{pt.y:.5f}, {pt.x:.5f}])"
                f".setContent({json.dumps(html)}).openOn({m.get_name()});"
            )
            root.script.add_child(Element(script), name="gapmap_focus")
    else:
        m.fit_bounds([[49.85, -8.2], [60.9, 1.8]])  # the whole UK, Shetland and Scilly included
    root.html.add_child(Element(_legend_html(spec)), name="gapmap_legend")

    return m


def map_html(spec: MapSpec, inline_assets: bool = False, tiles: bool = False) -> str:
    return build(spec, inline_assets, tiles).get_root().render()


def write_html(spec: MapSpec, path: str | Path) -> Path:
    """A self-contained HTML file (Leaflet inlined from the xstatic packages; works offline)."""
    from gapmap import io

    return io.write_text(path, map_html(spec, inline_assets=True))
