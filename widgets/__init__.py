"""Interactive pieces of the Back Mice book; for education, none of them diagnoses anything.

Each topic module (``names``, ``prevalence``: chapter 1; ``landmarks``: 2;
``differential``: 3; ``treatments``: 4) has three layers: ``load()`` (the validated,
cited data), ``figure()`` (plotly with its own controls, working in static HTML) and
``app()`` (ipywidgets for a live notebook). Shared: ``data`` (loading, validation),
``options`` (one option space per figure), ``forest`` and ``pelvis`` (figure parts),
``style``, ``render`` (:class:`BookFigure`), ``live``, ``checks`` and ``stats``.
``objectives`` and ``questions`` load the learning objectives and the graded question bank;
``quiz`` shows a chapter's questions, graded in the page or the notebook; ``cases`` asks
one of them before each stage of a staged clinical case.
"""
