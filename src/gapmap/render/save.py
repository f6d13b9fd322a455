"""Write a laid-out figure as PNG, SVG or PDF with its metadata; PDFs are tagged with title and language.

matplotlib draws every format and writes SVG and PDF; PNG pixels are encoded by :mod:`gapmap.render.png`. A PDF
is then re-written with pypdf to add ``/Lang (en-GB)`` to the document catalog and ask viewers to show the title
rather than the file name (screen readers announce both).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapmap.render.layout import Meta, rc

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LANGUAGE = "en-GB"
AUTHOR = "gapmap"
FORMATS = ("png", "svg", "pdf")


def _matplotlib_metadata(meta: Meta, fmt: str) -> dict[str, Any]:
    if fmt == "png":
        return {
            "Title": meta.title,
            "Description": meta.description,
            "Author": AUTHOR,
            "Source": meta.source,
        }
    if fmt == "svg":
        return {
            "Title": meta.title,
            "Description": meta.description,
            "Creator": AUTHOR,
            "Language": LANGUAGE,
            "Keywords": meta.keywords,
            "Rights": meta.source,
        }
    return {
        "Title": meta.title,
        "Subject": meta.description,
        "Author": AUTHOR,
        "Keywords": "; ".join(meta.keywords),
    }


def write_figure(fig: Figure, target: Path, fmt: str, dpi: int, meta: Meta) -> None:
    """Save ``fig`` to ``target`` (a temporary path: callers commit it atomically through gapmap.files.output)."""
    with rc():
        # PNG: matplotlib's pixels, encoded without Pillow's per-row filter search (see gapmap.render.png).
        if fmt == "png":
            from gapmap.render import png

            png.write(fig, target, dpi, _matplotlib_metadata(meta, fmt))
            return
        fig.savefig(target, format=fmt, dpi=dpi, metadata=_matplotlib_metadata(meta, fmt))
    if fmt == "pdf":
        tag_pdf(target, meta)


def tag_pdf(path: Path, meta: Meta) -> None:
    """Add the document language, title display and full metadata to a PDF in place."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(path))
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(LANGUAGE)
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    writer.add_metadata(
        {
            "/Title": meta.title,
            "/Subject": meta.description,
            "/Author": AUTHOR,
            "/Keywords": "; ".join(meta.keywords),
            "/Creator": AUTHOR,
        }
    )
    buf = io.BytesIO()
    writer.write(buf)
    path.write_bytes(buf.getvalue())
