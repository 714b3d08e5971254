"""Write standalone pages of book figures, for browser checks outside the book.

``write_page`` puts plotly.js (from the installed package, as the book does) next to
an ``index.html`` holding the given HTML fragments, so :func:`pagecheck.check_page`
can open it on loopback.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" href="data:,">
<script src="plotly.min.js"></script></head>
<body><main><h1>{title}</h1>
{body}
</main></body></html>
"""


def write_page(directory: Path, fragments: Iterable[str], title: str = "Figures") -> Path:
    """Write ``index.html`` with ``fragments`` and a copy of plotly.js; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PLOTLY_JS, directory / "plotly.min.js")
    page = directory / "index.html"
    page.write_text(TEMPLATE.format(title=title, body="\n".join(fragments)), encoding="utf-8")
    return page
