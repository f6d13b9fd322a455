"""PNG export encoding (gapmap.render.png): the file decodes, with Pillow, to exactly the pixels matplotlib's own
PNG holds, with the resolution and the text metadata (Latin-1 and beyond) readable."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gapmap.measures.compute import indicator_table
from gapmap.present.mapspec import map_spec
from gapmap.render import png, static


def _matplotlib_png(fig, dpi: int) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())))


@pytest.mark.parametrize("size", ["social", "a4-landscape"])
def test_a_map_decodes_to_the_pixels_matplotlib_draws(size: str, tmp_path: Path):
    laid = static.map_figure(map_spec(indicator_table("services_0_2_definitely")), size)
    out = tmp_path / "m.png"
    png.write(laid.fig, out, laid.size.dpi, {"Title": "t"})
    with Image.open(out) as im:
        im.load()  # every chunk's CRC and the zlib stream are checked here
        ours = np.asarray(im)
        assert im.mode == "RGBA"
        assert round(im.info["dpi"][0]) == laid.size.dpi
    theirs = _matplotlib_png(laid.fig, laid.size.dpi)
    assert ours.shape == theirs.shape
    assert np.array_equal(ours, theirs)
    assert len(np.unique(ours.reshape(-1, 4)[::97], axis=0)) > 10  # a map, not a blank page


def test_text_metadata_in_latin_1_and_beyond_reads_back(tmp_path: Path):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 0.5), dpi=50)
    text = {
        "Title": "Children aged 0-2 – “no team” ≤ 10%",
        "Description": "Plain café text",
        "Author": "gapmap",
    }
    out = tmp_path / "t.png"
    png.write(fig, out, 72, text)
    with Image.open(out) as im:
        assert im.size == (72, 36)
        for key, value in text.items():
            assert im.text[key] == value
        assert im.text["Software"].startswith("Matplotlib version")
    data = out.read_bytes()
    assert b"iTXt" in data and b"tEXt" in data  # the title needs UTF-8; the description fits Latin-1


def test_rows_are_stored_unfiltered_and_the_file_is_well_formed():
    pixels = bytes(range(48))  # 4 rows of 3 RGBA pixels
    data = png.encode(pixels, 3, 4, 96, {})
    assert data.startswith(png.SIGNATURE) and data.endswith(b"IEND\xaeB`\x82")
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8 : start - 4], "big")
    raw = zlib.decompress(data[start : start + length])
    assert len(raw) == 4 * (1 + 12)
    assert raw[0::13] == b"\0\0\0\0"  # filter type 0 at the start of every row
    assert raw[1:13] == pixels[:12]


def test_a_buffer_of_the_wrong_size_is_refused():
    with pytest.raises(ValueError, match="for a 3 × 3 RGBA image"):
        png.encode(bytes(4 * 8), 3, 3, 96, {})


def test_pixels_written_in_pieces_encode_the_same_as_in_one():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(0.5, 0.5), dpi=96)  # 48 × 48 pixels
    pixels = np.random.default_rng(2).integers(0, 256, size=(48, 48, 4), dtype=np.uint8)
    whole = png._Encoder(fig, 96, {"Title": "x"})
    whole.write(memoryview(pixels))  # as matplotlib writes: rows × columns × RGBA in one piece
    pieces = png._Encoder(fig, 96, {"Title": "x"})
    flat = pixels.tobytes()
    pieces.write(flat[:100])
    pieces.write(memoryview(flat)[100:])
    assert whole.result() == pieces.result() == png.encode(flat, 48, 48, 96, {"Title": "x"})


def test_a_cropping_matplotlibrc_does_not_break_or_crop_the_page(tmp_path: Path):
    import matplotlib

    from gapmap.render.layout import Meta
    from gapmap.render.save import write_figure

    laid = static.map_figure(map_spec(indicator_table("respondents")), "social")
    meta = Meta("t", "d", [], "s")
    with matplotlib.rc_context({"savefig.bbox": "tight", "savefig.pad_inches": 0}):
        write_figure(laid.fig, tmp_path / "m.png", "png", laid.size.dpi, meta)
    with Image.open(tmp_path / "m.png") as im:
        assert im.size == (1200, 675)  # the social size, not the drawing's tight box


def test_an_empty_figure_or_a_bad_keyword_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="at least one pixel"):
        png.encode(b"", 0, 3, 96, {})
    with pytest.raises(ValueError, match="not a PNG text keyword"):
        png.encode(bytes(4), 1, 1, 96, {" Title": "x"})
    assert b"Skipped" not in png.encode(bytes(4), 1, 1, 96, {"Skipped": None})  # type: ignore[dict-item]


def test_many_strips_make_one_image(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(png, "STRIP_BYTES", 1000)  # a strip of 1 or 2 rows: the image is 3 strips or more
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, size=(7, 200, 4), dtype=np.uint8)
    out = tmp_path / "s.png"
    out.write_bytes(png.encode(pixels.tobytes(), 200, 7, 96, {}))
    with Image.open(out) as im:
        assert np.array_equal(np.asarray(im), pixels)
