"""The browser checks can fail: each fault on a deliberately broken page is caught.

A check that never fails proves nothing. Here the same :func:`check_page` that
tests the book opens pages with one known fault each, and must report it; a clean
page with a working figure must report nothing.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from conftest import serve
from figpage import write_page
from pagecheck import check_page

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
    from pagecheck import INSTALL_HINT, find_chromium

    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    assert find_chromium() is None
    assert "apt-get install -y chromium" in INSTALL_HINT
