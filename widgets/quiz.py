"""A chapter's self-check questions from the bank (:mod:`widgets.questions`), graded for the reader.

``quiz("1")`` (or ``quiz("01-terminology")``, or ``quiz("cases")`` for the staged
cases) is a :class:`Quiz` of that chapter's questions. In the book build
(``BACKMICE_BOOK=1``, :func:`widgets.render.in_book_build`) it shows as ``text/html``:
a ``<section class="bm-quiz">`` with, per question, a root element carrying
``data-question-id``, the choices as radio buttons or checkboxes in a ``fieldset`` whose
``legend`` is the stem (a numeric answer: a text box with a visible label and unit), a
*Check* button, a feedback region (``aria-live="polite"``) and, hidden until checked,
the explanation and its citations, linked to the bibliography page. The per-choice
feedback and the answers are JSON for the page script ``_static/backmice-questions.js``,
which grades in the page, with no network; they are not secret, as the questions are
for self-study. Anywhere else (a notebook, Live) the quiz shows as ipywidgets
(:func:`widgets.live.quiz_app`).
"""

from __future__ import annotations

import html
import re
from typing import Any

from . import questions
from .data import citation
from .objectives import NAMED, Chapter
from .render import in_book_build, script_json

#: The bibliography page's stable anchor of a citation key (``_ext/backmice_citations.py``).
BIB_ANCHOR = "bib-{key}"
#: The bibliography page, relative to a chapter page.
BIB_PAGE = "../chapters/bibliography.html"
#: What a printed quiz says in place of its Check buttons (shown by the print styles only).
PRINT_NOTE = (
    "The answers are in the answer key at the end of the book's PDF, and in the "
    "instructors' printable answer keys."
)
_CHAPTER = re.compile(r"0?([1-9])(?:-[a-z0-9-]+)?")


def chapter_of(name: str) -> Chapter | None:
    """The chapter that ``name`` names ("1", "01-terminology", "cases"), or None."""
    if name in NAMED:
        return name
    match = _CHAPTER.fullmatch(name)
    return int(match[1]) if match else None


class Quiz:
    """The questions of one chapter, in the bank's order."""

    def __init__(self, chapter: Chapter, items: list[questions.Question]) -> None:
        self.chapter, self.questions = chapter, tuple(items)

    def to_book_html(self) -> str:
        """The quiz as the static page shows it (graded by the page script)."""
        answers = {q.id: answer_spec(q) for q in self.questions}
        data = script_json(answers)
        items = "".join(question_html(q, f"{n}.") for n, q in enumerate(self.questions, 1))
        return (
            f'<section class="bm-quiz" data-chapter="{self.chapter}" '
            f'aria-label="Self-check questions, chapter {self.chapter}">'
            f'<p class="bm-quiz-intro">Answer, then press <strong>Check</strong>. Your answers '
            "stay in this browser only.</p>"
            f'<p class="bm-print-note">{PRINT_NOTE}</p>'
            f'<ol class="bm-questions">{items}</ol>'
            '<p class="bm-quiz-bar"><span class="bm-score" aria-live="polite">'
            f"Score: 0 of {len(self.questions)} right.</span> "
            '<button type="button" class="bm-reset">Reset this chapter\'s answers</button></p>'
            f'<script type="application/json" class="bm-quiz-data">{data}</script></section>'
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Book build: the HTML; else a plain-text list of the stems."""
        text = "\n".join(f"{n}. {q.stem}" for n, q in enumerate(self.questions, 1))
        if in_book_build():
            return {"text/html": self.to_book_html(), "text/plain": text}
        return {"text/plain": text}

    def _ipython_display_(self) -> None:
        """Book build: the HTML. Elsewhere: the ipywidgets quiz of :mod:`widgets.live`."""
        from IPython.display import display

        if in_book_build():
            display(self._repr_mimebundle_(), raw=True)
        else:
            from .live import quiz_app

            display(quiz_app(self.questions))


def quiz(chapter: str) -> Quiz:
    """The self-check quiz of ``chapter``: "1", "01-terminology", or a name ("cases")."""
    bank = questions.bank()
    wanted = chapter_of(str(chapter))
    items = [q for q in bank if q.chapter == wanted]
    if not items:
        known = sorted({q.chapter for q in bank}, key=str)
        raise ValueError(f"argument 'chapter' must name one of chapters {known}, got {chapter!r}")
    return Quiz(wanted, items)


def answer_spec(question: questions.Question) -> dict[str, Any]:
    """What the page script grades with: the type, answer(s) and per-choice feedback."""
    if question.type == "numeric":
        return {"type": "numeric", "answer": question.answer, "tolerance": question.tolerance}
    return {
        "type": question.type,
        "correct": [i for i, c in enumerate(question.choices) if c.correct],
        "feedback": [c.feedback for c in question.choices],
    }


def question_html(q: questions.Question, number: str = "", hidden: bool = False) -> str:
    """One question: its fieldset, Check button, feedback region and hidden explanation.

    ``number`` (such as ``"3."``) starts the question's legend, when given; ``hidden``
    hides the whole question until a page script shows it (the review page's questions
    that are not due, :mod:`widgets.spaced`).
    """
    e, qid = html.escape, html.escape(q.id)
    mark = f'<span class="bm-num">{e(number)}</span> ' if number else ""
    if q.type == "numeric":
        unit = e(q.unit or "")
        field = (
            f'<label for="{qid}-answer">Your answer, in {unit}</label> '
            f'<input type="text" inputmode="decimal" autocomplete="off" id="{qid}-answer" '
            f'name="{qid}" size="8"> <span class="bm-unit" aria-hidden="true">{unit}</span>'
        )
    else:
        kind = "radio" if q.type == "single" else "checkbox"
        field = "".join(
            f'<label class="bm-choice"><input type="{kind}" name="{qid}" value="{i}"> '
            f"<span>{e(c.text)}</span></label>"
            for i, c in enumerate(q.choices)
        )
    links = "; ".join(
        f'<a href="{BIB_PAGE}#{BIB_ANCHOR.format(key=k)}">{e(citation(k))}</a>' for k in q.source
    )
    return (
        f'<li class="bm-q" data-question-id="{qid}" data-type="{q.type}"'
        f"{' hidden' if hidden else ''}>"
        f"<fieldset><legend>{mark}{e(q.stem)}</legend>"
        f'{field}</fieldset><button type="button" class="bm-check">Check</button>'
        '<div class="bm-feedback" aria-live="polite"></div>'
        f'<div class="bm-explain" hidden><p>{e(q.explanation)}</p>'
        f'<p class="bm-sources">Sources: {links}.</p></div></li>'
    )
