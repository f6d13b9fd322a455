"""Geography: the registry of levels (nation, region, NHS area, local authority) and their boundaries
(:mod:`~gapmap.geo.levels`), every area's code, name, parents and children aged 0-2 (:mod:`~gapmap.geo.areas`),
postcodes and points to areas (:mod:`~gapmap.geo.geocode`), and "find my area" (:mod:`~gapmap.geo.find`).

Uses ``files`` and the ground floor. Knows nothing of surveys, teams or indicators.
"""
