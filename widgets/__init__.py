"""Interactive pieces of the Back Mice book.

Each topic module follows three layers (see ``shared`` architecture guide):

* ``load()``   -- the validated, cited data behind the figure;
* ``figure()`` -- a plotly figure whose own controls work in static HTML;
* ``app()``    -- an ipywidgets app for a live notebook.

The modules are for education; none of them diagnoses anything.
"""

__all__ = [
    "data",  # loading and validating data/ (shared)
    "differential",  # chapter 3: conditions x findings explorer
    "landmarks",  # chapter 2: superior cluneal nerve crest crossings
    "live",  # the LiveApp base for app()
    "names",  # chapter 1: timeline of names
    "prevalence",  # chapter 1: reported prevalence
    "render",  # BookFigure: static HTML in the book, plotly elsewhere
    "stats",  # Wilson interval
    "style",  # palette and layout defaults
    "treatments",  # chapter 4: outcomes and sample size
]
