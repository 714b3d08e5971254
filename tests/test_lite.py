"""The Live site: every chapter runs in the browser (JupyterLite + Pyodide), offline.

With every non-loopback request blocked, each chapter's "Live" link opens its notebook;
all cells run, a figure is drawn, changing a widget control redraws the figure, no
request leaves the site and none is answered with an HTTP error (the favicons the
notebook app asks for are served).

Live explains itself: its notebooks open with a line saying to run all cells, the setup
cell folded and no "Explore it live" box; opened from a file (``file://``) its pages say
that Live needs the book served over http(s); the launch menu's rocket button is named.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import time
from pathlib import Path

import pytest
from backmice_notebooks import SETUP_TAG, is_notebook_source
from backmice_sphinx import LAUNCH_MENU
from conftest import ROOT, toc_docnames
from pagecheck import LOOPBACK, SERIOUS
from playwright.sync_api import expect

from tools.browser import SETTINGS
from tools.lite import RUN_ALL_TAG, without_explore_boxes

CHAPTERS = [n for n in toc_docnames() if re.match(r"chapters/\d\d-", n)]
LIVE = ROOT / "_build" / "html" / "lite"
TIMINGS = ROOT / "_build" / "lite-timings.json"
#: Pyodide start-up, the wheels and every cell, on a busy 2-core machine.
RUN_ALL_MS = 240_000


def _is_local(url: str) -> bool:
    host = re.sub(r"^[a-z]+://", "", url).split("/")[0].rsplit(":", 1)[0]
    return url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK


def test_live_site_is_built_trimmed_and_offline(book_html):
    config = json.loads((LIVE / "jupyter-lite.json").read_text(encoding="utf-8"))
    settings = config["jupyter-config-data"]["litePluginSettings"]
    kernel = settings["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert (LIVE / "static" / "pyodide" / "pyodide.asm.wasm").exists()
    assert not list(LIVE.rglob("*.map")), "no source maps"
    assert not (LIVE / "lab").exists() and (LIVE / "notebooks").exists(), "only the apps used"
    files = {p.name for p in (LIVE / "files").glob("*.ipynb")}
    pages = [n for n in toc_docnames() if is_notebook_source(ROOT / f"{n}.md")]
    assert set(CHAPTERS) < set(pages), "the topic chapters, the cases and the review page"
    assert files == {f"{Path(n).name}.ipynb" for n in pages}
    index = json.loads((LIVE / "pypi" / "all.json").read_text(encoding="utf-8"))
    assert {"backmice-book", "plotly", "ipywidgets", "pybtex"} <= set(index)


def test_pyodide_preloads_every_package_from_the_site(book_html):
    """Pyodide loads the kernel's and the chapters' packages as it starts, from its lock."""
    config = json.loads((LIVE / "jupyter-lite.json").read_text(encoding="utf-8"))
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    preloaded = kernel["loadPyodideOptions"]["packages"]
    kernel_own = {"micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython"}
    assert kernel_own | {"backmice-book", "plotly", "ipywidgets", "pybtex"} <= set(preloaded)
    static = LIVE / "static" / "pyodide"
    lock = json.loads((static / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]
    for name in preloaded:
        served = static / lock[name]["file_name"]
        assert hashlib.sha256(served.read_bytes()).hexdigest() == lock[name]["sha256"], name
    wheel = next(static.glob("backmice_book-*.whl"))
    assert (
        wheel.read_bytes() == next((book_html / "_static").glob("backmice_book-*.whl")).read_bytes()
    )


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_page_has_a_live_link(docname, book_html):
    page = (book_html / f"{docname}.html").read_text(encoding="utf-8")
    name = Path(docname).name
    link = re.search(r'href="([^"]*lite/notebooks/index\.html\?path=' + name + r'\.ipynb)"', page)
    assert link is not None
    assert "Live" in page[link.end() : link.end() + 600]
    target = (book_html / Path(docname).parent / link.group(1).split("?")[0]).resolve()
    assert target == (LIVE / "notebooks" / "index.html").resolve()


def _cells(notebook: Path) -> list[dict]:
    """The cells of a notebook file, each source as one string."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [cell | {"source": "".join(cell["source"])} for cell in cells]


def test_without_explore_boxes_drops_only_the_box():
    text = (
        "Before.\n\n> **Explore it live**\n>\n> Open the **Live** entry,\n> then run `x.app()`.\n"
        "\n> **Note**\n>\n> Kept.\n\nAfter."
    )
    assert without_explore_boxes(text) == "Before.\n\n> **Note**\n>\n> Kept.\n\nAfter."
    assert without_explore_boxes("> **Explore it live**\n>\n> Only the box.") == ""


def test_live_notebooks_say_run_all_and_fold_the_setup(book_html):
    """Each Live notebook: a first line on running all cells, the setup folded, no box."""
    boxes = 0
    for docname in CHAPTERS:
        boxes += (ROOT / f"{docname}.md").read_text(encoding="utf-8").count("Explore it live")
        cells = _cells(LIVE / "files" / f"{Path(docname).name}.ipynb")
        first, setup = cells[0], cells[1]
        assert first["cell_type"] == "markdown" and RUN_ALL_TAG in first["metadata"]["tags"]
        assert "Run ▸ Run All Cells" in first["source"]
        assert setup["metadata"]["tags"] == [SETUP_TAG]
        assert setup["metadata"]["jupyter"]["source_hidden"] is True
        assert [c for c in cells if "Explore it live" in c["source"]] == [], docname
        assert all(c["source"].strip() for c in cells if c["cell_type"] == "markdown")
    assert boxes > 0, "the chapters have boxes to leave out"


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_live_opened_from_a_file_says_to_serve_the_book(setting, browser, book_html):
    """file://: the notice is shown, readable (axe, contrast), fits a phone, no error."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(**SETTINGS[setting].context_options())
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    entry = LIVE / "notebooks" / "index.html"
    page.goto(f"{entry.as_uri()}?path={Path(CHAPTERS[0]).name}.ipynb")
    notice = page.locator("#bm-needs-http")
    expect(notice).to_be_visible()
    expect(notice.get_by_role("heading", level=1)).to_have_text(
        "Live needs the book served over http(s)"
    )
    expect(notice).to_contain_text("make serve")
    expect(notice).to_contain_text("web host")
    assert notice.evaluate("n => n.dataset.mode") == ("dark" if SETTINGS[setting].dark else "light")
    box = notice.locator("h1").bounding_box()
    assert box is not None and box["height"] > 10
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= SETTINGS[setting].width, "nothing scrolls sideways"
    back = notice.get_by_role("link", name="Back to the book").get_attribute("href")
    assert (entry.parent / back).resolve() == (book_html / "index.html").resolve()
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    serious = [v["id"] for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert serious == []
    assert errors == []
    context.close()


@pytest.mark.parametrize("docname", CHAPTERS)
def test_launch_menu_button_is_named(docname, book_url, context):
    """The rocket that opens the launch menu has a name (aria-label and title)."""
    page = context.new_page()
    page.goto(f"{book_url}/{docname}.html")
    rocket = page.locator(".dropdown-launch-buttons > .dropdown-toggle")
    expect(rocket).to_have_attribute("aria-label", LAUNCH_MENU)
    expect(rocket).to_have_attribute("title", LAUNCH_MENU)
    button = page.get_by_role("button", name=LAUNCH_MENU, exact=True)
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_role("link", name="Live (in your browser)")).to_be_visible()


#: What the app shows: each plot's data and the text of its output area.
SHOWN = """() => [...document.querySelectorAll('.widget-output')].map(out =>
  [...out.querySelectorAll('.js-plotly-plot')].map(p => JSON.stringify(p.data)).join('|')
  + out.innerText).join('||')"""


@pytest.mark.parametrize("docname", CHAPTERS)
def test_live_chapter_runs_offline(docname, book_url, book_html, context):
    """Open the chapter's Live link, run all cells, see a figure, change a control."""
    page = context.new_page()
    offsite: list[str] = []
    page.on("request", lambda r: None if _is_local(r.url) else offsite.append(r.url))
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    chapter = (book_html / f"{docname}.html").read_text(encoding="utf-8")
    href = re.search(r'href="([^"]*lite/notebooks/index\.html\?path=[^"]+)"', chapter).group(1)
    start = time.monotonic()
    page.goto(f"{book_url}/{Path(docname).parent}/{href}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    expect(page.locator("#bm-needs-http")).to_be_hidden()  # served: no file:// notice
    cells = page.locator(".jp-Notebook .jp-Cell")
    expect(cells.first).to_contain_text("Run ▸ Run All Cells")
    setup = cells.nth(1)
    expect(setup.locator(".jp-InputPlaceholder")).to_be_visible()  # folded
    expect(setup.locator(".cm-editor")).to_be_hidden()
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    page.get_by_role("menuitem", name="Run").click()
    page.get_by_text("Run All Cells", exact=True).click()
    page.wait_for_selector(".js-plotly-plot", timeout=RUN_ALL_MS)
    first_figure = time.monotonic() - start
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
        ".every(p => !p.textContent.includes('*'))",
        timeout=RUN_ALL_MS,
    )
    page.wait_for_selector(".widget-output .jp-OutputArea-output", timeout=60_000)
    all_done = time.monotonic() - start
    errors = page.locator(".jp-OutputArea-output").all_inner_texts()
    assert [t for t in errors if "Traceback" in t or "Error" in t] == []
    before = page.evaluate(SHOWN)
    # The last cell that shows a figure app (one with an output area; an app may hold
    # several columns of controls). The chapter's quiz comes after it.
    app = page.locator(".jp-CodeCell").filter(has=page.locator(".widget-vbox .widget-output")).last
    selects = app.locator("select")
    if selects.count():
        control = selects.first
        control.select_option(index=control.locator("option").count() - 1)
    else:
        app.locator("input[type=checkbox]").first.click()
    page.wait_for_function(f"() => ({SHOWN})() !== {json.dumps(before)}", timeout=30_000)
    # The chapter's quiz grades in the browser's kernel too: a first answer gets a verdict.
    quiz = page.locator(".jp-CodeCell").filter(has=page.get_by_role("button", name="Check")).last
    card = quiz.locator(".widget-vbox:has(> .widget-radio)").first  # one question
    card.locator("input[type=radio]").first.check()
    card.get_by_role("button", name="Check").click()
    expect(card).to_contain_text(re.compile(r"Right\.|Not quite\."))
    assert offsite == []
    assert failed == [], "every request the site makes is answered"
    record_timing(
        docname, {"first_figure_s": round(first_figure, 1), "all_cells_s": round(all_done, 1)}
    )


def record_timing(docname: str, timing: dict[str, float]) -> None:
    """Add a chapter's timings to TIMINGS, locked: pytest-xdist workers may write at once."""
    with open(TIMINGS.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        timings = json.loads(TIMINGS.read_text(encoding="utf-8")) if TIMINGS.exists() else {}
        timings[docname] = timing
        TIMINGS.write_text(json.dumps(timings, indent=1), encoding="utf-8")
