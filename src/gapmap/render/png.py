"""PNG files from matplotlib's own RGBA pixels, encoded without PNG's per-row filter search.

matplotlib hands its pixels to Pillow, whose PNG encoder tries all five PNG row filters on every row and keeps the
best: for an A4 map at 300 dpi (8.7 million pixels of mostly flat colour) that search is two thirds of the encoding
time, and on such images the unfiltered rows compress smaller anyway. So the pixels are drawn by matplotlib
(``savefig(format="raw")``: the same pixels as its PNG) and written here with filter type 0 and zlib, with the
same chunks matplotlib and Pillow write: size and colour type, resolution (pHYs) and the text metadata. Any PNG
reader decodes the file to exactly the pixels matplotlib drew (tests/render/test_png.py checks that with Pillow).
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEVEL = 1  # zlib level: an A4 map at level 1 is ~5% larger than at 6 and encodes twice as fast
METRES_PER_INCH = 0.0254
STRIP_BYTES = 1 << 20  # rows handed to zlib at a time


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


def _text(key: str, value: str) -> bytes:
    """A tEXt chunk for Latin-1 text, else an uncompressed iTXt chunk in UTF-8 (as Pillow's PngInfo does)."""
    keyword = key.encode("latin-1")
    if not 1 <= len(keyword) <= 79 or key != " ".join(key.split()) or not key.isprintable():
        raise ValueError(
            f"'{key}' is not a PNG text keyword (1-79 printable Latin-1 characters, single spaces)"
        )
    try:
        return _chunk(b"tEXt", keyword + b"\0" + value.encode("latin-1"))
    except UnicodeEncodeError:
        # keyword, NUL, compression flag 0, method 0, empty language tag + NUL, empty translated keyword + NUL
        return _chunk(b"iTXt", keyword + b"\0\0\0" + b"\0" + b"\0" + value.encode("utf-8"))


def encode(rgba: bytes | memoryview, width: int, height: int, dpi: float, text: dict[str, str]) -> bytes:
    """A whole PNG file (8-bit RGBA, not interlaced) for ``width`` × ``height`` pixels given row by row.

    >>> png = encode(bytes([255, 0, 0, 255]) * 6, 3, 2, 300, {"Title": "red"})
    >>> png[:8] == SIGNATURE, len(png) < 120
    (True, True)
    """
    per_metre = int(dpi / METRES_PER_INCH + 0.5)
    parts = [
        SIGNATURE,
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        *(_text(key, value) for key, value in text.items() if value is not None),
        _chunk(b"IDAT", _deflate(rgba, width, height)),
        _chunk(b"IEND", b""),
    ]
    return b"".join(parts)


def _deflate(rgba: bytes | memoryview, width: int, height: int) -> bytes:
    """The image data: each row prefixed with its filter type (0, None), compressed a strip of rows at a time
    (so no second full-size copy of the pixels is held)."""
    import numpy as np

    if width < 1 or height < 1:
        raise ValueError(f"a PNG needs at least one pixel; the figure is {width} × {height} pixels")
    pixels = np.frombuffer(rgba, dtype=np.uint8)
    if pixels.size != width * height * 4:
        raise ValueError(f"{pixels.size} bytes of pixels for a {width} × {height} RGBA image")
    pixels = pixels.reshape(height, 4 * width)
    step = max(1, STRIP_BYTES // (1 + 4 * width))
    strip = np.zeros((min(step, height), 1 + 4 * width), dtype=np.uint8)
    zip_ = zlib.compressobj(LEVEL)
    out = []
    for top in range(0, height, step):
        rows = pixels[top : top + step]
        strip[: len(rows), 1:] = rows
        out.append(zip_.compress(strip[: len(rows)].data))
    out.append(zip_.flush())
    return b"".join(out)


class _Encoder(io.BytesIO):
    """A file for ``savefig(format="raw")`` to write the canvas into: the pixels are encoded as they arrive,
    straight from matplotlib's own buffer (rows × columns × RGBA, so it gives the size), rather than copied first."""

    def __init__(self, fig: Figure, dpi: float, text: dict[str, str]) -> None:
        super().__init__()
        self.fig, self.dpi, self.text = fig, dpi, text
        self.received = bytearray()
        self.png = b""

    def write(self, data: Any, /) -> int:  # nothing goes into BytesIO's buffer: the PNG is built here
        view = memoryview(data)
        shape = view.shape or ()
        if len(shape) == 3 and shape[2] == 4 and not self.received and not self.png:
            height, width = shape[0], shape[1]
            self.png = encode(view, width, height, self.dpi, self.text)
        else:  # the pixels in pieces (matplotlib writes them in one): gather, then encode whole
            self.received += view.tobytes()
            self.png = b""
        return view.nbytes

    def result(self) -> bytes:
        if self.received:
            width, height = _pixels(self.fig, self.dpi)
            return encode(bytes(self.received), width, height, self.dpi, self.text)
        if not self.png:
            raise ValueError("matplotlib wrote no pixels")
        return self.png


def write(fig: Figure, target: Path, dpi: int, text: dict[str, str]) -> None:
    """Draw ``fig`` at ``dpi`` as matplotlib's ``savefig`` would and write it to ``target`` as a PNG."""
    import matplotlib

    software = {"Software": f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"}
    sink = _Encoder(fig, dpi, {**software, **text})
    fig.savefig(sink, format="raw", dpi=dpi)
    target.write_bytes(sink.result())


def _pixels(fig: Figure, dpi: float) -> tuple[int, int]:
    """The size in pixels of the canvas ``savefig`` draws ``fig`` on at ``dpi`` (matplotlib's own rounding)."""
    old = fig.dpi
    fig.set_dpi(dpi)
    try:
        width, height = fig.canvas.get_width_height(physical=True)
    finally:
        fig.set_dpi(old)
    return int(width), int(height)
