"""The review dates of the book's pages: one row of ``data/review.csv`` per page.

Each row says, for one page of ``_toc.yml``, up to when the evidence was searched,
when its facts were last checked and when the next review is due. The dates are
the authors' record of their own work, never the build date; ``backmice_provenance``
shows them at the top of the page. The rules, checked as the file is read (errors
name file, line and field, like every data file of the book):

* every date is a calendar date written ``YYYY-MM-DD``;
* ``evidence_searched <= facts_checked < review_due``;
* ``review_due`` is at most :data:`MAX_CYCLE_YEARS` years after ``facts_checked``
  (the longest review cycle of NHS and HSE health content);
* the page is listed in ``_toc.yml``, and no page has two rows.

Like the figures' data, ``tools/checkdata.py`` runs :func:`load` before every build.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

from tools.browser import toc_docnames
from widgets.data import Model, load_rows, require, row_model

#: The book's source folder (this module lives in ``_ext/``).
ROOT = Path(__file__).resolve().parent.parent
#: The longest time from a check of the facts to the next review.
MAX_CYCLE_YEARS = 3


@functools.cache
def toc_pages(root: Path = ROOT) -> frozenset[str]:
    """Every page of ``root/_toc.yml`` as a docname such as ``chapters/faq``."""
    return frozenset(str(Path(page).with_suffix("")) for page in toc_docnames(root))


def check_page(page: str, name: str) -> None:
    """Raise a row error for field ``name`` unless ``page`` is in the table of contents."""
    require(
        page in toc_pages(),
        name,
        f"{page!r} is not a page of _toc.yml (write it as there, e.g. 'chapters/faq')",
    )


def years_after(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@row_model
class ReviewRow(Model):
    """The three review dates of one page."""

    UNIQUE = ("page",)

    page: str
    evidence_searched: date
    facts_checked: date
    review_due: date

    def check(self) -> None:
        """The page exists; searched <= checked < due <= checked + 3 years."""
        check_page(self.page, "page")
        require(
            self.evidence_searched <= self.facts_checked,
            "evidence_searched",
            f"{self.evidence_searched} is after facts_checked {self.facts_checked} "
            "(the evidence is searched before the facts are checked against it)",
        )
        require(
            self.facts_checked < self.review_due,
            "review_due",
            f"{self.review_due} is not after facts_checked {self.facts_checked}",
        )
        latest = years_after(self.facts_checked, MAX_CYCLE_YEARS)
        require(
            self.review_due <= latest,
            "review_due",
            f"{self.review_due} is more than {MAX_CYCLE_YEARS} years after facts_checked "
            f"{self.facts_checked} (at the latest {latest})",
        )

    def overdue(self, today: date) -> bool:
        """Whether the next review is past on ``today`` (the due day itself is not)."""
        return today > self.review_due


def load(directory: Path | None = None) -> list[ReviewRow]:
    """The validated rows of ``data/review.csv``, in file order."""
    return load_rows("review", ReviewRow, directory or ROOT / "data")


def by_page(rows: list[ReviewRow]) -> dict[str, ReviewRow]:
    """The rows keyed by their page."""
    return {row.page: row for row in rows}
