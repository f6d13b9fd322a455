"""What a reader sees, as plain data (no drawing): map specs (:mod:`~gapmap.present.mapspec`), colour classes
(:mod:`~gapmap.present.classify`), ranked and spine chart specs (:mod:`~gapmap.present.chartspec`), tidy tables,
ranked lists and area profiles (:mod:`~gapmap.present.tables`), sentences and alt text
(:mod:`~gapmap.present.describe`) and the source lines (:mod:`~gapmap.present.attribution`).

Uses ``measures`` and everything below it. Imports no drawing library.
"""
