"""Valid, navigable pages: no repeated id (WCAG 4.1.1, vnu), whole table captions, and a
phone "On this page" dialog that closes on a choice (_static/backmice.js).

sphinx-exercise writes the same content ids for every exercise and solution; the
build renames them (``_ext/backmice_exercises.py``). These tests read the built HTML.
"""

from __future__ import annotations

import collections
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from backmice_exercises import REPEATED, unique_content_ids
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document


class _Ids(HTMLParser):
    """Every ``id`` attribute of a page, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [value for name, value in attrs if name == "id" and value]


def repeated_ids(page: Path) -> list[str]:
    """The ids that appear more than once on ``page``."""
    parser = _Ids()
    parser.feed(page.read_text(encoding="utf-8"))
    return [i for i, n in collections.Counter(parser.ids).items() if n > 1]


def test_no_page_repeats_an_id(book_html):
    pages = sorted(book_html.glob("**/*.html"))
    pages = [p for p in pages if "lite" not in p.relative_to(book_html).parts]
    assert len(pages) > 10
    found = {str(p.relative_to(book_html)): repeated_ids(p) for p in pages}
    assert {page: ids for page, ids in found.items() if ids} == {}


def test_the_instructor_guide_has_several_exercises_with_their_own_ids(book_html):
    text = (book_html / "chapters" / "instructors.html").read_text(encoding="utf-8")
    assert text.count('class="exercise') >= 2, "the guide's exercises are what this guards"
    assert not any(f'id="{r}"' in text for r in REPEATED)


def _section(ids: list[str], parent: nodes.Element) -> nodes.section:
    section = nodes.section(ids=ids)
    parent += section
    return section


@pytest.mark.parametrize("repeated", REPEATED)
def test_each_content_id_is_named_after_its_exercise(repeated):
    document = new_document("page", get_default_settings(Parser))
    for label in ("case-a", "case-b"):
        box = nodes.container(ids=[label])
        document += box
        _section([repeated], box)
    unlabelled = nodes.container()
    document += unlabelled
    _section([repeated], unlabelled)
    _section([repeated], unlabelled)
    unique_content_ids(None, document, "page")
    ids = [s["ids"][0] for s in document.findall(nodes.section)]
    stem = repeated.split("-")[0]
    assert ids == ["case-a-content", "case-b-content", f"{stem}-content", f"{stem}-content-2"]


#: Each table caption's text, measured against the box that scrolls the table sideways:
#: [caption start, px it starts left of the box, px it ends right of the box].
CAPTIONS_JS = """() => Array.from(document.querySelectorAll('table caption'))
  .filter(c => c.getClientRects().length).map(c => {
    let box = c.parentElement;
    while (box !== document.body && getComputedStyle(box).overflowX === 'visible')
      box = box.parentElement;
    const view = box.getBoundingClientRect(), range = document.createRange();
    range.selectNodeContents(c);
    const lines = Array.from(range.getClientRects());
    return [c.textContent.slice(0, 50), view.left - Math.min(...lines.map(r => r.left)),
            Math.max(...lines.map(r => r.right)) - view.right];
  })"""


@pytest.mark.parametrize("setting", ["desktop-light", "phone"])
def test_no_table_caption_is_cut_off_by_its_sideways_scroll(setting, book_url, setting_context):
    """Every caption, data panels opened, shows whole inside the box that scrolls its table."""
    from conftest import toc_docnames

    page = setting_context(setting).new_page()
    cut, seen = [], 0
    for docname in toc_docnames():
        page.goto(f"{book_url}/{docname}.html", wait_until="load")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true })")
        for text, left, right in page.evaluate(CAPTIONS_JS):
            seen += 1
            if left > 1 or right > 1:
                cut.append(f"{docname}: '{text}' cut {max(left, right):.0f} px")
    assert seen >= 10 and cut == []
    page.close()


def test_phone_contents_dialog_closes_on_a_choice_and_leaves_no_tooltip(book_url, setting_context):
    """On a phone, a section chosen in "On this page" shows with its heading focused."""
    page = setting_context("phone").new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{book_url}/chapters/03-differential.html", wait_until="load")
    page.locator(".secondary-toggle:visible").tap()
    dialog = page.locator("dialog[open]")
    link = dialog.locator("a.nav-link:visible", has_text="Imaging")
    link.tap()
    page.wait_for_function("() => !document.querySelector('dialog[open]')")
    page.wait_for_function("() => document.activeElement.tagName === 'H2'")
    assert page.evaluate("() => document.activeElement.closest('section').id") == "imaging"
    top = page.evaluate("() => document.getElementById('imaging').getBoundingClientRect().top")
    assert 0 <= top < 200, f"the chosen section starts {top:.0f} px down the screen"
    assert page.locator(".tooltip:visible").count() == 0
    assert errors == []
    page.close()


@pytest.mark.parametrize("setting", ["desktop-light", "phone"])
def test_a_tap_on_the_exercise_link_in_a_solution_title_opens_the_solution(
    setting, book_url, setting_context
):
    page = setting_context(setting).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{book_url}/chapters/instructors.html", wait_until="load")
    solution = page.locator(".solution.toggle").first
    link = solution.locator(".admonition-title a")
    link.scroll_into_view_if_needed()
    where = page.url
    assert "toggle-hidden" in solution.get_attribute("class")
    link.tap() if setting == "phone" else link.click()
    page.wait_for_function(
        "(s) => !s.classList.contains('toggle-hidden')", arg=solution.element_handle()
    )
    assert page.url == where, "the tap stays at the solution"
    link.click()
    page.wait_for_function(
        "(s) => s.classList.contains('toggle-hidden')", arg=solution.element_handle()
    )
    assert errors == []
    page.close()


def test_no_page_links_to_a_loopback_or_linkified_address(book_html):
    """A link to 127.0.0.1 works only on the author's computer; "backmice.info" in prose
    must not become an http:// link (MyST linkify)."""
    bad = re.compile(r'href="https?://(?:127\.0\.0\.1|localhost|backmice\.info)')
    pages = [p for p in book_html.glob("**/*.html") if "lite" not in p.parts]
    found = [str(p.relative_to(book_html)) for p in pages if bad.search(p.read_text("utf-8"))]
    assert found == []


def test_vnu_errors_the_stock_book_also_has_are_not_the_books_own():
    from tools.validate import own_errors

    stock = [("index.html", "Start tag seen without seeing a doctype first.")]
    book = [*stock, ("chapters/a.html", 'Duplicate ID "x".')]
    assert own_errors(book, stock) == ['chapters/a.html: Duplicate ID "x".']
    assert own_errors(stock, stock) == []


def test_pa11y_budget_is_the_cleanest_stock_page():
    from tools.validate import Comparison

    assert Comparison(pa11y_book={"a": 1, "b": 1}, pa11y_stock={"s": 1, "t": 2}).pa11y_no_worse
    assert not Comparison(pa11y_book={"a": 2}, pa11y_stock={"s": 1, "t": 2}).pa11y_no_worse


def test_the_checkers_are_pinned_exactly_with_a_lock():
    import json

    from tools.validate import PINS

    wanted = json.loads((PINS / "package.json").read_text())["dependencies"]
    assert set(wanted) == {"vnu-jar", "pa11y"}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in wanted.values())
    lock = json.loads((PINS / "package-lock.json").read_text())["packages"]
    for name, version in wanted.items():
        assert lock[f"node_modules/{name}"]["version"] == version
        assert lock[f"node_modules/{name}"]["integrity"].startswith("sha512-")
