"""Every page of the built book, as a reader meets it in headless Chromium.

Each page of the table of contents is opened in three settings (tools/browser.py):
a 1280 × 900 desktop in light mode, the same desktop in dark mode, and a 390 × 844
touch phone. In each: every figure draws, every control responds, no console error,
no off-site request, no serious axe violation, nothing scrolls sideways, every text
of every figure reads at 4.5:1 or better, and the sidebar buttons work.

The inside of each figure is checked too (FIGURE_CHECKS): on the phone every plot
area is at least 200 px wide; on the phone and the light desktop every menu and
slider is on screen and apart from the others, legends and the modebar cover no
data or titles, each heatmap's cell labels fit their cells, no text is cut or hidden
at the edge of the figure or its plot area, and no two texts of a figure overlap; in
dark mode the figures are dark.
Each check has its own tests on broken pages in tests/test_pagecheck.py.
"""

from __future__ import annotations

import hashlib
import re

import pagecheck
import pytest
from backmice_sphinx import PLOTLY_JS, STATIC
from conftest import ROOT, toc_docnames
from pagecheck import PageReport, check_page, sideways_scroll

from tools.browser import SETTINGS, wait_for_figures
from widgets import treatments

PAGES = toc_docnames()
# A figure cell calls a widget function named `figure` or `<something>_figure`.
FIGURE_CALL = re.compile(r"^\s*\w+\.(?:\w+_)?figure\(.*\)\s*$", re.MULTILINE)
PLOTLY_BUNDLE = STATIC / PLOTLY_JS
PLOTLY_BUNDLE_SHA256 = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"

#: Figure-internal checks for each setting, run on the figures as they first draw.
FIGURE_CHECKS: dict[str, tuple[object, ...]] = {
    "phone": (
        pagecheck.narrow_plot_areas,
        pagecheck.misplaced_controls,
        pagecheck.covered_plot_parts,
        pagecheck.spilling_cell_labels,
        pagecheck.cut_texts,
        pagecheck.overlapping_texts,
    ),
    "desktop-light": (
        pagecheck.misplaced_controls,
        pagecheck.covered_plot_parts,
        pagecheck.spilling_cell_labels,
        pagecheck.cut_texts,
        pagecheck.overlapping_texts,
    ),
    "desktop-dark": (pagecheck.light_figures_in_dark_mode,),
}


def expected_figures(docname: str) -> int:
    """How many figures the page's source asks for (cells calling ``x.figure()`` etc.)."""
    source = ROOT / f"{docname}.md"
    return len(FIGURE_CALL.findall(source.read_text(encoding="utf-8")))


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("docname", PAGES)
def test_page_as_reader_sees_it(docname, setting, book_url, setting_context, reports):
    report: PageReport = check_page(
        setting_context(setting),
        f"{book_url}/{docname}.html",
        setting=setting,
        navigation=setting != "desktop-dark",
        figure_checks=FIGURE_CHECKS[setting],
    )
    reports[f"{docname} [{setting}]"] = report

    assert report.plots == expected_figures(docname), "a figure is missing from the page"
    assert report.blank == 0, f"{report.blank} blank plot(s)"
    assert report.dead_controls == [], "controls that change nothing"
    assert report.interactive == 0 or report.responded > 0
    assert report.http_errors == [], "missing files (HTTP errors)"
    assert report.console_errors == [], "console errors"
    assert report.page_errors == [], "uncaught page errors"
    assert report.offsite == [], "requests that left loopback"
    assert report.axe == [], "serious or critical accessibility violations"
    assert report.sideways_px == 0, "the page scrolls sideways"
    assert report.unmarked_tables == 0, "a table scrolls sideways with no cue"
    assert report.plots == 0 or report.texts_measured > 0
    assert report.low_contrast == [], "figure text below 4.5:1 (3:1 large)"
    assert report.navigation == [], "sidebar buttons"
    assert report.figure_faults == [], "the inside of a figure"


def test_wide_table_on_a_phone_says_it_scrolls(book_url, setting_context):
    """Chapter 4's evidence table is wider than a phone: it scrolls, with a cue."""
    page = setting_context("phone").new_page()
    page.goto(f"{book_url}/chapters/04-treatments.html", wait_until="networkidle")
    hints = page.locator("p.bm-scroll-hint")
    assert hints.count() >= 1
    assert hints.first.inner_text().startswith("Scroll sideways")
    assert sideways_scroll(page) == 0
    box = page.locator(".pst-scrollable-table-container.bm-scrolls").first
    assert box.evaluate("(el) => getComputedStyle(el).overflowX") == "auto"


def test_every_page_is_checked(book_html):
    """The list of pages comes from _toc.yml and covers every built chapter."""
    built = {
        p.relative_to(book_html).with_suffix("").as_posix()
        for p in (book_html / "chapters").glob("*.html")
    }
    assert built <= set(PAGES)
    assert "chapters/01-terminology" in PAGES


# --- What the pages load -------------------------------------------------------------


def test_plotly_bundle_is_the_pinned_file():
    """The committed partial bundle is byte for byte npm plotly.js-cartesian-dist-min@4.1.1."""
    assert hashlib.sha256(PLOTLY_BUNDLE.read_bytes()).hexdigest() == PLOTLY_BUNDLE_SHA256


def test_plotly_bundle_matches_plotly_py():
    """Its plotly.js version is the one plotly.py bundles (the figures' JSON is for it)."""
    from backmice_sphinx import plotly_js_version, plotly_py_bundle

    assert plotly_js_version(PLOTLY_BUNDLE) == plotly_js_version(plotly_py_bundle())
    assert "cartesian" in PLOTLY_BUNDLE.read_text(encoding="utf-8")[:200]


def test_plotly_version_header_is_required(tmp_path):
    from backmice_sphinx import plotly_js_version

    fake = tmp_path / "x.js"
    fake.write_text("/* no header */", encoding="utf-8")
    with pytest.raises(ValueError, match="path"):
        plotly_js_version(fake)


@pytest.mark.parametrize("docname", PAGES)
def test_page_scripts_are_lean(docname, book_html):
    """Only the partial bundle, named by the deferred figure script (which loads it when a
    figure nears the screen), only on figure pages; never fontawesome.js."""
    text = (book_html / f"{docname}.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"[^>]*>", text)
    plotly_tags = [t for t in re.findall(r"<script[^>]*>", text) if "plotly" in t]
    assert not [s for s in scripts if "fontawesome" in s]
    assert not [s for s in scripts if re.search(r"plotly(-\d[\d.]*)?\.min\.js", s)]
    if expected_figures(docname):
        assert len(plotly_tags) == 1
        assert "defer" in plotly_tags[0] and PLOTLY_BUNDLE.name in plotly_tags[0]
        assert "Plotly.newPlot" not in text
    else:
        assert plotly_tags == []


ICONS_JS = """() => Array.from(document.querySelectorAll('[class*="fa-"]'))
  .filter(el => el.getBoundingClientRect().width > 0)
  .map(el => { const s = getComputedStyle(el, '::before');
    return [el.className, s.content, s.fontFamily]; })"""


@pytest.mark.parametrize("setting", ["desktop-light", "phone"])
def test_icons_render_without_fontawesome_js(setting, book_url, setting_context):
    """Every visible theme icon is drawn from the icon font; fontawesome.js is never asked for."""
    page = setting_context(setting).new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{book_url}/chapters/04-treatments.html", wait_until="networkidle")
    icons = page.evaluate(ICONS_JS)
    assert len(icons) >= 3
    for name, content, family in icons:
        assert content not in ("none", "normal", '""'), name
        assert "Font Awesome" in family, name
    assert not [url for url in requested if "fontawesome.js" in url]
    fonts = [url.rsplit("/", 1)[-1] for url in requested if ".woff2" in url]
    assert fonts == ["fa-solid-900-subset.woff2"], "the subset icon font, not the full one"


def test_icon_font_subset_has_every_icon_the_book_shows(book_html):
    """Re-run `python -m tools.icons` when this fails (the theme or its icons changed)."""
    from tools.icons import TARGET, font_codepoints, used_codepoints

    used = used_codepoints(book_html)
    assert len(used) >= 15
    assert used <= font_codepoints(TARGET)


def test_text_paints_before_plotly_runs(book_url, context):
    """The chapter's heading is on screen before plotly.js has executed."""
    page = context.new_page()
    page.add_init_script(
        "document.addEventListener('readystatechange', () => {"
        " if (document.readyState === 'interactive') {"
        "  window.__plotlyAtInteractive = typeof window.Plotly; } });"
    )
    page.goto(f"{book_url}/chapters/01-terminology.html", wait_until="networkidle")
    # A deferred script runs after parsing ('interactive'), before DOMContentLoaded; and
    # plotly.js only comes when a figure nears the screen.
    assert page.evaluate("() => window.__plotlyAtInteractive") == "undefined"
    wait_for_figures(page)
    assert page.locator(".js-plotly-plot .main-svg").count() >= 2


def test_figures_are_data_drawn_by_the_deferred_script(book_html):
    """A figure page holds each figure as JSON for backmice-figures.js, no inline call."""
    text = (book_html / "chapters/01-terminology.html").read_text(encoding="utf-8")
    assert text.count('<script type="application/json" class="bm-spec">') == 2
    assert "Plotly.newPlot" not in text
    tags = [t for t in re.findall(r"<script[^>]*>", text) if "backmice-figures.js" in t]
    assert len(tags) == 1 and "defer" in tags[0]


def test_build_stops_on_a_bundle_of_another_version(tmp_path, monkeypatch):
    from types import SimpleNamespace

    import backmice_sphinx
    from sphinx.errors import ExtensionError

    (tmp_path / backmice_sphinx.PLOTLY_JS).write_text(
        "/**\n* plotly.js (cartesian - minified) v9.9.9\n*/", encoding="utf-8"
    )
    monkeypatch.setattr(backmice_sphinx, "STATIC", tmp_path)
    with pytest.raises(ExtensionError, match=r"9\.9\.9"):
        backmice_sphinx.check_plotly_bundle(None, SimpleNamespace(html_js_files=[]))


def test_own_scripts_are_not_loaded_on_every_page():
    from types import SimpleNamespace

    from backmice_sphinx import PAGE_JS, PLOTLY_JS, check_plotly_bundle

    config = SimpleNamespace(html_js_files=[PLOTLY_JS, PAGE_JS, "other.js", ("x.js", {})])
    check_plotly_bundle(None, config)
    assert config.html_js_files == ["other.js", ("x.js", {})]


FIGURE_STATE = """figure => {
  const plot = figure.querySelector('.bm-plot');
  return {active: plot.layout.updatemenus.map(menu => menu.active),
          categories: plot.layout.yaxis.categoryarray || null,
          y: plot.data.map(trace => trace.y)};
}"""


def test_a_menu_choice_survives_crossing_the_phone_width(book_url, setting_context):
    """Sort the treatment forest plot by n, then narrow the window to a phone's width and
    widen it again: the phone patch is applied and undone in place, so the choice stays."""
    from playwright.sync_api import expect

    page = setting_context("desktop-light").new_page()
    page.goto(f"{book_url}/chapters/04-treatments.html")
    figure = page.locator("figure.bm-figure").first
    figure.scroll_into_view_if_needed()
    expect(figure).to_have_attribute("data-variant", "wide light")
    figure.locator(".updatemenu-button", has_text="By n").click()
    chosen = figure.evaluate(FIGURE_STATE)
    assert chosen["active"][1] == list(treatments.SORTS).index("n")
    for width, height, variant in ((390, 844, "narrow light"), (1280, 900, "wide light")):
        page.set_viewport_size({"width": width, "height": height})
        expect(figure).to_have_attribute("data-variant", variant)
        assert figure.evaluate(FIGURE_STATE) == chosen, variant
    expect(figure.locator(".updatemenu-container")).to_contain_text("By n")


def test_figures_and_plotly_wait_until_the_reader_nears_them(book_url, setting_context):
    """On a phone, a chapter opens without plotly.js; scrolling to a figure loads it and
    draws that figure (in its phone variant), not the figures still far below."""
    from playwright.sync_api import expect

    page = setting_context("phone").new_page()
    page.goto(f"{book_url}/chapters/04-treatments.html", wait_until="networkidle")
    figures = page.locator("figure.bm-figure")
    assert page.evaluate("() => typeof window.Plotly") == "undefined"
    assert figures.evaluate_all("all => all.filter(f => f.dataset.variant).length") == 0
    figures.first.scroll_into_view_if_needed()
    expect(figures.first).to_have_attribute("data-variant", "narrow light")
    expect(figures.last).not_to_have_attribute("data-variant", "narrow light")
    figures.last.scroll_into_view_if_needed()
    expect(figures.last).to_have_attribute("data-variant", "narrow light")


SEARCH_FIELD_JS = """() => {
  const dialog = document.getElementById('pst-search-dialog');
  dialog.showModal();
  const icon = dialog.querySelector('i').getBoundingClientRect();
  const field = dialog.querySelector('input');
  const style = getComputedStyle(field);
  const text = field.getBoundingClientRect().left + parseFloat(style.paddingLeft)
    + parseFloat(style.borderLeftWidth);
  return {iconRight: icon.right, textLeft: text};
}"""


@pytest.mark.parametrize("setting", ["desktop-light", "phone"])
def test_the_search_icon_leaves_the_typed_text_clear(setting, book_url, setting_context):
    page = setting_context(setting).new_page()
    page.goto(f"{book_url}/intro.html", wait_until="networkidle")
    place = page.evaluate(SEARCH_FIELD_JS)
    assert place["iconRight"] <= place["textLeft"], place


#: On a drawn page: [plot, text, px] of each shown figure text under 12 px, the pairs of
#: a slider's step labels that overlap, and how many figure texts were measured.
PHONE_TEXT_JS = """() => {
  const small = [], overlaps = [];
  let measured = 0;
  document.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
    plot.querySelectorAll('text').forEach(t => {
      const box = t.getBoundingClientRect();
      if (!t.textContent.trim() || !box.width) return;
      measured += 1;
      const size = parseFloat(getComputedStyle(t).fontSize);
      if (size < 12) small.push([i, t.textContent.slice(0, 30), size]);
    });
    plot.querySelectorAll('g.slider-group').forEach(slider => {
      const boxes = Array.from(slider.querySelectorAll('g.slider-label-group text'))
        .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, r]) => r.width);
      boxes.forEach(([a, p], n) => boxes.slice(n + 1).forEach(([b, q]) => {
        if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1
            && q.top < p.bottom - 1) overlaps.push([i, a, b]);
      }));
    });
  });
  return {small, overlaps, measured};
}"""


def test_phone_figure_text_is_at_least_12_px_and_slider_labels_do_not_overlap(
    book_url, setting_context
):
    page = setting_context("phone").new_page()
    measured = 0
    for docname in toc_docnames():
        page.goto(f"{book_url}/{docname}.html", wait_until="load")
        wait_for_figures(page)
        found = page.evaluate(PHONE_TEXT_JS)
        assert found["small"] == [] and found["overlaps"] == [], docname
        measured += found["measured"]
    assert measured > 200, "the figures' texts were measured"
    page.close()
