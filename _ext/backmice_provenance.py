"""Where the book's facts come from and how fresh they are, shown on its pages.

A Sphinx extension of its own (loaded through ``sphinx.local_extensions``), apart from
``backmice_sphinx``, which serves scripts and notebooks: everything here is about
provenance and reads the book's own records. It does these things, each in one place:

1. **Review dates.** A page listed in ``data/review.csv`` (see ``backmice_review``)
   gets a box under its title: "Evidence searched up to", "Facts last checked" and
   "Next review due" (:func:`add_review_dates`). The dates come from the file, never
   from the build.
2. **Overdue note.** When the build's "today" is after the review date, the box says
   "Review overdue" (the build still succeeds). "Today" is the date of the build,
   or the ``backmice_today`` setting (``YYYY-MM-DD``), which tests use to build as if
   on a later day (:func:`build_today`).
3. **Last updated.** The footer's "Last updated" is the date of the page's last
   commit (:func:`git_date`), not of the build; without ``.git`` (a source archive)
   or for a page never committed, it is left out (:func:`set_last_updated`). A page
   whose last commit changed since the previous build is re-read and written again
   (:func:`refresh_git_dates`).
4. **Report a problem.** With ``repository.url`` set in ``_config.yml``, every page
   ends with a link that opens a new issue there, its title naming the page
   (:func:`report_url`, :func:`add_report_link`); with no URL, no link.
5. **Corrections.** The ``corrections`` directive lists ``data/corrections.csv``
   (see ``backmice_corrections``), newest first (:class:`CorrectionsList`).

The box and the report link are added when a page is written (``doctree-resolved``),
so the overdue note is that of the build that wrote the page; a rebuild that writes
no page (``make book`` with nothing changed does not even start Sphinx) keeps what
the last build wrote.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import backmice_corrections
import backmice_review
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

from widgets.data import parse_date

#: The label of the section that explains the review cycle (chapters/about.md).
REVIEW_LABEL = "review-cycle"
#: The labels of the three dates, in the order shown.
DATE_LABELS = (
    ("evidence_searched", "Evidence searched up to"),
    ("facts_checked", "Facts last checked"),
    ("review_due", "Next review due"),
)
GIT_TIMEOUT = 20
#: Where the build environment keeps each page's git date between builds.
GIT_DATES = "backmice_git_dates"


# --- dates ---------------------------------------------------------------------------


#: English month names whatever the build machine's locale (``%B`` follows it).
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """A date that readers everywhere read the same way: ``2 December 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def build_today(setting: str) -> date:
    """The build's "today": the ``backmice_today`` setting if given, else the system date."""
    return parse_date(setting) if setting else date.today()


def check_today(app: Sphinx, config: Any) -> None:
    """Fail early, naming the setting, when ``backmice_today`` is not ``YYYY-MM-DD``."""
    try:
        build_today(config.backmice_today)
    except ValueError as error:
        raise ConfigError(f"backmice_today: {error}") from None


# --- 1 and 2: the review box ---------------------------------------------------------


def overdue_note(row: backmice_review.ReviewRow) -> nodes.paragraph:
    """The visible note that a page's review date has passed."""
    return nodes.paragraph(
        "",
        "",
        nodes.strong(text="Review overdue."),
        nodes.Text(
            f" This page was due for review on {long_date(row.review_due)}. Its facts were "
            f"last checked on {long_date(row.facts_checked)} and may have changed since."
        ),
        classes=["bm-review-overdue"],
    )


def review_box(
    row: backmice_review.ReviewRow, today: date, about_uri: str | None = None
) -> nodes.container:
    """The three dates of ``row`` as a labelled list, with the overdue note when due.

    ``about_uri`` links "How these dates are set" to the page that explains them.
    """
    fields = nodes.field_list(classes=["bm-review-dates"])
    for name, label in DATE_LABELS:
        value = nodes.paragraph(text=long_date(getattr(row, name)))
        fields += nodes.field("", nodes.field_name(text=label), nodes.field_body("", value))
    box = nodes.container(classes=["bm-review"])
    if row.overdue(today):
        box += overdue_note(row)
    box += fields
    if about_uri:
        link = nodes.reference("", "How these dates are set", refuri=about_uri, internal=True)
        box += nodes.paragraph("", "", link, classes=["bm-review-about"])
    return box


def insert_after_title(doctree: nodes.document, node: nodes.Node) -> None:
    """Put ``node`` right under the page's first heading (at the top when it has none)."""
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        doctree.insert(0, node)
    else:
        section.insert(1, node)


def about_uri(app: Sphinx, docname: str) -> str | None:
    """The link from ``docname`` to the review-cycle section, if the book has it."""
    labels = app.env.get_domain("std").labels
    if REVIEW_LABEL not in labels:
        return None
    target, anchor, _title = labels[REVIEW_LABEL]
    return f"{app.builder.get_relative_uri(docname, target)}#{anchor}"


def add_review_dates(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give a page listed in ``data/review.csv`` its review box."""
    rows = backmice_review.by_page(backmice_review.load(Path(app.srcdir) / "data"))
    if docname not in rows:
        return
    today = build_today(app.config.backmice_today)
    insert_after_title(doctree, review_box(rows[docname], today, about_uri(app, docname)))


def note_review_file(app: Sphinx, doctree: nodes.document) -> None:
    """Re-read every page when ``data/review.csv`` changes (any page may gain a row)."""
    app.env.note_dependency(str(Path(app.srcdir) / "data" / "review.csv"))


# --- 3: last updated from git --------------------------------------------------------


def git_date(source: Path, root: Path) -> date | None:
    """The day of the last commit that changed ``source`` in the repository at ``root``.

    ``None`` when ``root`` has no ``.git`` (a downloaded archive), git is missing or
    fails, or the file was never committed.
    """
    if not (root / ".git").exists():
        return None
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", str(source)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = result.stdout.strip()
    if result.returncode != 0 or not text:
        return None
    return parse_date(text)


def refresh_git_dates(
    app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Record each page's git date; re-read the pages whose date changed since the last build.

    A commit changes no file, so Sphinx alone would keep the old date on a page
    until its text changes again.
    """
    root = Path(app.srcdir)
    dates = {name: git_date(Path(env.doc2path(name)), root) for name in sorted(env.found_docs)}
    before = getattr(env, GIT_DATES, {})
    setattr(env, GIT_DATES, dates)
    return [name for name, day in dates.items() if name in before and before[name] != day]


def set_last_updated(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Replace the theme's build date with the page's git date, or leave it out.

    Pages without a source (search, index) and pages never committed get no date.
    """
    day = getattr(app.env, GIT_DATES, {}).get(pagename)
    context["last_updated"] = long_date(day) if day else None


# --- 4: report a problem -------------------------------------------------------------


def report_url(repository_url: str, title: str, docname: str) -> str | None:
    """A link that opens a new issue about page ``title`` (``None`` without a repository)."""
    if not repository_url.strip():
        return None
    body = (
        f"Page: {title} ({docname})\n\n"
        "What is wrong, and where on the page:\n\n"
        "What source supports the correction (if you have one):\n"
    )
    query = urlencode({"title": f"Problem on the page: {title}", "body": body}, quote_via=quote)
    return f"{repository_url.strip().rstrip('/')}/issues/new?{query}"


def add_report_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """End the page with "Report a problem with this page" when a repository is set."""
    title = app.env.titles[docname].astext() if docname in app.env.titles else docname
    url = report_url(app.config.html_theme_options.get("repository_url") or "", title, docname)
    if url is None:
        return
    link = nodes.reference("", "Report a problem with this page", refuri=url)
    note = nodes.paragraph(
        "",
        "Found a mistake? ",
        link,
        nodes.Text(" (opens a new issue in the book's repository)."),
        classes=["bm-report"],
    )
    section = next(iter(doctree.findall(nodes.section)), None)
    (section or doctree).append(note)


# --- 5: the corrections list ---------------------------------------------------------

#: Characters that would start MyST markup inside a sentence.
_MARKUP = str.maketrans({char: f"\\{char}" for char in "\\`*_{}[]<>$|~&"})


def plain(text: str) -> str:
    """``text`` as literal MyST: markup characters escaped, on one line."""
    return " ".join(text.split()).translate(_MARKUP)


def correction_markdown(row: backmice_corrections.CorrectionRow) -> str:
    """One correction as a MyST definition-list entry: date and pages, change, reason."""
    pages = ", ".join(f"{{doc}}`/{page}`" for page in row.docnames)
    change = plain(row.change)
    if row.source:  # the citation goes before the sentence's full stop, as in the text
        change = f"{change.removesuffix('.')} {{cite:p}}`{','.join(row.source)}`."
    return (
        f"{long_date(row.date)}: {pages}\n"
        f": **What changed.** {change}\n\n"
        f"  **Why.** {plain(row.reason)}\n"
    )


def corrections_markdown(rows: list[backmice_corrections.CorrectionRow]) -> str:
    """The corrections, in the order given, as MyST text."""
    if not rows:
        return "No correction to a fact has been recorded yet.\n"
    return "\n".join(correction_markdown(row) for row in rows)


class CorrectionsList(SphinxDirective):
    """``{corrections}``: the rows of ``data/corrections.csv``, newest first (MyST pages)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Parse the generated list in place; the page is re-read when the file changes."""
        folder = Path(self.env.srcdir) / "data"
        self.env.note_dependency(str(folder / "corrections.csv"))
        text = corrections_markdown(backmice_corrections.load(folder))
        box = nodes.container(classes=["bm-corrections"])
        box += self.parse_text_to_nodes(text)
        return [box]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the setting, the directive and the handlers."""
    app.add_config_value("backmice_today", "", "html", str)
    app.add_directive("corrections", CorrectionsList)
    app.connect("config-inited", check_today)
    app.connect("env-get-outdated", refresh_git_dates)
    app.connect("doctree-read", note_review_file)
    app.connect("doctree-resolved", add_review_dates)
    app.connect("doctree-resolved", add_report_link)
    app.connect("html-page-context", set_last_updated)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
