"""Export sizes: one registry of page and image sizes (print A4 and social images) with their type sizes.

A size is its physical page (SVG and PDF are drawn at it) and the PNG resolution; social sizes give exact pixels
(1200×675 and 1080×1080 at 150 dpi, the sizes social networks show without cropping).
"""

from __future__ import annotations

from dataclasses import dataclass

from gapmap.problems import InputError, Issue

MM = 1 / 25.4  # inches per millimetre


@dataclass(frozen=True)
class ExportSize:
    """One export size: page in inches, PNG dots per inch, and the type sizes (points) laid out on it.

    ``compact`` sizes (social images) get fewer, larger labels and only the essential notes; the full notes
    stay in the CSV beside the image and in the A4 exports.
    """

    id: str
    label: str
    width_in: float
    height_in: float
    dpi: int
    compact: bool
    title_pt: float
    subtitle_pt: float
    body_pt: float
    source_pt: float
    label_pt: float
    min_pt: float  # no text is shrunk below this to make it fit

    @property
    def pixels(self) -> tuple[int, int]:
        """The PNG's size in pixels (exact for the social sizes)."""
        return round(self.width_in * self.dpi), round(self.height_in * self.dpi)

    @property
    def margin_in(self) -> float:
        return 0.45 if not self.compact else 0.22


SIZES: dict[str, ExportSize] = {
    s.id: s
    for s in (
        ExportSize("a4-portrait", "A4 portrait (210×297 mm)", 210 * MM, 297 * MM, 300, False, 16, 9.5, 8, 6, 6.5, 5),
        ExportSize("a4-landscape", "A4 landscape (297×210 mm)", 297 * MM, 210 * MM, 300, False, 16, 9.5, 8, 6, 6.5, 5),
        # 150 dpi: 1200/150 and 675/150 are exact, so the PNG is exactly 1200×675 pixels.
        ExportSize("social", "Social image (1200×675 px)", 8.0, 4.5, 150, True, 17, 10, 9.5, 6.5, 9, 6),
        ExportSize("square", "Square social image (1080×1080 px)", 7.2, 7.2, 150, True, 17, 10, 9.5, 6.5, 9, 6),
    )
}  # fmt: skip
DEFAULT_SIZE = "a4-portrait"


def get_size(size_id: str | None) -> ExportSize:
    """The export size with this id (A4 portrait for None); InputError listing the valid ids otherwise.

    >>> get_size("social").pixels
    (1200, 675)
    """
    if size_id is None:
        return SIZES[DEFAULT_SIZE]
    try:
        return SIZES[size_id]
    except KeyError:
        raise InputError(
            [
                Issue(
                    None,
                    "size",
                    size_id,
                    f"Expected one of {', '.join(SIZES)}; found '{size_id}'. Fix: choose one of those sizes.",
                )
            ]
        ) from None
