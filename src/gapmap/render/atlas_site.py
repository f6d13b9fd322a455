"""Writing the atlas to a folder (``gapmap atlas build OUT/``): every page, embed, CSV, the GeoJSON, the search
index, ``sitemap.xml``, the stylesheet and script, and the attribution and licence files, each through
:mod:`gapmap.files.output`. Each map is drawn once (:mod:`gapmap.render.atlas_svg`) and reused by every page that
shows it. A file whose content has not changed is left alone, so a rebuild touches only what changed.

Layout of the site (every page links relatively, so it works from ``file://`` and from any web server path)::

    index.html                      the UK headline and map, search, every area listed
    area/<level>/<code>.html        one page per area (level: uk, nation, region, nhs, la)
    embed/<level>/<code>.html       each area's map, for an iframe
    embed/map/<level>.html          the UK at each level, for an iframe
    csv/<level>/<code>.csv          each area's indicators and the UK's, in the tidy shape
    data/                           the full tidy CSV, GeoJSON per level, search.json
    assets/                         atlas.css, atlas.js, search-index.js
    sitemap.xml, ATTRIBUTION.txt, LICENCE.txt
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from gapmap.files import io, output
from gapmap.present.atlas import Atlas
from gapmap.present.atlas_maps import MapKey
from gapmap.render import atlas as pages
from gapmap.render.atlas_svg import DrawnMap, draw

CSS = Path(__file__).with_name("atlas.css")
JS = Path(__file__).with_name("atlas.js")


@dataclass
class Written:
    """What a build wrote: files by kind, how many were unchanged, and the total size in bytes."""

    counts: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes.values())


class _Writer:
    """Writes each file into the staging folder; a file whose content is unchanged is the old one, untouched."""

    def __init__(self, stage: Path, final: Path) -> None:
        self.stage = stage
        self.final = final
        self.done = Written()

    def put(self, rel: str, data: str | bytes, kind: str) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.done.counts[kind] = self.done.counts.get(kind, 0) + 1
        self.done.sizes[kind] = self.done.sizes.get(kind, 0) + len(raw)
        if output.keep_unchanged(self.final / rel, self.stage / rel, raw):
            self.done.unchanged += 1
            return
        output.write_bytes(self.stage / rel, raw)


def _attribution(atlas: Atlas) -> str:
    lines = [
        "gapmap atlas: sources and attribution",
        "",
        *atlas.sources,
        "",
        "Data as of:",
        *atlas.as_of,
        "",
        f"Built {atlas.built[:10]} by gapmap.",
    ]
    return "\n".join(lines) + "\n"


LICENCE = """Licences

Data: the population estimates, boundaries, area names and codes are from the Office for National Statistics,
National Records of Scotland and NISRA under the Open Government Licence v3.0
(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). Contains OS data (c) Crown
copyright and database right 2024. Postcode district centres: ONS NSPL (OGL v3.0), Royal Mail and OS data
(c) Crown copyright and database right 2025.

Teams: the gapmap teams database, seeded from public sources (each team's source link is in the data).

Survey figures: a SYNTHETIC SAMPLE generated to match the Parent-Infant Foundation's 2021 report's published UK
figures; differences between areas in it are chance only.

The gapmap software that made these pages: MIT licence.
"""


def sitemap(atlas: Atlas, base_url: str) -> str:
    """Every page's address; absolute when a base URL is given (a sitemap on the web needs one)."""
    paths = ["index.html", *(p.ref.path for p in atlas.pages)]
    urls = "".join(f"<url><loc>{escape(base_url + p)}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )


def write_site(atlas: Atlas, out: str | Path, base_url: str = "") -> Written:
    """Write the whole atlas into ``out`` (created if missing) all at once (:func:`gapmap.files.output.whole_folder`:
    Ctrl-C or an error leaves the folder as it was); returns what was written."""
    with output.whole_folder(out) as (stage, final):
        return _write(_Writer(stage, final), atlas, base_url)


def _write(w: _Writer, atlas: Atlas, base_url: str) -> Written:
    drawn: dict[MapKey, DrawnMap] = {k: draw(m, "map") for k, m in atlas.maps.items()}
    embed_drawn: dict[MapKey, DrawnMap] = {k: draw(m, "emap") for k, m in atlas.maps.items()}
    for page in atlas.pages:
        ref = page.ref
        w.put(ref.path, pages.area_page(page, atlas, drawn[page.map_key], base_url), "area pages")
        here = ref if page.map_key.parent != ref.code else None
        title = atlas.maps[page.map_key].title + (f": {ref.name}" if here else "")
        w.put(
            ref.embed,
            pages.embed_page(
                atlas.maps[page.map_key], embed_drawn[page.map_key], here, f"{pages.UP}{ref.path}", title
            ),
            "embed pages",
        )
        w.put(pages.csv_path(ref), io.csv_text(page.tidy), "area CSVs")
    for key in atlas.level_maps:
        w.put(pages.map_embed_path(key.level), pages.map_embed(atlas, key, embed_drawn[key]), "embed pages")
    w.put("index.html", pages.index_page(atlas, drawn[atlas.pages[0].map_key], atlas.pages[0]), "index")
    w.put("data/gapmap-atlas-tidy.csv", io.csv_text(atlas.tidy), "data")
    w.put(pages.TREND_CSV, io.csv_text(atlas.trend), "data")
    for level, frame in atlas.geo.items():
        w.put(f"data/{level}.geojson", frame.to_json(drop_id=True), "data")
    index = json.dumps(atlas.search, ensure_ascii=False, separators=(",", ":"))
    w.put("data/search.json", index, "data")
    # A script, not a fetch: a page opened from file:// may not fetch() a file beside it.
    safe = index.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    w.put("assets/search-index.js", f"window.GAPMAP_SEARCH={safe};\n", "assets")
    w.put("assets/atlas.css", CSS.read_bytes(), "assets")
    w.put("assets/atlas.js", JS.read_bytes(), "assets")
    w.put("sitemap.xml", sitemap(atlas, base_url), "other")
    w.put("ATTRIBUTION.txt", _attribution(atlas), "other")
    w.put("LICENCE.txt", LICENCE, "other")
    return w.done
