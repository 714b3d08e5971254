"""Shared fixtures: the built book served on loopback, and headless Chromium.

The server, the browser launch and the reader settings live in ``tools/browser.py``
(the tools use them too); this file only wraps them as pytest fixtures. Playwright
(through ``pagecheck``) is imported only inside the browser fixtures, so the unit
tests run where it is not installed. The Hypothesis profile ``book`` drops the
200 ms per-example deadline, which flakes on a loaded machine; it is loaded for the
whole suite (``--hypothesis-profile`` chooses another).

Tiers (``make quick`` runs ``-m "not browser and not build"``): a test is marked
``browser`` when it uses a fixture in :data:`BROWSER_FIXTURES`, and ``build`` when it
uses one in :data:`BUILD_FIXTURES`, directly or through another fixture. A test that
builds without such a fixture marks itself (``pytestmark = pytest.mark.build``).

Under pytest-xdist (``make test``) each worker has its own session: its own served book
and its own Chromium, on free ports. A session fixture that every worker can share
(the fresh venv of ``test_notebooks.py``) is made once, under a lock, in the run's
common temporary folder (:func:`shared_folder`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
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

__all__ = ["CITE", "HTML", "ROOT", "cited", "flat", "serve", "toc_docnames"]

#: A MyST citation role and its comma-separated keys.
CITE = re.compile(r"\{cite(?::[pt])?\}`([^`]+)`")


def cited(text: str) -> set[str]:
    """Every ``references.bib`` key that the MyST ``text`` cites."""
    return {key.strip() for group in CITE.findall(text) for key in group.split(",")}


def flat(text: str) -> str:
    """``text`` with every run of white space made one space, so wrapped lines still match."""
    return " ".join(text.split())


REPORT_FILE = ROOT / "_build" / "browser-report.json"

#: Fixtures that drive headless Chromium: their tests are marked ``browser``.
BROWSER_FIXTURES = frozenset({"browser"})
#: Fixtures that need the built book, build a copy of it, or install a fresh virtualenv
#: from the package index (network): their tests are marked ``build``.
BUILD_FIXTURES = frozenset({"book_html", "book", "archive_build", "fresh_venv"})
#: Fixtures made once for their tests: the module-scoped ones that build a book, and the
#: fresh virtualenv. The tests using one run on one xdist worker (``--dist loadgroup``),
#: so that the book is built once, not once per worker, and no worker sits waiting for
#: the virtualenv another one is installing.
ONE_WORKER = frozenset({"book", "archive_build", "fresh_venv"})
#: Modules with the longest tests, run first so that no worker is left with one at the end.
SLOW_FIRST = (
    "test_notebooks",
    "test_build",
    "test_determinism",
    "test_provenance",
    "test_lite",
    "test_pdf",
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test ``browser`` and/or ``build`` from the fixtures it uses (their closure),
    group the tests of a fixture made once, and put the slow modules first."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if used & BUILD_FIXTURES:
            item.add_marker(pytest.mark.build)
        if used & ONE_WORKER:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    items.sort(key=lambda item: _slowness(item.module.__name__))


def _slowness(module: str) -> int:
    """A module's place in the run: those in :data:`SLOW_FIRST` first, in that order."""
    return SLOW_FIRST.index(module) if module in SLOW_FIRST else len(SLOW_FIRST)


@contextlib.contextmanager
def shared_folder(factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """``(folder, ready)`` for a folder made once per run, even across xdist workers.

    The folder is in the run's temporary folder, which the workers share; the caller
    fills it when ``ready`` is false, and holds a lock meanwhile, so that another
    worker waits and then finds it ready.
    """
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # a worker's folder is <run's folder>/popen-gwN
    folder, done = base / name, base / f"{name}.done"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder, done.exists()
        done.touch()


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
    """Collects every book page's report; written to _build/browser-report.json.

    Under pytest-xdist each worker adds its pages to the file of the same run.
    """
    collected: dict[str, PageReport] = {}
    yield collected
    if collected:
        write_report([report.summary() for report in collected.values()])


def write_report(pages: list[dict]) -> None:
    """Write ``pages`` with their totals, after the pages other workers of this run wrote."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # set in every xdist worker of one run
    with open(REPORT_FILE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if run and REPORT_FILE.exists():
            earlier = json.loads(REPORT_FILE.read_text())
            if earlier.get("run") == run:
                pages = earlier["pages"] + pages
        totals = {
            key: sum(page[key] for page in pages)
            for key in pages[0]
            if key not in ("url", "setting")
        }
        totals["pages"] = len(pages)
        report = {"totals": totals, "pages": pages} | ({"run": run} if run else {})
        REPORT_FILE.write_text(json.dumps(report, indent=2))


def contrast(rgb1: tuple[float, ...] | str, rgb2: tuple[float, ...] | str) -> float:
    """WCAG contrast ratio of two sRGB colours: 0-255 triples or ``#rrggbb`` / ``#rgb``."""
    rgb1, rgb2 = (_rgb(c) if isinstance(c, str) else c for c in (rgb1, rgb2))

    def luminance(rgb: tuple[float, ...]) -> float:
        c = [v / 255 for v in rgb[:3]]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    high, low = sorted((luminance(rgb1), luminance(rgb2)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(colour: str) -> tuple[int, ...]:
    """``#rrggbb`` or ``#rgb`` as a 0-255 triple."""
    digits = colour.lstrip("#")
    digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits
    return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
