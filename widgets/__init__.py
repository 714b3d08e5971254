"""Interactive pieces of the Back Mice book.

Each topic module follows three layers (see ``shared`` architecture guide):

* ``load()``   -- the validated, cited data behind the figure;
* ``figure()`` -- a plotly figure whose own controls work in static HTML;
* ``app()``    -- an ipywidgets app for a live notebook.

The modules are for education; none of them diagnoses anything.
"""

__all__ = ["data", "render", "style"]
