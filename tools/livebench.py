"""How long Live takes from a chapter's "Live" click to the first figure (``make bench``).

A reader on a chapter page opens the launch menu (the rocket), clicks "Live (in your
browser)", and in the tab that opens chooses Run ▸ Run All Cells as soon as the
notebook shows. The time runs from the click on "Live" until the first plotly figure
is drawn. *Cold* is a fresh browser profile (no HTTP cache, no storage, no service
worker); *warm* is the same profile opening the same chapter's Live link again, with
everything it fetched cached.

Each round measures every chapter cold then warm, chapter after chapter, so that a
busy moment of a shared machine hits them alike; the report gives the median per
chapter and the machine's load average before and after. Budget: the cold median of
every chapter at most 15 s. ``make bench`` runs it (tools/bench.py); run alone:
``python -m tools.livebench`` (``--html`` picks another built book, e.g. to compare two
builds).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from pathlib import Path
from typing import Any

from tools.browser import HTML, ROOT, SETTINGS, launch, serve, toc_docnames

#: Budget for the cold median of each chapter, in seconds.
COLD_BUDGET_S = 15.0
#: Give up on a run after this long (a stuck kernel on a very busy machine).
RUN_TIMEOUT_MS = 240_000
LIVE_LINK = "a.btn-launch-live-button"
LAUNCH_BUTTON = ".dropdown-launch-buttons > .dropdown-toggle"


def chapters(root: Path = ROOT) -> list[str]:
    """The numbered chapters of the table of contents (the pages with a Live link)."""
    return [name for name in toc_docnames(root) if re.match(r"chapters/\d\d-", name)]


def click_to_first_figure(context: Any, url: str, docname: str) -> float:
    """Seconds from the click on a chapter page's "Live" entry to Live's first figure."""
    page = context.new_page()
    page.goto(f"{url}/{docname}.html")
    page.locator(LAUNCH_BUTTON).click()
    with context.expect_page() as opened:
        start = time.perf_counter()
        page.locator(LIVE_LINK).click()
    live = opened.value
    live.wait_for_selector(".jp-Notebook .jp-Cell", timeout=RUN_TIMEOUT_MS)
    live.get_by_role("menuitem", name="Run").click()
    live.get_by_text("Run All Cells", exact=True).click()
    live.wait_for_selector(".js-plotly-plot", timeout=RUN_TIMEOUT_MS)
    elapsed = time.perf_counter() - start
    live.close()
    page.close()
    return round(elapsed, 1)


def load_average() -> float:
    """The machine's load average over the last minute."""
    return round(os.getloadavg()[0], 2)


def measure(html: Path = HTML, rounds: int = 3, names: list[str] | None = None) -> dict:
    """Cold and warm click-to-figure times of every chapter, ``rounds`` times each."""
    from playwright.sync_api import sync_playwright

    names = names or chapters()
    runs: dict[str, dict[str, list[float]]] = {n: {"cold": [], "warm": []} for n in names}
    loads = [load_average()]
    with serve(html) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        for _ in range(rounds):
            for name in names:
                context = browser.new_context(**SETTINGS["desktop-light"].context_options())
                runs[name]["cold"].append(click_to_first_figure(context, url, name))
                runs[name]["warm"].append(click_to_first_figure(context, url, name))
                context.close()
                loads.append(load_average())
        browser.close()
    medians = {
        name: {kind: statistics.median(times) for kind, times in kinds.items()}
        for name, kinds in runs.items()
    }
    return {
        "budget_cold_s": COLD_BUDGET_S,
        "median_s": medians,
        "runs_s": runs,
        "load_average": {"before": loads[0], "median": statistics.median(loads), "max": max(loads)},
        "pass": all(m["cold"] <= COLD_BUDGET_S for m in medians.values()),
    }


def print_report(report: dict) -> None:
    """The human-readable table."""
    load = report["load_average"]
    rounds = len(next(iter(report["runs_s"].values()))["cold"])
    print(f"\nLive: click to first figure, median of {rounds} (cold: fresh profile; warm: cached)")
    print(f"  {'chapter':28} {'cold s':>7} {'warm s':>7}   runs (cold | warm)")
    for name, median in report["median_s"].items():
        runs = report["runs_s"][name]
        print(
            f"  {name:28} {median['cold']:7.1f} {median['warm']:7.1f}   "
            f"{runs['cold']} | {runs['warm']}"
        )
    verdict = "pass" if report["pass"] else "FAIL"
    print(f"  cold ≤ {report['budget_cold_s']:.0f} s: {verdict}")
    print(
        f"  load average (1 min): {load['before']} before, median {load['median']}, "
        f"max {load['max']} ({os.cpu_count()} cores)"
    )


def main() -> int:
    """Measure, print, write ``--output``; exit 1 when a chapter's cold median is over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=HTML, help="the built book to measure")
    parser.add_argument("--rounds", type=int, default=3, help="cold+warm runs per chapter")
    parser.add_argument("--chapter", action="append", help="docname (repeatable); default all")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-live.json")
    args = parser.parse_args()
    report = measure(args.html, args.rounds, args.chapter)
    print_report(report)
    args.output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nwrote {args.output}")
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
