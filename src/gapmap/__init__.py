"""gapmap: maps of gaps in infant (0-2) mental-health provision across the UK.

It turns practitioner survey answers into per-area indicators with honest uncertainty, joins them to UK
nation and region boundaries with the parent-infant team layer, and renders maps; it does not collect data.
"""

__version__ = "0.1.0"
