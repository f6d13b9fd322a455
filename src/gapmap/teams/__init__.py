"""Parent-infant teams: the rules for each column of a teams file (:mod:`~gapmap.teams.rules`), the whole-file
check (:mod:`~gapmap.teams.validate`), the database of teams with batches and undo (:mod:`~gapmap.teams.store`,
SQLite or PostgreSQL through SQLAlchemy) and the team points drawn on maps (:mod:`~gapmap.teams.layer`).

Uses ``geo``, ``files`` and the ground floor. Independent of ``survey``.
"""
