"""`make pdf`: the whole book as one PDF, every chapter's title as text, nothing cut.

Printing fits tables to the page, keeps each figure with its caption, and leaves
out the plots' menus, sliders and modebar and the data panels' toggles (the print
rules in _static/backmice.css, measured on each page laid out for print).
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from conftest import ROOT, toc_docnames
from pypdf import PdfReader

from tools.browser import wait_for_figures
from tools.pdf import prepare_for_print, print_faults, print_pdf


def _title(docname: str) -> str:
    """The first '# ' heading of a page's source."""
    text = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.MULTILINE).group(1).strip()


def test_pdf_has_every_chapter(book_html, browser, tmp_path):
    target = print_pdf(book_html, tmp_path / "book.pdf", browser=browser)
    reader = PdfReader(str(target))
    pages = toc_docnames()
    assert len(reader.pages) >= len(pages)
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(unicodedata.normalize("NFKC", text).split())  # undo ligatures (ﬁ, ﬀ)
    for docname in pages:
        assert _title(docname) in text, f"title of {docname} missing from the PDF"
    assert "Show code cell" not in text


@pytest.mark.parametrize("docname", toc_docnames())
def test_page_fits_the_printed_page(docname, book_url, context):
    page = context.new_page()
    page.goto(f"{book_url}/{docname}.html", wait_until="networkidle")
    wait_for_figures(page)
    prepare_for_print(page)
    assert print_faults(page) == []
    breaks = page.evaluate(
        "() => Array.from(document.querySelectorAll('figure.bm-figure'))"
        ".map(f => getComputedStyle(f).breakInside)"
    )
    assert all(value == "avoid" for value in breaks)


def test_print_check_catches_a_wide_table(book_url, context):
    page = context.new_page()
    page.goto(f"{book_url}/chapters/04-treatments.html", wait_until="networkidle")
    wait_for_figures(page)
    prepare_for_print(page)
    page.add_style_tag(
        content="table.table { width: 1400px !important; } details.bm-alt "
        "{ display: block !important; }"
    )
    faults = print_faults(page)
    assert any("too wide" in fault for fault in faults)
    assert any("bm-alt printed" in fault for fault in faults)
