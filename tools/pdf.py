"""Print the whole book to one PDF with the system's Chromium (``make pdf``).

Serves the built HTML book on loopback, opens every page of the table of contents
in order, waits until every plotly figure has drawn, prints each page (figures come
out as vector SVG) and joins the pages into ``_build/pdf/book.pdf`` with pypdf. The
chapters print their self-check questions without answers (the print rules in
``_static/backmice.css``); the book ends with the answer key of every chapter, the
printable keys that ``make book`` writes into ``_build/html/exports/`` from the bank
(:mod:`tools.exports`).

(The single-page builder is not used: myst-nb's hidden-cell nodes break it.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.browser import HTML, ROOT, launch, serve, toc_docnames, wait_for_figures
from tools.exports import chapters, sheet_name
from widgets import questions

TARGET = ROOT / "_build" / "pdf" / "book.pdf"

# Print-only styles on top of the book's own @media print rules (_static/backmice.css:
# tables fit the page, figures keep with their captions, plot controls left out):
# no navigation chrome, the article at full width.
PRINT_CSS = """
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article, .prev-next-area,
.bd-footer, .bd-footer-article, #pst-back-to-top, .skip-link { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
"""
#: The printable width of an A4 page less 12 mm margins, in CSS pixels.
PRINT_WIDTH = 700

# What would not fit across the printed page: tables and figures wider than their
# column, and plot controls still shown.
PRINT_FAULTS_JS = """() => {
  const faults = [];
  const column = document.querySelector('.bd-article') || document.body;
  const limit = column.getBoundingClientRect().right + 1;
  document.querySelectorAll('table, figure.bm-figure').forEach((el, i) => {
    const right = el.getBoundingClientRect().right;
    const over = Math.round(right - limit);
    if (right > limit) faults.push(`${el.tagName.toLowerCase()} ${i} is ${over} px too wide`);
  });
  const controls = '.updatemenu-container, .slider-container, .modebar-container, details.bm-alt';
  document.querySelectorAll(controls).forEach(el => {
    if (getComputedStyle(el).display !== 'none') faults.push(`${el.getAttribute('class')} printed`);
  });
  return faults;
}"""


def prepare_for_print(page: Any) -> None:
    """Switch an open, fully drawn book page to print layout, figures redrawn to fit."""
    page.add_style_tag(content=PRINT_CSS)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINT_WIDTH, "height": 1100})  # A4 less margins
    page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot')"
        ".forEach(gd => window.Plotly.Plots.resize(gd))"
    )
    page.wait_for_timeout(300)


def print_faults(page: Any) -> list[str]:
    """What on a page prepared for print would not fit the paper, or should not print."""
    return page.evaluate(PRINT_FAULTS_JS)


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


def answer_keys(html: Path = HTML) -> list[str]:
    """The built answer-key pages, one per chapter in the bank's order, relative to ``html``."""
    names = [f"exports/{sheet_name(chapter, 'key')}" for chapter in chapters(questions.bank())]
    missing = [name for name in names if not (html / name).is_file()]
    if missing:
        raise SystemExit(f"The answer keys are not built ({', '.join(missing)}): run `make book`.")
    return names


def _print_pages(browser: Any, html: Path, target: Path) -> Path:
    """Open each TOC page, then each answer key, on loopback; print and join them with pypdf."""
    from pypdf import PdfWriter

    target.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter()
    pages = [f"{docname}.html" for docname in toc_docnames()] + answer_keys(html)
    with serve(html) as url:
        page = browser.new_page()
        for number, name in enumerate(pages):
            part = target.parent / f"part-{number:02d}.pdf"
            page.set_viewport_size({"width": 1000, "height": 1400})
            page.goto(f"{url}/{name}", wait_until="networkidle")
            if not name.startswith("exports/"):
                wait_for_figures(page, timeout=30000)
                prepare_for_print(page)
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
