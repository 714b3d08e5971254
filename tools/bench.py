"""Benchmark the book: build times and what a reader downloads (``make bench``).

Measures, on this machine:

* a cold build (fresh output folder: no ``_build`` and no execution cache) and a warm
  rebuild with nothing changed, ``--runs`` times each (median reported);
* for every page in the table of contents, opened in headless Chromium with an empty
  cache: the gzip bytes of everything the page loads on a first visit, the page's own
  bytes (its HTML plus assets no other page loads), and how often and from which URL
  plotly.js is loaded;
* the first contentful paint of every page on a CPU slowed down ×4 (median of
  ``--paints`` empty-cache visits), and each page's ratio to the text pages' median
  paint measured in the same run; and how long the first visit takes to download at
  9 Mbit/s (the slow connection of issue 9);
* the main-thread blocking of every page on a 390 × 844 phone with the CPU slowed down
  ×4: the sum of each long task's time past 50 ms, from navigation until the page has
  been quiet for 2 s (median of ``--paints`` visits);
* the Nu HTML Checker and pa11y over the book and a stock Jupyter Book
  (:mod:`tools.validate`): no HTML error of the book's own, and no more pa11y errors
  per page than the stock book (``--no-validate`` skips them);
* the time from each chapter's "Live" click to Live's first figure, cold and warm
  (median of ``--live-rounds``; :mod:`tools.livebench`), in the book built by
  ``make book`` (``_build/html``, which holds the Live site; the builds above do not).

A *figure page* loads plotly.js; a *text page* does not. Budgets: first visit
≤ 900 KiB gz for a figure page and ≤ 300 KiB gz for a text page; a figure page's first
paint ≤ 1.5 × the text pages'; blocking on a phone ≤ 600 ms per page; Live's first figure
≤ 15 s cold. ``--pages-only``
measures the book already built in ``_build/html`` and skips the builds. Prints a table
with pass/fail against the budgets and writes ``bench.json``. Timings are not asserted
by the test suite; this is the place for them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tools import livebench, validate
from tools.browser import HTML, ROOT, launch, serve, toc_docnames

KIB = 1024
BUDGETS = {
    "cold_build_s": 120.0,
    "warm_build_s": 20.0,
    "figure_page_kib_gz": 900.0,
    "text_page_kib_gz": 300.0,
    "own_kib_gz": 150.0,
    "plotly_loads_per_page": 1,
    "paint_ratio": 1.5,
    "phone_blocking_ms": 600.0,
}
#: Collects the page's long tasks from the start (run before any of the page's scripts).
LONG_TASKS = """window.__bmLong = [];
new PerformanceObserver(list => list.getEntries().forEach(e => window.__bmLong.push(
  [e.startTime, e.duration]))).observe({type: "longtask", buffered: true});"""
#: The first paint is measured on a CPU slowed down this many times (a mid-range phone).
CPU_SLOWDOWN = 4
#: The slow connection of issue 9, for the download-time column: 9 Mbit/s.
SLOW_MBIT_S = 9


@dataclass
class PageWeight:
    """What one page costs a reader on a first visit."""

    page: str
    first_visit_kib_gz: float = 0.0
    own_kib_gz: float = 0.0
    plotly_loads: int = 0
    plotly_urls: list[str] = field(default_factory=list)
    resources: dict[str, int] = field(default_factory=dict)
    first_paint_ms: float = 0.0
    paint_ratio: float = 0.0
    blocking_ms: float = 0.0

    @property
    def figure_page(self) -> bool:
        """True for a page that loads plotly.js."""
        return self.plotly_loads > 0


def build(output: Path) -> float:
    """Build the book strictly into ``output``; return the wall time in seconds."""
    command = [
        str(ROOT / ".venv" / "bin" / "jupyter-book"),
        "build",
        str(ROOT),
        "--path-output",
        str(output),
        "--builder",
        "html",
        "-n",
        "-W",
        "--keep-going",
    ]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"build failed in {output}")
    return elapsed


def gzip_size(body: bytes) -> int:
    """Bytes after gzip at the level most web servers use (6)."""
    return len(gzip.compress(body, compresslevel=6))


def _first_visit(browser: Any, url: str) -> dict[str, bytes]:
    """Every response body of one empty-cache visit to ``url``, by address."""
    context = browser.new_context()
    page = context.new_page()
    bodies: dict[str, bytes] = {}

    def keep(response: Any) -> None:
        if response.status == 200:
            try:
                bodies[response.url.split("?")[0]] = response.body()
            except Exception:  # a redirect or an aborted body has none
                return

    page.on("response", keep)
    page.goto(url, wait_until="networkidle")
    page.evaluate("() => window.backmiceFigures && window.backmiceFigures.drawAll()")
    page.wait_for_load_state("networkidle")  # a reader who reaches the figures loads plotly.js
    page.wait_for_timeout(500)
    context.close()
    return bodies


def first_paint_ms(browser: Any, url: str, cpu_slowdown: float = CPU_SLOWDOWN) -> float:
    """The first contentful paint of an empty-cache visit, on a CPU slowed down ×4.

    (Not on a throttled network: Chromium's network emulation leaves some loopback
    visits stuck while loading. A slow CPU shows what a large script in ``<head>``
    costs: parsing it blocks the paint.)
    """
    context = browser.new_context()
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
    page.goto(url, wait_until="load", timeout=120_000)
    paint = None
    for _ in range(100):  # poll from Python: a page busy drawing can starve rAF polling
        paint = page.evaluate(
            "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
        )
        if paint is not None:
            break
        page.wait_for_timeout(100)
    context.close()
    if paint is None:
        raise SystemExit(f"no first contentful paint: {url}")
    return float(paint)


def blocking_ms(browser: Any, url: str, cpu_slowdown: float = CPU_SLOWDOWN) -> float:
    """Main-thread blocking of a phone's empty-cache visit, on a CPU slowed down ×4.

    The sum over long tasks of their time past 50 ms, until 2 s pass with none new.
    """
    from tools.browser import SETTINGS

    context = browser.new_context(**SETTINGS["phone"].context_options())
    context.add_init_script(LONG_TASKS)
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
    page.goto(url, wait_until="load", timeout=120_000)
    seen = -1
    while seen != (seen := page.evaluate("() => window.__bmLong.length")):
        page.wait_for_timeout(2000)
    tasks = page.evaluate("() => window.__bmLong")
    context.close()
    return round(sum(max(0.0, duration - 50) for _, duration in tasks), 1)


def measure_pages(html: Path, paints: int = 5) -> list[PageWeight]:
    """Open every TOC page with an empty cache: its weight and its first paint."""
    from playwright.sync_api import sync_playwright

    weights = []
    with serve(html) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        for docname in toc_docnames():
            weight = PageWeight(page=docname)
            bodies = _first_visit(browser, f"{url}/{docname}.html")
            weight.resources = {
                address.replace(url, ""): gzip_size(body) for address, body in bodies.items()
            }
            weight.first_visit_kib_gz = round(sum(weight.resources.values()) / KIB, 1)
            weight.plotly_urls = sorted(
                address for address in weight.resources if "plotly" in address.rsplit("/", 1)[-1]
            )
            weight.plotly_loads = len(weight.plotly_urls)
            weights.append(weight)
        # Round-robin visits, so a busy moment of a shared machine hits every page alike.
        paints_ms: dict[str, list[float]] = {w.page: [] for w in weights}
        blocks_ms: dict[str, list[float]] = {w.page: [] for w in weights}
        for _ in range(paints):
            for weight in weights:
                address = f"{url}/{weight.page}.html"
                paints_ms[weight.page].append(first_paint_ms(browser, address))
                blocks_ms[weight.page].append(blocking_ms(browser, address))
        for weight in weights:
            weight.first_paint_ms = round(statistics.median(paints_ms[weight.page]), 1)
            weight.blocking_ms = round(statistics.median(blocks_ms[weight.page]), 1)
        browser.close()
    counts: dict[str, int] = {}
    for weight in weights:
        for address in weight.resources:
            counts[address] = counts.get(address, 0) + 1
    for weight in weights:
        own = sum(size for address, size in weight.resources.items() if counts[address] == 1)
        weight.own_kib_gz = round(own / KIB, 1)
    text_paint = statistics.median(w.first_paint_ms for w in weights if not w.figure_page)
    for weight in weights:
        weight.paint_ratio = round(weight.first_paint_ms / text_paint, 2)
    return weights


def judge(timings: dict[str, float], weights: list[PageWeight]) -> dict[str, bool]:
    """Pass/fail per budget (build budgets pass when the builds were skipped)."""
    plotly_urls = {address for weight in weights for address in weight.plotly_urls}
    figures = [w for w in weights if w.figure_page]
    texts = [w for w in weights if not w.figure_page]
    return {
        "cold_build_s": timings.get("cold_build_s", 0) <= BUDGETS["cold_build_s"],
        "warm_build_s": timings.get("warm_build_s", 0) <= BUDGETS["warm_build_s"],
        "figure_page_kib_gz": all(
            w.first_visit_kib_gz <= BUDGETS["figure_page_kib_gz"] for w in figures
        ),
        "text_page_kib_gz": all(w.first_visit_kib_gz <= BUDGETS["text_page_kib_gz"] for w in texts),
        "own_kib_gz": all(w.own_kib_gz <= BUDGETS["own_kib_gz"] for w in weights),
        "plotly_loads_per_page": all(
            w.plotly_loads <= BUDGETS["plotly_loads_per_page"] for w in weights
        )
        and len(plotly_urls) <= 1,
        "paint_ratio": all(w.paint_ratio <= BUDGETS["paint_ratio"] for w in figures),
        "phone_blocking_ms": all(w.blocking_ms <= BUDGETS["phone_blocking_ms"] for w in weights),
    }


def print_table(timings: dict, runs: dict, weights: list[PageWeight], verdict: dict) -> None:
    """The human-readable report."""

    def mark(ok: bool) -> str:
        return "pass" if ok else "FAIL"

    if runs["cold"]:
        print(f"\nBuild times over {len(runs['cold'])} runs (median; all runs in bench.json)")
        print(
            f"  cold build   {timings['cold_build_s']:7.1f} s   budget ≤ 120 s   "
            f"{mark(verdict['cold_build_s'])}"
        )
        print(
            f"  warm rebuild {timings['warm_build_s']:7.1f} s   budget ≤ 20 s    "
            f"{mark(verdict['warm_build_s'])}"
        )
    print(f"\nPages (first visit, empty cache; first paint with the CPU ×{CPU_SLOWDOWN} slower)")
    print(
        f"  {'page':28} {'kind':6} {'first visit KiB gz':>18} {'s at 9 Mbit':>11} "
        f"{'own KiB':>8} {'plotly':>6} {'paint ms':>9} {'x text':>7} {'phone block ms':>14}"
    )
    for w in weights:
        plotly = f"{w.plotly_loads}x" if w.plotly_loads else "-"
        kind = "figure" if w.figure_page else "text"
        print(
            f"  {w.page:28} {kind:6} {w.first_visit_kib_gz:18.1f} "
            f"{w.first_visit_kib_gz * 8 * KIB / (SLOW_MBIT_S * 1e6):11.2f} {w.own_kib_gz:8.1f} "
            f"{plotly:>6} {w.first_paint_ms:9.0f} {w.paint_ratio:7.2f} {w.blocking_ms:14.0f}"
        )
    urls = sorted({a for w in weights for a in w.plotly_urls})
    print(f"  plotly.js URL(s): {', '.join(urls) or 'none'}")
    print(
        f"  figure page ≤ 900 KiB: {mark(verdict['figure_page_kib_gz'])};  "
        f"text page ≤ 300 KiB: {mark(verdict['text_page_kib_gz'])};  "
        f"own bytes ≤ 150 KiB: {mark(verdict['own_kib_gz'])};  "
        f"plotly.js ≤ 1 per page, one URL: {mark(verdict['plotly_loads_per_page'])};  "
        f"figure page first paint ≤ 1.5 × text pages': {mark(verdict['paint_ratio'])};  "
        f"phone blocking ≤ 600 ms: {mark(verdict['phone_blocking_ms'])}"
    )


def main() -> int:
    """Run the benchmark; exit 1 when a budget fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold+warm build pairs (median)")
    parser.add_argument("--paints", type=int, default=5, help="visits per page (median paint)")
    parser.add_argument("--pages-only", action="store_true", help="measure _build/html; no builds")
    parser.add_argument("--output", type=Path, default=ROOT / "bench.json")
    parser.add_argument("--no-validate", action="store_true", help="skip vnu and pa11y")
    parser.add_argument(
        "--live-rounds", type=int, default=3, help="Live cold+warm runs per chapter (0: none)"
    )
    args = parser.parse_args()
    runs: dict[str, list[float]] = {"cold": [], "warm": []}
    timings: dict[str, float] = {}
    checked = None
    if args.pages_only:
        weights = measure_pages(HTML, paints=args.paints)
        checked = None if args.no_validate else validate.compare(HTML)
    else:
        last_html = None
        for _ in range(args.runs):
            folder = Path(tempfile.mkdtemp(prefix="bench-build-"))
            runs["cold"].append(round(build(folder), 1))
            runs["warm"].append(round(build(folder), 1))
            if last_html is not None:
                shutil.rmtree(last_html.parent.parent, ignore_errors=True)
            last_html = folder / "_build" / "html"
        timings = {
            "cold_build_s": statistics.median(runs["cold"]),
            "warm_build_s": statistics.median(runs["warm"]),
        }
        weights = measure_pages(last_html, paints=args.paints)
        checked = None if args.no_validate else validate.compare(last_html)
        shutil.rmtree(last_html.parent.parent, ignore_errors=True)
    verdict = judge(timings, weights)
    if checked is not None:
        verdict["vnu_own_errors"] = not checked.vnu_own
        verdict["pa11y_no_worse_than_stock"] = checked.pa11y_no_worse
    print_table(timings, runs, weights, verdict)
    if checked is not None:
        print(validate.report(checked))
    live = None
    if args.live_rounds and not (HTML / "lite" / "index.html").exists():
        print("\nLive: _build/html/lite is not built (`make book`): not measured")
    elif args.live_rounds:
        live = livebench.measure(HTML, rounds=args.live_rounds)
        livebench.print_report(live)
        verdict["live_first_figure_cold_s"] = live["pass"]
    report = {
        "budgets": BUDGETS | {"live_first_figure_cold_s": livebench.COLD_BUDGET_S},
        "cpu_slowdown": CPU_SLOWDOWN,
        "timings": timings,
        "runs": runs,
        "pages": [asdict(weight) | {"figure_page": weight.figure_page} for weight in weights],
        "live": live,
        "pass": verdict,
    }
    if checked is not None:
        report["validators"] = asdict(checked)
    args.output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nwrote {args.output}")
    return 0 if all(verdict.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
