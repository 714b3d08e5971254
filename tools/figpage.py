"""Write standalone pages of book figures, for browser checks outside the book.

``write_page`` puts the book's own plotly.js bundle (the partial cartesian build the
book serves, from ``_static/``) and its figure script next to an ``index.html``
holding the given HTML fragments, so ``tests/pagecheck.check_page`` can open it on
loopback and the figures are drawn by exactly the JavaScript a reader gets.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from backmice_sphinx import FIGURES_JS, PLOTLY_JS, STATIC

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<script src="plotly.min.js"></script><script src="figures.js" defer></script>{head}</head>
<body><main><h1>{title}</h1>
{body}
</main></body></html>
"""


def write_page(
    directory: Path, fragments: Iterable[str], title: str = "Figures", head: str = ""
) -> Path:
    """Write ``index.html`` with ``fragments`` and a copy of plotly.js; return its path.

    ``head`` is extra HTML for the page's ``<head>`` (e.g. a ``<style>`` block).
    """
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STATIC / PLOTLY_JS, directory / "plotly.min.js")
    shutil.copyfile(STATIC / FIGURES_JS, directory / "figures.js")
    page = directory / "index.html"
    text = TEMPLATE.format(title=title, head=head, body="\n".join(fragments))
    page.write_text(text, encoding="utf-8")
    return page
