"""Bytes in and out: the readers (CSV cell by cell with every problem, CSV column by column, XLSX, all with size
limits), :class:`~gapmap.files.io.Table` of text cells, formula-safe CSV text, and the one safe writer
(:mod:`gapmap.files.output`: atomic, no overwriting a folder or device).

Uses only the ground floor (``settings``, ``problems``, ``safetext``). Knows nothing of surveys, teams or maps.
"""
