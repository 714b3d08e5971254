"""The Live site: every chapter runs in the browser (JupyterLite + Pyodide), offline.

With every non-loopback request blocked, each chapter's "Live" link opens its notebook;
all cells run, a figure is drawn, changing a widget control redraws the figure, and
no request leaves the site.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from conftest import ROOT, toc_docnames
from pagecheck import LOOPBACK

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


@pytest.mark.parametrize("docname", CHAPTERS)
def test_live_chapter_runs_offline(docname, book_url, book_html, context):
    page = context.new_page()
    offsite: list[str] = []
    page.on("request", lambda r: None if _is_local(r.url) else offsite.append(r.url))
    context.route(
        re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"),
        lambda route: route.abort(),
    )
    chapter = (book_html / f"{docname}.html").read_text(encoding="utf-8")
    href = re.search(r'href="([^"]*lite/notebooks/index\.html\?path=[^"]+)"', chapter).group(1)
    start = time.monotonic()
    page.goto(f"{book_url}/{Path(docname).parent}/{href}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    page.keyboard.press("Escape")
    page.evaluate(
        "window.jupyterapp ? window.jupyterapp.commands.execute('notebook:run-all-cells') : null"
    )
    page.wait_for_selector(".js-plotly-plot", timeout=RUN_ALL_MS)
    first_figure = time.monotonic() - start
    page.wait_for_function(
        "() => !document.querySelector('.jp-InputArea-prompt')?.textContent.includes('[*]')"
        " && [...document.querySelectorAll('.jp-InputArea-prompt')]"
        ".every(p => !p.textContent.includes('*'))",
        timeout=RUN_ALL_MS,
    )
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_text_contents() if "Traceback" in t or "Error" in t]
    assert tracebacks == []
    app = page.locator(".widget-vbox, .jupyter-widgets.widget-container").last
    app.wait_for(timeout=60_000)
    plot = app.locator(".js-plotly-plot").first
    plot.wait_for(timeout=60_000)
    before = plot.evaluate("el => JSON.stringify(el.data)")
    control = app.locator("select").first
    options = control.locator("option").all_inner_texts()
    assert len(options) > 1
    control.select_option(index=len(options) - 1)
    page.wait_for_function(
        "([el, before]) => JSON.stringify(el.data) !== before",
        arg=[plot.element_handle(), before],
        timeout=30_000,
    )
    assert offsite == []
    timings = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
    timings[docname] = {"first_figure_s": round(first_figure, 1)}
    TIMINGS.write_text(json.dumps(timings, indent=1), encoding="utf-8")
