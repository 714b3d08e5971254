"""Shared fixtures: the built book served on loopback, and headless Chromium.

Playwright (through ``pagecheck``) is imported only inside the browser fixtures, so
the unit tests run where it is not installed. The Hypothesis profile ``book`` drops
the 200 ms per-example deadline, which flakes on a loaded machine; it is loaded for
the whole suite (``--hypothesis-profile`` chooses another).
"""

from __future__ import annotations

import contextlib
import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from hypothesis import settings

if TYPE_CHECKING:
    from pagecheck import PageReport

settings.register_profile("book", deadline=None)
settings.load_profile("book")

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
REPORT_FILE = ROOT / "_build" / "browser-report.json"


def toc_docnames() -> list[str]:
    """Every page in the table of contents, root first (e.g. ``chapters/faq``)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]
    for part in toc.get("parts", []):
        names += [chapter["file"] for chapter in part["chapters"]]
    return names


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output clean."""


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 on a free port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


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
    from pagecheck import CHROMIUM_ARGS, INSTALL_HINT, PROXY, find_chromium

    executable = find_chromium()
    if executable is None:
        pytest.fail(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS, proxy=PROXY
        )
        yield browser
        browser.close()


@pytest.fixture()
def context(browser: object) -> Iterator[object]:
    """A fresh browser context (no cache, no storage) for each test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def reports() -> Iterator[dict[str, PageReport]]:
    """Collects every book page's report; written to _build/browser-report.json."""
    collected: dict[str, PageReport] = {}
    yield collected
    if collected:
        pages = [report.summary() for report in collected.values()]
        totals = {key: sum(page[key] for page in pages) for key in pages[0] if key != "url"}
        totals["pages"] = len(pages)
        REPORT_FILE.write_text(json.dumps({"totals": totals, "pages": pages}, indent=2))
