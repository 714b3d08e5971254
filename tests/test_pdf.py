"""`make pdf`: the whole book as one PDF, with every chapter's title as text."""

from __future__ import annotations

import re
import unicodedata

from conftest import ROOT, toc_docnames
from pypdf import PdfReader

from tools.pdf import print_pdf


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
