"""The browser checks can fail: each fault on a deliberately broken page is caught.

A check that never fails proves nothing. Here the same :func:`check_page` that
tests the book opens pages with one known fault each, and must report it; a clean
page with a working figure must report nothing.
"""

from __future__ import annotations

import json
import re

import pagecheck
import plotly.graph_objects as go
import pytest
from conftest import serve
from pagecheck import check_page

from tools.browser import wait_for_figures
from tools.figpage import write_page
from widgets.render import BookFigure


def _figure(menu_method: str = "restyle") -> str:
    """A small figure with two buttons; ``menu_method='skip'`` makes them dead."""
    fig = BookFigure(
        data=[go.Scatter(x=[1, 2, 3], y=[1, 3, 2], name="a")],
        caption="Test figure",
        alt="A test line.",
        columns=("x", "y"),
        rows=[(1, 1), (2, 3), (3, 2)],
    )
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "buttons": [
                    {"label": "Red", "method": menu_method, "args": [{"line.color": "red"}]},
                    {"label": "Blue", "method": menu_method, "args": [{"line.color": "blue"}]},
                ],
            }
        ],
        sliders=[
            {
                "steps": [
                    {"label": str(n), "method": menu_method, "args": [{"marker.size": n}]}
                    for n in (4, 8, 12)
                ]
            }
        ],
    )
    return fig.to_book_html()


FAULTS = {
    "clean": "",
    "blank": '<div class="plotly-graph-div" id="never-drawn" style="height:300px"></div>',
    "dead": _figure(menu_method="skip"),
    "offsite": '<img src="http://example.invalid/pixel.png" alt="pixel">',
    "console": "<script>console.error('deliberate failure');</script>",
}


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """One page per fault, each with a working figure too, served on loopback."""
    root = tmp_path_factory.mktemp("broken")
    for name, fault in FAULTS.items():
        fragments = [_figure()] if name != "dead" else []
        write_page(root / name, [*fragments, fault], title=f"Fault: {name}")
    with serve(root) as url:
        yield url


def _check(context, broken_site, name):
    return check_page(context, f"{broken_site}/{name}/index.html")


def test_clean_page_passes(context, broken_site):
    report = _check(context, broken_site, "clean")
    assert report.plots == report.drawn == 1
    assert report.controls == report.responded == 3  # one button and two slider steps
    assert report.dead_controls == []
    assert report.console_errors == report.page_errors == report.offsite == []
    assert report.axe == [], json.dumps(report.axe, indent=1)


def test_blank_figure_is_caught(context, broken_site):
    report = _check(context, broken_site, "blank")
    assert report.plots == 2
    assert report.blank == 1


def test_dead_control_is_caught(context, broken_site):
    report = _check(context, broken_site, "dead")
    assert report.controls == 3
    assert report.responded == 0
    assert len(report.dead_controls) == 3


def test_offsite_request_is_caught(context, broken_site):
    report = _check(context, broken_site, "offsite")
    assert report.offsite == ["http://example.invalid/pixel.png"]


def test_console_error_is_caught(context, broken_site):
    report = _check(context, broken_site, "console")
    assert "deliberate failure" in report.console_errors


def test_missing_chromium_fails_with_install_command(monkeypatch):
    from tools.browser import INSTALL_HINT, find_chromium

    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    assert find_chromium() is None
    assert "apt-get install -y chromium" in INSTALL_HINT


# --- Reader settings: contrast, sideways scrolling, navigation ----------------------


def _plot(layout: dict, caption: str = "Plot", rows: int = 3, data: list | None = None) -> str:
    """A small figure with ``layout`` (and ``data``, else one line), as the book renders it."""
    fig = BookFigure(
        data=data or [go.Scatter(x=[1, 2, 3], y=[1, 3, 2], name="series a")],
        caption=caption,
        alt="A small test plot.",
        columns=("x", "y"),
        rows=[(i, i) for i in range(rows)],
    )
    fig.update_layout(**layout)
    return fig.to_book_html()


def _heatmap(label: str) -> str:
    """A 3 × 12 heatmap with ``label`` in every cell, 12 px, in a plot as wide as a phone."""
    cells = go.Heatmap(
        z=[[i + j for j in range(12)] for i in range(3)],
        text=[[label] * 12] * 3,
        texttemplate="%{text}",
        textfont={"size": 12},
        xgap=2,
        ygap=2,
        showscale=False,
    )
    margin = {"l": 40, "r": 10, "t": 40, "b": 40}
    return _plot({"height": 320, "margin": margin}, "Cells with labels", data=[cells])


def _labelled(at: float, right: int, ticks: list[float]) -> str:
    """A plot with a text label at x = ``at``, its x range ``ticks`` (ticks every 1)."""
    label = go.Scatter(
        x=[at], y=[1], mode="text", text=["A label too long"], textposition="middle right"
    )
    layout = {"height": 300, "margin": {"l": 40, "r": right, "t": 40, "b": 40}}
    layout["xaxis"] = {"range": ticks, "dtick": 1}
    return _plot(layout, "Labels at the edge", data=[label])


CLEAN_LAYOUT = {"width": None, "height": 320, "margin": {"l": 40, "r": 10, "t": 60, "b": 40}}
MENU = {
    "type": "buttons",
    "direction": "right",
    "buttons": [
        {"label": "A", "method": "restyle", "args": [{"opacity": 1}]},
        {"label": "B", "method": "restyle", "args": [{"opacity": 0.5}]},
    ],
}
# Caption and data panel in the colour of the panel behind them (the dark-mode fault).
INVISIBLE_TEXT = (
    "<style>figure.bm-figure { background: #202020; }"
    " figcaption.bm-caption, details.bm-alt p { color: #202020; }</style>"
)
# Text in a closed <details> only: axe does not look inside it.
HIDDEN_PANEL_TEXT = "<style>details.bm-alt p { color: #fdfdfd; }</style>"

SETTING_PAGES = {
    "plain": [_plot({**CLEAN_LAYOUT, "title": {"text": "A clean plot"}})],
    "invisible": [INVISIBLE_TEXT, _plot(CLEAN_LAYOUT)],
    "hidden-panel": [HIDDEN_PANEL_TEXT, _plot(CLEAN_LAYOUT)],
    "wide": ['<div style="width: 900px">a page wider than a phone</div>'],
    "narrow-plot": [
        _plot(
            {**CLEAN_LAYOUT, "margin": {"l": 250, "r": 10, "t": 40, "b": 40}},
            caption="A plot squeezed by its wide left margin",
        )
    ],
    # Two marks side by side in cells too slim for them (the differential matrix's fault
    # on a phone), and the same marks one above the other, which fit.
    "spilling-labels": [_heatmap("++*")],
    "stacked-labels": [_heatmap("+<br>+<br>*")],
    # A label cut by the plot area and a last tick label past the figure's edge, which
    # plotly hides; and the same plot with room for both.
    "cut-texts": [_labelled(at=2.9, right=0, ticks=[0, 3])],
    "whole-texts": [_labelled(at=0.2, right=20, ticks=[-0.2, 3.2])],
    # An x axis title squeezed onto its tick labels by a short bottom margin, and room.
    "crowded-title": [
        _plot(
            {
                **CLEAN_LAYOUT,
                "margin": {"l": 40, "r": 10, "t": 40, "b": 22},
                "xaxis": {"title": {"text": "Axis title"}},
            }
        )
    ],
    "roomy-title": [
        _plot(
            {
                **CLEAN_LAYOUT,
                "margin": {"l": 40, "r": 10, "t": 40, "b": 60},
                "xaxis": {"title": {"text": "Axis title"}},
            }
        )
    ],
    # A row of long buttons is wider than a phone: plotly does not wrap it.
    "offscreen-menu": [
        _plot(
            {
                **CLEAN_LAYOUT,
                "updatemenus": [
                    {
                        **MENU,
                        "buttons": [
                            {
                                "label": f"A long button label {n}",
                                "method": "restyle",
                                "args": [{"opacity": n / 4}],
                            }
                            for n in range(1, 4)
                        ],
                        "x": 0,
                        "xanchor": "left",
                        "y": 1.05,
                        "yanchor": "bottom",
                    }
                ],
            }
        )
    ],
    "overlapping-menus": [
        _plot(
            {
                **CLEAN_LAYOUT,
                "updatemenus": [
                    {**MENU, "x": 0, "xanchor": "left", "y": 1.05, "yanchor": "bottom"},
                    {**MENU, "x": 0.05, "xanchor": "left", "y": 1.05, "yanchor": "bottom"},
                ],
            }
        )
    ],
    "apart-menus": [
        _plot(
            {
                **CLEAN_LAYOUT,
                "margin": {"l": 40, "r": 10, "t": 100, "b": 40},
                "updatemenus": [
                    {**MENU, "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
                    {**MENU, "x": 0, "xanchor": "left", "y": 1.2, "yanchor": "bottom"},
                ],
            }
        )
    ],
    "legend-over-data": [
        _plot({**CLEAN_LAYOUT, "showlegend": True, "legend": {"x": 0.3, "y": 0.5}})
    ],
    "legend-below": [
        _plot(
            {
                **CLEAN_LAYOUT,
                "showlegend": True,
                "margin": {"l": 40, "r": 10, "t": 40, "b": 90},
                "legend": {"orientation": "h", "x": 0, "y": -0.25, "yanchor": "top"},
            }
        )
    ],
    "dark-paper": [
        "<style>html { background: #121212; }</style>",
        _plot(
            {
                **CLEAN_LAYOUT,
                "paper_bgcolor": "#1e1e1e",
                "plot_bgcolor": "#1e1e1e",
                "font": {"color": "#e0e0e0"},
            }
        ),
    ],
    # A paper colour the figure script has no dark swap for: it stays light in dark mode.
    "light-paper": [
        "<style>html { background: #121212; }</style>",
        _plot({**CLEAN_LAYOUT, "paper_bgcolor": "#fefefe", "plot_bgcolor": "#fefefe"}),
    ],
}
# A theme-like page whose ☰ opens nothing, and one whose ☰ opens its dialog.
NAV_BROKEN = """
<button class="primary-toggle">☰</button>
<dialog id="pst-primary-sidebar-modal"></dialog>
<nav id="pst-primary-sidebar"><a href="#one">Chapter one</a></nav>"""
NAV_WORKING = (
    NAV_BROKEN
    + """
<script>
document.querySelector('.primary-toggle').addEventListener('click', () => {
  const dialog = document.getElementById('pst-primary-sidebar-modal');
  dialog.append(...document.getElementById('pst-primary-sidebar').childNodes);
  dialog.showModal();
});
</script>"""
)
SETTING_PAGES |= {"nav-broken": [NAV_BROKEN], "nav-working": [NAV_WORKING]}


@pytest.fixture(scope="module")
def settings_site(tmp_path_factory):
    """One page per reader-setting fault (and its fixed twin), served on loopback."""
    root = tmp_path_factory.mktemp("settings")
    for name, fragments in SETTING_PAGES.items():
        write_page(root / name, fragments, title=f"Setting: {name}")
    with serve(root) as url:
        yield url


def _open(setting_context, settings_site, name, setting="phone"):
    page = setting_context(setting).new_page()
    page.goto(f"{settings_site}/{name}/index.html", wait_until="networkidle")
    wait_for_figures(page)
    return page


@pytest.mark.parametrize("setting", ["desktop-light", "desktop-dark", "phone"])
def test_plain_page_passes_every_setting_check(setting, setting_context, settings_site):
    report = check_page(
        setting_context(setting), f"{settings_site}/plain/index.html", setting=setting
    )
    assert report.plots == report.drawn == 1
    assert report.sideways_px == 0
    assert report.texts_measured >= 8  # caption, summary, alt text, table, SVG title/ticks
    assert report.low_contrast == [], report.low_contrast
    assert report.axe == []


def test_invisible_caption_is_caught_although_axe_passes(setting_context, settings_site):
    """The dark-mode fault: text in its panel's colour (1:1), which axe lets pass.

    axe files a 1:1 ratio under "incomplete" ("Element has a 1:1 contrast ratio with
    the background": it guesses the text is hidden on purpose), not under violations;
    and it skips the text inside a closed <details>, where each figure's text
    description and data table live. The book's own contrast check measures both.
    """
    report = check_page(setting_context("desktop-light"), f"{settings_site}/invisible/index.html")
    faulty = {entry["tag"] for entry in report.low_contrast}
    assert {"figcaption", "p"} <= faulty
    assert min(entry["ratio"] for entry in report.low_contrast) == pytest.approx(1.0)
    # axe (run on the same page) does not report the 1:1 caption as a violation.
    assert not [v for v in report.axe if "figcaption" in json.dumps(v["nodes"])]


def test_text_in_a_closed_panel_is_measured(setting_context, settings_site):
    report = check_page(
        setting_context("desktop-light"), f"{settings_site}/hidden-panel/index.html"
    )
    assert [entry["tag"] for entry in report.low_contrast] == ["p"]


def test_sideways_scroll_is_caught(setting_context, settings_site):
    report = check_page(setting_context("phone"), f"{settings_site}/wide/index.html", axe=False)
    assert report.sideways_px > 400


def test_broken_navigation_is_caught(setting_context, settings_site):
    page = setting_context("phone").new_page()
    page.goto(f"{settings_site}/nav-broken/index.html")
    assert pagecheck.check_navigation(page, phone=True) == [
        "tapping ☰ (site navigation) opened nothing"
    ]
    page.goto(f"{settings_site}/nav-working/index.html")
    assert pagecheck.check_navigation(page, phone=True) == []


def test_narrow_plot_area_is_caught(setting_context, settings_site):
    assert pagecheck.narrow_plot_areas(_open(setting_context, settings_site, "plain")) == []
    faults = pagecheck.narrow_plot_areas(_open(setting_context, settings_site, "narrow-plot"))
    # The fault names the figure: its element id and its caption's first words.
    assert len(faults) == 1
    assert re.match(r"bm-[0-9a-f]+ \(“A plot squeezed by its wide…”\): plot area", faults[0])


def test_cell_labels_spilling_out_of_their_cells_are_caught(setting_context, settings_site):
    page = _open(setting_context, settings_site, "spilling-labels")
    (fault,) = pagecheck.spilling_cell_labels(page)
    assert re.match(r"bm-[0-9a-f]+ \(“Cells with labels…”\): a cell label 2\d × \d+ px", fault)
    stacked = _open(setting_context, settings_site, "stacked-labels")
    assert pagecheck.spilling_cell_labels(stacked) == []
    assert pagecheck.spilling_cell_labels(_open(setting_context, settings_site, "plain")) == []


@pytest.mark.parametrize("setting", ["phone", "desktop-light"])
def test_cut_texts_are_caught(setting_context, settings_site, setting):
    faults = pagecheck.cut_texts(_open(setting_context, settings_site, "cut-texts", setting))
    names = "bm-[0-9a-f]+ \\(“Labels at the edge…”\\)"
    assert any(
        re.fullmatch(f"{names}: A label too long is cut by the plot area", f) for f in faults
    )
    assert f"{faults[0].split(':')[0]}: tick label 3 hidden past the edge" in faults
    assert pagecheck.cut_texts(_open(setting_context, settings_site, "whole-texts", setting)) == []


def test_axis_title_on_its_tick_labels_is_caught(setting_context, settings_site):
    faults = pagecheck.overlapping_texts(_open(setting_context, settings_site, "crowded-title"))
    pattern = r"bm-\w+ \(“Plot…”\): '[\d.]+' overlaps 'Axis title'"
    assert faults and all(re.fullmatch(pattern, fault) for fault in faults), faults
    assert pagecheck.overlapping_texts(_open(setting_context, settings_site, "roomy-title")) == []


def test_menu_off_screen_is_caught(setting_context, settings_site):
    faults = pagecheck.misplaced_controls(_open(setting_context, settings_site, "offscreen-menu"))
    assert faults and all("off screen" in fault for fault in faults)


def test_overlapping_menus_are_caught(setting_context, settings_site):
    faults = pagecheck.misplaced_controls(
        _open(setting_context, settings_site, "overlapping-menus")
    )
    assert any("overlaps" in fault for fault in faults)
    assert pagecheck.misplaced_controls(_open(setting_context, settings_site, "apart-menus")) == []


def test_legend_over_data_is_caught(setting_context, settings_site):
    faults = pagecheck.covered_plot_parts(_open(setting_context, settings_site, "legend-over-data"))
    legend = re.compile(r"bm-\w+ \(“Plot…”\): the legend covers the plot area")
    assert any(legend.fullmatch(fault) for fault in faults)
    assert pagecheck.covered_plot_parts(_open(setting_context, settings_site, "legend-below")) == []


def test_light_figure_in_dark_mode_is_caught(setting_context, settings_site):
    light = _open(setting_context, settings_site, "light-paper", setting="desktop-dark")
    (fault,) = pagecheck.light_figures_in_dark_mode(light)
    assert re.fullmatch(r"bm-\w+ \(“Plot…”\): paper luminance 0.99 in dark mode", fault)
    dark = _open(setting_context, settings_site, "dark-paper", setting="desktop-dark")
    assert pagecheck.light_figures_in_dark_mode(dark) == []
