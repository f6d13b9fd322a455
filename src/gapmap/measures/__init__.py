"""What is measured: the indicator registry and tables (:mod:`~gapmap.measures.indicators`), Wilson and t
intervals (:mod:`~gapmap.measures.stats`), the survey's count cube and disclosure control
(:mod:`~gapmap.measures.cube`, :mod:`~gapmap.measures.disclosure`), comparison with the benchmark
(:mod:`~gapmap.measures.comparison`), coverage by teams (:mod:`~gapmap.measures.coverage`), provision layers
(:mod:`~gapmap.measures.provision`), and one entry point for any indicator (:mod:`~gapmap.measures.compute`).

Uses ``survey``, ``teams``, ``geo``, ``files`` and the ground floor. Draws nothing and writes no file.
"""
