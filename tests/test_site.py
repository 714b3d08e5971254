"""Every page of the built book, as a reader meets it in headless Chromium."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, toc_docnames
from pagecheck import PageReport, check_page

PAGES = toc_docnames()
# A figure cell calls a widget function named `figure` or `<something>_figure`.
FIGURE_CALL = re.compile(r"^\s*\w+\.(?:\w+_)?figure\(.*\)\s*$", re.MULTILINE)


def expected_figures(docname: str) -> int:
    """How many figures the page's source asks for (cells calling ``x.figure()`` etc.)."""
    source = ROOT / f"{docname}.md"
    return len(FIGURE_CALL.findall(source.read_text(encoding="utf-8")))


@pytest.mark.parametrize("docname", PAGES)
def test_page_as_reader_sees_it(docname, book_url, context, reports):
    report: PageReport = check_page(context, f"{book_url}/{docname}.html")
    reports[docname] = report

    assert report.plots == expected_figures(docname), "a figure is missing from the page"
    assert report.blank == 0, f"{report.blank} blank plot(s)"
    assert report.dead_controls == [], "controls that change nothing"
    assert report.interactive == 0 or report.responded > 0
    assert report.http_errors == [], "missing files (HTTP errors)"
    assert report.console_errors == [], "console errors"
    assert report.page_errors == [], "uncaught page errors"
    assert report.offsite == [], "requests that left loopback"
    assert report.axe == [], "serious or critical accessibility violations"


def test_every_page_is_checked():
    """The list of pages comes from _toc.yml and covers every built chapter."""
    built = {
        p.relative_to(ROOT / "_build" / "html").with_suffix("").as_posix()
        for p in (ROOT / "_build" / "html" / "chapters").glob("*.html")
    }
    assert built <= set(PAGES)
    assert "chapters/01-terminology" in PAGES


def test_terminology_timeline_is_interactive(book_url, context):
    """The names timeline draws and every one of its controls responds."""
    report = check_page(context, f"{book_url}/chapters/01-terminology.html", axe=False)
    assert report.plots == report.drawn >= 1
    assert report.interactive >= 1
    assert report.controls >= 5
    assert report.responded == report.controls
