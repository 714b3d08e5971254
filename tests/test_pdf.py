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
from tools.exports import answer
from tools.pdf import prepare_for_print, print_faults, print_pdf
from widgets import questions
from widgets.objectives import chapter_title


def _title(docname: str) -> str:
    """The first '# ' heading of a page's source."""
    text = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.MULTILINE).group(1).strip()


def _words(text: str) -> str:
    """``text`` as PDF text compares: ligatures undone (ﬁ, ﬀ), white space made one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_pdf_has_every_chapter_its_questions_and_the_answer_key(book_html, browser, tmp_path):
    target = print_pdf(book_html, tmp_path / "book.pdf", browser=browser)
    reader = PdfReader(str(target))
    pages = toc_docnames()
    assert len(reader.pages) >= len(pages)
    text = _words(" ".join(page.extract_text() for page in reader.pages))
    for docname in pages:
        assert _title(docname) in text, f"title of {docname} missing from the PDF"
    assert "Show code cell" not in text
    # The chapters print their questions, without the buttons or the answers ...
    bank = questions.load()
    book, _, keys = text.partition(f"{chapter_title(str(bank[0].chapter))}: answer key")
    assert keys, "the answer key is missing from the end of the PDF"
    assert "Reset this chapter" not in book and "the answer key at the end" in book
    for q in bank:
        assert _words(q.stem)[:60] in book, f"{q.id} is not printed in its chapter"
        assert _words(q.explanation) not in book, f"{q.id}'s explanation is printed"
    # ... and the book ends with every chapter's key: each question's id and its answer.
    chapters = dict.fromkeys(str(q.chapter) for q in bank)
    for chapter in chapters:
        assert f"{chapter_title(chapter)}: answer key" in text
    solid = "".join(keys.split())  # a line may break after any hyphen of an id
    for q in bank:
        assert f"[{q.id}]" in solid, f"{q.id} is missing from the answer key"
        assert "".join(_words(answer(q)).split())[:40] in solid, f"{q.id}'s answer is not keyed"


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
