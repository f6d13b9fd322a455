"""The practitioner survey: its questions and answer labels (:mod:`~gapmap.survey.questions`), and a survey file
read and validated into :class:`~gapmap.survey.validate.Responses` with every problem listed
(:mod:`~gapmap.survey.validate`).

Uses ``geo`` (to place answers in areas), ``files`` and the ground floor. Independent of ``teams``.
"""
