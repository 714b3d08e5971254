"""Benchmark the book: build times and what a reader downloads (``make bench``).

Measures, on this machine:

* a cold build (fresh output folder: no ``_build`` and no execution cache) and a warm
  rebuild with nothing changed, ``--runs`` times each (median reported);
* for every page in the table of contents, opened in headless Chromium with an empty
  cache: the gzip bytes of everything the page loads on a first visit, the page's own
  bytes (its HTML plus assets no other page loads), and how often and from which URL
  plotly.js is loaded.

Prints a table with pass/fail against the budgets and writes ``bench.json``.
Timings are not asserted by the test suite; this is the place for them.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from tools.browser import launch, serve, toc_docnames  # noqa: E402

KIB = 1024
BUDGETS = {
    "cold_build_s": 120.0,
    "warm_build_s": 20.0,
    "first_visit_kib_gz": 2500.0,
    "own_kib_gz": 150.0,
    "plotly_loads_per_page": 1,
}


@dataclass
class PageWeight:
    """What one page costs a reader on a first visit."""

    page: str
    first_visit_kib_gz: float = 0.0
    own_kib_gz: float = 0.0
    plotly_loads: int = 0
    plotly_urls: list[str] = field(default_factory=list)
    resources: dict[str, int] = field(default_factory=dict)


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


def measure_pages(html: Path) -> list[PageWeight]:
    """Open every TOC page with an empty cache and record what it downloads."""
    from playwright.sync_api import sync_playwright

    weights = []
    with serve(html) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        for docname in toc_docnames():
            weight = PageWeight(page=docname)
            context = browser.new_context()
            page = context.new_page()
            bodies: dict[str, bytes] = {}

            def keep(response: object, bodies: dict[str, bytes] = bodies) -> None:
                if response.status == 200:
                    try:
                        bodies[response.url.split("?")[0]] = response.body()
                    except Exception:  # a redirect or an aborted body has none
                        return

            page.on("response", keep)
            page.goto(f"{url}/{docname}.html", wait_until="networkidle")
            page.wait_for_timeout(500)
            context.close()
            weight.resources = {
                address.replace(url, ""): gzip_size(body) for address, body in bodies.items()
            }
            weight.first_visit_kib_gz = round(sum(weight.resources.values()) / KIB, 1)
            weight.plotly_urls = sorted(
                address for address in weight.resources if "plotly" in address.rsplit("/", 1)[-1]
            )
            weight.plotly_loads = len(weight.plotly_urls)
            weights.append(weight)
        browser.close()
    counts: dict[str, int] = {}
    for weight in weights:
        for address in weight.resources:
            counts[address] = counts.get(address, 0) + 1
    for weight in weights:
        own = sum(size for address, size in weight.resources.items() if counts[address] == 1)
        weight.own_kib_gz = round(own / KIB, 1)
    return weights


def judge(timings: dict[str, float], weights: list[PageWeight]) -> dict[str, bool]:
    """Pass/fail per budget."""
    plotly_urls = {address for weight in weights for address in weight.plotly_urls}
    return {
        "cold_build_s": timings["cold_build_s"] <= BUDGETS["cold_build_s"],
        "warm_build_s": timings["warm_build_s"] <= BUDGETS["warm_build_s"],
        "first_visit_kib_gz": all(
            w.first_visit_kib_gz <= BUDGETS["first_visit_kib_gz"] for w in weights
        ),
        "own_kib_gz": all(w.own_kib_gz <= BUDGETS["own_kib_gz"] for w in weights),
        "plotly_loads_per_page": all(
            w.plotly_loads <= BUDGETS["plotly_loads_per_page"] for w in weights
        )
        and len(plotly_urls) <= 1,
    }


def print_table(timings: dict, runs: dict, weights: list[PageWeight], verdict: dict) -> None:
    """The human-readable report."""

    def mark(ok: bool) -> str:
        return "pass" if ok else "FAIL"

    print(f"\nBuild times over {len(runs['cold'])} runs (median; all runs in bench.json)")
    print(
        f"  cold build   {timings['cold_build_s']:7.1f} s   budget ≤ 120 s   "
        f"{mark(verdict['cold_build_s'])}"
    )
    print(
        f"  warm rebuild {timings['warm_build_s']:7.1f} s   budget ≤ 20 s    "
        f"{mark(verdict['warm_build_s'])}"
    )
    print("\nPage weight (gzip, first visit with an empty cache)")
    print(f"  {'page':32} {'first visit KiB':>16} {'own KiB':>9} {'plotly.js':>10}")
    for w in weights:
        plotly = f"{w.plotly_loads}x" if w.plotly_loads else "-"
        print(f"  {w.page:32} {w.first_visit_kib_gz:16.1f} {w.own_kib_gz:9.1f} {plotly:>10}")
    urls = sorted({a for w in weights for a in w.plotly_urls})
    print(f"  plotly.js URL(s): {', '.join(urls) or 'none'}")
    print(
        f"  first visit ≤ 2500 KiB: {mark(verdict['first_visit_kib_gz'])};  "
        f"own bytes ≤ 150 KiB: {mark(verdict['own_kib_gz'])};  "
        f"plotly.js ≤ 1 per page, one URL: {mark(verdict['plotly_loads_per_page'])}"
    )


def main() -> int:
    """Run the benchmark; exit 1 when a budget fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold+warm build pairs (median)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench.json")
    args = parser.parse_args()
    runs: dict[str, list[float]] = {"cold": [], "warm": []}
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
    weights = measure_pages(last_html)
    shutil.rmtree(last_html.parent.parent, ignore_errors=True)
    verdict = judge(timings, weights)
    print_table(timings, runs, weights, verdict)
    report = {
        "budgets": BUDGETS,
        "timings": timings,
        "runs": runs,
        "pages": [asdict(weight) for weight in weights],
        "pass": verdict,
    }
    args.output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nwrote {args.output}")
    return 0 if all(verdict.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
