"""Text is data on every surface: hostile strings through Markdown (the app), matplotlib, folium and Streamlit."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from gapmap import safetext
from gapmap.files import io
from gapmap.measures.compute import indicator_table
from gapmap.present.mapspec import map_spec
from gapmap.render import static, web
from gapmap.settings import Settings
from gapmap.survey import validate
from gapmap.teams import layer
from tests.conftest import DATA, ROOT

HOSTILE = [
    "![x](http://127.0.0.1:9/pixel.png)",
    "[click me](http://127.0.0.1:9/)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "$x^$ \\frac{",
    "$$\\int_0^1$$ costs $5",
    "\u202eevil.exe\u202c team",
    '=HYPERLINK("http://127.0.0.1:9/","x")',
    "**bold** _it_ `code` ~~gone~~",
    "# heading\n> quote\n- item\n1. item",
    ":red[red] :smile: :material/home:",
    "&amp; &lt;b&gt; \\* backslash",
    "x" * 100_000,
]
IDS = [re.sub(r"\W+", "_", s[:24]).strip("_") or "text" for s in HOSTILE]


def shown_text(markup: str) -> tuple[set[str], str]:
    """The tags and the visible text of Markdown as CommonMark (plus GFM tables and strikethrough) renders it."""
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markup)
    tags = set(re.findall(r"<(\w+)", rendered))
    return tags, html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


def foreign_links(markup: str) -> list[str]:
    """Links in rendered Markdown other than gapmap's own jump to the table of areas (``#areas``)."""
    rendered = MarkdownIt("commonmark").render(markup)
    return [h for h in re.findall(r'<a href="([^"]*)"', rendered) if h != "#areas"] + (
        ["<a> without href"] if rendered.count("<a ") > len(re.findall(r'<a href="', rendered)) else []
    )


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_markdown_surface_shows_the_text_and_nothing_else(text: str):
    expected = re.sub(r"[\r\n]+", " ", safetext.visible(text)).strip()
    assert shown_text(safetext.markdown(text)) == ({"p"}, expected)


@pytest.fixture(scope="module")
def team_points():
    frame = pd.DataFrame(
        {
            "id": range(len(HOSTILE)),
            "name": HOSTILE,
            "provider": HOSTILE[::-1],
            "area_served": HOSTILE,
            "location_basis": "coordinates",
            "latitude": [52.0 + i * 0.05 for i in range(len(HOSTILE))],
            "longitude": -1.5,
            "evidence_year": 2021,
            "source_url": "javascript:alert(1)",
            "region": "",
        }
    )
    return layer.team_points(frame)


def spec_for(text: str, points):
    answers = pd.DataFrame({"where_do_you_work": ["Wales"] * 12, "profession": [text] * 12})
    responses = validate.validate(io.Table(answers, f"survey {text[:40]}.csv", "utf-8"))
    settings = Settings()
    table = indicator_table("respondents", responses, settings, profession=text)
    return map_spec(table, settings, None, points, "")


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_matplotlib_draws_the_text_without_maths(text: str, team_points, tmp_path: Path):
    spec = spec_for(text[:2000], team_points)
    out = static.render(spec, tmp_path / "m.svg", "svg")
    drawn = html.unescape(re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8")))
    first_word = safetext.visible(text).split()[0][:20]
    assert first_word in drawn


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_folium_escapes_the_text(text: str, team_points):
    page = web.map_html(spec_for(text[:2000], team_points), inline_assets=False)
    decoded = page.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    dangerous = ("<img src=x", "<script>alert", "javascript:alert", "$x^$", "`code`")
    assert [d for d in dangerous if d in decoded] == []
    # Bidi overrides and controls are shown, not obeyed, in popups and tooltips (app and HTML export alike).
    assert re.findall("[\u202a-\u202e\u2066-\u2069\x00-\x08\x1b]", page) == []
    if "\u202e" in text:
        assert "[U+202E]" in decoded


def test_streamlit_shows_uploaded_text_as_text():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["source"] = "upload"
    at.query_params["indicator"] = "respondents"
    at.run()
    data = (DATA / "hostile" / "markdown_and_html.csv").read_bytes()
    at.file_uploader(key="survey_upload").upload("![t](http://127.0.0.1:9/n.png).csv", data, "text/csv")
    at.run()
    at.selectbox(key="profession").set_value(at.selectbox(key="profession").options[1]).run()
    bodies = [e.value for e in [*at.caption, *at.markdown, *at.subheader, *at.error, *at.warning, *at.info]]
    rendered = [shown_text(b) for b in bodies]
    assert (
        not at.exception,
        any("![x](http://127.0.0.1:9/pixel.png)" in text for _, text in rendered),
        [
            b
            for (tags, _), b in zip(rendered, bodies, strict=True)
            if tags & {"img", "script"} or foreign_links(b)
        ],
    ) == (True, True, [])


def test_streamlit_team_table_shows_team_text_as_text(tmp_path: Path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from gapmap.teams.store import Store

    url = f"sqlite:///{tmp_path / 'teams.db'}"
    monkeypatch.setenv("GAPMAP_DATABASE_URL", url)
    teams = tmp_path / "t.csv"
    teams.write_text(
        "name,latitude,longitude,provider\n"
        '"![t](http://127.0.0.1:9/t.png)",53.48,-2.24,"<img src=x onerror=alert(1)> [a](http://127.0.0.1:9/)"\n',
        encoding="utf-8",
    )
    Store(Settings(database_url=url)).import_file(teams)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    cells = [str(v) for v in at.table[0].value.to_numpy().ravel()]
    rendered = [shown_text(c) for c in cells]
    assert (
        any(text == "![t](http://127.0.0.1:9/t.png)" for _, text in rendered),
        [c for (tags, _), c in zip(rendered, cells, strict=True) if tags & {"img", "a", "script"}],
    ) == (True, [])
