"""Dates a reader can trust, corrections and reporting (_ext/backmice_provenance.py).

Unit tests: the review dates and corrections files (data/review.csv,
data/corrections.csv) are typed and every bad row is named by file, line and field;
the review box and its overdue note; the footer date from git, and none without
.git; the "Report a problem" link with and without a repository; the corrections
list as MyST; where tools/checkdata.py finds each file's loader.

Built-page tests (``book_html``; run `make book` first): the dates under the title of
the six reviewed pages, the footer dates, the report link exactly when repository.url
is set, and the corrections page listing every row. One real build of a copy of the
book without .git, as a downloaded archive would be, built as if on a day after every
review date: it must succeed under -n -W, show the overdue note and leave out the
footer date (it reuses the execution cache, so it takes about half a minute).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import backmice_corrections
import backmice_provenance as provenance
import backmice_review
import pytest
from conftest import ROOT
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from sphinx.errors import ConfigError

from tools import checkdata, notebooks
from widgets.data import DataError, parse_rows

REVIEW_HEADER = "page,evidence_searched,facts_checked,review_due"
CORRECTIONS_HEADER = "date,pages,change,reason,source"
REVIEWED = [
    "chapters/01-terminology",
    "chapters/02-cluneal-nerves",
    "chapters/03-differential",
    "chapters/04-treatments",
    "chapters/cases",
    "chapters/faq",
    "chapters/glossary",
]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def review_rows(*lines: str) -> list[backmice_review.ReviewRow]:
    text = "\n".join([REVIEW_HEADER, *lines]) + "\n"
    return parse_rows(text, backmice_review.ReviewRow, "data/review.csv")


def correction_rows(*lines: str) -> list[backmice_corrections.CorrectionRow]:
    text = "\n".join([CORRECTIONS_HEADER, *lines]) + "\n"
    return parse_rows(text, backmice_corrections.CorrectionRow, "data/corrections.csv")


def review_row(searched: str, checked: str, due: str) -> backmice_review.ReviewRow:
    return review_rows(f"chapters/faq,{searched},{checked},{due}")[0]


# --- data/review.csv ------------------------------------------------------------------


def test_review_file_dates_every_chapter_the_faq_and_the_glossary():
    rows = backmice_review.load()
    assert sorted(row.page for row in rows) == REVIEWED
    for row in rows:
        assert row.evidence_searched <= row.facts_checked < row.review_due


def test_review_rows_are_typed_dates():
    row = review_row("2026-11-25", "2026-12-02", "2027-12-01")
    assert row.evidence_searched == date(2026, 11, 25)
    assert row.facts_checked == date(2026, 12, 2)
    assert row.review_due == date(2027, 12, 1)


def assert_names_line_3(error: Exception, filename: str, field_name: str, reason: str) -> None:
    """The error names the file, line 3 (the bad row after a good one), the field and why."""
    message = str(error)
    assert message.startswith(f"{filename}, line 3, field '{field_name}': "), message
    assert reason in message


@pytest.mark.parametrize(
    ("line", "field_name", "reason"),
    [
        ("chapters/faq,2026/11/25,2026-12-02,2027-12-01", "evidence_searched", "YYYY-MM-DD"),
        ("chapters/faq,2026-11-25,20261202,2027-12-01", "facts_checked", "YYYY-MM-DD"),
        ("chapters/faq,2026-11-25,2026-12-02,2027-02-30", "review_due", "not a calendar date"),
        ("chapters/faq,2026-11-25,2026-12-02,", "review_due", "empty"),
        ("chapters/faq,2026-12-05,2026-12-02,2027-12-01", "evidence_searched", "after"),
        ("chapters/faq,2026-11-25,2026-12-02,2026-12-02", "review_due", "not after"),
        ("chapters/faq,2026-11-25,2026-12-02,2026-11-30", "review_due", "not after"),
        ("chapters/faq,2026-11-25,2026-12-02,2029-12-03", "review_due", "more than 3 years"),
        ("chapters/nope,2026-11-25,2026-12-02,2027-12-01", "page", "not a page of _toc.yml"),
        ("chapters/faq.md,2026-11-25,2026-12-02,2027-12-01", "page", "not a page of _toc.yml"),
    ],
)
def test_bad_review_row_names_file_line_and_field(line, field_name, reason):
    with pytest.raises(DataError) as error:
        review_rows("chapters/glossary,2026-11-25,2026-12-02,2027-12-01", line)
    assert_names_line_3(error.value, "data/review.csv", field_name, reason)


def test_review_due_may_be_exactly_three_years_after_the_check():
    assert review_row("2026-11-25", "2026-12-02", "2029-12-02").review_due == date(2029, 12, 2)


def test_three_years_after_a_leap_day_is_the_28th_of_february():
    assert backmice_review.years_after(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert review_row("2028-02-01", "2028-02-29", "2031-02-28").review_due == date(2031, 2, 28)
    with pytest.raises(DataError, match="more than 3 years"):
        review_row("2028-02-01", "2028-02-29", "2031-03-01")


def test_a_page_with_two_rows_is_refused():
    with pytest.raises(DataError) as error:
        review_rows(
            "chapters/faq,2026-11-25,2026-12-02,2027-12-01",
            "chapters/faq,2026-11-25,2026-11-30,2027-12-01",
        )
    assert "data/review.csv, line 3, field 'page': page='chapters/faq' repeats line 2" in str(
        error.value
    )


def test_every_bad_review_row_is_reported_at_once():
    with pytest.raises(DataError) as error:
        review_rows(
            "chapters/nope,2026-11-25,2026-12-02,2027-12-01",
            "chapters/faq,2026-11-25,2026-12-02,2031-12-01",
        )
    lines = str(error.value).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        "data/review.csv, line 2, field 'page'",
        "data/review.csv, line 3, field 'review_due'",
    ]


def test_overdue_only_after_the_review_day():
    row = review_row("2026-11-25", "2026-12-02", "2027-12-01")
    assert not row.overdue(date(2027, 11, 30))
    assert not row.overdue(date(2027, 12, 1))
    assert row.overdue(date(2027, 12, 2))


# --- data/corrections.csv -------------------------------------------------------------


def test_corrections_file_loads_newest_first_with_known_pages():
    rows = backmice_corrections.load()
    assert rows
    assert [row.date for row in rows] == sorted((row.date for row in rows), reverse=True)
    pages = backmice_review.toc_pages()
    assert all(set(row.docnames) <= pages for row in rows)


def test_correction_row_is_typed():
    (row,) = correction_rows(
        "2026-12-02,chapters/faq; chapters/glossary,Changed a fact.,It was wrong.,fischer1993"
    )
    assert row.date == date(2026, 12, 2)
    assert row.docnames == ("chapters/faq", "chapters/glossary")
    assert row.source == ("fischer1993",)
    (bare,) = correction_rows("2026-12-02,chapters/faq,Changed a fact.,It was wrong.,")
    assert bare.source is None


@pytest.mark.parametrize(
    ("line", "field_name", "reason"),
    [
        ("2026-12-02,chapters/faq,A.,B.,nosuchkey2099", "source", "not in references.bib"),
        ("2026-12-02,chapters/faq,A.,B.,fischer1993;nosuchkey2099", "source", "nosuchkey2099"),
        ("2026-12-02,chapters/nope,A.,B.,", "pages", "not a page of _toc.yml"),
        ("2026-12-02,chapters/faq;chapters/nope,A.,B.,", "pages", "'chapters/nope'"),
        ("2026-12-02,chapters/faq;chapters/faq,A.,B.,", "pages", "names a page twice"),
        ("2026-12-02,;,A.,B.,", "pages", "names no page"),
        ("2 December 2026,chapters/faq,A.,B.,", "date", "YYYY-MM-DD"),
        ("2026-12-02,chapters/faq,,B.,", "change", "empty"),
        ("2026-12-02,chapters/faq,A.,,", "reason", "empty"),
    ],
)
def test_bad_correction_row_names_file_line_and_field(line, field_name, reason):
    with pytest.raises(DataError) as error:
        correction_rows("2026-12-01,chapters/faq,Good.,Good.,", line)
    assert_names_line_3(error.value, "data/corrections.csv", field_name, reason)


def test_the_same_correction_twice_is_refused():
    with pytest.raises(DataError, match=r"line 3, field 'change': .* repeats line 2"):
        correction_rows(
            "2026-12-02,chapters/faq,A fact.,Why.,",
            "2026-12-02,chapters/glossary,A fact.,Why.,",
        )


# --- tools/checkdata.py finds each file's loader ---------------------------------------


def test_checkdata_finds_figure_and_record_loaders():
    assert checkdata.data_loader(ROOT, "names") == ("widgets.names", "widgets/names.py")
    assert checkdata.data_loader(ROOT, "review") == ("backmice_review", "_ext/backmice_review.py")
    assert checkdata.data_loader(ROOT, "corrections") == (
        "backmice_corrections",
        "_ext/backmice_corrections.py",
    )


def test_checkdata_names_a_data_file_that_nothing_loads(tmp_path):
    orphan = tmp_path / "data" / "orphan.csv"
    orphan.parent.mkdir()
    orphan.write_text("a\n1\n", encoding="utf-8")
    assert checkdata.data_loader(tmp_path, "orphan") is None
    problem = checkdata.check_data_file(tmp_path, orphan)
    assert problem is not None and problem.startswith("data/orphan.csv: neither widgets/")


def test_checkdata_checks_both_record_files():
    names = [path.name for path in checkdata.data_files(ROOT)]
    assert {"review.csv", "corrections.csv"} <= set(names)
    assert checkdata.check_data(ROOT) == []


# --- the review box and "today" --------------------------------------------------------


def test_long_date_is_day_month_year():
    assert provenance.long_date(date(2026, 12, 2)) == "2 December 2026"


def test_build_today_is_the_setting_or_the_system_date():
    assert provenance.build_today("2030-01-31") == date(2030, 1, 31)
    assert provenance.build_today("") == date.today()
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        provenance.build_today("31/01/2030")


def test_a_bad_today_setting_stops_the_build_naming_it():
    with pytest.raises(ConfigError, match="backmice_today"):
        provenance.check_today(None, SimpleNamespace(backmice_today="tomorrow"))
    provenance.check_today(None, SimpleNamespace(backmice_today="2030-01-31"))


def test_review_box_shows_the_three_dates_and_no_note_before_the_review_day():
    row = review_row("2026-11-25", "2026-12-02", "2027-12-01")
    box = provenance.review_box(row, today=date(2027, 12, 1), about_uri="about.html#x")
    text = box.astext()
    for label, day in [
        ("Evidence searched up to", "25 November 2026"),
        ("Facts last checked", "2 December 2026"),
        ("Next review due", "1 December 2027"),
    ]:
        assert re.search(rf"{label}\s+{day}", text), text
    assert "Review overdue" not in text
    (link,) = box.findall(nodes.reference)
    assert link["refuri"] == "about.html#x"


def test_review_box_says_overdue_after_the_review_day():
    row = review_row("2026-11-25", "2026-12-02", "2027-12-01")
    box = provenance.review_box(row, today=date(2027, 12, 2))
    (note,) = [p for p in box.findall(nodes.paragraph) if "bm-review-overdue" in p["classes"]]
    assert note.astext().startswith("Review overdue.")
    assert "1 December 2027" in note.astext()
    assert box.children[0] is note, "the note comes first, above the dates"
    assert not list(box.findall(nodes.reference)), "no link without the about page"


def parsed(text: str) -> nodes.document:
    document = new_document("<test>", get_default_settings(Parser))
    Parser().parse(text, document)
    return document


def test_review_box_goes_right_under_the_title():
    doctree = parsed("Title\n=====\n\nFirst paragraph.\n")
    marker = nodes.container(classes=["marker"])
    provenance.insert_after_title(doctree, marker)
    section = next(iter(doctree.findall(nodes.section)))
    assert isinstance(section[0], nodes.title)
    assert section[1] is marker


# --- last updated from git -------------------------------------------------------------


def git(folder: Path, *args: str, when: str = "2024-05-06T12:00:00") -> None:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A git repository with two commits of page.md (2024-05-06, then 2025-01-02)."""
    folder = tmp_path / "book"
    folder.mkdir()
    git(folder, "init", "--quiet")
    page = folder / "page.md"
    page.write_text("one\n", encoding="utf-8")
    (folder / "other.md").write_text("other\n", encoding="utf-8")
    git(folder, "add", "page.md", "other.md")
    git(folder, "commit", "--quiet", "-m", "first")
    page.write_text("two\n", encoding="utf-8")
    git(folder, "commit", "--quiet", "-am", "second", when="2025-01-02T08:00:00")
    return folder


def test_git_date_is_the_last_commit_of_that_file(repo):
    assert provenance.git_date(repo / "page.md", repo) == date(2025, 1, 2)
    assert provenance.git_date(repo / "other.md", repo) == date(2024, 5, 6)


def test_git_date_is_none_for_a_file_never_committed(repo):
    (repo / "new.md").write_text("new\n", encoding="utf-8")
    assert provenance.git_date(repo / "new.md", repo) is None


def test_git_date_is_none_without_git(tmp_path):
    (tmp_path / "page.md").write_text("one\n", encoding="utf-8")
    assert not (tmp_path / ".git").exists()
    assert provenance.git_date(tmp_path / "page.md", tmp_path) is None


def test_git_date_ignores_a_repository_around_an_unpacked_archive(repo):
    """An archive unpacked inside some other repository has no history of its own."""
    book = repo / "unpacked"
    book.mkdir()
    (book / "page.md").write_text("one\n", encoding="utf-8")
    git(repo, "add", "unpacked/page.md")
    git(repo, "commit", "--quiet", "-m", "an outer commit")
    assert provenance.git_date(book / "page.md", book) is None


def page_app(srcdir: Path, repository_url: str = "") -> SimpleNamespace:
    """The parts of a Sphinx app the handlers read, for a book with one page, ``page``."""
    env = SimpleNamespace(
        found_docs={"page"},
        doc2path=lambda name: str(srcdir / f"{name}.md"),
        titles={"page": nodes.title(text="A page & its title")},
    )
    config = SimpleNamespace(html_theme_options={"repository_url": repository_url})
    return SimpleNamespace(env=env, srcdir=str(srcdir), config=config)


def footer_date(app: SimpleNamespace, pagename: str = "page") -> str | None:
    context = {"last_updated": "the build date"}
    provenance.set_last_updated(app, pagename, f"{pagename}.html", context, None)
    return context["last_updated"]


def test_footer_date_is_the_git_date_of_the_page(repo):
    app = page_app(repo)
    assert provenance.refresh_git_dates(app, app.env, set(), set(), set()) == []
    assert footer_date(app) == "2 January 2025"
    assert footer_date(app, "search") is None, "a page without a source has no date"


def test_a_commit_alone_makes_the_page_be_read_again_with_its_new_date(repo):
    app = page_app(repo)
    provenance.refresh_git_dates(app, app.env, set(), set(), set())
    (repo / "page.md").write_text("three\n", encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "third", when="2025-03-04T08:00:00")
    assert provenance.refresh_git_dates(app, app.env, set(), set(), set()) == ["page"]
    assert footer_date(app) == "4 March 2025"
    assert provenance.refresh_git_dates(app, app.env, set(), set(), set()) == []


def test_footer_date_is_left_out_without_git(tmp_path):
    (tmp_path / "page.md").write_text("one\n", encoding="utf-8")
    app = page_app(tmp_path)
    assert provenance.refresh_git_dates(app, app.env, set(), set(), set()) == []
    assert footer_date(app) is None


# --- report a problem ---------------------------------------------------------------


def test_report_url_opens_a_new_issue_naming_the_page():
    url = provenance.report_url("https://github.com/o/r/", "Treatments", "chapters/04-treatments")
    assert url is not None
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://github.com/o/r/issues/new"
    query = parse_qs(parts.query)
    assert query["title"] == ["Problem on the page: Treatments"]
    assert "Page: Treatments (chapters/04-treatments)" in query["body"][0]


@pytest.mark.parametrize("empty", ["", "   "])
def test_no_report_url_without_a_repository(empty):
    assert provenance.report_url(empty, "Treatments", "chapters/04-treatments") is None


def test_report_link_ends_the_page_when_a_repository_is_set(tmp_path):
    doctree = parsed("Title\n=====\n\nText.\n")
    provenance.add_report_link(page_app(tmp_path, "https://github.com/o/r"), doctree, "page")
    section = next(iter(doctree.findall(nodes.section)))
    last = section[-1]
    assert "bm-report" in last["classes"]
    (link,) = last.findall(nodes.reference)
    assert link.astext() == "Report a problem with this page"
    query = parse_qs(urlsplit(link["refuri"]).query)
    assert query["title"] == ["Problem on the page: A page & its title"]


def test_no_report_link_without_a_repository(tmp_path):
    doctree = parsed("Title\n=====\n\nText.\n")
    before = doctree.pformat()
    provenance.add_report_link(page_app(tmp_path, ""), doctree, "page")
    assert doctree.pformat() == before


# --- the corrections list -------------------------------------------------------------


def test_correction_markdown_has_date_pages_change_citation_and_reason():
    (row,) = correction_rows(
        "2026-12-02,chapters/faq;chapters/04-treatments,A fact changed.,It was wrong.,"
        "fischer1993;bicket2016"
    )
    text = provenance.correction_markdown(row)
    term, definition = text.split("\n", 1)
    assert term == "2 December 2026: {doc}`/chapters/faq`, {doc}`/chapters/04-treatments`"
    assert ": **What changed.** A fact changed {cite:p}`fischer1993,bicket2016`." in definition
    assert "  **Why.** It was wrong." in definition


def test_correction_text_is_literal_not_markup():
    (row,) = correction_rows("2026-12-02,chapters/faq,3*4 costs $5 <b> {x}`y`,Why_not [a](b).,")
    text = provenance.correction_markdown(row)
    assert r"3\*4 costs \$5 \<b\> \{x\}\`y\`" in text
    assert r"Why\_not \[a\](b)." in text


def test_no_corrections_says_so():
    assert "No correction" in provenance.corrections_markdown([])


# --- the built book -----------------------------------------------------------------


def page_html(book_html: Path, docname: str) -> str:
    return (book_html / f"{docname}.html").read_text(encoding="utf-8")


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities and quotes made plain."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    text = text.translate(str.maketrans("‘’“”", "''\"\""))
    return " ".join(text.split())


def review_box_html(page: str) -> str | None:
    match = re.search(r'<div class="bm-review docutils container">.*?</dl>', page, re.DOTALL)
    return match.group(0) if match else None


@pytest.mark.parametrize("docname", REVIEWED)
def test_built_page_shows_its_review_dates_under_the_title(book_html, docname):
    row = backmice_review.by_page(backmice_review.load())[docname]
    page = page_html(book_html, docname)
    box = review_box_html(page)
    assert box is not None, f"{docname}: no review dates"
    assert page.index("</h1>") < page.index('class="bm-review ')
    text = text_of(box)
    for name, label in provenance.DATE_LABELS:
        day = provenance.long_date(getattr(row, name))
        assert re.search(rf"{label}\s*:\s*{day}", text), text
    assert ("Review overdue" in text) == row.overdue(date.today())


def test_pages_without_a_review_row_have_no_dates(book_html):
    for docname in ("intro", "chapters/bibliography", "chapters/about"):
        assert review_box_html(page_html(book_html, docname)) is None, docname


def git_date_before(source: Path, when: float) -> str | None:
    """The day of the last commit of ``source`` made before the time ``when``."""
    result = subprocess.run(
        ["git", "log", "-1", "--format=%cs", f"--before=@{int(when)}", "--", str(source)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    day = result.stdout.strip()
    return provenance.long_date(date.fromisoformat(day)) if day else None


def test_built_footer_dates_come_from_git(book_html):
    """Each page shows the date of its source's last commit before the page was written.

    (A page built before a commit keeps the older date until it is written again.)
    """
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: test_archive_build_* covers a copy without .git")
    for docname in ["intro", "chapters/about", "chapters/corrections", *REVIEWED]:
        written = (book_html / f"{docname}.html").stat().st_mtime
        expected = git_date_before(ROOT / f"{docname}.md", written)
        footer = re.search(r"Last updated on ([^.<]+)\.", page_html(book_html, docname))
        assert (footer.group(1) if footer else None) == expected, docname


def test_built_pages_have_a_report_link_exactly_when_the_repository_is_set(book_html):
    """No link while repository.url is empty; a fork that sets it gets one on every page."""
    url = notebooks.repository()[0].strip().rstrip("/")
    for docname in ["intro", *REVIEWED]:
        page = page_html(book_html, docname)
        if url:
            assert 'class="bm-report"' in page, docname
            assert f'href="{url}/issues/new?' in page, docname
        else:
            assert "bm-report" not in page, docname


def test_corrections_page_lists_every_correction(book_html):
    page = page_html(book_html, "chapters/corrections")
    listing = page.split('class="bm-corrections', 1)[1].split("</dl>", 1)[0]
    entries = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", listing, re.DOTALL)
    rows = backmice_corrections.load()
    assert len(entries) == len(rows)
    for (term, definition), row in zip(entries, rows, strict=True):
        assert text_of(term).startswith(provenance.long_date(row.date) + ":")
        for docname in row.docnames:
            assert f'href="{os.path.relpath(f"{docname}.html", "chapters")}"' in term
        text = text_of(definition)
        assert text_of(row.change).removesuffix(".") in text
        assert f"Why. {text_of(row.reason)}" in text
        assert definition.count('class="bibtex-citation"') == (1 if row.source else 0)


def test_about_and_corrections_are_in_the_reference_part():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    order = [line.split("file: ")[1] for line in toc.splitlines() if "file: " in line]
    assert order.index("chapters/about") + 1 == order.index("chapters/corrections")
    assert order.index("chapters/faq") < order.index("chapters/about")


# --- a copy without .git, built after every review date ---------------------------------

NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "_build", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"
)
LATER = "2100-01-01"


@pytest.fixture(scope="module")
def archive_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book copied as a downloaded archive has it (no .git), built as if on LATER."""
    cache, dist = ROOT / "_build" / ".jupyter_cache", ROOT / "_build" / "dist"
    if not cache.is_dir() or not dist.is_dir():
        pytest.fail("No execution cache or wheel: run `make book` (or `make test`) first.")
    copy = tmp_path_factory.mktemp("archive") / "book"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    shutil.copytree(cache, copy / "_build" / ".jupyter_cache")
    shutil.copytree(dist, copy / "_build" / "dist")
    config = copy / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert 'backmice_today: ""' in text
    config.write_text(text.replace('backmice_today: ""', f'backmice_today: "{LATER}"'), "utf-8")
    command = [str(JUPYTER_BOOK), "build", str(copy), "--builder", "html"]
    result = subprocess.run(
        [*command, "-n", "-W", "--keep-going"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return copy / "_build" / "html"


def test_archive_build_shows_overdue_notes_and_no_footer_date(archive_build):
    for docname in REVIEWED:
        page = page_html(archive_build, docname)
        box = review_box_html(page)
        assert box is not None, docname
        assert "Review overdue." in text_of(box), docname
    pages = [path for path in archive_build.rglob("*.html") if "lite" not in path.parts]
    assert len(pages) > len(REVIEWED)
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert "Last updated on" not in page, path
        assert "docbuild:last-update" not in page, path
