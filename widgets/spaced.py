"""Spaced review: the bank's questions (:mod:`widgets.questions`) that are due, in one page.

``review_deck()`` is a :class:`ReviewDeck` of every bank question, whatever its chapter
(a number, or a name such as ``"cases"``). In the book build it shows as ``text/html``: a
``<section class="bm-spaced">`` holding each question as a chapter's quiz does
(:func:`widgets.quiz.question_html`, labelled with its chapter), all hidden; a status line
(``aria-live``); and the tools to *Export*, *Import* and *Reset* the reader's review
history. The page script ``_static/backmice-spaced.js`` schedules each question with FSRS
(ts-fsrs, served by the book) from the reader's own answers in any chapter (the log that
``_static/backmice-questions.js`` keeps), and shows the questions that are due. Nothing
leaves the browser.

Outside the book build (a notebook, Live) the deck shows as plain text that says so:
the review needs the page's browser storage.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import questions
from .objectives import chapter_title
from .quiz import answer_spec, question_html
from .render import in_book_build, script_json

#: The shape of an exported review file, read back by Import (backmice-spaced.js).
EXPORT_FORMAT, EXPORT_VERSION = "backmice-review", 1

_TOOLS = (
    '<div class="bm-spaced-tools" role="group" aria-labelledby="bm-spaced-tools-title">'
    '<p id="bm-spaced-tools-title" class="bm-spaced-tools-title"><strong>Your review '
    "history</strong> (kept in this browser only)</p>"
    '<p class="bm-spaced-buttons"><button type="button" class="bm-spaced-export">'
    "Export to a file</button> "
    '<label class="bm-spaced-import-label" for="bm-spaced-import">Import from a file: '
    '<input type="file" id="bm-spaced-import" class="bm-spaced-import" '
    'accept=".json,application/json"></label> '
    '<button type="button" class="bm-spaced-reset">Reset: clear every answer and the '
    "history</button></p>"
    '<p class="bm-spaced-message" aria-live="polite"></p></div>'
)


class ReviewDeck:
    """Every question the review page can ask, in the bank's order."""

    def __init__(self, items: Iterable[questions.Question]) -> None:
        self.questions = tuple(items)

    def to_book_html(self) -> str:
        """The deck as the static page shows it (scheduled and graded by the page scripts)."""
        answers = script_json({q.id: answer_spec(q) for q in self.questions})
        items = "".join(
            question_html(q, f"{chapter_title(q.chapter)}:", hidden=True) for q in self.questions
        )
        return (
            '<section class="bm-spaced" aria-label="Spaced review">'
            '<p class="bm-spaced-status" aria-live="polite">The review needs JavaScript, '
            "which is off or still loading.</p>"
            f'<ol class="bm-questions">{items}</ol>{_TOOLS}'
            f'<script type="application/json" class="bm-quiz-data">{answers}</script></section>'
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Book build: the HTML; else a plain-text note that the review runs in the page."""
        text = (
            f"Spaced review of {len(self.questions)} questions. It runs in the book's web "
            "page, which keeps your answers in the browser; in a notebook, use "
            "quiz.quiz(chapter) instead."
        )
        if in_book_build():
            return {"text/html": self.to_book_html(), "text/plain": text}
        return {"text/plain": text}


def review_deck(chapters: Iterable[int | str] | None = None) -> ReviewDeck:
    """The review deck of the bank's questions; of ``chapters`` only when given.

    ``chapters`` lists chapter numbers or names as the bank writes them (``[1, "cases"]``).
    """
    bank = questions.bank()
    if chapters is None:
        return ReviewDeck(bank)
    known = {str(q.chapter) for q in bank}
    wanted = {str(c) for c in ([chapters] if isinstance(chapters, (str, int)) else chapters)}
    if not wanted or not wanted <= known:
        raise ValueError(
            f"argument 'chapters' must list some of the bank's chapters {sorted(known)}, "
            f"got {chapters!r}"
        )
    return ReviewDeck(q for q in bank if str(q.chapter) in wanted)
