"""The staged clinical cases (``chapters/cases.md``): a bank question before each stage.

Each case on the page is a ``##`` section whose stages are ``###`` sections; the last
thing in every stage but the last is a one-line code cell, ``cases.gate("cases-q-…")``,
that asks one question of the bank (:mod:`widgets.questions`, ``chapter: cases``).

In the book build (``BACKMICE_BOOK=1``) a :class:`Gate` shows as ``text/html``: a
one-question quiz, ``<section class="bm-quiz bm-gate">``, rendered as the chapter
quizzes render each question (:func:`widgets.quiz.question_html`) and graded by the
same page script, ``_static/backmice-questions.js``; a gate keeps no score and has no
Reset button of its own (``data-chapter="cases"``). The page script
``_static/backmice-cases.js`` keeps each later stage of a case closed until the gate
before it has a graded answer (any answer, right or wrong), and opens again on reload
the stages whose gates were answered. Without JavaScript every stage shows. Anywhere
else (a notebook, Live) a gate shows as the ipywidgets quiz of one question
(:func:`widgets.live.quiz_app`), and every stage is there to read.
"""

from __future__ import annotations

import html
from typing import Any

from . import questions
from .quiz import answer_spec, question_html
from .render import in_book_build, script_json

#: The chapter of the bank that holds the cases' questions.
CHAPTER = "cases"


class Gate:
    """The question a reader answers before the next stage of a case opens."""

    def __init__(self, question: questions.Question) -> None:
        self.question = question

    def to_book_html(self) -> str:
        """The gate as the static page shows it (graded by the quiz script)."""
        q, e = self.question, html.escape
        data = script_json({q.id: answer_spec(q)})
        return (
            f'<section class="bm-quiz bm-gate" data-chapter="{e(str(q.chapter))}" '
            'aria-label="Question before the next stage">'
            '<p class="bm-quiz-intro"><strong>Your call.</strong> Answer, then press '
            "<strong>Check</strong>; any answer opens the next stage. Your answers stay in "
            "this browser only.</p>"
            f'<ol class="bm-questions">{question_html(q)}</ol>'
            f'<script type="application/json" class="bm-quiz-data">{data}</script></section>'
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Book build: the HTML; else the stem as plain text."""
        if in_book_build():
            return {"text/html": self.to_book_html(), "text/plain": self.question.stem}
        return {"text/plain": self.question.stem}

    def _ipython_display_(self) -> None:
        """Book build: the HTML. Elsewhere: the ipywidgets quiz of this one question."""
        from IPython.display import display

        if in_book_build():
            display(self._repr_mimebundle_(), raw=True)
        else:
            from .live import quiz_app

            display(quiz_app([self.question]))


def gate(question_id: str) -> Gate:
    """The gate that asks bank question ``question_id`` (a ``cases-q-…`` id)."""
    found = {q.id: q for q in questions.bank() if q.chapter == CHAPTER}
    if question_id not in found:
        raise ValueError(
            f"argument 'question_id' must be the id of a question of chapter {CHAPTER!r} "
            f"in data/questions.yaml (such as {min(found, default='cases-q-…')!r}), "
            f"got {question_id!r}"
        )
    return Gate(found[question_id])
