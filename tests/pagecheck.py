"""Check a page the way a reader meets it, in headless Chromium.

One :func:`check_page` call opens a URL in one reader setting (a browser context made
from :data:`tools.browser.SETTINGS`: desktop light, desktop dark or a touch phone)
with every request that leaves loopback blocked, and records in a :class:`PageReport`:

* plots: every plotly figure on the page, and how many have drawn (``.main-svg``);
  a fault names its figure by element id and the first words of its caption
  (:func:`plot_names`);
* controls: every plotly button, dropdown entry and slider step, clicked in turn,
  and whether the figure's data or layout changed;
* console errors and uncaught page errors;
* off-site requests (blocked, but recorded);
* axe-core violations of serious or critical impact, in the setting's colour mode;
* sideways scrolling (the document wider than the screen), and tables that scroll
  sideways in their own box without the line that says so;
* the contrast of every text of every figure: caption, the "Text description and
  data" panel (opened first), its table, and the plot's own SVG text
  (:func:`figure_text_contrast`);
* navigation (:func:`check_navigation`): on a phone, tapping the visible ☰ opens the
  table of contents and the contents button opens "On this page"; on a desktop, ☰
  collapses and restores the sidebar.

Checks of the inside of figures, each run on every page with a figure in the reader
settings that ``FIGURE_CHECKS`` in tests/test_site.py names: :func:`narrow_plot_areas`,
:func:`misplaced_controls`, :func:`covered_plot_parts`, :func:`spilling_cell_labels`,
:func:`cut_texts`, :func:`overlapping_texts` and :func:`light_figures_in_dark_mode`.

The same code checks the real book and deliberately broken pages, which proves that
each fault is caught (``tests/test_pagecheck.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import BrowserContext, Error, Page, expect

from tools.browser import (
    CHROMIUM_ARGS,
    INSTALL_HINT,
    PROXY,
    SETTINGS,
    Setting,
    find_chromium,
    wait_for_figures,
)

__all__ = ["CHROMIUM_ARGS", "INSTALL_HINT", "PROXY", "PageReport", "check_page", "find_chromium"]

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
SERIOUS = {"serious", "critical"}
PLOT_SELECTOR = ".plotly-graph-div, .js-plotly-plot"
#: WCAG 2 AA: normal text 4.5:1; large text (24 px, or 18.66 px bold) 3:1.
MIN_CONTRAST = 4.5
MIN_CONTRAST_LARGE = 3.0
#: The narrowest plot area a reader can still read on a phone (issue 9).
MIN_PLOT_WIDTH = 200

# The figure's state, without the menus' own "active" markers (a dead button
# still moves its highlight, which must not count as a response).
SNAPSHOT_JS = """(gd) => {
  const layout = Object.assign({}, gd.layout);
  delete layout.updatemenus; delete layout.sliders;
  return JSON.stringify([gd.data.map(t => Object.assign({}, t)), layout]);
}"""
#: Each plot's name for a fault message, in page order: its element id and the first
#: words of its figure's caption, e.g. ``bm-5e9b352626a9 (“Schematic map of the back…”)``.
PLOT_NAMES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const caption = gd.closest('figure') && gd.closest('figure').querySelector('figcaption');
  const words = caption ? caption.textContent.trim().split(/\\s+/).slice(0, 6).join(' ') : '';
  return (gd.id || 'a plot with no id') + (words ? ` (“${words}…”)` : '');
})"""


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
    setting: str = "desktop-light"
    sideways_px: int = 0
    unmarked_tables: int = 0
    low_contrast: list[dict[str, Any]] = field(default_factory=list)
    texts_measured: int = 0
    navigation: list[str] = field(default_factory=list)
    figure_faults: list[str] = field(default_factory=list)

    @property
    def blank(self) -> int:
        """How many plots did not draw."""
        return self.plots - self.drawn

    def summary(self) -> dict[str, Any]:
        """Counts for the test report."""
        return {
            "url": self.url,
            "setting": self.setting,
            "plots": self.plots,
            "drawn": self.drawn,
            "interactive_figures": self.interactive,
            "controls_clicked": self.controls,
            "controls_responded": self.responded,
            "console_errors": len(self.console_errors) + len(self.page_errors),
            "offsite_requests": len(self.offsite),
            "http_errors": len(self.http_errors),
            "axe_serious_or_critical": len(self.axe),
            "sideways_px": self.sideways_px,
            "wide_tables_without_cue": self.unmarked_tables,
            "figure_texts_measured": self.texts_measured,
            "figure_texts_low_contrast": len(self.low_contrast),
            "navigation_faults": len(self.navigation),
            "figure_faults": len(self.figure_faults),
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


def plot_names(page: Page) -> list[str]:
    """Every plot's name for a fault message, in page order (:data:`PLOT_NAMES_JS`)."""
    return page.evaluate(PLOT_NAMES_JS)


def _click_and_compare(page: Page, index: int, click: Any, label: str, report: PageReport) -> None:
    """Click one control; count it as responding if the figure state changed.

    A loaded machine can take a while to redraw: the control is dead only if the
    state is still the same after 3 s.
    """
    plot = page.locator(".js-plotly-plot").nth(index)
    before = plot.evaluate(SNAPSHOT_JS)
    click()
    changed = f"([gd, before]) => ({SNAPSHOT_JS})(gd) !== before"
    report.controls += 1
    try:
        page.wait_for_function(changed, arg=[plot.element_handle(), before], timeout=3000)
        report.responded += 1
    except Error:
        report.dead_controls.append(f"{report.url} {plot_names(page)[index]}: {label}")


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
    options = plot.locator("g.updatemenu-dropdown-button-group g.updatemenu-dropdown-button")
    for m, (kind, buttons, visible) in enumerate(menus):
        if not visible:
            continue
        group = groups.nth(m)
        for k, (label, toggle) in enumerate(buttons):
            active = plot.evaluate(f"(gd) => gd.layout.updatemenus[{m}].active ?? 0")
            if k == active and not toggle:
                continue
            # A dropdown list left open by the control used before must be gone first:
            # a forced click could land on it, and its entries would be taken for the
            # next dropdown's.
            with contextlib.suppress(Error):
                options.first.wait_for(state="detached", timeout=3000)
            if kind == "buttons":
                button = group.locator("g.updatemenu-button").nth(k)

                def click(button: Any = button) -> None:
                    button.click(force=True)

            else:

                def click(group: Any = group, k: int = k) -> None:
                    # Open the list (on a loaded machine it can take a while to draw).
                    group.locator("g.updatemenu-header").click(force=True)
                    expect(options.nth(k)).to_be_attached(timeout=10_000)
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
            name = plot_names(page)[index]
            report.dead_controls.append(f"{report.url} {name}: slider {s} not drawn")
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


def _check_axe(page: Page, report: PageReport, mode: str) -> None:
    """Run axe-core in the page's colour mode; keep serious and critical violations.

    axe rates colour contrast only for text it can see and whose colours it can
    resolve: text inside a closed ``<details>`` is skipped, and text whose colour
    equals its background (a 1:1 ratio) is put under "incomplete" (needs review), not
    "violations", on the guess that it is deliberately hidden. That is how the dark
    mode captions at 1:1 passed; :func:`figure_text_contrast` measures them itself.
    """
    from axe_playwright_python.sync_playwright import Axe

    _set_mode(page, mode)
    # preload=False: axe's CSS preloader re-fetches @import-ed stylesheets
    # relative to the page instead of the stylesheet (a 404 the page never makes).
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
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


def _set_mode(page: Page, mode: str) -> None:
    """Put the theme in ``mode`` ("light" or "dark") and let its transitions finish."""
    current = page.evaluate("() => document.documentElement.dataset.theme")
    if current == mode:
        return
    page.evaluate(
        f"() => {{ document.documentElement.dataset.theme = '{mode}';"
        f" document.documentElement.dataset.mode = '{mode}'; }}"
    )
    page.wait_for_timeout(600)  # the theme's colour transitions
    with contextlib.suppress(Error):  # the book's figures follow the theme (their colours)
        wait_for_figures(page, mode, timeout=5000)


def unmarked_wide_tables(page: Page) -> int:
    """How many table boxes scroll sideways without the "Scroll sideways" line above."""
    return int(
        page.evaluate(
            """() => Array.from(document.querySelectorAll(
                 '.bd-content .pst-scrollable-table-container, .bm-table-wrap'))
               .filter(box => box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1)
               .filter(box => !(box.previousElementSibling || {classList: new Set()})
                 .classList.contains('bm-scroll-hint')).length"""
        )
    )


def sideways_scroll(page: Page) -> int:
    """How many CSS pixels the document is wider than the screen (0: no sideways scroll)."""
    return int(
        page.evaluate(
            "() => Math.max(0, document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth)"
        )
    )


# Contrast of every text in every book figure. The background of an HTML text is
# found by compositing the background colours of its ancestors (an opaque one ends
# the walk; the canvas is white or the page's colour); an SVG text of a plot sits on
# the rectangle of the menu button or annotation it belongs to, else the plot's paper.
CONTRAST_JS = r"""(figures) => {
  const parse = (c) => {
    const m = c && c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [l1, l2] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const htmlBackground = (el) => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const svgBackground = (text, svg) => {
    // A menu's text and its arrow (▼, beside the header) sit on the menu's own face;
    // a slider's labels sit on the paper below its rail, not on the rail.
    const group = text.closest(
      'g.updatemenu-button, g.updatemenu-dropdown-button, g.updatemenu-header-group, g.annotation');
    const rect = group && group.querySelector('rect');
    const fill = rect && parse(getComputedStyle(rect).fill);
    // plotly stacks transparent SVGs (legend, titles, menus) over the first one,
    // which carries the paper colour.
    const first = svg.closest('.svg-container').querySelector('svg.main-svg');
    const paper = parse(getComputedStyle(first).backgroundColor) || [255, 255, 255, 0];
    let bg = over(paper, htmlBackground(svg.parentElement));
    if (fill && fill[3] > 0) {
      const opacity = Number(getComputedStyle(rect).fillOpacity || 1);
      bg = over([fill[0], fill[1], fill[2], fill[3] * opacity], bg);
    }
    return bg;
  };
  // An annotation with no background of its own, inside a plot area, is drawn on
  // the data (e.g. a heatmap cell's label): its background is not the paper.
  const onData = (el, svg) => {
    const note = el.closest('g.annotation');
    if (!note) return false;
    const rect = note.querySelector('rect');
    const fill = rect && parse(getComputedStyle(rect).fill);
    if (fill && fill[3] > 0 && Number(getComputedStyle(rect).fillOpacity || 1) > 0) return false;
    const r = el.getBoundingClientRect();
    const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
    return Array.from(svg.closest('.svg-container').querySelectorAll('rect.nsewdrag'))
      .map(d => d.getBoundingClientRect())
      .some(b => x >= b.left && x <= b.right && y >= b.top && y <= b.bottom);
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && Number(s.opacity) > 0;
  };
  const isLarge = (s) => parseFloat(s.fontSize) >= 24
    || (parseFloat(s.fontSize) >= 18.66 && Number(s.fontWeight) >= 700);
  const results = [];
  document.querySelectorAll('figure.bm-figure').forEach((figure, f) => {
    figure.querySelectorAll('details').forEach(d => { d.open = true; });
    const html = figure.querySelectorAll(
      'figcaption, summary, details p, caption, th, td');
    html.forEach(el => {
      const text = el.textContent.trim();
      if (!text || !visible(el)) return;
      const s = getComputedStyle(el);
      const fg = over(parse(s.color), htmlBackground(el));
      results.push({figure: f, where: 'html', tag: el.tagName.toLowerCase(),
        text: text.slice(0, 40), ratio: ratio(fg, htmlBackground(el)),
        large: isLarge(s)});
    });
    if (figures.svg) {
      figure.querySelectorAll('svg.main-svg text').forEach(el => {
        const text = el.textContent.trim();
        if (!text || !visible(el)) return;
        if (el.closest('g.plot, g.overplot, g.trace, .hoverlayer')) return;  // drawn on the data
        const svg = el.closest('svg.main-svg');
        if (onData(el, svg)) return;
        const s = getComputedStyle(el);
        const fill = parse(s.fill);
        if (!fill) return;
        const bg = svgBackground(el, svg);
        const fg = over([fill[0], fill[1], fill[2], fill[3] * Number(s.fillOpacity || 1)], bg);
        results.push({figure: f, where: 'svg', tag: 'text', text: text.slice(0, 40),
          ratio: ratio(fg, bg),
          large: isLarge(s)});
      });
    }
    figure.querySelectorAll('details').forEach(d => { d.open = false; });
  });
  return results;
}"""


def figure_text_contrast(page: Page, svg: bool = True) -> list[dict[str, Any]]:
    """The contrast ratio of every text of every book figure on the page.

    Covers the caption, the "Text description and data" panel (opened for the
    measurement, then closed again), its table, and with ``svg`` the plot's own text
    (titles, axes, legend, menus, sliders, annotations; not text drawn on the data).
    Each entry: ``figure`` (index), ``where`` ("html"/"svg"), ``tag``, ``text``,
    ``ratio`` and ``large`` (large text needs only 3:1).
    """
    return page.evaluate(CONTRAST_JS, {"svg": svg})


def low_contrast(measured: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The measured texts below WCAG AA (4.5:1, or 3:1 for large text)."""
    return [
        entry
        for entry in measured
        if entry["ratio"] < (MIN_CONTRAST_LARGE if entry["large"] else MIN_CONTRAST)
    ]


def _visible_button(page: Page, selector: str) -> Any:
    """The first visible element matching ``selector``, or None."""
    buttons = page.locator(selector)
    for index in range(buttons.count()):
        if buttons.nth(index).is_visible():
            return buttons.nth(index)
    return None


def _dialog_open_with_links(page: Page, dialog: str, timeout: float = 3000) -> bool:
    """True when ``dialog`` opens and shows at least one link within ``timeout`` ms."""
    with contextlib.suppress(Error):
        page.wait_for_function(
            """(sel) => { const d = document.querySelector(sel);
                 if (!d || !d.open) return false;
                 return Array.from(d.querySelectorAll('a[href]')).some(a => {
                   const r = a.getBoundingClientRect();
                   return r.width > 0 && r.height > 0; }); }""",
            arg=dialog,
            timeout=timeout,
        )
        return True
    return False


def check_navigation(page: Page, phone: bool) -> list[str]:
    """What goes wrong when a reader uses the sidebar buttons; empty when all works.

    Phone: tapping the visible ☰ (``.primary-toggle``) must open the site navigation
    dialog with links, and the visible contents button (``.secondary-toggle``, when
    the page has one) must open "On this page". Desktop: clicking the visible ☰ must
    hide the primary sidebar, and clicking it again must bring it back.
    """
    faults: list[str] = []
    primary = _visible_button(page, ".primary-toggle")
    if primary is None:
        return ["no visible ☰ (.primary-toggle) button"]
    if phone:
        secondary = _visible_button(page, ".secondary-toggle")
        for button, dialog, name in (
            (primary, "#pst-primary-sidebar-modal", "☰ (site navigation)"),
            (secondary, "#pst-secondary-sidebar-modal", "contents"),
        ):
            if button is None:
                continue
            button.tap()
            if not _dialog_open_with_links(page, dialog):
                faults.append(f"tapping {name} opened nothing")
            page.keyboard.press("Escape")
            expect(page.locator(f"{dialog}[open]")).to_have_count(0)
        return faults
    sidebar = page.locator("#pst-primary-sidebar")
    if not sidebar.is_visible():
        return ["the primary sidebar is not shown on the desktop"]
    primary.click()
    with contextlib.suppress(Error):  # a loaded machine may take a while to redraw
        sidebar.wait_for(state="hidden", timeout=3000)
    if sidebar.is_visible():
        faults.append("clicking ☰ did not hide the sidebar")
    primary.click()
    with contextlib.suppress(Error):
        sidebar.wait_for(state="visible", timeout=3000)
    if not sidebar.is_visible():
        faults.append("clicking ☰ again did not bring the sidebar back")
    return faults


# --- Checks of the inside of figures (test_site.py's FIGURE_CHECKS runs them) ---

PLOT_AREAS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd =>
  Math.min(...Array.from(gd.querySelectorAll('rect.nsewdrag'))
    .map(r => r.getBoundingClientRect().width)))"""


def narrow_plot_areas(page: Page, minimum: float = MIN_PLOT_WIDTH) -> list[str]:
    """Plots whose narrowest plot area (subplot) is under ``minimum`` CSS pixels wide."""
    widths = page.evaluate(PLOT_AREAS_JS)
    return [
        f"{name}: plot area {width:.0f} px wide (< {minimum:.0f})"
        for name, width in zip(plot_names(page), widths, strict=True)
        if width < minimum
    ]


#: Per plot, its first heatmap's cell (px, gaps left out) and its widest and tallest cell
#: label as drawn; null for a plot without a labelled heatmap.
CELL_LABELS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
  const map = (gd._fullData || []).find(t => t.type === 'heatmap' && t.visible !== false);
  const labels = Array.from(gd.querySelectorAll('.heatmap-label text'))
    .map(e => e.getBoundingClientRect());
  if (!map || !labels.length) return null;
  const x = gd._fullLayout['xaxis' + map.xaxis.slice(1)];
  const y = gd._fullLayout['yaxis' + map.yaxis.slice(1)];
  return {cell: [x._length / map.z[0].length - (map.xgap || 0),
                 y._length / map.z.length - (map.ygap || 0)],
          label: [Math.max(...labels.map(b => b.width)), Math.max(...labels.map(b => b.height))]};
})"""


def spilling_cell_labels(page: Page) -> list[str]:
    """Heatmaps whose widest or tallest cell label does not fit inside its cell."""
    faults = []
    for name, found in zip(plot_names(page), page.evaluate(CELL_LABELS_JS), strict=True):
        if not found:
            continue
        (width, height), (cell_width, cell_height) = found["label"], found["cell"]
        if width > cell_width + 0.5 or height > cell_height + 0.5:
            faults.append(
                f"{name}: a cell label {width:.0f} × {height:.0f} px spills out of its "
                f"{cell_width:.0f} × {cell_height:.0f} px cell"
            )
    return faults


#: Per plot, the texts a reader cannot read whole: past the figure's edge, hidden by
#: plotly for overflowing it (tick labels), or cut by the plot area (labels of a trace
#: that is clipped to its axes).
CUT_TEXTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
  const fig = gd.getBoundingClientRect();
  const areas = Array.from(gd.querySelectorAll('rect.nsewdrag'))
    .map(r => r.getBoundingClientRect());
  const inside = (r, box) => r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
  const cut = [];
  gd.querySelectorAll('.xtick text, .ytick text').forEach(e => {
    if (e.style.display === 'none') cut.push(`tick label ${e.textContent} hidden past the edge`);
  });
  gd.querySelectorAll('text').forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && !inside(r, fig)) cut.push(`${e.textContent} runs past the figure's edge`);
  });
  gd.querySelectorAll('g.trace').forEach(g => {
    const trace = g.__data__ && g.__data__[0] && g.__data__[0].trace;
    if (!trace || trace.cliponaxis === false) return;
    g.querySelectorAll('.textpoint text').forEach(e => {
      const r = e.getBoundingClientRect();
      const mid = (r.top + r.bottom) / 2;
      const area = areas.find(a => mid >= a.top && mid <= a.bottom && r.left < a.right);
      if (r.width > 0 && area && !inside(r, area)) {
        cut.push(`${e.textContent} is cut by the plot area`);
      }
    });
  });
  return cut;
})"""


def cut_texts(page: Page) -> list[str]:
    """Figure texts a reader cannot read whole (:data:`CUT_TEXTS_JS`), named by figure."""
    return [
        f"{name}: {text}"
        for name, texts in zip(plot_names(page), page.evaluate(CUT_TEXTS_JS), strict=True)
        for text in dict.fromkeys(texts)
    ]


#: Per plot, its texts and their boxes: titles, tick labels, notes, legend, text labels,
#: slider and menu texts. Texts turned by an angle other than 90° are left out (their
#: boxes are wider than their letters).
FIGURE_TEXTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
  const turned = (e) => /rotate\\((-?[\\d.]+)/.exec(e.getAttribute('transform') || '');
  const square = (e) => { const m = turned(e); return !m || Number(m[1]) % 90 === 0; };
  return Array.from(gd.querySelectorAll(
    '.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .g-gtitle text, ' +
    '.annotation-text, .legendtext, .legendtitletext, .textpoint text, .slider-group text, ' +
    '.updatemenu-item-text')).filter(e => e.textContent.trim() && square(e))
    .map(e => { const r = e.getBoundingClientRect();
      return [e.textContent, {x: r.left, y: r.top, right: r.right, bottom: r.bottom}]; })
    .filter(([, box]) => box.right > box.x);
})"""


def overlapping_texts(page: Page) -> list[str]:
    """Texts of a figure drawn over each other (:func:`_overlap`; each pair named once)."""
    faults: list[str] = []
    for name, texts in zip(plot_names(page), page.evaluate(FIGURE_TEXTS_JS), strict=True):
        pairs = [
            (a, b)
            for i, (a, box) in enumerate(texts)
            for b, other in texts[i + 1 :]
            if _overlap(box, other)
        ]
        faults += [f"{name}: {a!r} overlaps {b!r}" for a, b in dict.fromkeys(pairs)]
    return faults


CONTROL_BOXES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, right: r.right, bottom: r.bottom, w: r.width, h: r.height}; };
  const controls = [];
  gd.querySelectorAll('g.updatemenu-header-group').forEach((g, i) => {
    const buttons = g.querySelectorAll('g.updatemenu-button');
    const header = g.querySelector('g.updatemenu-header');
    const parts = header ? [header] : Array.from(buttons);
    parts.forEach((el, k) => controls.push({name: `menu ${i}` + (header ? '' : ` button ${k}`),
                                            group: `menu ${i}`, box: box(el)}));
  });
  gd.querySelectorAll('g.slider-group').forEach((g, i) =>
    controls.push({name: `slider ${i}`, group: `slider ${i}`, box: box(g)}));
  return {figure: box(gd), screen: document.documentElement.clientWidth, controls};
})"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    """True when two boxes share more than one pixel in both directions."""
    return (
        min(a["right"], b["right"]) - max(a["x"], b["x"]) > 1
        and min(a["bottom"], b["bottom"]) - max(a["y"], b["y"]) > 1
    )


def misplaced_controls(page: Page) -> list[str]:
    """Menus, buttons and sliders not fully on screen, or overlapping another control."""
    faults = []
    for name, plot in zip(plot_names(page), page.evaluate(CONTROL_BOXES_JS), strict=True):
        controls = [c for c in plot["controls"] if c["box"]["w"] > 0]
        for control in controls:
            box = control["box"]
            if box["x"] < 0 or box["right"] > plot["screen"]:
                faults.append(f"{name}: {control['name']} is off screen")
        for i, first in enumerate(controls):
            for second in controls[i + 1 :]:
                if first["group"] != second["group"] and _overlap(first["box"], second["box"]):
                    faults.append(f"{name}: {first['name']} overlaps {second['name']}")
    return faults


COVER_BOXES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, right: r.right, bottom: r.bottom, w: r.width, h: r.height}; };
  const all = (sel) => Array.from(gd.querySelectorAll(sel)).map(box).filter(b => b.w > 0);
  return {
    legend: all('g.legend'),
    modebar: all('.modebar'),
    plots: all('rect.nsewdrag'),
    titles: all('.g-gtitle text, .g-xtitle text, .g-ytitle text, .g-x2title text, .g-y2title text'),
  };
})"""


def covered_plot_parts(page: Page) -> list[str]:
    """Legends over a plot area or a title, and a modebar over a title.

    The modebar appears on hover (on a phone, on tap), so it is measured whether it
    is showing or not.
    """
    faults = []
    for name, plot in zip(plot_names(page), page.evaluate(COVER_BOXES_JS), strict=True):
        for legend in plot["legend"]:
            if any(_overlap(legend, area) for area in plot["plots"]):
                faults.append(f"{name}: the legend covers the plot area")
            if any(_overlap(legend, title) for title in plot["titles"]):
                faults.append(f"{name}: the legend covers a title")
        for modebar in plot["modebar"]:
            if any(_overlap(modebar, title) for title in plot["titles"]):
                faults.append(f"{name}: the modebar covers a title")
    return faults


def light_figures_in_dark_mode(page: Page, max_luminance: float = 0.2) -> list[str]:
    """In dark mode, plots whose paper is light (relative luminance above the limit)."""
    _set_mode(page, "dark")
    luminances = page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot svg.main-svg:first-of-type'))
          .map(svg => { const m = getComputedStyle(svg).backgroundColor.match(/[\\d.]+/g);
            if (!m) return 0; const [r, g, b] = m.map(Number).map(v => v / 255)
              .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; })"""
    )
    return [
        f"{name}: paper luminance {value:.2f} in dark mode"
        for name, value in zip(plot_names(page), luminances, strict=False)
        if value > max_luminance
    ]


def check_page(
    context: BrowserContext,
    url: str,
    axe: bool = True,
    setting: Setting | str = "desktop-light",
    navigation: bool = False,
    figure_checks: Sequence[Callable[[Page], list[str]]] = (),
) -> PageReport:
    """Open ``url`` and return everything the reader would have met there.

    ``setting`` names the reader setting the ``context`` was made for (it decides
    the colour mode for axe and the contrast check, and whether the navigation check
    taps like a phone). ``figure_checks`` (such as :func:`narrow_plot_areas`) run on the
    figures as they first draw, each fault named after its check. Every plot control is
    then clicked; ``navigation`` runs :func:`check_navigation` last.
    """
    setting = SETTINGS[setting] if isinstance(setting, str) else setting
    mode = "dark" if setting.dark else "light"
    report = PageReport(url=url, setting=setting.name)
    page = context.new_page()
    try:
        _watch(page, report)
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        with contextlib.suppress(Error):  # a plot that never draws is counted below
            wait_for_figures(page, timeout=8000)
        report.plots = page.locator(PLOT_SELECTOR).count()
        report.drawn = page.locator(f":is({PLOT_SELECTOR}):has(.main-svg)").count()
        for check in figure_checks if report.plots else ():
            report.figure_faults += [f"{check.__name__}: {fault}" for fault in check(page)]
        report.sideways_px = sideways_scroll(page)
        report.unmarked_tables = unmarked_wide_tables(page)
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
        _set_mode(page, mode)
        measured = figure_text_contrast(page)
        report.texts_measured = len(measured)
        report.low_contrast = [dict(entry, mode=mode) for entry in low_contrast(measured)]
        if axe:
            _check_axe(page, report, mode)
        if navigation:
            report.navigation = check_navigation(page, phone=setting.phone)
    finally:
        page.close()
    return report
