"""Check a page the way a reader meets it, in headless Chromium.

One :func:`check_page` call opens a URL with every request that leaves loopback
blocked, and records in a :class:`PageReport`:

* plots: every plotly figure on the page, and how many have drawn (``.main-svg``);
* controls: every plotly button, dropdown entry and slider step, clicked in turn,
  and whether the figure's data or layout changed;
* console errors and uncaught page errors;
* off-site requests (blocked, but recorded);
* axe-core violations of serious or critical impact, in light and dark mode.

The same code checks the real book and a deliberately broken page, which proves
that each fault is caught (``tests/test_pagecheck.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import BrowserContext, Error, Page

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
SERIOUS = {"serious", "critical"}
PLOT_SELECTOR = ".plotly-graph-div, .js-plotly-plot"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

#: Every request that is not for loopback goes to a closed port and fails.
PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}

INSTALL_HINT = (
    "Chromium was not found. Install it with `apt-get install -y chromium` "
    "(Debian/Ubuntu), or set CHROMIUM=/path/to/chromium."
)

# The figure's state, without the menus' own "active" markers (a dead button
# still moves its highlight, which must not count as a response).
SNAPSHOT_JS = """(gd) => {
  const layout = Object.assign({}, gd.layout);
  delete layout.updatemenus; delete layout.sliders;
  return JSON.stringify([gd.data.map(t => Object.assign({}, t)), layout]);
}"""


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM, else the first known name on PATH."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if shutil.which(configured) or os.path.exists(configured) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageReport:
    """What one page did in the browser."""

    url: str
    plots: int = 0
    drawn: int = 0
    interactive: int = 0
    controls: int = 0
    responded: int = 0
    dead_controls: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    axe: list[dict[str, Any]] = field(default_factory=list)

    @property
    def blank(self) -> int:
        """How many plots did not draw."""
        return self.plots - self.drawn

    def summary(self) -> dict[str, Any]:
        """Counts for the test report."""
        return {
            "url": self.url,
            "plots": self.plots,
            "drawn": self.drawn,
            "interactive_figures": self.interactive,
            "controls_clicked": self.controls,
            "controls_responded": self.responded,
            "console_errors": len(self.console_errors) + len(self.page_errors),
            "offsite_requests": len(self.offsite),
            "http_errors": len(self.http_errors),
            "axe_serious_or_critical": len(self.axe),
        }


def _is_local(url: str) -> bool:
    """True for loopback, data: and blob: URLs."""
    return url.startswith(("data:", "blob:")) or (urlparse(url).hostname or "") in LOOPBACK


def _watch(page: Page, report: PageReport) -> None:
    """Record console errors, page errors, HTTP errors and off-site requests.

    Off-site requests are also blocked: the browser is launched with a dead proxy
    for every host but loopback (see :data:`PROXY`), and DNS mapped to nothing.
    """
    page.on("request", lambda r: None if _is_local(r.url) else report.offsite.append(r.url))
    page.on(
        "console",
        lambda message: (
            report.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: report.page_errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            report.http_errors.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )


def _wait_for_plots(page: Page, timeout: float = 8000) -> None:
    """Wait until every plot has an SVG, or the timeout passes (a blank plot)."""
    with contextlib.suppress(Error):
        page.wait_for_function(
            f"""() => Array.from(document.querySelectorAll('{PLOT_SELECTOR}'))
                  .every(el => el.querySelector('.main-svg'))""",
            timeout=timeout,
        )


def _snapshot(page: Page, index: int) -> str:
    """The data and layout of plot ``index`` as a JSON string."""
    plot = page.locator(".js-plotly-plot").nth(index)
    return plot.evaluate(SNAPSHOT_JS)


def _click_and_compare(page: Page, index: int, click: Any, label: str, report: PageReport) -> None:
    """Click one control; count it as responding if the figure state changed."""
    before = _snapshot(page, index)
    click()
    page.wait_for_timeout(150)
    after = _snapshot(page, index)
    report.controls += 1
    if after != before:
        report.responded += 1
    else:
        report.dead_controls.append(f"{report.url} plot {index}: {label}")


def _check_menus(page: Page, index: int, report: PageReport) -> None:
    """Click every entry of every updatemenu of plot ``index``.

    An entry already active is skipped (clicking it again changes nothing by
    design), except a toggle button (one with ``args2``), which is always clicked.
    """
    plot = page.locator(".js-plotly-plot").nth(index)
    menus = plot.evaluate(
        "(gd) => (gd.layout.updatemenus || []).map(m => [m.type || 'dropdown', "
        "(m.buttons || []).map(b => [b.label, Boolean(b.args2)]), m.visible !== false])"
    )
    groups = plot.locator("g.updatemenu-header-group")
    for m, (kind, buttons, visible) in enumerate(menus):
        if not visible:
            continue
        group = groups.nth(m)
        for k, (label, toggle) in enumerate(buttons):
            active = plot.evaluate(f"(gd) => gd.layout.updatemenus[{m}].active ?? 0")
            if k == active and not toggle:
                continue
            if kind == "buttons":
                button = group.locator("g.updatemenu-button").nth(k)

                def click(button: Any = button) -> None:
                    button.click(force=True)

            else:

                def click(group: Any = group, k: int = k) -> None:
                    group.locator("g.updatemenu-header").click(force=True)
                    page.wait_for_timeout(100)
                    options = plot.locator(
                        "g.updatemenu-dropdown-button-group g.updatemenu-dropdown-button"
                    )
                    options.nth(k).click(force=True)

            _click_and_compare(page, index, click, f"menu {m} '{label}'", report)


def _check_sliders(page: Page, index: int, report: PageReport) -> None:
    """Click along the rail of every slider of plot ``index``, one step at a time."""
    plot = page.locator(".js-plotly-plot").nth(index)
    sliders = plot.evaluate(
        "(gd) => (gd.layout.sliders || []).map(s => (s.steps || []).map(t => t.label))"
    )
    rails = plot.locator("g.slider-group rect.slider-rail-touch-rect")
    for s, labels in enumerate(sliders):
        if rails.nth(s).bounding_box() is None or len(labels) < 2:
            report.dead_controls.append(f"{report.url} plot {index}: slider {s} not drawn")
            continue
        for k, label in enumerate(labels):
            active = plot.evaluate(f"(gd) => gd.layout.sliders[{s}].active || 0")
            if k == active:
                continue

            def click(s: int = s, fraction: float = k / (len(labels) - 1)) -> None:
                # Scroll first: mouse clicks are in viewport coordinates. The rail's
                # usable length is inset by the grip's half-width at each end.
                rail = rails.nth(s)
                rail.scroll_into_view_if_needed()
                box = rail.bounding_box()
                inset = 10
                x = box["x"] + inset + (box["width"] - 2 * inset) * fraction
                page.mouse.click(x, box["y"] + box["height"] / 2)

            _click_and_compare(page, index, click, f"slider {s} step '{label}'", report)


def _check_axe(page: Page, report: PageReport) -> None:
    """Run axe-core in light and in dark mode; keep serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for mode in ("light", "dark"):
        page.evaluate(
            f"() => {{ document.documentElement.dataset.theme = '{mode}';"
            f" document.documentElement.dataset.mode = '{mode}'; }}"
        )
        # Let the theme's colour transitions finish before measuring contrast.
        page.wait_for_timeout(600)
        # preload=False: axe's CSS preloader re-fetches @import-ed stylesheets
        # relative to the page instead of the stylesheet (a 404 the page never makes).
        results = axe.run(page, options={"resultTypes": ["violations"], "preload": False})
        for violation in results.response["violations"]:
            if violation.get("impact") in SERIOUS:
                report.axe.append(
                    {
                        "mode": mode,
                        "id": violation["id"],
                        "impact": violation["impact"],
                        "help": violation["help"],
                        "nodes": [node["target"] for node in violation["nodes"][:5]],
                    }
                )


def check_page(context: BrowserContext, url: str, axe: bool = True) -> PageReport:
    """Open ``url`` and return everything the reader would have met there."""
    report = PageReport(url=url)
    page = context.new_page()
    try:
        _watch(page, report)
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        _wait_for_plots(page)
        report.plots = page.locator(PLOT_SELECTOR).count()
        report.drawn = page.locator(f":is({PLOT_SELECTOR}):has(.main-svg)").count()
        for index in range(page.locator(".js-plotly-plot").count()):
            has_controls = (
                page.locator(".js-plotly-plot")
                .nth(index)
                .evaluate(
                    "(gd) => (gd.layout.updatemenus || []).length + "
                    "(gd.layout.sliders || []).length > 0"
                )
            )
            if has_controls:
                report.interactive += 1
                _check_menus(page, index, report)
                _check_sliders(page, index, report)
        if axe:
            _check_axe(page, report)
    finally:
        page.close()
    return report
