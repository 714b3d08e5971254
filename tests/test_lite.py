"""The Live site: every chapter runs in the browser (JupyterLite + Pyodide), offline.

With every non-loopback request blocked, each chapter's "Live" link opens its notebook;
all cells run, a figure is drawn, changing a widget control redraws the figure, and
no request leaves the site.
"""

from __future__ import annotations

import fcntl
import json
import re
import time
from pathlib import Path

import pytest
from conftest import ROOT, toc_docnames
from pagecheck import LOOPBACK
from playwright.sync_api import expect

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
    assert files == {f"{Path(n).name}.ipynb" for n in CHAPTERS}
    index = json.loads((LIVE / "pypi" / "all.json").read_text(encoding="utf-8"))
    assert {"backmice-book", "plotly", "ipywidgets", "pybtex"} <= set(index)


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_page_has_a_live_link(docname, book_html):
    page = (book_html / f"{docname}.html").read_text(encoding="utf-8")
    name = Path(docname).name
    link = re.search(r'href="([^"]*lite/notebooks/index\.html\?path=' + name + r'\.ipynb)"', page)
    assert link is not None
    assert "Live" in page[link.end() : link.end() + 600]
    target = (book_html / Path(docname).parent / link.group(1).split("?")[0]).resolve()
    assert target == (LIVE / "notebooks" / "index.html").resolve()


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
    chapter = (book_html / f"{docname}.html").read_text(encoding="utf-8")
    href = re.search(r'href="([^"]*lite/notebooks/index\.html\?path=[^"]+)"', chapter).group(1)
    start = time.monotonic()
    page.goto(f"{book_url}/{Path(docname).parent}/{href}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
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
