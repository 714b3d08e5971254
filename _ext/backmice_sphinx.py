"""Sphinx glue for the Back Mice book (loaded through ``sphinx.local_extensions``).

It does these things, each in one place:

1. Marks the build, so kernels started by myst-nb render figures for the static
   book (``BACKMICE_BOOK=1``; see :mod:`widgets.render`).
2. Serves plotly.js from the book's own ``_static/``: the partial "cartesian"
   bundle of exactly the plotly.js version plotly.py bundles (checked at start-up,
   :func:`check_plotly_bundle`), only on pages that hold a figure, and only when the
   reader nears the first figure: ``backmice-figures.js`` (loaded with ``defer``; its
   ``data-plotly`` attribute names the bundle) loads it then, so neither the paint nor
   a phone's main thread waits for 480 KiB of JavaScript nobody needs yet. It draws
   each figure from the JSON that :mod:`widgets.render` puts in the page, in the
   reader's colours and, on a phone, with its phone patch. Every page loads
   ``backmice.js`` (working sidebar buttons, a cue on wide tables) with ``defer``.
3. Unhooks sphinx-thebe (see :func:`drop_thebe`) and hides launch buttons until
   the repository URL is set.
4. Offers every chapter as a ``.ipynb`` download in two editions, generated from the
   MyST source by ``backmice_notebooks`` (no outputs, so it runs in a fresh kernel,
   readable Markdown): with solutions (``_sources/chapters/NN-topic.ipynb``, the
   theme's download) and for students (``…-student.ipynb``), each with the book's
   package (the wheel ``make wheel`` builds into ``_build/dist/``) bundled in its
   first cell, so it runs wherever it is saved; the wheel itself is served from
   ``_static/``, and ``requirements-notebooks.txt`` (what a downloaded notebook needs)
   from the site's root. The download menu names both editions and links that file
   (:func:`add_edition_downloads`). Points the Colab launch link at the same notebook
   kept in ``notebooks/``.
5. Adds a "Live" launch entry to every chapter page: it opens the chapter in the
   book's own offline JupyterLite site (``lite/``, built by ``tools/lite.py``), so
   it needs no ``repository.url`` and no server (:func:`add_live_link`).
6. Registers the ``author_year_etal`` citation style (``backmice_citations``) and
   fixes the bibliography's ARIA role (:func:`fix_citation_list_role`); gives each
   bibliography entry a stable anchor ``bib-<key>`` (for the quizzes' citation links).
7. Loads ``backmice-questions.js`` on pages with a quiz (:mod:`widgets.quiz`) or a
   case's gate (:mod:`widgets.cases`), and ``backmice-cases.js``, which opens a case's
   stages one by one, on pages with a gate.
   The review page (:mod:`widgets.spaced`) loads it too, then ts-fsrs (npm
   ``ts-fsrs@5.4.2``'s browser build, committed under ``_static/`` as it is, with its
   licence) and ``backmice-spaced.js``, which schedules with it.
8. Makes sphinx-exercise's repeated content ids unique (``backmice_exercises``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import plotly
from backmice_citations import add_stable_anchors
from backmice_citations import register as register_citation_style
from backmice_exercises import unique_content_ids
from backmice_notebooks import (
    EDITIONS,
    chapter_notebook,
    edition_filename,
    is_notebook_source,
    notebook_text,
)
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from widgets.render import BOOK_ENV

STATIC = Path(__file__).resolve().parent.parent / "_static"
#: npm ``plotly.js-cartesian-dist-min`` (scatter, bar, box, heatmap, contour, histogram;
#: menus, sliders, shapes and annotations), committed under ``_static/``.
PLOTLY_JS = "plotly-cartesian-4.1.1.min.js"
PAGE_JS = "backmice.js"
#: Figures follow the reader's dark mode and phone width (see that file).
FIGURES_JS = "backmice-figures.js"
#: The self-check questions grade themselves (see that file and :mod:`widgets.quiz`).
QUIZ_JS = "backmice-questions.js"
#: The stages of a case open one at a time (see that file and :mod:`widgets.cases`).
CASES_JS = "backmice-cases.js"
#: npm ``ts-fsrs@5.4.2``'s ``dist/index.umd.js`` (sets ``window.FSRS``), as published.
FSRS_JS = "ts-fsrs-5.4.2.umd.js"
#: The review page's scheduler (see that file and :mod:`widgets.spaced`).
SPACED_JS = "backmice-spaced.js"
#: Scripts the book loads itself (page by page, with ``defer``), not on every page.
OWN_SCRIPTS = (PLOTLY_JS, PAGE_JS, FIGURES_JS, QUIZ_JS, CASES_JS, FSRS_JS, SPACED_JS)
PLOTLY_MARKER = 'class="plotly-graph-div'
QUIZ_MARKER = 'class="bm-quiz"'
GATE_MARKER = 'class="bm-quiz bm-gate"'
SPACED_MARKER = 'class="bm-spaced"'
PLOTLY_VERSION = re.compile(r"plotly\.js (?:\([^)]*\) )?v(\d+\.\d+\.\d+)")


def plotly_py_bundle() -> Path:
    """The full plotly.min.js shipped inside the installed plotly package."""
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_js_version(path: Path) -> str:
    """The plotly.js version in the licence header of a bundle (e.g. ``"4.1.1"``)."""
    with path.open(encoding="utf-8") as handle:
        match = PLOTLY_VERSION.search(handle.read(400))
    if match is None:
        raise ValueError(f"path: no plotly.js version header in {path}")
    return match.group(1)


def check_plotly_bundle(app: Sphinx, config: Any) -> None:
    """Fail the build when the served bundle's version differs from plotly.py's.

    The figures' JSON is written by plotly.py for its own plotly.js; a different
    plotly.js may draw them differently. Also stops Jupyter Book from loading the
    book's own scripts on every page (it adds every ``_static/*.js`` to every page).
    """
    served, wanted = plotly_js_version(STATIC / PLOTLY_JS), plotly_js_version(plotly_py_bundle())
    if served != wanted:
        raise ExtensionError(
            f"_static/{PLOTLY_JS} is plotly.js {served} but plotly {plotly.__version__} "
            f"bundles {wanted}: fetch npm plotly.js-cartesian-dist-min@{wanted}."
        )
    config.html_js_files = [
        entry
        for entry in config.html_js_files
        if (entry[0] if isinstance(entry, tuple) else entry) not in OWN_SCRIPTS
    ]


def add_page_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Prepare one page: fix its citation list, load plotly.js if it has a figure.

    A page with a quiz (:mod:`widgets.quiz`) loads the script that grades it; a page
    with a case's gate (:mod:`widgets.cases`) loads that script and the one that opens
    the stages, after it; the review page (:mod:`widgets.spaced`) loads it, then ts-fsrs
    and the review script.

    Also points the download button at the chapter's notebook.
    """
    if "body" in context:
        context["body"] = fix_citation_list_role(context["body"])
    if PLOTLY_MARKER in context.get("body", ""):
        bundle = context["pathto"](f"_static/{PLOTLY_JS}", 1)
        app.add_js_file(FIGURES_JS, priority=210, defer="defer", **{"data-plotly": bundle})
    body = context.get("body", "")
    if QUIZ_MARKER in body or GATE_MARKER in body or SPACED_MARKER in body:
        app.add_js_file(QUIZ_JS, priority=220, defer="defer")
    if GATE_MARKER in body:
        app.add_js_file(CASES_JS, priority=230, defer="defer")
    if SPACED_MARKER in body:
        app.add_js_file(FSRS_JS, priority=230, defer="defer")
        app.add_js_file(SPACED_JS, priority=240, defer="defer")
    source = Path(app.env.doc2path(pagename))
    if is_notebook_source(source):
        context["ipynb_source"] = pagename + ".ipynb"


#: What a downloaded notebook needs (JupyterLab included), copied to the site's root.
NOTEBOOK_REQUIREMENTS = "requirements-notebooks.txt"
#: The download menu's entries for the two editions and the requirements: label ->
#: (text, tooltip).
EDITION_ENTRIES = {
    "instructor": (
        ".ipynb, with solutions",
        "Notebook, instructor edition: the graded questions and their answer key",
    ),
    "student": (
        ".ipynb, student edition",
        "Notebook, student edition: no solutions, a cell to answer each question",
    ),
    "requirements": (
        NOTEBOOK_REQUIREMENTS,
        "What a downloaded notebook needs: pip install -r requirements-notebooks.txt",
    ),
}


def add_edition_downloads(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Name the two notebook editions and the requirements in the download menu.

    The theme's ``.ipynb`` entry becomes the edition with solutions; the student
    edition and ``requirements-notebooks.txt`` follow it.
    """
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = group["buttons"]
        found = [b for b in buttons if b.get("label") == "download-notebook-button"]
        if not found:
            return
        notebook = found[0]
        text, tooltip = EDITION_ENTRIES["instructor"]
        notebook.update(text=text, tooltip=tooltip)
        folder = notebook["url"].rpartition("/")[0]
        extra = []
        for label, url, icon in (
            (
                "student",
                f"{folder}/{edition_filename(Path(pagename).name, 'student')}",
                "fas fa-pencil",
            ),
            ("requirements", context["pathto"](NOTEBOOK_REQUIREMENTS, 1), "fas fa-list"),
        ):
            text, tooltip = EDITION_ENTRIES[label]
            entry = {"type": "link", "url": url, "text": text, "tooltip": tooltip, "icon": icon}
            extra.append(entry | {"label": f"download-{label}-button"})
        index = buttons.index(notebook) + 1
        buttons[index:index] = extra


def _repository(app: Sphinx) -> tuple[str, str]:
    """The repository URL and branch set in ``_config.yml`` (empty URL when unset)."""
    options = app.config.html_theme_options
    return options.get("repository_url") or "", options.get("repository_branch") or "main"


def point_colab_at_notebooks(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Make the Colab launch link open ``notebooks/<chapter>.ipynb``.

    sphinx-book-theme links Colab to the page's source, a MyST ``.md`` that Colab
    cannot open; the repository keeps a generated notebook per chapter instead.
    """
    colab = app.config.html_theme_options.get("launch_buttons", {}).get("colab_url", "")
    url, branch = _repository(app)
    if not colab or not url:
        return
    repo = url.rstrip("/").split("github.com/")[-1]
    target = f"{colab.rstrip('/')}/github/{repo}/blob/{branch}/notebooks/"
    target += f"{Path(pagename).name}.ipynb"
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = target


def book_wheel(folder: Path) -> Path:
    """The book's one wheel in ``folder``: ``_build/dist`` (``make wheel``) or a site's _static."""
    wheels = sorted(folder.glob("backmice_book-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise FileNotFoundError(
            f"expected one wheel in {folder}, found {len(wheels)}: "
            "build the book with `make book` (it runs `make wheel` first)"
        )
    return wheels[0]


LIVE_APP = "lite/notebooks/index.html"
#: The name of the launch menu's rocket button (its aria-label and title; see
#: ``_templates/article-header-buttons.html``) when the book makes the menu itself.
LAUNCH_MENU = "Launch: run this chapter's code"


def add_live_link(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give a chapter page a launch entry "Live" that opens it in the book's JupyterLite.

    It joins the theme's launch menu when there is one (``repository.url`` set), and
    is a menu of its own otherwise, named :data:`LAUNCH_MENU`.
    """
    source = Path(app.env.doc2path(pagename))
    if not is_notebook_source(source) or "pathto" not in context:
        return
    url = f"{context['pathto'](LIVE_APP, 1)}?path={Path(pagename).name}.ipynb"
    entry = {
        "type": "link",
        "url": url,
        "text": "Live (in your browser)",
        "tooltip": "Run this chapter in your browser: no install, no server",
        "icon": "fas fa-play",
        "label": "launch-live-button",
    }
    buttons = context.setdefault("header_buttons", [])
    for group in buttons:
        if group.get("label") == "launch-buttons":
            group["buttons"].insert(0, entry)
            return
    buttons.append(
        {
            "type": "group",
            "tooltip": LAUNCH_MENU,
            "icon": "fas fa-rocket",
            "buttons": [entry],
            "label": "launch-buttons",
        }
    )


def write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Write the wheel, the notebooks' requirements and the chapter notebooks.

    Into the HTML output: the book's wheel, ``requirements-notebooks.txt`` and each
    chapter's unexecuted .ipynb, one per edition.
    """
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    wheel = book_wheel(Path(app.srcdir) / "_build" / "dist")
    shutil.copyfile(wheel, static / wheel.name)
    shutil.copyfile(
        Path(app.srcdir) / NOTEBOOK_REQUIREMENTS, Path(app.outdir) / NOTEBOOK_REQUIREMENTS
    )
    wheel_bytes = wheel.read_bytes()
    url, branch = _repository(app)
    for docname in sorted(app.env.found_docs):
        source = Path(app.env.doc2path(docname))
        if not is_notebook_source(source):
            continue
        folder = Path(app.outdir) / "_sources" / Path(docname).parent
        folder.mkdir(parents=True, exist_ok=True)
        for edition in EDITIONS:
            text = notebook_text(chapter_notebook(source, url, branch, wheel_bytes, edition))
            target = folder / edition_filename(Path(docname).name, edition)
            target.write_text(text, encoding="utf-8")


def drop_thebe(app: Sphinx) -> None:
    """Unhook sphinx-thebe, which Jupyter Book always loads.

    The book runs live code in downloaded notebooks, not through thebe. Left in,
    sphinx-thebe injects its configuration script twice (a console error on every
    page: ``THEBE_JS_URL`` already declared) and points at a CDN.
    """
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "") == "sphinx_thebe":
                app.disconnect(listener.id)
    app.registry.css_files = [
        (name, attributes)
        for name, attributes in app.registry.css_files
        if name != "sphinx-thebe.css"
    ]


def fix_citation_list_role(body: str) -> str:
    """Drop ``role="list"`` from docutils' citation list.

    Its children are ``doc-biblioentry`` elements, not list items, so the list role
    is an ARIA error (axe: aria-required-children, critical).
    """
    return body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')


def launch_buttons_need_repository(app: Sphinx, config: Any) -> None:
    """Show launch buttons only once ``repository.url`` is set in ``_config.yml``.

    Binder, JupyterHub and Colab links are built from the repository URL; while it is
    empty there is nothing to launch (and sphinx-book-theme would fail), so the
    buttons are switched off.
    """
    options = config.html_theme_options
    if not options.get("repository_url"):
        options["launch_buttons"] = {}


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers; mark the process so notebook kernels inherit it."""
    os.environ[BOOK_ENV] = "1"
    register_citation_style()
    drop_thebe(app)
    # backmice.css and the other _static/*.css are added by Jupyter Book itself.
    app.add_js_file(PAGE_JS, defer="defer")
    app.connect("config-inited", launch_buttons_need_repository)
    app.connect("config-inited", check_plotly_bundle)
    app.connect("doctree-resolved", add_stable_anchors)
    app.connect("doctree-resolved", unique_content_ids)
    app.connect("html-page-context", add_page_assets, priority=400)
    app.connect("html-page-context", point_colab_at_notebooks, priority=502)
    app.connect("html-page-context", add_live_link, priority=503)
    app.connect("html-page-context", add_edition_downloads, priority=504)
    app.connect("build-finished", write_notebooks, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
