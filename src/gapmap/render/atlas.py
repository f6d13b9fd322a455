"""The atlas's pages as HTML: an area's page, its embed page, a map's embed page and the index, from the plain
data of :mod:`gapmap.present.atlas`. Plain HTML and CSS: every page reads and navigates with JavaScript off
(the script only adds search-as-you-type); nothing is fetched from another site. Every text from data is
escaped (:func:`gapmap.render.atlas_svg.h`). Writing the site is :mod:`gapmap.render.atlas_site`.
"""

from __future__ import annotations

from gapmap.geo.levels import LEVELS
from gapmap.measures import comparison
from gapmap.present.atlas import AreaPage, Atlas, Chart, Local, Row
from gapmap.present.atlas_maps import AreaMap, MapKey, Ref
from gapmap.present.attribution import SYNTHETIC_NOTE
from gapmap.present.profile import Profile
from gapmap.render.atlas_svg import DrawnMap, h, hex_map
from gapmap.render.atlas_trend import trend_section

TREND_CSV = "data/gapmap-atlas-trend.csv"

UP = "../../"  # from area/<level>/ and embed/<level>/ to the site's root
SYNTHETIC_BANNER = (
    "Survey figures on this page come from a SYNTHETIC SAMPLE: generated answers that match the 2021 report's UK "
    "figures. Differences between areas in them are chance only."
)


def csv_path(ref: Ref) -> str:
    return f"csv/{ref.level}/{ref.code}.csv"


def map_embed_path(level: str) -> str:
    return f"embed/map/{level}.html"


def _doc(title: str, body: str, up: str, scripts: bool = False, cls: str = "") -> str:
    js = (
        f'<script src="{up}assets/search-index.js" defer></script><script src="{up}assets/atlas.js" defer></script>'
        if scripts
        else ""
    )
    return (
        '<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{h(title)}</title>"
        f'<link rel="stylesheet" href="{up}assets/atlas.css">{js}</head>'
        f'<body class="{cls}">{body}</body></html>\n'
    )


def _cap(text: str) -> str:
    """The first letter in capitals, the rest as written ('the UK's 68 NHS areas' -> 'The UK's 68 NHS areas')."""
    return text[:1].upper() + text[1:]


def _the(name: str) -> str:
    return f"the {name}" if name == "United Kingdom" else name


def _link(ref: Ref, up: str) -> str:
    return f'<a href="{up}{ref.path}">{h(ref.name)}</a>'


def legend(m: AreaMap, map_id: str) -> str:
    items = "".join(
        f'<li><span class="sw" style="background:{h(colour)}"></span>{h(label)}</li>'
        for label, colour in m.legend
    )
    if m.suppressed_label:
        items += f'<li><span class="sw hatched"></span>{h(m.suppressed_label)}</li>'
    return f'<ul class="legend" aria-label="Key to the map colours" id="{map_id}-key">{items}</ul>'


def figure(m: AreaMap, drawn: DrawnMap, here: str, name: str, map_id: str, data_href: str) -> str:
    """The map, its key and its text alternative (the description and where the numbers are)."""
    outlined = f" {name} is outlined with a thick magenta line." if here else ""
    hexes = hex_map(m, map_id + "-hex")
    hex_part = f'<div class="hex">{hexes.svg(here)}</div>' if hexes is not None else ""
    return (
        f'<figure class="mapfig">{drawn.svg(here)}{hex_part}<figcaption>{legend(m, map_id)}'
        f'<p class="alt">{h(m.alt_text)}{h(outlined)} <a href="{data_href}">The figures as a table</a>.</p>'
        f"</figcaption></figure>"
    )


def _figures(page: AreaPage) -> str:
    cells = "".join(f"<div><dt>{h(k)}</dt><dd>{h(v)}</dd></div>" for k, v in page.figures)
    return f'<dl class="figures">{cells}</dl>'


def _chart(chart: Chart, up: str) -> str:
    rows = []
    for b in chart.bars:
        here = b.ref.code == chart.here
        width = 100 * b.value / chart.top if chart.top else 0
        mark = ' <strong class="tag">this area</strong>' if here else ""
        rows.append(
            f'<tr{" class=here" if here else ""}><th scope="row">{_link(b.ref, up)}{mark}</th>'
            f'<td class="barcell"><span class="bar" style="width:{width:.1f}%"></span>'
            f'<span class="bench" style="left:{100 * chart.benchmark / chart.top:.1f}%"></span></td>'
            f'<td class="num">{h(b.text)}</td></tr>'
        )
    return (
        f'<table class="ranked"><caption>{h(chart.title)}, largest gap first. The dashed line is the '
        f'{h(chart.benchmark_text)}.</caption><thead><tr><th scope="col">Area</th><th scope="col">'
        '<span class="sr">Bar</span></th><th scope="col">Share</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _local(local: Local, up: str) -> str:
    parts = []
    if local.nearest_team:
        where = f" in {h(local.nearest_place)}" if local.nearest_place else ""
        parts.append(
            f"<p>Nearest known team: <strong>{h(local.nearest_team)}</strong>, {h(local.nearest_km)} away{where} "
            f"(a straight line, {h(local.distance_from)}; a team's point may stand for the centre of the area it "
            "serves).</p>"
        )
    else:
        parts.append("<p>No known team has a location to measure from.</p>")
    if local.neighbours:
        items = "".join(
            f"<li>{_link(ref, up)}: {'a known team serves some of it' if served else 'no known team'}</li>"
            for ref, served in local.neighbours
        )
        parts.append(f"<p>Neighbouring areas (sharing a border):</p><ul>{items}</ul>")
    else:
        parts.append("<p>It shares no border with another area of this level.</p>")
    return "".join(parts)


def _pos(x: float, centre: float, span: float, flip: bool) -> float:
    d = (x - centre) / span if span else 0.0
    return 50 + 45 * (-d if flip else d)


def _spine(profile: Profile) -> str:
    """Each indicator: the level's range (light), its middle half (darker), the benchmark at the centre line
    and the area as a dot coloured by its comparison; the better side on the right. Words in the last column."""
    from gapmap.measures.indicators import INDICATORS, format_value

    rows = []
    for r in profile.frame.to_dict("records"):
        ind = INDICATORS[str(r["indicator"])]
        uk = float(r["uk_value"])
        vals = [v for v in (r["area_min"], r["area_max"], r["value"]) if v == v and v is not None]
        span = max((abs(float(v) - uk) for v in vals), default=0.0) or 1.0
        flip = ind.polarity == "lower_better"
        ends = (
            sorted(_pos(float(r[c]), uk, span, flip) for c in ("area_min", "area_max"))
            if r["area_min"] == r["area_min"]
            else [50, 50]
        )
        mid = (
            sorted(_pos(float(r[c]), uk, span, flip) for c in ("area_q25", "area_q75"))
            if r["area_q25"] == r["area_q25"]
            else [50, 50]
        )
        word = str(r["comparison"])
        shows = not r["suppressed"] and r["value"] == r["value"] and r["value"] is not None
        dot = (
            f'<span class="dot" style="left:{_pos(float(r["value"]), uk, span, flip):.1f}%;'
            f'background:{comparison.COLOURS[word]}"></span>'
            if shows
            else ""
        )
        value = (
            "suppressed"
            if r["suppressed"]
            else format_value(ind, r["value"]) or str(r["category"]) or "no data"
        )
        said = comparison.label(word, str(r["benchmark"])) if word else "not compared"
        tag = ' <span class="synth">synthetic sample</span>' if r["synthetic"] and ind.from_survey else ""
        rows.append(
            f'<tr><th scope="row">{h(r["title"])}{tag}</th><td class="spinecell" aria-hidden="true">'
            f'<span class="range" style="left:{ends[0]:.1f}%;width:{ends[1] - ends[0]:.1f}%"></span>'
            f'<span class="mid" style="left:{mid[0]:.1f}%;width:{mid[1] - mid[0]:.1f}%"></span>'
            f'<span class="centre"></span>{dot}</td><td class="num">{h(value)}</td>'
            f'<td class="num">{h(r["benchmark"])} {h(format_value(ind, uk))}</td><td>{h(said)}</td></tr>'
        )
    return (
        '<table class="spine"><caption>Every indicator against the UK (or the nation, for a layer covering one '
        "nation). In each bar: the range of the level's areas (light), their middle half (darker), the benchmark "
        "at the centre line and this area as a dot; the better side is on the right.</caption><thead><tr>"
        '<th scope="col">Indicator</th><th scope="col" aria-hidden="true"></th><th scope="col">This area</th>'
        '<th scope="col">Benchmark</th><th scope="col">Compared</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _table(rows: list[Row], name: str) -> str:
    body = "".join(
        f'<tr><th scope="row">{h(r.title)}'
        + (' <span class="synth">synthetic sample</span>' if r.synthetic else "")
        + f'</th><td class="num">{h(r.n)}</td><td class="num">{h(r.value)}</td><td class="num">{h(r.interval)}</td>'
        f"<td>{h(r.benchmark)}</td><td>{h(r.comparison)}</td><td>{h(r.suppressed)}</td></tr>"
        for r in rows
    )
    return (
        f'<table class="data" id="data-table"><caption>Every indicator for {h(name)}: n, value, 95% interval '
        "(survey indicators), the benchmark, the comparison in words and why a value is suppressed.</caption>"
        '<thead><tr><th scope="col">Indicator</th><th scope="col">n</th><th scope="col">Value</th>'
        '<th scope="col">95% interval</th><th scope="col">Benchmark</th><th scope="col">Compared with the '
        'benchmark</th><th scope="col">Suppressed because</th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _sources(atlas: Atlas) -> str:
    items = "".join(f"<li>{h(s)}</li>" for s in atlas.sources)
    as_of = "".join(f"<li>{h(s)}</li>" for s in atlas.as_of)
    return (
        f'<h2 id="sources">Sources and licences</h2><ul>{items}</ul>'
        f"<p>Data as of {h(atlas.built[:10])}, when this atlas was built:</p><ul>{as_of}</ul>"
    )


def _trail(page: AreaPage, up: str) -> str:
    items = "".join(f"<li>{_link(r, up)}</li>" for r in page.trail)
    return (
        f'<nav aria-label="Breadcrumb" class="trail"><ol><li><a href="{up}index.html">Atlas home</a></li>{items}'
        f'<li aria-current="page">{h(page.ref.name)}</li></ol></nav>'
    )


def embed_snippet(src: str, title: str) -> str:
    return f'<iframe src="{src}" title="{title}" style="width:100%;height:640px;border:0" loading="lazy"></iframe>'


def area_page(page: AreaPage, atlas: Atlas, drawn: DrawnMap, base_url: str = "") -> str:
    """One area's page."""
    up = UP
    ref = page.ref
    m = atlas.maps[page.map_key]
    banner = f'<p class="banner" role="note">{h(SYNTHETIC_BANNER)}</p>' if page.synthetic else ""
    sentences = "".join(f"<p>{h(s)}</p>" for s in [*page.sentences, page.place] if s)
    kids = ""
    if page.children:
        items = "".join(f"<li>{_link(c, up)}</li>" for c in page.children)
        kids = f'<section aria-labelledby="h-down"><h2 id="h-down">{h(_cap(page.children_label))} in {h(_the(ref.name))}</h2><ul class="cols">{items}</ul></section>'
    local = (
        f'<section aria-labelledby="h-local"><h2 id="h-local">Nearest team and neighbours</h2>{_local(page.local, up)}</section>'
        if page.local
        else ""
    )
    spine = (
        f'<section aria-labelledby="h-spine"><h2 id="h-spine">Profile against the UK</h2>{_spine(page.profile)}</section>'
        if page.profile is not None and len(page.profile.frame)
        else ""
    )
    here = ref.code if page.map_key.parent != ref.code else ""
    embed_src = f"{base_url}{ref.embed}" if base_url else ref.embed
    snippet = embed_snippet(embed_src, f"{m.title} (gapmap)")
    unavailable = "".join(f"<li>{h(u)}</li>" for u in page.unavailable)
    body = (
        f'<a class="skip" href="#main">Skip to the content</a><header>{_trail(page, up)}</header>'
        f'<main id="main"><h1>{h(ref.name)}</h1><p class="kind">{h(page.level_label)} · {h(ref.code)}</p>{banner}'
        f'<section aria-labelledby="h-sum"><h2 id="h-sum" class="sr">Summary</h2>{sentences}{_figures(page)}</section>'
        f'<section aria-labelledby="h-map"><h2 id="h-map">Map: {h(m.key.describe())}</h2>'
        f"{figure(m, drawn, here, ref.name, 'map', '#data-table')}</section>"
        f'<section aria-labelledby="h-rank"><h2 id="h-rank">Ranked</h2>{_chart(page.chart, up)}</section>'
        f"{local}"
        + (trend_section(page.trend, ref.name, f"{up}{TREND_CSV}") if page.trend is not None else "")
        + f"{spine}"
        f'<section aria-labelledby="h-data"><h2 id="h-data">Every indicator</h2>{_table(page.rows, ref.name)}'
        + (f"<p>Not available from this survey file:</p><ul>{unavailable}</ul>" if unavailable else "")
        + "</section>"
        f"{kids}"
        f'<section aria-labelledby="h-dl"><h2 id="h-dl">Downloads and embedding</h2><ul>'
        f'<li><a href="{up}{csv_path(ref)}">This area and the UK, every indicator (CSV)</a></li>'
        f'<li><a href="{up}data/gapmap-atlas-tidy.csv">Every area, every indicator (CSV)</a></li>'
        f'<li><a href="{up}{TREND_CSV}">Every area, every year: children aged 0-2 where no known team serves '
        "(CSV)</a></li>"
        f'<li><a href="{up}data/{ref.level if ref.level in LEVELS else "la"}.geojson">Boundaries with the headline figures (GeoJSON)</a></li>'
        f'<li><a href="{up}{ref.embed}">This map on its own page, for embedding</a></li></ul>'
        f"<p>To put this map on your own site, paste:</p><pre><code>{h(snippet)}</code></pre></section>"
        f'<section aria-labelledby="sources">{_sources(atlas)}</section></main>'
        f'<footer><p><a href="{up}index.html">All areas</a> · <a href="{up}ATTRIBUTION.txt">Attribution</a> · '
        f'<a href="{up}LICENCE.txt">Licences</a></p></footer>'
    )
    return _doc(f"{ref.name}: infant mental-health provision (gapmap atlas)", body, up)


def embed_figure(m: AreaMap, drawn: DrawnMap, here: str, name: str, map_id: str) -> str:
    """The map of an embed page, made to fit its frame: the geographic map only (no hex map), sized by the space
    left in the frame; its key and a short line beside or under it. The full description is the map's own
    ``<desc>``, and a sighted reader opens it under "Describe the map"."""
    outlined = f'<p class="alt">{h(name)} is outlined in magenta.</p>' if here else ""
    return (
        f'<figure class="mapfig efig"><div class="emap" style="--ar:{drawn.aspect}">{drawn.svg(here)}</div><figcaption>{legend(m, map_id)}'
        f'{outlined}<details class="alt"><summary>Describe the map</summary><p>{h(m.alt_text)}</p></details>'
        "</figcaption></figure>"
    )


def embed_page(
    m: AreaMap, drawn: DrawnMap, here: Ref | None, data_href: str, title: str, up: str = UP
) -> str:
    """A map on its own, to sit in an iframe (the README's is 640 pixels tall): title, the map and key, the source
    line and a link to the data, all within the frame's height, the map taking the room the words leave."""
    name = here.name if here else ""
    body = (
        f'<main id="main" class="embed"><h1>{h(title)}</h1>'
        f"{embed_figure(m, drawn, here.code if here else '', name, 'emap')}"
        f'<p class="source">{h(m.source)}</p>'
        f'<p class="data"><a href="{data_href}" target="_blank" rel="noopener">View the data (opens the gapmap '
        "atlas page)</a></p></main>"
    )
    return _doc(title, body, up, cls="embedded")


def _items(refs: list[Ref]) -> str:
    return "".join(f"<li>{_link(r, '')}</li>" for r in sorted(refs, key=lambda r: r.name))


def index_page(atlas: Atlas, drawn: DrawnMap, uk: AreaPage) -> str:
    """The atlas's front page: the UK headline and map, search, and every area listed (no JavaScript needed)."""
    m = atlas.maps[uk.map_key]
    by_level: dict[str, list[Ref]] = {}
    for p in atlas.pages[1:]:
        by_level.setdefault(p.ref.level, []).append(p.ref)
    lists = "".join(
        f'<section aria-labelledby="l-{lv}"><h3 id="l-{lv}">{h(_cap(LEVELS[lv].plural))}</h3>'
        f'<ul class="cols">{_items(refs)}</ul></section>'
        for lv, refs in by_level.items()
    )
    maps = "".join(
        f'<li><a href="{map_embed_path(k.level)}">{h(LEVELS[k.level].plural)}</a></li>'
        for k in atlas.level_maps
    )
    body = (
        '<a class="skip" href="#main">Skip to the content</a>'
        f'<main id="main"><h1>gapmap atlas: infant (0-2) mental-health provision across the UK</h1>'
        f'<p class="lead">{h(atlas.headline)}</p>{_figures(uk)}'
        '<div id="search" class="search" hidden><label for="q">Find an area: a name, GSS code or postcode '
        'district</label><input id="q" type="search" autocomplete="off" placeholder="e.g. Cardiff, NHS Fife, '
        'E06000023 or KY1" aria-describedby="q-status"><p id="q-status" role="status"></p><ul id="q-results"></ul></div>'
        f'<p><a href="{uk.ref.path}">The UK page</a>: its nations ranked, every indicator, downloads.</p>'
        f'<section aria-labelledby="h-map"><h2 id="h-map">Map: {h(m.key.describe())}</h2>'
        f"{figure(m, drawn, '', '', 'map', uk.ref.path + '#data-table')}</section>"
        f'<section aria-labelledby="h-all"><h2 id="h-all">Every area</h2>{lists}</section>'
        f'<section aria-labelledby="h-embed"><h2 id="h-embed">Maps to embed</h2><ul>{maps}</ul></section>'
        f'<section aria-labelledby="h-dl"><h2 id="h-dl">Data</h2><ul>'
        '<li><a href="data/gapmap-atlas-tidy.csv">Every area, every indicator (CSV, tidy shape)</a></li>'
        + "".join(
            f'<li><a href="data/{lv}.geojson">{h(_cap(LEVELS[lv].plural))} (GeoJSON)</a></li>'
            for lv in LEVELS
        )
        + '<li><a href="data/search.json">The search index (JSON)</a></li></ul></section>'
        f'<section aria-labelledby="sources">{_sources(atlas)}</section></main>'
        '<footer><p><a href="ATTRIBUTION.txt">Attribution</a> · <a href="LICENCE.txt">Licences</a> · '
        f"{h(SYNTHETIC_NOTE)}</p></footer>"
    )
    return _doc("gapmap atlas: infant mental-health provision across the UK", body, "", scripts=True)


def map_embed(atlas: Atlas, key: MapKey, drawn: DrawnMap) -> str:
    m = atlas.maps[key]
    return embed_page(m, drawn, None, f"{UP}index.html", m.title)
