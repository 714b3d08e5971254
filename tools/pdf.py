"""Print the whole book to one PDF with the system's Chromium (``make pdf``).

Serves the built HTML book on loopback, opens every page of the table of contents
in order, waits until every plotly figure has drawn, prints each page (figures come
out as vector SVG) and joins the pages into ``_build/pdf/book.pdf`` with pypdf.

(The single-page builder is not used: myst-nb's hidden-cell nodes break it.)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from tools.browser import launch, serve, toc_docnames  # noqa: E402

HTML = ROOT / "_build" / "html"
TARGET = ROOT / "_build" / "pdf" / "book.pdf"

# Print-only styles: no navigation chrome, figure dropdowns open, no page-breaking plots.
PRINT_CSS = """
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article, .prev-next-area,
.bd-footer, .bd-footer-article, .modebar-container, .updatemenu-container,
.slider-container, #pst-back-to-top, .skip-link { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
figure.bm-figure { break-inside: avoid; }
"""


def print_pdf(html: Path = HTML, target: Path = TARGET, browser: Any = None) -> Path:
    """Print every TOC page of the built book and join them into ``target``.

    ``browser`` is an already launched Playwright Chromium (the test suite passes
    its own); without one, a headless Chromium is started for the job.
    """
    if not (html / "index.html").exists():
        raise SystemExit("The book is not built: run `make book` first.")
    if browser is not None:
        return _print_pages(browser, html, target)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        own = launch(playwright)
        try:
            return _print_pages(own, html, target)
        finally:
            own.close()


def _print_pages(browser: Any, html: Path, target: Path) -> Path:
    """Open each TOC page on loopback, print it, and join the parts with pypdf."""
    from pypdf import PdfWriter

    target.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter()
    with serve(html) as url:
        page = browser.new_page()
        for number, docname in enumerate(toc_docnames()):
            part = target.parent / f"part-{number:02d}.pdf"
            page.set_viewport_size({"width": 1000, "height": 1400})
            page.goto(f"{url}/{docname}.html", wait_until="networkidle")
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                ".every(el => el.querySelector('.main-svg'))",
                timeout=30000,
            )
            page.add_style_tag(content=PRINT_CSS)
            page.emulate_media(media="print")
            page.set_viewport_size({"width": 700, "height": 1100})  # A4 less margins
            page.evaluate(
                "() => document.querySelectorAll('.js-plotly-plot')"
                ".forEach(gd => window.Plotly.Plots.resize(gd))"
            )
            page.wait_for_timeout(300)
            page.pdf(
                path=str(part),
                format="A4",
                print_background=True,
                margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
            )
            writer.append(str(part))
            part.unlink()
        page.close()
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def main() -> int:
    """Print the built book; report where the PDF is."""
    target = print_pdf()
    print(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
