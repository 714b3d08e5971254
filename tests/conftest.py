"""Shared fixtures: the built book served on loopback, and headless Chromium.

The server, the browser launch and the reader settings live in ``tools/browser.py``
(the tools use them too); this file only wraps them as pytest fixtures. Playwright
(through ``pagecheck``) is imported only inside the browser fixtures, so the unit
tests run where it is not installed. The Hypothesis profile ``book`` drops the
200 ms per-example deadline, which flakes on a loaded machine; it is loaded for the
whole suite (``--hypothesis-profile`` chooses another).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from tools.browser import HTML, INSTALL_HINT, ROOT, SETTINGS, find_chromium, launch, serve
from tools.browser import toc_docnames as toc_docnames

if TYPE_CHECKING:
    from pagecheck import PageReport

settings.register_profile("book", deadline=None)
settings.load_profile("book")

__all__ = ["HTML", "ROOT", "serve", "toc_docnames"]

REPORT_FILE = ROOT / "_build" / "browser-report.json"


@pytest.fixture(scope="session")
def book_html() -> Path:
    """The built HTML book; run `make book` first (make test does)."""
    if not (HTML / "index.html").exists():
        pytest.fail("The book is not built: run `make book` (or `make test`).")
    return HTML


@pytest.fixture(scope="session")
def book_url(book_html: Path) -> Iterator[str]:
    """Base URL of the book served on loopback."""
    with serve(book_html) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium from the system; fail (never skip) when it is missing."""
    if find_chromium() is None:
        pytest.fail(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture()
def context(browser: object) -> Iterator[object]:
    """A fresh desktop, light-mode browser context (no cache, no storage) per test."""
    ctx = browser.new_context(**SETTINGS["desktop-light"].context_options())
    yield ctx
    ctx.close()


@pytest.fixture()
def setting_context(browser: object) -> Iterator[Callable[[str], object]]:
    """A factory: ``setting_context("phone")`` gives a fresh context for that setting."""
    made: list[object] = []

    def make(name: str) -> object:
        ctx = browser.new_context(**SETTINGS[name].context_options())
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture(scope="session")
def reports() -> Iterator[dict[str, PageReport]]:
    """Collects every book page's report; written to _build/browser-report.json."""
    collected: dict[str, PageReport] = {}
    yield collected
    if collected:
        pages = [report.summary() for report in collected.values()]
        totals = {
            key: sum(page[key] for page in pages)
            for key in pages[0]
            if key not in ("url", "setting")
        }
        totals["pages"] = len(pages)
        REPORT_FILE.write_text(json.dumps({"totals": totals, "pages": pages}, indent=2))
