"""The ``gapmap`` command: parsing, messages and exit codes (:mod:`~gapmap.cli.main`), with the survey and map
commands there and the others in :mod:`~gapmap.cli.areas`, :mod:`~gapmap.cli.exports` and
:mod:`~gapmap.cli.teams`.

A thin shell: it calls the layers below and computes nothing of its own. Independent of ``app``.
"""
