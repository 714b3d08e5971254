"""The corrections to facts in the book: one row of ``data/corrections.csv`` each.

A row says when a fact was corrected, on which pages (``;`` between them, each a
page of ``_toc.yml``), what changed, why, and, where it applies, the
``references.bib`` keys the corrected text rests on (empty when none is recorded).
Errors name file, line and field, like every data file of the book;
``tools/checkdata.py`` runs :func:`load` before every build, and the
``corrections`` directive of ``backmice_provenance`` lists the rows on the
corrections page, newest first.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from backmice_review import ROOT, check_page

from widgets.data import Cites, Model, load_rows, require, row_model


@row_model
class CorrectionRow(Model):
    """One correction to a fact, on one or more pages."""

    UNIQUE = ("date", "change")

    date: datetime.date
    pages: str
    change: str
    reason: str
    source: Cites | None

    @property
    def docnames(self) -> tuple[str, ...]:
        """The corrected pages, as docnames such as ``chapters/faq``."""
        return tuple(page.strip() for page in self.pages.split(";") if page.strip())

    def check(self) -> None:
        """Every page exists, none twice."""
        require(bool(self.docnames), "pages", "names no page")
        for page in self.docnames:
            check_page(page, "pages")
        require(len(set(self.docnames)) == len(self.docnames), "pages", "names a page twice")


def load(directory: Path | None = None) -> list[CorrectionRow]:
    """The validated rows of ``data/corrections.csv``, newest first (file order within a day)."""
    rows = load_rows("corrections", CorrectionRow, directory or ROOT / "data")
    return sorted(rows, key=lambda row: row.date, reverse=True)
